"""PDF views: the same visibility as the pages, Danish refusals, links on the pages."""

import datetime
import io
import zipfile

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests import factories
from units import services
from units.models import Structure


def login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def draft(editor, organisation):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"},
                                                organisation=organisation, name="Hemmeligt udkast",
                                                effective_date=datetime.date(2026, 1, 1))
    return structure


def test_login_required(client, small):
    structure, _ = small
    response = client.get(reverse("units:structure-pdf", args=[structure.pk]))
    assert response.status_code == 302


@pytest.mark.parametrize("who,status_code", [("editor", 200), ("med_member", 404),
                                             ("manager", 404), ("reader", 404)])
def test_draft_pdf_only_for_editors(client, request, draft, who, status_code):
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("units:structure-pdf", args=[draft.pk]))
    assert response.status_code == status_code
    if status_code == 200:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")
    else:
        assert b"Hemmeligt" not in response.content


@pytest.mark.parametrize("who,status_code", [("med_member", 200), ("manager", 404)])
def test_consultation_pdf_for_med_members(client, request, draft, editor, who, status_code):
    services.set_status(draft, "consultation", user=editor)
    login(client, request.getfixturevalue(who))
    response = client.get(reverse("units:structure-pdf", args=[draft.pk]))
    assert response.status_code == status_code


def test_confidential_published_hidden_from_reader(client, editor, reader, small):
    structure, _ = small
    services.update_structure(structure, user=editor,
                              confidential_until=timezone.localdate() + datetime.timedelta(9))
    login(client, reader)
    assert client.get(reverse("units:structure-pdf", args=[structure.pk])).status_code == 404


def test_published_pdf_for_reader_with_options(client, reader, small, read_pdf):
    structure, units = small
    login(client, reader)
    url = reverse("units:structure-pdf", args=[structure.pk])
    response = client.get(url, {"size": "A3", "orientation": "portrait", "depth": "1",
                                "header": "Bilag til HovedMED", "download": "1"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    text = read_pdf(response.content)[0]
    assert "Bilag til HovedMED" in text and "Team A1" not in text


def test_bad_options_get_a_danish_400(client, reader, small):
    structure, _ = small
    login(client, reader)
    response = client.get(reverse("units:structure-pdf", args=[structure.pk]), {"size": "A5"})
    assert response.status_code == 400
    assert "Papirstørrelsen skal være A4 eller A3." in response.content.decode()


def test_history_print_of_draft_days_is_404_for_reader(client, editor, reader, draft):
    at = timezone.now()
    services.set_status(draft, "published", user=editor)
    login(client, reader)
    url = reverse("units:structure-pdf", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"at": at.isoformat()}).status_code == 404


def test_chart_view_queries_do_not_grow_with_the_tree(client, editor, organisation):
    small_structure, _ = factories.make_structure(editor, factories.wide_spec(10),
                                                  organisation=organisation, name="Lille")
    big_structure, _ = factories.make_structure(editor, factories.wide_spec(80),
                                                organisation=organisation, name="Stor")
    login(client, editor)
    counts = []
    for structure in (small_structure, big_structure):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("units:structure-pdf", args=[structure.pk]))
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_compare_pdf_visibility(client, reorg, editor, manager, read_pdf):
    old, new, _ = reorg
    url = reverse("units:compare-pdf", args=[old.pk, new.pk])
    login(client, manager)
    assert client.get(url).status_code == 404  # the new structure is a draft
    login(client, editor)
    response = client.get(url)
    text = read_pdf(response.content)[0]
    assert "Sammenligning af organiseringer" in text
    assert "Afdeling C Vest" in text and "60 %" in text
    response = client.get(url, {"changed": "1"})
    text = "\n".join(read_pdf(response.content))
    assert "kun ændrede" in text


def test_compare_pdf_counts(reorg, editor, read_pdf):
    from units import printing

    old, new, _ = reorg
    text = read_pdf(printing.compare_pdf(old, new, editor))[0]
    head = text.split("Fra gammel til ny enhed")[0]
    # The old structure's units first, then the new one's (the new units).
    labels = ["Nedlagt", "Sammenlagt", "Delt", "Flyttet", "Omdøbt", "Uændret", "Ny"]
    header_line = next(line for line in head.splitlines() if "Sammenlagt" in line)
    assert [w for w in header_line.split() if w in labels] == labels
    numbers_line = next(line for line in head.splitlines() if line.split()[:1] == ["Antal"])
    # The rows are counted: Team A1 and Team A2 are both merged (into Team A).
    assert numbers_line.split()[1:8] == ["1", "2", "1", "1", "1", "1", "1"]
    assert "enheder i den gamle organisering" in head and "enheder i den nye" in head


@pytest.fixture
def decided(reorg, editor):
    old, new, old_units = reorg
    services.set_status(new, "approved", user=editor)
    services.set_status(new, "published", user=editor)
    return old, Structure.objects.get(pk=new.pk), old_units


def test_manager_gets_the_notice_of_their_unit(client, decided, manager, read_pdf):
    old, new, old_units = decided
    login(client, manager)
    response = client.get(reverse("units:unit-notice-pdf", args=[old_units["B1"].pk]))
    assert response.status_code == 200
    text = read_pdf(response.content)[0]
    assert "Team B1" in text and "Testkommune › Center A" in text


def test_no_notice_while_the_new_structure_is_a_draft(client, reorg, manager):
    old, new, old_units = reorg
    login(client, manager)
    response = client.get(reverse("units:unit-notice-pdf", args=[old_units["B1"].pk]))
    assert response.status_code == 404
    assert "ingen vedtaget eller udmeldt organisering" in response.content.decode()
    assert new.name not in response.content.decode()


def test_notice_of_a_draft_unit_is_404_for_manager(client, draft, manager, editor):
    login(client, manager)
    unit = draft.units.get(code="A")
    assert client.get(reverse("units:unit-notice-pdf", args=[unit.pk])).status_code == 404


def test_bulk_notices_for_editors_only(client, decided, editor, manager, read_pdf):
    old, new, old_units = decided
    login(client, manager)
    assert client.get(reverse("units:structure-notices-pdf", args=[new.pk])).status_code == 404
    assert client.get(reverse("units:structure-notices-zip", args=[new.pk])).status_code == 404
    login(client, editor)
    response = client.get(reverse("units:structure-notices-pdf", args=[new.pk]))
    assert len(read_pdf(response.content)) == len(old_units)
    response = client.get(reverse("units:structure-notices-zip", args=[new.pk]))
    assert response["Content-Type"] == "application/zip"
    assert len(zipfile.ZipFile(io.BytesIO(response.content)).namelist()) == len(old_units)


def test_bulk_notices_of_a_draft_refused_in_danish(client, reorg, editor):
    old, new, _ = reorg
    login(client, editor)
    response = client.get(reverse("units:structure-notices-pdf", args=[new.pk]))
    assert response.status_code == 400
    assert "vedtaget eller udmeldt" in response.content.decode()


def test_notice_text_form(client, decided, editor, manager, read_pdf):
    old, new, old_units = decided
    url = reverse("units:structure-notice-text", args=[new.pk])
    login(client, manager)
    assert client.post(url, {"notice_text": "x"}).status_code == 404
    login(client, editor)
    assert client.get(url).status_code == 200
    response = client.post(url, {"notice_text": "Ring til HR på 1234 5678."})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.notice_text == "Ring til HR på 1234 5678."
    response = client.post(url, {"notice_text": "y" * 5001})
    assert response.status_code == 400
    assert "Teksten må højst være 5000 tegn." in response.content.decode()
    new.refresh_from_db()
    assert new.notice_text == "Ring til HR på 1234 5678."
    response = client.get(reverse("units:unit-notice-pdf", args=[old_units["A"].pk]))
    assert "Ring til HR på 1234 5678." in read_pdf(response.content)[0]


def test_link_partials(rf, small, editor, reorg):
    structure, units = small
    request = rf.get("/")
    request.user = editor
    html = render_to_string("units/_structure_pdf_links.html",
                            {"structure": structure, "is_editor": True}, request=request)
    assert reverse("units:structure-pdf", args=[structure.pk]) in html
    assert reverse("units:structure-notice-text", args=[structure.pk]) in html
    assert 'name="depth"' in html and 'name="size"' in html
    html = render_to_string("units/_unit_pdf_links.html",
                            {"unit": units["A"], "structure": structure}, request=request)
    assert f"?unit={units['A'].pk}" in html
    assert reverse("units:unit-notice-pdf", args=[units["A"].pk]) in html
    old, new, _ = reorg
    html = render_to_string("units/_compare_pdf_links.html", {"old": old, "new": new},
                            request=request)
    assert reverse("units:compare-pdf", args=[old.pk, new.pk]) in html
