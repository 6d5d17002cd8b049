"""The org chart as PowerPoint and SVG on the web: links beside the PDF's, the PDF's
visibility (404 for what the user may not see, no hidden name in any byte of the file), big
charts through a job."""

import datetime

import pytest
from django.urls import reverse

from orgreg.models import Job
from tests import factories
from tests.pdf import chart_files as cf
from units import services, tasks
from units.models import Unit

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"


@pytest.fixture
def draft(editor, organisation):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"},
                                            organisation=organisation, name="Hemmeligt udkast",
                                            effective_date=datetime.date(2026, 1, 1))
    return structure


def _get(client, user, name, structure, **query):
    client.force_login(user)
    return client.get(reverse(name, args=[structure.pk]), query)


@pytest.mark.parametrize("name", ["units:structure-pptx", "units:structure-svg"])
@pytest.mark.parametrize("who,status_code", [("editor", 200), ("med_member", 404),
                                             ("manager", 404), ("reader", 404)])
def test_draft_files_only_for_editors(client, request, draft, name, who, status_code):
    response = _get(client, request.getfixturevalue(who), name, draft)
    assert response.status_code == status_code
    if status_code == 200:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Cache-Control"] == "private, no-store"
    else:
        assert b"Hemmeligt" not in response.content


def test_login_required(client, small):
    structure, _ = small
    assert client.get(reverse("units:structure-pptx", args=[structure.pk])).status_code == 302


@pytest.mark.parametrize("who,status_code", [("med_member", 200), ("manager", 404)])
def test_consultation_files_for_med_members(client, request, draft, editor, who, status_code):
    services.set_status(draft, "consultation", user=editor)
    response = _get(client, request.getfixturevalue(who), "units:structure-svg", draft)
    assert response.status_code == status_code


def test_published_copy_of_a_hidden_draft_names_nothing_of_it(client, editor, reader, draft):
    """A reader's PowerPoint and SVG of a published structure based on a draft: no badges
    (they would describe the draft) and the draft's name in no part of the file."""
    copy = services.copy_structure(draft, name="Udmeldt 2026", user=editor,
                                   effective_date=datetime.date(2026, 2, 1))
    services.update_unit(Unit.objects.get(tree_id=copy.pk, code="A"), user=editor,
                         name="Afdeling A og B")
    copy = services.set_status(copy, "published", user=editor)
    pptx = _get(client, reader, "units:structure-pptx", copy)
    svg = _get(client, reader, "units:structure-svg", copy)
    assert pptx.status_code == svg.status_code == 200
    assert pptx["Content-Type"] == PPTX and svg["Content-Type"] == "image/svg+xml"
    for part in cf.pptx_parts(pptx.content).values():
        assert b"Hemmeligt" not in part
    assert b"Hemmeligt" not in svg.content
    assert "Udmeldt 2026" in cf.svg_text(cf.svg_root(svg.content))
    assert b"Omd\xc3\xb8bt" not in svg.content and b'class="badge"' not in svg.content
    # An editor, who may see the draft, gets the badges against it.
    editors = _get(client, editor, "units:structure-svg", copy)
    assert "Mærker viser ændringer i forhold til Hemmeligt udkast" in cf.svg_text(
        cf.svg_root(editors.content))


def test_subtree_and_options_as_for_the_pdf(client, reader, small):
    structure, units = small
    response = _get(client, reader, "units:structure-pptx", structure,
                    unit=str(units["A"].pk), size="A3", orientation="portrait")
    presentation = cf.deck(response.content)
    names = {b.texts[0] for b in cf.slide_boxes(presentation.slides[0]).values()}
    assert names == {"Afdeling A", "Team A1", "Team A2"}
    assert presentation.slide_width == 297 * 36000 and presentation.slide_height == 420 * 36000
    assert "organisationsdiagram-" in response["Content-Disposition"]
    assert ".pptx" in response["Content-Disposition"]


def test_bad_options_get_a_danish_400(client, reader, small):
    structure, _ = small
    response = _get(client, reader, "units:structure-svg", structure, size="A0", depth="x")
    assert response.status_code == 400
    assert "A4 eller A3" in response.content.decode()


def test_links_beside_the_pdf_links(client, reader, small):
    structure, units = small
    client.force_login(reader)
    page = client.get(reverse("units:structure-detail", args=[structure.pk])).content.decode()
    assert reverse("units:structure-pptx", args=[structure.pk]) in page
    assert reverse("units:structure-svg", args=[structure.pk]) in page
    unit_page = client.get(units["A"].get_absolute_url()).content.decode()
    assert f"{reverse('units:structure-pptx', args=[structure.pk])}?unit={units['A'].pk}" \
        in unit_page


@pytest.mark.parametrize("fmt,content_type", [("pptx", PPTX), ("svg", "image/svg+xml")])
def test_big_chart_goes_through_a_job(client, reader, small, settings, fmt, content_type):
    settings.ORGREG_PDF_INLINE_MAX_UNITS = 3
    structure, _ = small
    response = _get(client, reader, f"units:structure-{fmt}", structure, depth="1")
    assert response.status_code == 302
    job = Job.objects.latest("pk")
    assert job.kind == tasks.CHART_FILES[fmt] and job.state == Job.State.DONE
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    page = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Organisationsdiagram" in page
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download["Content-Type"] == content_type
    assert "attachment" in download["Content-Disposition"]
    data = b"".join(download.streaming_content)
    if fmt == "pptx":
        names = {b.texts[0] for b in cf.slide_boxes(cf.deck(data).slides[0]).values()}
    else:
        names = {b.lines[0] for b in cf.svg_boxes(cf.svg_root(data))}
    assert "Afdeling A" in names and "Team A1" not in names
    # Another user cannot fetch it.
    other = factories.make_user("andenlaeser", "Læser")
    client.force_login(other)
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404
