"""Every way out asks the one policy: a comparison across organisations is a 404 on the page,
in the PDF, in the XLSX export and from the API (and refused by the commands); every editing
page is a 404 to a non-editor, whether the thing exists or not; the history page and the PDF
agree on a structure as recorded; the plan, its calendar feed and the MED pages agree on
meetings."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from med import services as med_services
from med.models import AgendaItem, Consultation, MedBody, Meeting, Membership
from orgreg.roles import policy
from tests import factories
from timeline import services as timeline_services
from timeline.models import Deliverable, Milestone, Workstream
from units import services
from units.models import Operation, Structure, Succession, Unit

D = datetime.date
MISSING = 987654


@pytest.fixture
def two_organisations(editor, small):
    published, _ = small
    draft = services.copy_structure(published, name="Udkast 2025", effective_date=D(2025, 1, 1),
                                    user=editor)
    other, _ = factories.make_structure(editor, {"X": "Fremmed afdeling"}, status="published",
                                        name="Anden kommunes organisering")
    return published, draft, other


# --- comparing two organisations' structures ----------------------------------------------


def test_comparing_across_organisations_is_404_everywhere(client, editor, two_organisations):
    published, draft, other = two_organisations
    client.force_login(editor)
    api = APIClient()
    api.force_authenticate(editor)
    page = ("units:structure-compare", "units:compare-pdf", "units:compare-export")
    for old, new, status in ((published, draft, 200), (published, other, 404),
                             (other, published, 404)):
        for name in page:
            response = client.get(reverse(name, args=[old.pk, new.pk]))
            assert response.status_code == status, (name, old.name, new.name)
        response = api.get(reverse("api:structure-compare", args=[old.pk, new.pk]))
        assert response.status_code == status, ("api", old.name, new.name)
    # The compare form's target refuses the pair at once instead of redirecting to a 404.
    pick = reverse("units:structure-compare-pick", args=[published.pk])
    assert client.get(pick, {"with": other.pk}).status_code == 404
    assert client.get(pick, {"with": draft.pk}).status_code == 302


def test_commands_refuse_a_comparison_across_organisations(tmp_path, two_organisations):
    published, draft, other = two_organisations
    with pytest.raises(CommandError, match="forskellige organisationer"):
        call_command("exportstructure", published.pk, "--compare", other.pk,
                     "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="forskellige organisationer"):
        call_command("renderpdf", "compare", published.pk, other.pk,
                     "-o", str(tmp_path / "x.pdf"))
    assert not list(tmp_path.iterdir())
    call_command("exportstructure", published.pk, "--compare", draft.pk,
                 "-o", str(tmp_path / "ok.xlsx"))
    assert (tmp_path / "ok.xlsx").stat().st_size > 0


def test_renderpdf_as_a_user_refuses_what_the_user_may_not_see(tmp_path, reader,
                                                                two_organisations):
    published, draft, _ = two_organisations
    with pytest.raises(CommandError, match=f"Ingen organisering med id {draft.pk}"):
        call_command("renderpdf", "chart", draft.pk, "-o", str(tmp_path / "x.pdf"),
                     "--user", reader.username)
    assert not list(tmp_path.iterdir())


# --- editing pages: 404 to a non-editor, hidden, visible or missing -------------------------


@pytest.fixture
def everything(editor, reader, small):
    """One of every editable object: a published structure and a draft, a body with a member,
    a meeting with an item, a consultation, a milestone, a workstream with a deliverable."""
    published, units = small
    draft = services.copy_structure(published, name="Udkast 2025", effective_date=D(2025, 1, 1),
                                    user=editor)
    body = med_services.create_body(published, name="HovedMED", level="hoved",
                                    valid_from=D(2024, 1, 1), user=editor)
    member = med_services.add_membership(body, person_name="Lis", side="medarbejder",
                                         valid_from=D(2024, 1, 1), person_user=reader,
                                         user=editor)
    meeting = med_services.create_meeting(
        body, starts_at=timezone.make_aware(datetime.datetime(2024, 11, 13, 14)), user=editor)
    item = med_services.add_agenda_item(meeting, title="Punkt", treatment="orientering",
                                        structure=published, user=editor)
    consultation = med_services.create_consultation(published, body=body, sent_on=D(2024, 11, 1),
                                                    deadline=D(2024, 12, 1), user=editor)
    organisation = published.organisation
    milestone = timeline_services.create_milestone(organisation, title="Byrådet",
                                                   date=D(2024, 12, 16), user=editor)
    ws = timeline_services.create_workstream(organisation, name="Indsats", user=editor)
    deliverable = timeline_services.create_deliverable(ws, title="Leverance",
                                                       start=D(2024, 1, 1), end=D(2024, 2, 1),
                                                       user=editor)
    # An operation on the draft, to undo.
    services.update_unit(draft.units.get(code="A"), leader_name="Lis", user=editor)
    operation = Operation.objects.filter(structure=draft).latest("pk")
    return {"published": published, "draft": draft, "organisation": organisation,
            "operation": operation,
            "unit": units["A"], "draft_unit": draft.units.get(code="A"), "body": body,
            "member": member, "meeting": meeting, "item": item, "consultation": consultation,
            "milestone": milestone, "workstream": ws, "deliverable": deliverable}


def editing_urls(o: dict, *, missing: bool = False) -> list[tuple[str, str]]:
    """(method, url) of every editing page, for the objects of `o` or for ids that do not
    exist."""
    def pk(key):
        return MISSING if missing else o[key].pk

    urls = []
    for structure in ("draft", "published"):
        s = pk(structure)
        unit = MISSING if missing else o["draft_unit" if structure == "draft" else "unit"].pk
        urls += [
            ("get", reverse("units:structure-edit", args=[s])),
            ("post", reverse("units:unit-action", args=[s, unit, "update"])),
            ("post", reverse("units:structure-undo", args=[s, MISSING if missing else o[
                "operation"].pk])),
            ("post", reverse("units:structure-restore", args=[s])),
            ("post", reverse("units:unit-reorder", args=[s, unit])),
            ("get", reverse("units:unit-move-targets", args=[s, unit])),
            ("get", reverse("units:structure-settings", args=[s])),
            ("post", reverse("units:structure-settings", args=[s])),
            ("get", reverse("units:structure-status", args=[s])),
            ("get", reverse("units:structure-copy", args=[s])),
            ("get", reverse("units:structure-notices-pdf", args=[s])),
            ("get", reverse("units:structure-notices-zip", args=[s])),
            ("get", reverse("units:structure-notice-text", args=[s])),
            ("post", reverse("units:unit-managers", args=[unit])),
        ]
    org = pk("organisation")
    urls += [
        ("get", reverse("units:structure-create", args=[org])),
        ("get", reverse("units:structure-import", args=[org])),
        # An uploaded file is its uploader's only (tests/io/test_import_jobs.py).
        ("post", reverse("units:structure-import-confirm", args=[org, MISSING])),
        ("get", reverse("med:body-edit", args=[pk("body")])),
        ("get", reverse("med:body-units", args=[pk("body")])),
        ("get", reverse("med:membership-create", args=[pk("body")])),
        ("get", reverse("med:meeting-create", args=[pk("body")])),
        ("get", reverse("med:membership-edit", args=[pk("member")])),
        ("get", reverse("med:meeting-edit", args=[pk("meeting")])),
        ("get", reverse("med:meeting-send", args=[pk("meeting")])),
        ("get", reverse("med:item-create", args=[pk("meeting")])),
        ("get", reverse("med:item-edit", args=[pk("item")])),
        ("post", reverse("med:item-remove", args=[pk("item")])),
        ("get", reverse("med:consultation-edit", args=[pk("consultation")])),
        ("get", reverse("med:consultation-response", args=[pk("consultation")])),
        ("get", reverse("timeline:milestone-create", args=[org])),
        ("get", reverse("timeline:milestone-edit", args=[pk("milestone")])),
        ("post", reverse("timeline:milestone-status", args=[pk("milestone")])),
        ("post", reverse("timeline:milestone-delete", args=[pk("milestone")])),
        ("get", reverse("timeline:workstream-create", args=[org])),
        ("get", reverse("timeline:workstream-edit", args=[pk("workstream")])),
        ("get", reverse("timeline:deliverable-create", args=[pk("workstream")])),
        ("get", reverse("timeline:deliverable-edit", args=[pk("deliverable")])),
    ]
    if not missing:
        urls += [("get", reverse("med:body-create")), ("get", reverse("med:consultation-create"))]
    return urls


def recorded() -> tuple[int, ...]:
    """Every history table: an edit that went through would add a row."""
    return tuple(model.history.count() for model in (
        Structure, Unit, Succession, MedBody, Membership, Meeting, AgendaItem, Consultation,
        Milestone, Workstream, Deliverable))


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_every_editing_page_is_404_to_a_non_editor(client, request, everything, who):
    client.force_login(request.getfixturevalue(who))
    before = recorded()
    for missing in (False, True):
        for method, url in editing_urls(everything, missing=missing):
            response = getattr(client, method)(url, {"name": "Hacket", "status": "cancelled"})
            assert response.status_code == 404, (who, method, url)
    assert recorded() == before


def test_editors_reach_every_editing_page(client, editor, everything):
    client.force_login(editor)
    for method, url in editing_urls(everything):
        if method != "get":
            continue
        response = client.get(url)
        published = everything["published"].pk
        if url in (reverse("units:structure-edit", args=[published]),
                   reverse("units:unit-move-targets", args=[published, everything["unit"].pk])):
            assert response.status_code == 403  # see below
        elif "notices" in url:
            # Notices of a draft or of a structure with no basis are refused with a reason.
            assert response.status_code in (200, 400), url
        else:
            assert response.status_code == 200, url
    # An editor may see the published structure, so its refusal gives the reason.
    response = client.get(reverse("units:structure-edit", args=[everything["published"].pk]))
    assert response.status_code == 403
    assert "Kun udkast kan ændres" in response.content.decode()


def test_anonymous_is_sent_to_login_from_editing_pages(client, everything):
    for method, url in editing_urls(everything):
        response = getattr(client, method)(url)
        assert response.status_code in (302, 405), url
        if response.status_code == 302:
            assert "login" in response["Location"], url


# --- history as recorded: the page and the PDF agree ------------------------------------


def test_history_page_of_draft_days_is_404_for_reader_like_the_pdf(client, editor, reader,
                                                                    small):
    structure, _ = small
    draft = services.copy_structure(structure, name="Udkast 2025", effective_date=D(2025, 1, 1),
                                    user=editor)
    at = timezone.localtime(timezone.now()).replace(tzinfo=None).isoformat()
    for step in ("consultation", "approved", "published"):
        services.set_status(draft, step, user=editor)
    client.force_login(reader)
    url = reverse("units:structure-history", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert client.get(url, {"at": at}).status_code == 404
    assert client.get(reverse("units:structure-pdf", args=[draft.pk]),
                      {"at": at}).status_code == 404
    later = timezone.localtime(timezone.now()).replace(tzinfo=None).isoformat()
    assert client.get(url, {"at": later}).status_code == 200
    client.force_login(editor)
    assert client.get(url, {"at": at}).status_code == 200


# --- meetings: MED pages, plan and calendar feed agree -----------------------------------


def test_meetings_in_the_feed_are_those_the_med_pages_show(client, editor, reader, everything):
    """The reader is a member of HovedMED (see `everything`); another reader is not."""
    meeting = everything["meeting"]
    outsider = factories.make_user("udenfor", "Læser")
    organisation = everything["organisation"]
    for user, shown in ((reader, True), (outsider, False), (editor, True)):
        client.force_login(user)
        assert (client.get(meeting.get_absolute_url()).status_code == 200) is shown
        token = timeline_services.feed_token(user).token
        ics = client.get(reverse("timeline:feed", args=[organisation.pk, token])).content
        assert (f"meeting-{meeting.pk}@" in ics.decode()) is shown, user.username
        page = client.get(reverse("timeline:plan", args=[organisation.pk])).content.decode()
        assert (meeting.get_absolute_url() in page) is shown, user.username


# --- templates read the policy -----------------------------------------------------------


def test_templates_get_the_policy_from_the_context(client, reader, small):
    client.force_login(reader)
    response = client.get("/")
    assert response.context["policy"] is policy(response.wsgi_request.user)
    assert response.context["is_editor"] is False
    assert not re.search(r'href="/admin/"', response.content.decode())
    staff = factories.make_user("personale", superuser=True)
    client.force_login(staff)
    assert 'href="/admin/"' in client.get("/").content.decode()
