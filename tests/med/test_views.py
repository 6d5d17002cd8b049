import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from med import services
from med.models import Consultation, MedBody, Membership
from tests import factories
from units import services as unit_services

D = datetime.date


@pytest.fixture
def world(bodies, small, editor, med_member):
    """Published structure with bodies (see conftest), a meeting of the HovedMED with the
    MED user as member, a draft with its own body, and consultations on both structures."""
    structure, units = small
    hoved = bodies["hoved"]
    services.add_membership(hoved, person_name="Jens Holm", side="medarbejder",
                            role="naestformand", valid_from=D(2024, 1, 1), person_user=med_member,
                            user=editor)
    services.add_membership(hoved, person_name="Karen Lind", side="ledelse", role="formand",
                            valid_from=D(2024, 1, 1), user=editor)
    meeting = services.create_meeting(hoved, starts_at=timezone.make_aware(
        datetime.datetime(2024, 11, 13, 13)), place="Rådhuset", user=editor)
    draft = unit_services.copy_structure(structure, name="Hemmeligt udkast",
                                         effective_date=D(2025, 1, 1), user=editor)
    item = services.add_agenda_item(meeting, title="Underorganisering", treatment="droeftelse",
                                    structure=structure, user=editor)
    secret_item = services.add_agenda_item(meeting, title="Udkast", treatment="orientering",
                                           structure=draft, user=editor)
    services.send_agenda(meeting, user=editor)
    draft_body = services.create_body(draft, name="Udkast-LokalMED", level="lokal",
                                      valid_from=D(2025, 1, 1), user=editor)
    published_c = services.create_consultation(structure, body=hoved, sent_on=D(2024, 8, 14),
                                               deadline=D(2024, 11, 16), user=editor)
    draft_c = services.create_consultation(draft, council="Ældrerådet", sent_on=D(2024, 8, 14),
                                           deadline=D(2024, 11, 16), user=editor)
    return {"structure": structure, "units": units, "draft": draft, "meeting": meeting,
            "item": item, "secret_item": secret_item, "draft_body": draft_body,
            "published_c": published_c, "draft_c": draft_c, **bodies}


def login(client, user):
    client.force_login(user)
    return client


def test_login_required(client, world):
    response = client.get(reverse("med:index"))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize("who", ["reader", "manager", "med_member", "editor"])
def test_index_shows_the_tree_without_drafts(client, world, request, who):
    user = request.getfixturevalue(who)
    html = login(client, user).get(reverse("med:index")).content.decode()
    assert "HovedMED" in html and "LokalMED A" in html and "Afdeling A" in html
    assert ("Udkast-LokalMED" in html) == (who == "editor")


@pytest.mark.parametrize("who, status", [("reader", 404), ("med_member", 404), ("editor", 200)])
def test_body_of_a_draft_is_hidden(client, world, request, who, status):
    user = request.getfixturevalue(who)
    url = reverse("med:body-detail", args=[world["draft_body"].pk])
    assert login(client, user).get(url).status_code == status


@pytest.mark.parametrize("who, meetings", [("reader", False), ("manager", False),
                                          ("med_member", True), ("editor", True)])
def test_body_page_meetings_for_members_only(client, world, request, who, meetings):
    user = request.getfixturevalue(who)
    response = login(client, user).get(reverse("med:body-detail", args=[world["hoved"].pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Karen Lind" in html and "Formand" in html and "Næstformand" in html
    assert ("13. november 2024" in html) == meetings
    meeting = login(client, user).get(reverse("med:meeting-detail", args=[world["meeting"].pk]))
    assert meeting.status_code == (200 if meetings else 404)


def test_med_member_not_in_the_body_gets_404(client, world):
    outsider = factories.make_user("med2", "MED")
    url = reverse("med:meeting-detail", args=[world["meeting"].pk])
    assert login(client, outsider).get(url).status_code == 404


def test_meeting_page_links_the_structure_as_sent(client, world, med_member, editor):
    meeting = world["meeting"]
    meeting.refresh_from_db()
    html = login(client, med_member).get(meeting.get_absolute_url()).content.decode()
    assert "Drøftelse" in html and "Underorganisering" in html
    at = timezone.localtime(meeting.agenda_sent_at).replace(tzinfo=None).isoformat()
    assert f"/structure/{world['structure'].pk}/history/?at={at.replace(':', '%3A')}" in html
    # The draft the MED member may not see is neither named nor linked.
    assert "Hemmeligt udkast" not in html
    assert f"/structure/{world['draft'].pk}/" not in html
    html = login(client, editor).get(meeting.get_absolute_url()).content.decode()
    assert "Hemmeligt udkast" in html


@pytest.mark.parametrize("who, seen", [("reader", set()), ("manager", set()),
                                       ("med_member", {"published"}),
                                       ("editor", {"published", "draft"})])
def test_consultations_per_role(client, world, request, who, seen):
    user = request.getfixturevalue(who)
    login(client, user)
    html = client.get(reverse("med:consultation-list")).content.decode()
    assert ("Ældrerådet" in html) == ("draft" in seen)
    for key in ("published", "draft"):
        status = client.get(world[f"{key}_c"].get_absolute_url()).status_code
        assert status == (200 if key in seen else 404)


def test_tracker_shows_overdue_and_answered(client, world, editor):
    html = login(client, editor).get(reverse("med:consultation-list")).content.decode()
    assert "Frist overskredet" in html
    services.record_response(world["published_c"], response="HovedMED tiltræder.",
                             responded_on=D(2024, 11, 15), user=editor)
    html = client.get(reverse("med:consultation-list")).content.decode()
    answered = html.split("<h2>Besvaret")[1]
    assert "HovedMED" in answered and "15. november 2024" in answered


@pytest.mark.parametrize("who, status", [("reader", 404), ("med_member", 404), ("editor", 200)])
def test_coverage_of_a_draft(client, world, request, who, status):
    user = request.getfixturevalue(who)
    response = login(client, user).get(reverse("med:coverage", args=[world["draft"].pk]))
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "Forslag til MED-struktur" in html
        assert "Huller: enheder uden MED-udvalg" in html


def test_coverage_report_lists_gaps(client, world, reader):
    html = login(client, reader).get(
        reverse("med:coverage", args=[world["structure"].pk])).content.decode()
    local = html.split("Enheder uden lokalt MED-udvalg")[1].split("<h2>")[0]
    assert "Afdeling B" in local and "Afdeling C" in local and "Team A1" not in local


@pytest.mark.parametrize("name", ["med:body-create", "med:consultation-list"])
def test_untrusted_text_is_escaped(client, world, editor, name):
    services.update_body(world["A"], name="<script>alert(1)</script>", user=editor)
    services.create_consultation(world["structure"], council="<b>Rådet</b>",
                                 sent_on=D(2024, 8, 14), deadline=D(2024, 11, 16), user=editor)
    for url in (reverse("med:index"), reverse("med:consultation-list"),
                reverse("med:coverage", args=[world["structure"].pk])):
        html = login(client, editor).get(url).content.decode()
        assert "<script>alert(1)" not in html and "<b>Rådet</b>" not in html


# --- editing ----------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_editing_is_for_editors(client, world, request, who):
    """A non-editor gets 404 from every editing page, as for what does not exist (it was 403,
    which told that the body or consultation exists)."""
    user = request.getfixturevalue(who)
    login(client, user)
    for url in (reverse("med:body-create"),
                reverse("med:body-edit", args=[world["hoved"].pk]),
                reverse("med:membership-create", args=[world["hoved"].pk]),
                reverse("med:consultation-response", args=[world["published_c"].pk])):
        assert client.get(url).status_code == 404
        assert client.post(url, {"name": "X"}).status_code == 404
    assert MedBody.objects.count() == 4


def test_editor_creates_a_body_and_chooses_units(client, world, editor):
    login(client, editor)
    structure, units = world["structure"], world["units"]
    response = client.post(reverse("med:body-create"), {
        "structure": structure.pk, "name": "LokalMED C", "level": "lokal",
        "valid_from": "2024-01-01", "parent": world["hoved"].pk, "reason": "Aftalt",
    })
    body = MedBody.objects.get(name="LokalMED C")
    assert response.status_code == 302
    assert response["Location"] == reverse("med:body-units", args=[body.pk])
    page = client.get(response["Location"]).content.decode()
    assert "Afdeling C" in page
    response = client.post(response["Location"], {"units": [units["C"].pk]})
    assert response.status_code == 302
    assert list(body.units.all()) == [units["C"]]
    assert body.history.first().history_user == editor
    # A unit of another structure is not offered, and is refused if posted anyway.
    foreign = world["draft"].units.first()
    response = client.post(reverse("med:body-units", args=[body.pk]), {"units": [foreign.pk]})
    assert response.status_code == 200
    assert list(body.units.all()) == [units["C"]]


def test_editor_gets_danish_refusal_and_nothing_changes(client, world, editor):
    login(client, editor)
    before = Membership.objects.count()
    response = client.post(reverse("med:membership-create", args=[world["hoved"].pk]), {
        "person_name": "Ole Dam", "side": "ledelse", "role": "formand",
        "valid_from": "2024-06-01",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "Karen Lind er allerede formand" in html
    assert 'value="Ole Dam"' in html
    assert Membership.objects.count() == before
    response = client.post(reverse("med:membership-create", args=[world["hoved"].pk]), {
        "person_name": "Ole Dam", "side": "medarbejder", "role": "formand",
        "valid_from": "2024-06-01",
    })
    assert "Formanden kommer fra ledelsessiden" in response.content.decode()
    assert Membership.objects.count() == before


def test_editor_runs_a_meeting_and_a_consultation(client, world, editor):
    login(client, editor)
    hoved = world["hoved"]
    response = client.post(reverse("med:meeting-create", args=[hoved.pk]), {
        "starts_at": "2025-03-31T13:00", "place": "Bernstorffsgade", "title": "HovedMED forår"})
    assert response.status_code == 302
    meeting = hoved.meetings.get(title="HovedMED forår")
    response = client.post(reverse("med:item-create", args=[meeting.pk]), {
        "title": "Målbilleder", "treatment": "droeftelse",
        "structure": world["structure"].pk})
    assert response.status_code == 302
    item = meeting.items.get()
    response = client.post(reverse("med:item-edit", args=[item.pk]), {
        "number": 1, "title": "Målbilleder", "treatment": "droeftelse",
        "structure": world["structure"].pk, "minutes": "Drøftet."})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.minutes == "Drøftet."
    response = client.post(reverse("med:meeting-send", args=[meeting.pk]), {})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.agenda_sent_at is not None
    response = client.post(reverse("med:consultation-create"), {
        "structure": world["structure"].pk, "council": "Handicaprådet",
        "sent_on": "2024-08-14", "deadline": "2024-11-16"})
    assert response.status_code == 302
    c = Consultation.objects.get(council="Handicaprådet")
    response = client.post(reverse("med:consultation-response", args=[c.pk]), {
        "response": "Handicaprådet har ingen bemærkninger.", "responded_on": "2024-11-10"})
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == "besvaret"
    response = client.post(reverse("med:consultation-create"), {
        "structure": world["structure"].pk, "council": "Ældrerådet", "body": hoved.pk,
        "sent_on": "2024-08-14", "deadline": "2024-11-16"})
    assert "ikke begge" in response.content.decode()


def test_unit_med_bodies_tag(client, world, reader, rf):
    from django.template import Context, Template

    from units import selectors as unit_selectors

    request = rf.get("/")
    request.user = reader
    template = Template("{% load med_tags %}{% unit_med_bodies unit %}")
    html = template.render(Context({"request": request, "unit": world["units"]["A1"]}))
    assert "HovedMED" in html and "LokalMED A" in html and "LokalMED B1" not in html
    node = unit_selectors.node(world["units"]["B1"])
    html = template.render(Context({"request": request, "unit": node}))
    assert "LokalMED B1" in html
    draft_unit = world["draft"].units.first()
    html = template.render(Context({"request": request, "unit": draft_unit}))
    assert "Ingen MED-udvalg" in html


# --- query counts -----------------------------------------------------------------------


@pytest.mark.parametrize("size", [20, 200])
def test_pages_query_counts(client, editor, django_assert_num_queries, size):
    """Same number of queries for 20 and 200 units (and one local body per top unit, an
    agenda item per top unit)."""
    structure, units = factories.make_structure(editor, factories.wide_spec(size),
                                                status="published")
    hoved = services.create_body(structure, name="HovedMED", level="hoved",
                                 valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor)
    top = [u for u in units.values() if u.level == 1]
    for u in top:
        services.create_body(structure, name=f"LokalMED {u.name}", level="lokal", parent=hoved,
                             valid_from=D(2024, 1, 1), units=[u], user=editor)
    meeting = services.create_meeting(hoved, starts_at=timezone.now(), user=editor)
    for u in top:
        services.add_agenda_item(meeting, title=u.name, treatment="orientering",
                                 structure=structure, user=editor)
    services.send_agenda(meeting, user=editor)
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    login(client, editor)
    with django_assert_num_queries(7):
        assert client.get(reverse("med:index")).status_code == 200
    with django_assert_num_queries(18):
        assert client.get(reverse("med:coverage", args=[draft.pk])).status_code == 200
    with django_assert_num_queries(9):
        assert client.get(reverse("med:body-detail", args=[hoved.pk])).status_code == 200
    with django_assert_num_queries(5):
        assert client.get(meeting.get_absolute_url()).status_code == 200
    with django_assert_num_queries(4):
        assert client.get(reverse("med:consultation-list")).status_code == 200
