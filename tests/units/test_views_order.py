"""The edit page's placement: move up/down, drag within a parent (JSON), the move picker's
search endpoint and its no-JavaScript fallback, and a split asking each part's code and
leader."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories
from tests.units import pages_fixtures
from units.models import Unit

pytestmark = pytest.mark.django_db

_clear_cache = pages_fixtures._clear_cache


@pytest.fixture
def draft(editor, organisation):
    """ROOT with A (A1, A2), B (B1), C, and a unit named with Danish letters."""
    return factories.make_structure(editor, {
        "A": ("Afdeling A", 0, {"A1": "Team A1", "A2": "Team A2"}),
        "B": ("Afdeling B", 0, {"B1": "Team B1"}),
        "C": "Afdeling C", "AE": "Ældreområdet Øst",
    }, organisation=organisation)


@pytest.fixture
def c(client, editor):
    client.force_login(editor)
    return client


def order_url(structure, unit):
    return reverse("units:unit-reorder", args=[structure.pk, unit.pk])


def targets_url(structure, unit):
    return reverse("units:unit-move-targets", args=[structure.pk, unit.pk])


def names_under(unit):
    return list(Unit.objects.filter(parent_id=unit.pk).order_by("lft")
                .values_list("name", flat=True))


# --- order ------------------------------------------------------------------------------


def test_up_and_down_buttons_reorder_and_say_so(c, draft):
    structure, u = draft
    page = c.get(reverse("units:structure-edit", args=[structure.pk]) + f"?unit={u['B'].pk}")
    html = page.content.decode()
    assert "Nr. 2 af 4 under Testkommune" in html and "Flyt op" in html and "Flyt ned" in html
    response = c.post(order_url(structure, u["B"]), {"direction": "up"}, follow=True)
    assert names_under(u["ROOT"]) == ["Afdeling B", "Afdeling A", "Afdeling C",
                                      "Ældreområdet Øst"]
    assert "»Afdeling B« er flyttet op." in response.content.decode()
    c.post(order_url(structure, u["B"]), {"direction": "down", "reason": "Tilbage"})
    assert names_under(u["ROOT"])[:2] == ["Afdeling A", "Afdeling B"]
    assert Unit.history.filter(id=u["B"].pk).latest("history_id").history_change_reason == \
        "Tilbage"


def test_buttons_at_the_edges_are_disabled_and_a_post_is_refused_in_danish(c, draft):
    structure, u = draft
    html = c.get(reverse("units:structure-edit", args=[structure.pk])
                 + f"?unit={u['A'].pk}").content.decode()
    assert 'value="up"><button type="submit" disabled' in html
    records = Unit.history.count()
    response = c.post(order_url(structure, u["A"]), {"direction": "up"}, follow=True)
    assert "»Afdeling A« står allerede først under »Testkommune«." in response.content.decode()
    response = c.post(order_url(structure, u["AE"]), {"direction": "down"},
                      HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400
    assert response.json() == {"ok": False,
                               "error": "»Ældreområdet Øst« står allerede sidst under "
                                        "»Testkommune«."}
    assert Unit.history.count() == records
    assert names_under(u["ROOT"])[0] == "Afdeling A"


def test_drag_within_the_parent_places_before_or_after_a_sibling(c, draft):
    structure, u = draft
    response = c.post(order_url(structure, u["C"]), {"before": u["A"].pk},
                      HTTP_X_REQUESTED_WITH="fetch")
    assert response.json() == {"ok": True, "message": "»Afdeling C« er placeret før »Afdeling A«."}
    c.post(order_url(structure, u["A2"]), {"before": u["A1"].pk}, HTTP_X_REQUESTED_WITH="fetch")
    assert names_under(u["A"]) == ["Team A2", "Team A1"]
    # A unit under another parent is no sibling: refused, nothing changes.
    response = c.post(order_url(structure, u["C"]), {"after": u["B1"].pk},
                      HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 400 and "ikke en søskende" in response.json()["error"]
    assert names_under(u["ROOT"])[0] == "Afdeling C"


def test_reorder_in_a_published_structure_is_refused(c, small):
    structure, u = small
    response = c.post(order_url(structure, u["B"]), {"direction": "up"})
    assert response.status_code == 403
    assert names_under(u["ROOT"]) == ["Afdeling A", "Afdeling B", "Afdeling C"]


def test_reorder_and_picker_are_not_found_for_others(client, draft, reader):
    structure, u = draft
    client.force_login(reader)
    assert client.post(order_url(structure, u["B"]), {"direction": "up"}).status_code == 404
    assert client.get(targets_url(structure, u["B"]), {"q": "a"}).status_code == 404
    assert names_under(u["ROOT"])[0] == "Afdeling A"


# --- the picker -------------------------------------------------------------------------


def test_picker_finds_by_name_and_code_and_leaves_out_the_unit_and_its_subtree(c, draft):
    structure, u = draft
    hits = c.get(targets_url(structure, u["A"]), {"q": "team"}).json()["results"]
    # Team A1 and A2 lie inside A: not offered.
    assert [h["name"] for h in hits] == ["Team B1"]
    assert hits[0]["path"] == "Testkommune › Afdeling B" and hits[0]["code"] == "B1"
    hits = c.get(targets_url(structure, u["A1"]), {"q": "afdeling"}).json()["results"]
    # A is A1's parent already.
    assert [h["name"] for h in hits] == ["Afdeling B", "Afdeling C"]
    by_code = c.get(targets_url(structure, u["A1"]), {"q": "b1"}).json()["results"]
    assert by_code[0]["name"] == "Team B1"
    danish = c.get(targets_url(structure, u["A1"]), {"q": "aeldreomradet"}).json()["results"]
    assert [h["name"] for h in danish] == ["Ældreområdet Øst"]
    assert c.get(targets_url(structure, u["A1"]), {"q": ""}).json()["results"] == []


def test_picker_results_are_limited(c, editor, organisation):
    structure, u = factories.make_structure(
        editor, {f"T{i}": f"Team {i}" for i in range(30)} | {"X": "Flyttes"},
        organisation=organisation)
    data = c.get(targets_url(structure, u["X"]), {"q": "team"}).json()
    assert len(data["results"]) == 20 and data["more"] is True


@pytest.mark.parametrize("size", [40, 400])
def test_picker_runs_a_fixed_number_of_queries(c, editor, organisation, size,
                                               django_assert_num_queries):
    structure, u = factories.make_structure(
        editor, factories.wide_spec(size), organisation=organisation)
    unit = u["U3"]
    # Session, user, the user's groups, the draft, the unit, the tree's (id, name, code) rows.
    with django_assert_num_queries(6):
        data = c.get(targets_url(structure, unit), {"q": "enhed 1"}).json()
    assert data["results"]


def test_without_javascript_search_lists_matches_as_radio_buttons_and_moves(c, draft):
    structure, u = draft
    edit = reverse("units:structure-edit", args=[structure.pk])
    html = c.get(edit, {"unit": u["A1"].pk}).content.decode()
    assert 'form="move-search"' in html and 'id="move-search"' in html
    assert '<select name="move-new_parent"' not in html
    html = c.get(edit, {"unit": u["A1"].pk, "flyt": "afd"}).content.decode()
    assert f'name="move-new_parent" value="{u["B"].pk}"' in html
    assert f'name="move-new_parent" value="{u["A"].pk}"' not in html
    assert "Fundne enheder for »afd«" in html
    response = c.post(reverse("units:unit-action", args=[structure.pk, u["A1"].pk, "move"]),
                      {"move-new_parent": u["B"].pk, "move-reason": "A1 hører under B."})
    assert response.status_code == 302
    assert names_under(u["B"]) == ["Team B1", "Team A1"]
    none = c.get(edit, {"unit": u["A1"].pk, "flyt": "zzz"}).content.decode()
    assert "Ingen enheder passer på »zzz«." in none


def test_picker_escapes_names(c, editor, organisation):
    structure, u = factories.make_structure(
        editor, {"H": "<script>alert(1)</script>", "X": "Flyttes"}, organisation=organisation)
    data = c.get(targets_url(structure, u["X"]), {"q": "script"})
    assert data.json()["results"][0]["name"] == "<script>alert(1)</script>"
    html = c.get(reverse("units:structure-edit", args=[structure.pk]),
                 {"unit": u["X"].pk, "flyt": "script"}).content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


# --- split with codes and leaders -------------------------------------------------------


def split_url(structure, unit):
    return reverse("units:unit-action", args=[structure.pk, unit.pk, "split"])


def test_split_form_asks_each_parts_code_and_leader(c, draft):
    structure, u = draft
    html = c.get(reverse("units:structure-edit", args=[structure.pk]),
                 {"unit": u["C"].pk}).content.decode()
    assert 'name="split-code_2"' in html and 'name="split-leader_name_2"' in html
    assert 'name="split-code_1" value="C"' in html
    response = c.post(split_url(structure, u["C"]), {
        "split-name_1": "C Nord", "split-share_1": "60", "split-code_1": "C",
        "split-leader_name_1": "Anna Holm",
        "split-name_2": "C Syd", "split-share_2": "40", "split-code_2": "CS",
        "split-leader_name_2": "Bo Lund", "split-reason": "C deles i nord og syd."})
    assert response.status_code == 302
    north, south = (Unit.objects.get(tree_id=structure.pk, name=n) for n in ("C Nord", "C Syd"))
    assert (north.code, north.leader_name) == ("C", "Anna Holm")
    assert (south.code, south.leader_name) == ("CS", "Bo Lund")
    assert names_under(u["ROOT"]) == ["Afdeling A", "Afdeling B", "C Nord", "C Syd",
                                      "Ældreområdet Øst"]


@pytest.mark.parametrize("code_2, message", [
    ("C", "Del 1 og del 2 kan ikke have samme kode »C«."),
    ("B1", "Del 2: Koden »B1« bruges allerede af »Team B1« i denne organisering."),
])
def test_split_code_clash_is_refused_in_danish_and_changes_nothing(c, draft, code_2, message):
    structure, u = draft
    before = list(Unit.objects.filter(tree_id=structure.pk).order_by("pk")
                  .values_list("pk", "name", "code", "lft"))
    response = c.post(split_url(structure, u["C"]), {
        "split-name_1": "C Nord", "split-share_1": "60", "split-code_1": "C",
        "split-name_2": "C Syd", "split-share_2": "40", "split-code_2": code_2,
        "split-reason": "C deles i nord og syd."})
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html and 'value="C Syd"' in html
    assert list(Unit.objects.filter(tree_id=structure.pk).order_by("pk")
                .values_list("pk", "name", "code", "lft")) == before


def test_picker_folds_like_search_and_survives_odd_text(c, editor, organisation):
    from units.selectors import targets

    structure, u = factories.make_structure(
        editor, {"O": "Ørestad  Åbenrå Café", "X": "Flyttes"}, organisation=organisation)
    hits = c.get(targets_url(structure, u["X"]), {"q": "orestad abenra cafe"}).json()["results"]
    assert [h["name"] for h in hits] == ["Ørestad  Åbenrå Café"]
    # A text holding the separator the names are joined with is folded on its own.
    assert targets._fold_all(["Nul\x00tegn", "Æble"]) == ["nul\x00tegn", "aeble"]
