"""Managers linked to their units: the leader identifier (normalised, editors' eyes only) and
links made by data at sign-in (units.services.link_leader_units) or by hand by an editor."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgreg import roles
from tests import factories
from units import selectors, services
from units.interchange import COLUMN_ALIASES, exporters, normalise_header
from units.leaders import normalise_identifier
from units.models import LinkSource, ManagerLink, Unit

D = datetime.date
HISTORY = ManagerLink.history.model


@pytest.mark.parametrize(("given", "stored"), [
    ("  Bo.Holm@Kommune.DK ", "bo.holm@kommune.dk"),
    ("6A1F0B37-3C2E-4D5A-9B8C-7E6F5D4C3B2A", "6a1f0b37-3c2e-4d5a-9b8c-7e6f5d4c3b2a"),
    (" AB-1234 ", "AB-1234"),  # an employee number keeps its case
    ("6A1F0B373C2E4D5A9B8C7E6F5D4C3B2A", "6A1F0B373C2E4D5A9B8C7E6F5D4C3B2A"),
    (None, ""),
])
def test_identifiers_are_normalised_as_stored_and_compared(given, stored):
    assert normalise_identifier(given) == stored


def test_every_import_alias_is_written_as_headers_are_read():
    assert all(normalise_header(a) == a for aliases in COLUMN_ALIASES.values() for a in aliases)


# --- the situation: a structure in force, one replaced, a future one, and proposals ---------


@pytest.fixture
def timeline(editor, organisation, on_date):
    """2023 (replaced), 2024 (in force on 1 June 2024), 2025 (published, future), a 2026
    draft and a 2026 structure in consultation. Bo leads A in every one of them (by e-mail,
    written in a different case in each), and C in 2024 by employee number."""
    on_date(D(2024, 6, 1))
    old, _ = factories.make_structure(editor, {"A": "Afdeling A"}, organisation=organisation,
                                      name="Organisering 2023", effective_date=D(2023, 1, 1),
                                      status="published")
    now, units = factories.make_structure(
        editor, {"A": ("Afdeling A", 10, {"A1": "Team A1"}), "B": "Afdeling B", "C": "C"},
        organisation=organisation, status="published", effective_date=D(2024, 1, 1))
    future = services.copy_structure(now, name="Organisering 2025",
                                     effective_date=D(2025, 1, 1), user=editor)
    draft = services.copy_structure(now, name="Udkast 2026", effective_date=D(2026, 1, 1),
                                    user=editor)
    hearing = services.copy_structure(now, name="Høring 2026", effective_date=D(2026, 1, 1),
                                      user=editor)
    for i, s in enumerate((old, now, future, draft, hearing)):
        services.set_leader_identifier(s.units.get(code="A"), ["BO@kommune.dk",
                             "bo@Kommune.dk", "Bo@Kommune.DK", "bo@kommune.dk",
                             "BO@KOMMUNE.DK"][i], user=editor)
    services.set_leader_identifier(units["C"], "M-77", user=editor)
    services.update_unit(future.units.get(code="A"), name="Center Nord", user=editor)
    future = services.set_status(future, "published", user=editor)
    hearing = services.set_status(hearing, "consultation", user=editor)
    return {"old": old, "now": now, "future": future, "draft": draft, "hearing": hearing}


def _linked(user) -> set[tuple[str, str, str]]:
    return {(link.unit.structure.name, link.unit.code, link.source)
            for link in ManagerLink.objects.filter(user=user).select_related("unit__structure")}


def test_sign_in_links_the_units_in_force_and_to_come_by_any_case_of_the_e_mail(timeline):
    bo = factories.make_user("bo", roles.MANAGER)
    units = services.link_leader_units(bo, ["sub-123", "Bo@KOMMUNE.dk", "", "M-77"])
    assert [(u.structure.name, u.code) for u in units] == [
        ("Organisering 2025", "A"), ("Organisering 2024", "A"), ("Organisering 2024", "C")]
    # Not the replaced 2023 structure, the draft or the structure in consultation.
    assert _linked(bo) == {("Organisering 2025", "A", "data"), ("Organisering 2024", "A", "data"),
                           ("Organisering 2024", "C", "data")}
    records = HISTORY.objects.filter(user=bo)
    assert records.count() == 3
    assert {(r.history_type, r.history_user_id, r.source) for r in records} == {
        ("+", bo.pk, "data")}
    assert all("lederident" in r.history_change_reason for r in records)


def test_signing_in_again_changes_nothing(timeline):
    bo = factories.make_user("bo", roles.MANAGER)
    first = services.link_leader_units(bo, ["bo@kommune.dk"])
    before = (ManagerLink.objects.count(), HISTORY.objects.count())
    assert services.link_leader_units(bo, ["bo@kommune.dk"]) == first
    assert (ManagerLink.objects.count(), HISTORY.objects.count()) == before


def test_links_by_data_follow_the_data_and_links_by_hand_stay(timeline, editor):
    bo = factories.make_user("bo", roles.MANAGER)
    now = timeline["now"]
    services.link_leader_units(bo, ["bo@kommune.dk", "M-77"])
    b = now.units.get(code="B")
    services.link_manager(b, bo, user=editor)
    # C's identifier is given to someone else; Bo no longer signs in with his employee number.
    services.set_leader_identifier(now.units.get(code="C"), "M-78", user=editor)
    services.link_leader_units(bo, ["bo@kommune.dk"])
    assert _linked(bo) == {("Organisering 2025", "A", "data"), ("Organisering 2024", "A", "data"),
                           ("Organisering 2024", "B", "hand")}
    removed = HISTORY.objects.get(user=bo, history_type="-")
    assert removed.unit_id == now.units.get(code="C").pk and removed.history_user == bo
    # No identifier at all: the hand link is all that is left.
    assert services.link_leader_units(bo, []) == []
    assert _linked(bo) == {("Organisering 2024", "B", "hand")}


def test_a_hand_link_the_data_also_makes_stays_a_hand_link(timeline, editor):
    bo = factories.make_user("bo", roles.MANAGER)
    a = timeline["now"].units.get(code="A")
    services.link_manager(a, bo, user=editor)
    services.link_leader_units(bo, ["bo@kommune.dk"])
    services.link_leader_units(bo, ["someone.else@kommune.dk"])
    assert _linked(bo) == {("Organisering 2024", "A", "hand")}


def test_an_editor_turns_a_data_link_into_a_hand_link_and_removes_links(timeline, editor):
    bo = factories.make_user("bo", roles.MANAGER)
    services.link_leader_units(bo, ["bo@kommune.dk"])
    a = timeline["now"].units.get(code="A")
    link = services.link_manager(a, bo, user=editor)
    assert (link.source, link.linked_by) == (LinkSource.HAND, editor)
    assert HISTORY.objects.filter(unit_id=a.pk, user=bo).latest().history_type == "~"
    services.unlink_manager(a, bo, user=editor)
    assert not ManagerLink.objects.filter(unit=a, user=bo).exists()
    last = HISTORY.objects.filter(unit_id=a.pk, user=bo).latest()
    assert (last.history_type, last.history_user) == ("-", editor)
    with pytest.raises(ValidationError, match="er ikke knyttet til"):
        services.unlink_manager(a, bo, user=editor)


def test_a_deactivated_user_is_not_linked_by_hand(small, editor):
    _, units = small
    gone = factories.make_user("gone")
    gone.is_active = False
    gone.save()
    with pytest.raises(ValidationError, match="deaktiveret"):
        services.link_manager(units["A"], gone, user=editor)
    assert not ManagerLink.objects.exists()


def test_the_same_few_queries_whatever_the_number_of_units_and_links(
        editor, organisation, django_assert_num_queries):
    """Ten statements whatever the size, when links are both made and removed: the
    transaction's savepoint and its release, the user's lock, the structures, the units, the
    user's links, the new links and their history, the removed links' history and their
    deletion."""
    bo = factories.make_user("bo", roles.MANAGER)
    counts = []
    for n in (2, 40):
        structure, units = factories.make_structure(
            editor, factories.wide_spec(n), organisation=organisation, name=f"Org {n}",
            status="published", effective_date=D(2020 + n, 1, 1))
        for i, u in enumerate(units.values()):
            Unit.objects.filter(pk=u.pk).update(leader_identifier=f"{i % 2}-{n}")
        services.link_leader_units(bo, [f"0-{n}"])
        # The next sign-in gives the other identifier: half the links go, half come.
        with django_assert_num_queries(10) as captured:
            linked = services.link_leader_units(bo, [f"1-{n}", "ukendt"])
        counts.append(len(captured.captured_queries))
        assert {u.pk for u in linked} == set(ManagerLink.objects.filter(user=bo)
                                             .values_list("unit_id", flat=True))
        assert len(linked) == len(units) // 2
    print(f"\nlink_leader_units: {counts} queries at 3 and 41 units")


# --- landing on Min enhed ------------------------------------------------------------------


def test_a_manager_signing_in_for_the_first_time_lands_on_their_units_placement(
        client, timeline, editor):
    """The OIDC sign-in calls link_leader_units with the claims; the manager's front page is
    then Min enhed with the unit in force and where it goes in 2025."""
    future_a = timeline["future"].units.get(code="A")
    bo = factories.make_user("bo", roles.MANAGER)
    services.link_leader_units(bo, ["Bo@Kommune.dk"])
    client.force_login(bo)
    page = client.get("/").content.decode()
    assert "<h1>Min enhed</h1>" in page
    assert "Afdeling A" in page and "Center Nord" in page and "Organisering 2025" in page
    assert reverse("units:unit-detail", args=[future_a.pk]) in page
    # The placement, not a search: no other unit of the structure is named.
    assert "Afdeling B" not in page


# --- who sees the identifier ------------------------------------------------------------------


IDENT = "aase.personlig@kommune.dk"


@pytest.fixture
def identified(small, editor):
    structure, units = small
    unit = services.set_leader_identifier(units["A"], IDENT.upper(), user=editor)
    return structure, unit


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_only_editors_see_the_identifier_on_pages_exports_and_history(client, request,
                                                                      identified, editor, who):
    structure, unit = identified
    pages = [reverse("units:unit-detail", args=[unit.pk])]
    pages += [reverse("units:structure-export", args=[structure.pk, f]) for f in
              ("csv", "json")]
    pages += [reverse("units:structure-history", args=[structure.pk]),
              reverse("api:unit-detail", args=[unit.pk])]
    client.force_login(request.getfixturevalue(who))
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        assert IDENT not in response.content.decode().lower(), url
    assert "Lederident" not in exporters.structure_csv(
        structure, viewer=roles.policy(request.getfixturevalue(who))).decode("utf-8-sig")
    client.force_login(editor)
    for url in pages[:-1]:  # the API never gives it
        assert IDENT in client.get(url).content.decode(), url


def test_editors_find_the_identifier_in_the_edit_form_and_save_it_normalised(client, editor,
                                                                              organisation):
    draft, units = factories.make_structure(editor, {"A": "Afdeling A"},
                                            organisation=organisation)
    client.force_login(editor)
    url = reverse("units:unit-action", args=[draft.pk, units["A"].pk, "update"])
    response = client.post(url, {"edit-leader_identifier": " Ny.Leder@Kommune.DK"})
    assert response.status_code == 302
    units["A"].refresh_from_db()
    assert units["A"].leader_identifier == "ny.leder@kommune.dk"
    page = client.get(reverse("units:structure-edit", args=[draft.pk]),
                      {"unit": units["A"].pk}).content.decode()
    assert 'name="edit-leader_identifier"' in page and "ny.leder@kommune.dk" in page


# --- linking by hand on the unit's page -------------------------------------------------------


def test_an_editor_links_and_unlinks_a_manager_on_the_unit_page(client, small, editor, manager):
    _, units = small
    url = reverse("units:unit-managers", args=[units["B"].pk])
    client.force_login(editor)
    response = client.post(url, {"leder-username": "LEDER"}, follow=True)
    assert "ser nu enheden" in response.content.decode()
    link = ManagerLink.objects.get(unit=units["B"], user=manager)
    assert (link.source, link.linked_by) == (LinkSource.HAND, editor)
    page = client.get(units["B"].get_absolute_url()).content.decode()
    assert "Ledere med adgang" in page and "Tilføjet af en redaktør" in page
    response = client.post(url, {"remove": str(manager.pk)}, follow=True)
    assert "har ikke længere adgang" in response.content.decode()
    assert not ManagerLink.objects.filter(unit=units["B"]).exists()


def test_an_unknown_username_is_refused_in_danish_and_nothing_changes(client, small, editor):
    _, units = small
    client.force_login(editor)
    url = reverse("units:unit-managers", args=[units["B"].pk])
    response = client.post(url, {"leder-username": "<b>ingen</b>"}, follow=True)
    html = response.content.decode()
    assert "Der er ingen bruger med brugernavnet" in html and "<b>ingen</b>" not in html
    response = client.post(url, {"remove": "999999"}, follow=True)
    assert "Brugeren findes ikke" in response.content.decode()
    assert not ManagerLink.objects.exists() and not HISTORY.objects.exists()


def test_non_editors_get_404_and_see_no_manager_section(client, small, reader, manager):
    _, units = small
    client.force_login(reader)
    url = reverse("units:unit-managers", args=[units["B"].pk])
    assert client.post(url, {"leder-username": "leder"}).status_code == 404
    assert "Ledere med adgang" not in client.get(units["B"].get_absolute_url()).content.decode()
    assert not ManagerLink.objects.exists()


def test_a_managers_units_are_read_through_one_selector(small, editor, manager):
    _, units = small
    services.link_manager(units["A"], manager, user=editor)
    assert list(selectors.managed_units(manager)) == [units["A"]]
    assert [link.user for link in selectors.manager_links(units["A"])] == [manager]


def test_an_editor_sets_the_identifier_of_a_unit_in_force_on_its_page(client, small, editor):
    structure, units = small
    assert structure.status == "published"
    url = reverse("units:unit-managers", args=[units["B"].pk])
    client.force_login(editor)
    response = client.post(url, {"leader_identifier": " Ny@Kommune.DK "}, follow=True)
    assert "Lederidenten er gemt" in response.content.decode()
    units["B"].refresh_from_db()
    assert units["B"].leader_identifier == "ny@kommune.dk"
    record = units["B"].history.latest()
    assert record.history_user == editor and "lederident ændret" in record.history_change_reason
    too_long = "x" * 300
    response = client.post(url, {"leader_identifier": too_long}, follow=True)
    assert "højst 254" in response.content.decode()
    units["B"].refresh_from_db()
    assert units["B"].leader_identifier == "ny@kommune.dk"
