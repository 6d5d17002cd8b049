"""Selectors against answers worked out by hand on small trees."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from tests import factories
from tests.units.test_services import SMALL_SHAPE, by_code, make_draft, shape
from units import selectors, services
from units.models import Succession
from units.services.bulk import UnitRow, build_structure

D2024, D2025 = datetime.date(2024, 1, 1), datetime.date(2025, 1, 1)
D2026 = datetime.date(2026, 1, 1)

WIDE = {
    "A": ("Afdeling A", 10, {"A1": ("Team A1", 4), "A2": ("Team A2", 6), "A3": ("Team A3", 3)}),
    "B": ("Afdeling B", 20, {"B1": ("Team B1", 8), "B2": ("Team B2", 2)}),
    "C": ("Afdeling C", 5),
    "D": ("Afdeling D", 7),
    "E": ("Afdeling E", 1),
}


@pytest.fixture
def wide(editor, organisation):
    return factories.make_structure(editor, WIDE, organisation=organisation,
                                    status="published")


def kinds(change) -> set[str]:
    return set(change.kinds)


def by_key(nodes) -> dict[str, object]:
    return {n.code or n.name: n for n in nodes}


# --- tree -------------------------------------------------------------------------------------


def test_tree_order_depth_and_sums(small):
    structure, units = small
    nodes = selectors.tree(structure)
    assert shape(structure) == SMALL_SHAPE
    got = {n.code: (n.subtree_headcount, n.child_count, n.descendant_count, n.parent_id)
           for n in nodes}
    assert got == {
        "ROOT": (53, 3, 6, None),
        "A": (20, 2, 2, units["ROOT"].pk),
        "A1": (4, 0, 0, units["A"].pk),
        "A2": (6, 0, 0, units["A"].pk),
        "B": (28, 1, 1, units["ROOT"].pk),
        "B1": (8, 0, 0, units["B"].pk),
        "C": (5, 0, 0, units["ROOT"].pk),
    }
    assert [n.level for n in nodes] == [0, 1, 2, 2, 1, 2, 1]
    assert selectors.tree(structure.pk) == nodes


def test_tree_under_and_max_depth(small):
    structure, units = small
    assert [n.code for n in selectors.tree(structure, under=units["A"])] == ["A", "A1", "A2"]
    assert [(n.code, n.subtree_headcount)
            for n in selectors.tree(structure, under=units["A"], max_depth=0)] == [("A", 20)]
    assert [n.code for n in selectors.tree(structure, max_depth=1)] == ["ROOT", "A", "B", "C"]
    assert [n.code for n in selectors.tree(structure, max_depth=0)] == ["ROOT"]
    node = selectors.node(units["B"])
    assert (node.code, node.level, node.headcount) == ("B", 1, 20)
    assert [n.code for n in selectors.ancestors(units["B1"])] == ["ROOT", "B"]
    assert [n.code for n in selectors.ancestors(units["B1"], include_self=True)] == [
        "ROOT", "B", "B1"]


# --- structure_in_force -------------------------------------------------------------------------


def test_structure_in_force_by_date_and_status(small, editor):
    old, _ = small
    org = old.organisation
    assert selectors.structure_in_force(org, datetime.date(2023, 12, 31)) is None
    assert selectors.structure_in_force(org, D2024) == old
    draft, _ = make_draft(small, editor)
    assert selectors.structure_in_force(org, D2025) == old  # a draft is not in force
    services.set_status(draft, "consultation", user=editor)
    assert selectors.structure_in_force(org, D2025) == old
    services.set_status(draft, "approved", user=editor)
    assert selectors.structure_in_force(org, D2025) == draft
    assert selectors.structure_in_force(org, datetime.date(2024, 12, 31)) == old
    later = services.copy_structure(draft, name="2026", effective_date=D2026, user=editor)
    services.set_status(later, "published", user=editor)
    assert selectors.structure_in_force(org, datetime.date(2030, 6, 1)) == later
    discarded = services.copy_structure(later, name="2027", effective_date=datetime.date(
        2027, 1, 1), user=editor)
    services.set_status(discarded, "discarded", user=editor)
    assert selectors.structure_in_force(org, datetime.date(2030, 6, 1)) == later
    other = factories.make_organisation(editor, "Anden kommune")
    assert selectors.structure_in_force(other, D2026) is None


# --- compare --------------------------------------------------------------------------------------


def build_changes(wide, editor):
    """The draft of WIDE with one of every change kind (see test_compare_every_kind)."""
    old, _ = wide
    new = services.copy_structure(old, name="Ny", effective_date=D2025, user=editor)
    u = by_code(new)
    services.update_unit(u["A"], name="Område A", user=editor)
    services.move_unit(u["A1"], u["B"], user=editor)
    services.update_unit(u["A2"], name="Team A2 ny", user=editor)
    services.move_unit(u["A2"], u["C"], user=editor)
    services.close_unit(u["A3"], user=editor)
    services.split_unit(u["B"], [{"name": "Afdeling B", "share": 60},
                                 {"name": "Afdeling B syd", "share": 40, "code": "BS",
                                  "children": [u["B2"]]}], user=editor)
    services.merge_units([u["C"], u["D"]], into=u["C"], name="Afdeling CD", user=editor)
    services.add_unit(u["ROOT"], name="Afdeling F", code="F", user=editor)
    return old, new


def test_compare_every_kind(wide, editor):
    old, new = build_changes(wide, editor)
    result = selectors.compare(old, new)
    assert result.by_successions
    old_kinds = {c.unit.code: kinds(c) for c in result.old_changes.values()}
    assert old_kinds == {
        "ROOT": {"continued"}, "A": {"renamed"}, "A1": {"moved"}, "A2": {"moved", "renamed"},
        "A3": {"closed"}, "B": {"split"}, "B1": {"continued"}, "B2": {"continued"},
        "C": {"merged"}, "D": {"merged"}, "E": {"continued"},
    }
    new_kinds = {c.unit.code: kinds(c) for c in result.new_changes.values()}
    assert new_kinds == {
        "ROOT": {"continued"}, "A": {"renamed"}, "A1": {"moved"}, "A2": {"moved", "renamed"},
        "B": {"split"}, "BS": {"split"}, "B1": {"continued"}, "B2": {"continued"},
        "C": {"merged"}, "E": {"continued"}, "F": {"new"},
    }
    a2 = next(c for c in result.new_changes.values() if c.unit.code == "A2")
    assert (a2.kind, a2.labels) == ("moved", ["Flyttet", "Omdøbt"])
    # Counts are of the rows, by every kind a row carries: the old units C and D are both
    # merged, and A2 is renamed as well as moved.
    assert result.counts == {"new": 1, "closed": 1, "merged": 2, "split": 1, "moved": 2,
                             "renamed": 2, "continued": 4}
    for kind, count in result.counts.items():
        assert count == len([r for r in result.rows() if kind in r.kinds]), kind
    assert result.staff_affected == 10 + 4 + 6 + 3 + 20 + 5 + 7
    b = next(c for c in result.old_changes.values() if c.unit.code == "B")
    assert [(link.unit.code, link.share) for link in b.successors] == [
        ("B", Decimal("60.00")), ("BS", Decimal("40.00"))]
    c = next(c for c in result.new_changes.values() if c.unit.code == "C")
    assert [(link.unit.code, link.share) for link in c.predecessors] == [
        ("C", Decimal("100.00")), ("D", Decimal("100.00"))]
    rows = [(r.unit.code, r.kind) for r in result.rows()]
    assert rows[-1] == ("F", "new") and len(rows) == 12
    assert {(c.unit.code, link.unit.code) for c, link in result.moved_lines()} == {
        ("A1", "A1"), ("A2", "A2")}


def test_compare_a_structure_with_itself_and_its_plain_copy(small, editor):
    old, _ = small
    same = selectors.compare(old, old)
    assert {c.kind for c in same.old_changes.values()} == {"continued"}
    new, _ = make_draft(small, editor)
    copy = selectors.compare(old, new)
    assert copy.by_successions and copy.staff_affected == 0
    assert copy.counts["continued"] == 7 and sum(copy.counts.values()) == 7


def test_compare_follows_a_chain_of_two_steps(wide, editor):
    old, _ = wide
    mid = services.copy_structure(old, name="Trin 1", effective_date=D2025, user=editor)
    u = by_code(mid)
    services.move_unit(u["A1"], u["B"], user=editor)
    services.split_unit(u["B"], [{"name": "Afdeling B", "share": 60},
                                 {"name": "Afdeling B syd", "share": 40, "code": "BS"}],
                        user=editor)
    services.set_status(mid, "published", user=editor)
    new = services.copy_structure(mid, name="Trin 2", effective_date=D2026, user=editor)
    u = by_code(new)
    services.update_unit(u["A1"], name="Team Aa", user=editor)
    services.merge_units([u["C"], u["BS"]], into=u["C"], user=editor)
    result = selectors.compare(old, new)
    assert result.by_successions
    old_kinds = {c.unit.code: kinds(c) for c in result.old_changes.values()}
    assert old_kinds["A1"] == {"moved", "renamed"}
    assert old_kinds["B"] == {"split"}
    assert old_kinds["C"] == {"merged"}
    assert old_kinds["D"] == {"continued"}
    c = next(c for c in result.new_changes.values() if c.unit.code == "C")
    assert kinds(c) == {"merged"}
    assert [(link.unit.code, link.share) for link in c.predecessors] == [
        ("B", Decimal("40.0000")), ("C", Decimal("100.0000"))]


def test_compare_two_alternatives_by_code(wide, editor):
    base, _ = wide
    alt1 = services.copy_structure(base, name="Model 1", effective_date=D2026, user=editor)
    alt2 = services.copy_structure(base, name="Model 2", effective_date=D2026, user=editor)
    u1, u2 = by_code(alt1), by_code(alt2)
    services.update_unit(u1["A"], name="Område A", user=editor)
    services.close_unit(u1["C"], user=editor)
    services.move_unit(u2["A1"], u2["B"], user=editor)
    # Roots without a code are still the same top of both models.
    services.update_unit(u1["ROOT"], code="", user=editor)
    services.update_unit(u2["ROOT"], code="", user=editor)
    result = selectors.compare(alt1, alt2)
    assert not result.by_successions
    old_kinds = {c.unit.code or "root": kinds(c) for c in result.old_changes.values()}
    assert old_kinds == {
        "root": {"continued"}, "A": {"renamed"}, "A1": {"moved"}, "A2": {"continued"},
        "A3": {"continued"}, "B": {"continued"}, "B1": {"continued"}, "B2": {"continued"},
        "D": {"continued"}, "E": {"continued"},
    }
    new_kinds = {c.unit.code or "root": c.kind for c in result.new_changes.values()}
    assert new_kinds["C"] == "new" and new_kinds["root"] == "continued"


# --- placement ------------------------------------------------------------------------------------


def placed(unit, target):
    return [(p.unit.code or p.unit.name, p.share, p.kind, [a.code for a in p.path])
            for p in selectors.placement(unit, target)]


def test_placement_direct_and_in_the_same_structure(wide, editor):
    old, units = wide
    new = services.copy_structure(old, name="Ny", effective_date=D2025, user=editor)
    assert placed(units["A1"], new) == [("A1", Decimal("100.00"), "continued", ["ROOT", "A"])]
    assert placed(units["A1"], old) == [("A1", Decimal("100"), "continued", ["ROOT", "A"])]
    u = by_code(new)
    services.move_unit(u["A1"], u["B"], user=editor)
    services.update_unit(u["A2"], name="Team A2 ny", user=editor)
    services.update_unit(u["A"], name="Område A", code="", user=editor)
    assert placed(units["A1"], new) == [("A1", Decimal("100.00"), "moved", ["ROOT", "B"])]
    # A2's parent was renamed and lost its code: A2 is renamed, not moved.
    assert placed(units["A2"], new) == [("A2", Decimal("100.00"), "renamed", ["ROOT", ""])]


def test_placement_split_merged_and_closed(wide, editor):
    _, units = wide
    old, new = build_changes(wide, editor)
    assert placed(units["B"], new) == [
        ("B", Decimal("60.00"), "split", ["ROOT"]), ("BS", Decimal("40.00"), "split", ["ROOT"]),
    ]
    assert placed(units["D"], new) == [("C", Decimal("100.00"), "merged", ["ROOT"])]
    assert placed(units["A3"], new) == []
    assert placed(units["B2"], new) == [("B2", Decimal("100.00"), "continued", ["ROOT", "BS"])]


def test_placement_through_an_intermediate_structure(wide, editor):
    old, units = wide
    mid = services.copy_structure(old, name="Trin 1", effective_date=D2025, user=editor)
    u = by_code(mid)
    services.split_unit(u["B"], [{"name": "Afdeling B", "share": 60},
                                 {"name": "Afdeling B syd", "share": 40, "code": "BS"}],
                        user=editor)
    services.merge_units([u["D"], u["E"]], into=u["D"], user=editor)
    new = services.copy_structure(mid, name="Trin 2", effective_date=D2026, user=editor)
    u = by_code(new)
    services.split_unit(u["BS"], [{"name": "Syd 1", "share": 50, "code": "S1"},
                                  {"name": "Syd 2", "share": 50, "code": "S2"}], user=editor)
    services.move_unit(u["C"], u["A"], user=editor)
    assert placed(units["B"], new) == [
        ("B", Decimal("60.00"), "split", ["ROOT"]), ("S1", Decimal("20.00"), "split", ["ROOT"]),
        ("S2", Decimal("20.00"), "split", ["ROOT"]),
    ]
    # Merged on the first step and carried unchanged through the second: still merged.
    assert placed(units["E"], new) == [("D", Decimal("100.00"), "merged", ["ROOT"])]
    assert placed(units["C"], new) == [("C", Decimal("100.00"), "moved", ["ROOT", "A"])]
    assert placed(units["B1"], new) == [("B1", Decimal("100.00"), "continued", ["ROOT", "B"])]
    # From the middle structure too.
    assert placed(by_code(mid)["C"], new)[0][2] == "moved"


def test_placement_into_a_structure_not_descending_is_empty(wide, editor):
    base, units = wide
    alt1 = services.copy_structure(base, name="Model 1", effective_date=D2026, user=editor)
    alt2 = services.copy_structure(base, name="Model 2", effective_date=D2026, user=editor)
    assert placed(by_code(alt1)["A"], alt2) == []
    assert placed(by_code(alt1)["A"], base) == []
    other, other_units = factories.make_structure(editor, {"A": "A"})
    assert placed(units["A"], other) == []


# --- history ----------------------------------------------------------------------------------


def test_unit_history_lists_every_change_newest_first(small, editor):
    structure, units = make_draft(small, editor)
    other = factories.make_user("konsulent", "Redaktør")
    services.update_unit(units["A1"], name="Team Aa", headcount=5, user=editor)
    services.move_unit(units["A1"], units["B"], user=other, reason="Samles med B")
    entries = selectors.unit_history(units["A1"])
    assert [(e.object_kind, e.type, e.user, e.reason) for e in entries[:2]] == [
        ("Enhed", "~", "konsulent", "Samles med B"),
        ("Enhed", "~", "redaktoer", "»Team Aa«: omdøbt fra »Team A1« til »Team Aa«; "
                                    "antal medarbejdere ændret."),
    ]
    assert [(c.label, c.old, c.new) for c in entries[0].changes] == [
        ("Overordnet enhed", "Afdeling A", "Afdeling B")]
    assert [(c.label, c.old, c.new) for c in entries[1].changes] == [
        ("Navn", "Team A1", "Team Aa"), ("Antal medarbejdere", "4", "5")]
    kinds_seen = sorted((e.object_kind, e.type, e.reason) for e in entries[2:])
    reason = "Kopieret fra »Organisering 2024«."
    assert kinds_seen == [("Enhed", "+", reason), ("Overgang", "+", reason)]
    assert entries[0].type_label == "Ændret"


def test_structure_changelog_groups_by_operation(small, editor):
    structure, units = make_draft(small, editor)
    services.move_unit(units["A"], units["C"], user=editor)
    services.merge_units([units["A1"], units["A2"]], into="Team A samlet", user=editor)
    services.update_structure(structure, description="Høringsudgave", user=editor)
    groups = selectors.structure_changelog(structure)
    assert [(g.reason, len(g.entries)) for g in groups] == [
        ("Ændret: beskrivelse.", 1),
        # the new unit, and the two merged ones removed
        ("»Team A1« og »Team A2« lagt sammen til »Team A samlet«.", 3),
        ("Flyttet fra »Testkommune« til »Afdeling C«.", 1),
        ("Kopieret fra »Organisering 2024«.", 8),  # the structure and its 7 units
    ]
    assert all(g.user == "redaktoer" for g in groups)
    assert {e.type for e in groups[1].entries} == {"+", "-"}
    assert [g.reason for g in selectors.structure_changelog(structure, limit=2)] == [
        g.reason for g in groups[:2]]


def test_structure_as_recorded_before_and_after_changes(small, editor):
    structure, units = make_draft(small, editor)
    before_any = timezone.now()
    services.add_unit(units["A"], name="Team A3", code="A3", user=editor)
    t_added = timezone.now()
    services.move_unit(units["A"], units["C"], user=editor)
    t_moved = timezone.now()
    services.merge_units([units["B"], units["A"]], into=units["B"], user=editor)
    t_merged = timezone.now()
    services.close_unit(units["A2"], user=editor)
    services.set_status(structure, "consultation", user=editor)

    def recorded(at):
        rec = selectors.structure_as_recorded(structure, at)
        return rec.status, [(n.code, n.level) for n in rec.units]

    assert recorded(before_any) == ("draft", SMALL_SHAPE)
    assert recorded(t_added) == ("draft", [
        ("ROOT", 0), ("A", 1), ("A1", 2), ("A2", 2), ("A3", 2), ("B", 1), ("B1", 2), ("C", 1)])
    assert recorded(t_moved) == ("draft", [
        ("ROOT", 0), ("B", 1), ("B1", 2), ("C", 1), ("A", 2), ("A1", 3), ("A2", 3), ("A3", 3)])
    assert recorded(t_merged) == ("draft", [
        ("ROOT", 0), ("B", 1), ("B1", 2), ("A1", 2), ("A2", 2), ("A3", 2), ("C", 1)])
    now = selectors.structure_as_recorded(structure, timezone.now())
    assert [(n.code, n.level, n.subtree_headcount) for n in now.units] == [
        (n.code, n.level, n.subtree_headcount) for n in selectors.tree(structure)]
    assert (now.status, now.status_label) == ("consultation", "I høring")
    early = selectors.structure_as_recorded(structure, structure.created_at
                                            - datetime.timedelta(seconds=1))
    assert early.units == [] and early.status == ""


def test_structure_as_recorded_keeps_sibling_order_of_a_copy(editor, organisation):
    # Siblings given in an order that differs from their ids' order.
    old, units = factories.make_structure(editor, {"Z": "Zeta", "Y": "Ypsilon", "X": "Xi"},
                                          organisation=organisation)
    services.move_unit(units["Z"], units["ROOT"], user=editor)
    services.move_unit(units["Y"], units["X"], user=editor)
    services.move_unit(units["Y"], units["ROOT"], user=editor)
    copy = services.copy_structure(old, name="Kopi", effective_date=D2025, user=editor)
    expected = [n.code for n in selectors.tree(copy)]
    assert expected == ["ROOT", "Z", "X", "Y"]
    recorded = selectors.structure_as_recorded(copy, timezone.now())
    assert [n.code for n in recorded.units] == expected


def test_unit_history_shows_only_that_unit_and_its_own_successions(small, editor):
    """Two drafts copied from one structure share every code; what happens to "A" in the other
    draft (a rename, its succession from the old "A") and to the old "A"'s other units must not
    show in this draft's "A". History keyed by code, or successions followed one step too
    far, would show them."""
    published, old = small
    mine, units = make_draft(small, editor)
    theirs = services.copy_structure(published, name="Alternativ model", effective_date=D2026,
                                     user=editor)
    their_units = by_code(theirs)
    services.update_unit(units["A"], name="Afdeling A Nord", user=editor, reason="Egen ændring")
    services.update_unit(their_units["A"], name="Fremmed navn", headcount=99, user=editor,
                         reason="Den anden models ændring")
    services.split_unit(their_units["A2"], [{"name": "Del 1", "share": 50},
                                            {"name": "Del 2", "share": 50}], user=editor,
                        reason="Den anden models deling")
    entries = selectors.unit_history(units["A"])
    text = " ".join(f"{e.reason} {e.object_name} "
                    + " ".join(f"{c.old} {c.new}" for c in e.changes) for e in entries)
    assert "Egen ændring" in text and "Afdeling A Nord" in text
    for foreign in ("Fremmed navn", "99", "Den anden model", "Del 1", "Team A1"):
        assert foreign not in text, foreign
    own = {e.object_id for e in entries if e.object_kind == "Enhed"}
    assert own == {units["A"].pk}
    successions = {e.object_id for e in entries if e.object_kind == "Overgang"}
    assert successions == set(Succession.objects.filter(to_unit=units["A"])
                              .values_list("pk", flat=True))
    assert successions and not successions & set(
        Succession.objects.filter(to_unit__tree_id=theirs.pk).values_list("pk", flat=True))


# --- a fixed number of queries whatever the size ---------------------------------------------


@pytest.fixture(params=[20, 300], ids=["20-enheder", "300-enheder"])
def sized(request, editor, organisation):
    """A published structure of n units, a middle copy with a few changes, and a final copy:
    the same operations whatever n is."""
    n = request.param
    # Built in bulk (with history, as the services would) to keep the suite quick.
    rows = [UnitRow("ROOT", None, {"name": "Testkommune", "code": "ROOT"})]

    def add(spec: dict, parent: str) -> None:
        for code, (name, headcount, children) in spec.items():
            rows.append(UnitRow(code, parent, {"name": name, "code": code,
                                               "headcount": headcount}))
            add(children, code)

    add(factories.wide_spec(n), "ROOT")
    old = build_structure(organisation, name="Organisering 2024", effective_date=D2024,
                          rows=rows, user=editor)
    old = services.set_status(old, "published", user=editor)
    units = by_code(old)
    mid = services.copy_structure(old, name="Trin 1", effective_date=D2025, user=editor)
    u = by_code(mid)
    services.move_unit(u["U5"], u["U1"], user=editor)
    services.split_unit(u["U2"], [{"name": "To a", "share": 50}, {"name": "To b", "share": 50}],
                        user=editor)
    services.merge_units([u["U3"], u["U4"]], into=u["U3"], user=editor)
    services.set_status(mid, "published", user=editor)
    new = services.copy_structure(mid, name="Trin 2", effective_date=D2026, user=editor)
    services.update_unit(by_code(new)["U5"], name="Femte", user=editor)
    return n, old, mid, new, units


def test_read_paths_take_a_fixed_number_of_queries(sized, django_assert_num_queries):
    n, old, mid, new, units = sized
    with django_assert_num_queries(1):
        nodes = selectors.tree(new)
    assert len(nodes) == n + 1  # the merge removed one unit, the split added one
    with django_assert_num_queries(1):
        selectors.tree(new, under=units["U1"], max_depth=1)
    with django_assert_num_queries(4):
        result = selectors.compare(old, new)
    assert result.counts["merged"] == 2 and result.counts["split"] == 1  # old units counted
    with django_assert_num_queries(4):
        assert len(selectors.compare(mid, new).new_tree) == n + 1
    # Two steps: the chain, one query per step, the units and their ancestors.
    with django_assert_num_queries(5):
        places = selectors.placement(units["U2"], new)
    assert [p.share for p in places] == [Decimal("50.00"), Decimal("50.00")]
    with django_assert_num_queries(5):
        assert selectors.placement(units["U5"], new)[0].kind == "moved"
    unit = by_code(new)["U5"]
    with django_assert_num_queries(4):
        history = selectors.unit_history(unit)
    assert len(history) == 3  # created by the copy, renamed, and its succession
    with django_assert_num_queries(3):
        groups = selectors.structure_changelog(mid)
    assert len(groups) == 5
    at = timezone.now()
    with django_assert_num_queries(3):
        recorded = selectors.structure_as_recorded(mid, at)
    assert [(r.id, r.level) for r in recorded.units] == [(x.id, x.level)
                                                        for x in selectors.tree(mid)]
    with django_assert_num_queries(3):
        assert selectors.tree_faults(new) == []
    with django_assert_num_queries(3):
        assert selectors.tree_faults() == []
