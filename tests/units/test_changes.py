"""units.changes: the one rule of what happened to a unit, table by table, and the ways out
that must agree with it (the comparison and the chart badges on one structure)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from tests.units.test_services import by_code
from units import changes, markup, selectors, services
from units.changes import ChangeKind as K

D2025 = datetime.date(2025, 1, 1)


@pytest.mark.parametrize(("newer", "came_from", "went_to", "renamed", "moved", "expected"), [
    # Units of the newer structure.
    (True, 0, 0, False, False, {K.NEW}),
    (True, 1, 1, False, False, {K.CONTINUED}),
    (True, 1, 1, True, False, {K.RENAMED}),
    (True, 1, 1, False, True, {K.MOVED}),
    (True, 1, 1, True, True, {K.RENAMED, K.MOVED}),
    (True, 2, 1, False, False, {K.MERGED}),
    (True, 3, 0, True, False, {K.MERGED}),  # renamed does not count for a merger
    (True, 3, 0, True, True, {K.MERGED, K.MOVED}),  # moved does, whatever else happened
    (True, 1, 2, False, False, {K.SPLIT}),
    (True, 1, 3, True, False, {K.SPLIT}),
    (True, 1, 3, True, True, {K.SPLIT, K.MOVED}),
    (True, 2, 2, False, False, {K.MERGED}),  # its own side first: several predecessors
    # Units of the older structure.
    (False, 0, 0, False, False, {K.CLOSED}),
    (False, 1, 1, False, False, {K.CONTINUED}),
    (False, 1, 1, True, True, {K.RENAMED, K.MOVED}),
    (False, 1, 2, False, False, {K.SPLIT}),
    (False, 2, 1, False, False, {K.MERGED}),
    (False, 2, 1, True, True, {K.MERGED, K.MOVED}),
    (False, 1, 2, True, True, {K.SPLIT, K.MOVED}),
    (False, 0, 0, True, True, {K.CLOSED}),  # nothing to move
    (True, 0, 0, True, True, {K.NEW}),
    (False, 2, 2, False, False, {K.SPLIT}),  # its own side first: several successors
])
def test_classify(newer, came_from, went_to, renamed, moved, expected):
    assert changes.classify(newer=newer, came_from=came_from, went_to=went_to,
                            renamed=renamed, moved=moved) == expected


@pytest.mark.parametrize(("old_parent", "new_parent", "parent_went_to", "moved"), [
    (None, None, (), False),  # the top stays the top
    (None, 5, (), True),
    (4, None, {5}, True),
    (4, 5, {5}, False),  # under its old parent's successor
    (4, 5, {5, 6}, False),  # its old parent was split; one part is the new parent
    (4, 6, {5}, True),
    (4, 5, (), True),  # its old parent was closed
])
def test_is_moved(old_parent, new_parent, parent_went_to, moved):
    assert changes.is_moved(old_parent, new_parent, parent_went_to) is moved


@pytest.mark.parametrize(("older", "newer", "line"), [
    (changes.SPLIT, changes.MERGED, changes.SPLIT),  # part of a split that took others in
    (changes.SPLIT, changes.SPLIT, changes.SPLIT),
    (changes.MERGED, changes.MERGED, changes.MERGED),
    (frozenset({K.MOVED}), frozenset({K.MOVED}), frozenset({K.MOVED})),
])
def test_line_kinds(older, newer, line):
    assert changes.line_kinds(older, newer) == line


def test_primary_labels_and_tally():
    both = frozenset({K.RENAMED, K.MOVED})
    assert changes.primary(both) == K.MOVED
    assert changes.labels(both) == ["Flyttet", "Omdøbt"]
    assert changes.primary(frozenset({K.SPLIT, K.MERGED})) == K.MERGED
    counts = changes.tally([both, changes.CONTINUED, changes.MERGED, changes.MERGED])
    assert counts == {K.NEW: 0, K.CLOSED: 0, K.MERGED: 2, K.SPLIT: 0, K.MOVED: 1,
                      K.RENAMED: 1, K.CONTINUED: 1}


FUTURE = {"effective_date": datetime.date(2025, 1, 1), "today": datetime.date(2024, 12, 31)}
PAST = {"effective_date": datetime.date(2025, 1, 1), "today": datetime.date(2025, 1, 2)}


@pytest.mark.parametrize(("kinds", "future", "past"), [
    (changes.SPLIT,
     "Fra 1. januar 2025 går 50 % af medarbejderne i Center S til Center S Nord under F1.",
     "Siden 1. januar 2025 hører 50 % af medarbejderne i Center S til Center S Nord under F1."),
    (changes.MERGED,
     "Fra 1. januar 2025 lægges Center S sammen med andre enheder til Center S Nord under F1.",
     "Siden 1. januar 2025 er Center S lagt sammen med andre enheder til Center S Nord under "
     "F1."),
    (frozenset({K.RENAMED}),
     "Fra 1. januar 2025 bliver Center S til Center S Nord under F1.",
     "Siden 1. januar 2025 er Center S blevet til Center S Nord under F1."),
    (frozenset({K.RENAMED, K.MOVED}),
     "Fra 1. januar 2025 bliver Center S til Center S Nord under F1.",
     "Siden 1. januar 2025 er Center S blevet til Center S Nord under F1."),
    (frozenset({K.MOVED}),
     "Fra 1. januar 2025 flyttes Center S Nord til F1.",
     "Siden 1. januar 2025 er Center S Nord flyttet til F1."),
    (changes.CONTINUED,
     "Fra 1. januar 2025 fortsætter Center S Nord uændret under F1.",
     "Siden 1. januar 2025 har Center S Nord fortsat uændret under F1."),
])
def test_sentence_in_both_tenses(kinds, future, past):
    parts = {"old": "Center S", "new": "Center S Nord", "parent": "F1", "share": "50 %"}
    assert changes.sentence(kinds, **FUTURE, **parts) == future
    assert changes.sentence(kinds, **PAST, **parts) == past
    # On the day itself the structure is in force: the past.
    assert changes.sentence(kinds, effective_date=datetime.date(2025, 1, 1),
                            today=datetime.date(2025, 1, 1), **parts) == past


def test_a_proposal_keeps_the_future_after_its_date():
    assert changes.tense(datetime.date(2025, 1, 1), datetime.date(2026, 1, 1),
                         decided=False) == changes.Tense.FUTURE
    assert changes.sentence(changes.CLOSED, **PAST, decided=False, old="Center P") == (
        "Fra 1. januar 2025 nedlægges Center P: enheden har ingen efterfølger i denne "
        "organisering.")


def test_closed_unit_in_both_tenses():
    assert changes.sentence(changes.CLOSED, **PAST, old="Center P") == (
        "Siden 1. januar 2025 er Center P nedlagt: enheden har ingen efterfølger i denne "
        "organisering.")
    assert changes.sentence(changes.CLOSED, **FUTURE, old="Center P", sub_units=True) == (
        "Fra 1. januar 2025 nedlægges Center P, men dens underenheder videreføres:")
    assert changes.sentence(changes.CLOSED, **PAST, old="Center P", sub_units=True) == (
        "Siden 1. januar 2025 er Center P nedlagt, men dens underenheder er videreført:")


def test_merger_names_the_other_units():
    whole, part = changes.Partner("Center A"), changes.Partner("Center B", part=True)
    assert changes.sentence(changes.MERGED, **FUTURE, old="Center M", new="Center N",
                            parent="F1", others=[whole, part]) == (
        "Fra 1. januar 2025 lægges Center M sammen med Center A og en del af Center B til "
        "Center N under F1.")
    # The merged unit carries the unit's own name: the others join it.
    assert changes.sentence(changes.MERGED, **PAST, old="Center A", new="Center A",
                            others=[changes.Partner("Center P")]) == (
        "Siden 1. januar 2025 er Center P lagt sammen med Center A.")
    # It carries a partner's name: the unit joins that one, named last.
    assert changes.sentence(changes.MERGED, **FUTURE, old="Center M", new="Center N",
                            parent="F2", others=[changes.Partner("Center N"), part]) == (
        "Fra 1. januar 2025 lægges Center M sammen med en del af Center B og Center N under "
        "F2.")


def test_sentence_dresses_every_piece_through_mark():
    text = changes.sentence(changes.SPLIT, **FUTURE, old="S", new="N", parent="F", share="5 %",
                            mark=lambda role, t: f"[{role}:{t}]")
    assert text == ("Fra [date:1. januar 2025] går [share:5 %] af medarbejderne i [old:S] til "
                    "[new:N] under [parent:F].")


def test_sub_unit_sentence():
    targets = [changes.Target("Center N", "F1", "60 %"), changes.Target("Center O", "", "40 %")]
    assert changes.sub_unit_sentence("Team T", targets, **FUTURE) == (
        "Team T går til Center N under F1 (60 %) og Center O (40 %).")
    assert changes.sub_unit_sentence("Team T", targets[:1], **PAST) == (
        "Team T er gået til Center N under F1 (60 %).")
    assert changes.sub_unit_sentence("Team T", [], **PAST) == "Team T er nedlagt."


@pytest.mark.parametrize(("old", "new", "changed"), [
    ("Birgitte Bonde", "Jonas Thorup", True), ("Pernille Brix", "Pernille  Brix", False),
    ("", "Jonas Thorup", True), ("Birgitte Bonde", "", None),
])
def test_leader_changed(old, new, changed):
    assert changes.leader_changed(old, new) is changed


# --- the comparison and the badges keep the rule on real successions ---------------------------


@pytest.fixture
def zero(small, editor):
    """A draft of `small` where Afdeling C is closed and its tasks go to Afdeling A with 0 %
    of its staff, and Team B1 gives 0 % to a new Team B2 besides its 100 % to itself."""
    old, old_units = small
    new = services.copy_structure(old, name="Ny", effective_date=D2025, user=editor)
    u = by_code(new)
    services.close_unit(u["C"], user=editor)
    services.set_predecessors(u["A"], [(old_units["A"], 100), (old_units["C"], 0)], user=editor)
    b2 = services.add_unit(u["B"], name="Team B2", code="B2", user=editor)
    services.set_predecessors(b2, [(old_units["B1"], 0)], user=editor)
    return old, new, old_units


def test_a_zero_share_link_counts_for_the_kind_and_moves_no_one(zero):
    old, new, _ = zero
    result = selectors.compare(old, new)
    old_kinds = {c.unit.code: c.kinds for c in result.old_changes.values()}
    assert old_kinds["C"] == {K.MERGED}  # not closed: its tasks go to A
    assert old_kinds["A"] == {K.MERGED}
    assert old_kinds["B1"] == {K.SPLIT}
    new_kinds = {c.unit.code: c.kinds for c in result.new_changes.values()}
    assert new_kinds["A"] == {K.MERGED}
    assert new_kinds["B1"] == {K.SPLIT} and new_kinds["B2"] == {K.SPLIT}
    c = next(c for c in result.old_changes.values() if c.unit.code == "C")
    assert [(link.unit.code, link.share) for link in c.successors] == [("A", Decimal("0.00"))]
    assert c.staff_moving() == [0]
    b1 = next(c for c in result.old_changes.values() if c.unit.code == "B1")
    assert [link.unit.code for link in b1.successors] == ["B1", "B2"]
    assert b1.staff_moving() == [8, 0]
    assert result.counts[K.CLOSED] == 0 and result.counts[K.MERGED] == 2


def test_chart_badges_are_the_comparisons_kinds(zero):
    old, new, _ = zero
    nodes = selectors.tree(new)
    badges = markup.change_badges(new, nodes)
    result = selectors.compare(old, new)
    assert {uid: b.kind for uid, b in badges.items()} == {
        uid: c.kind for uid, c in result.new_changes.items() if c.changed}
    by = {n.code: badges.get(n.id) for n in nodes}
    assert (by["A"].kind, by["A"].label) == (K.MERGED, "Sammenlagt")
    assert (by["B2"].kind, by["B2"].label) == (K.SPLIT, "Delt")
    assert by["ROOT"] is None


def test_placement_has_the_lines_kinds(zero):
    old, new, old_units = zero
    [c] = selectors.placement(old_units["C"], new)
    assert (c.unit.code, c.share, c.kind, c.staff) == ("A", Decimal("0.00"), K.MERGED, 0)
    b1 = selectors.placement(old_units["B1"], new)
    assert [(p.unit.code, p.kind, p.staff) for p in b1] == [("B1", K.SPLIT, 8),
                                                            ("B2", K.SPLIT, 0)]
    [a] = selectors.placement(old_units["A"], new)
    assert (a.kind, a.staff) == (K.MERGED, 10)


def test_placement_over_two_steps_is_the_net_change(small, editor):
    """Split on the first step and merged back on the second: continued, as the comparison of
    the two ends says; merged with a unit that was new on the way: not merged either."""
    old, old_units = small
    mid = services.copy_structure(old, name="Trin 1", effective_date=D2025, user=editor)
    u = by_code(mid)
    services.split_unit(u["C"], [{"name": "C1", "share": 50, "code": "C1"},
                                 {"name": "C2", "share": 50, "code": "C2"}], user=editor)
    services.add_unit(u["ROOT"], name="Helt ny", code="N", user=editor)
    services.set_status(mid, "published", user=editor)
    new = services.copy_structure(mid, name="Trin 2", effective_date=datetime.date(2026, 1, 1),
                                  user=editor)
    u = by_code(new)
    services.merge_units([u["C1"], u["C2"]], into=u["C1"], name="Afdeling C", user=editor)
    services.merge_units([u["A2"], u["N"]], into=u["A2"], user=editor)
    result = selectors.compare(old, new)
    kinds = {c.unit.code: c.kinds for c in result.old_changes.values()}
    for code in ("C", "A2", "B"):
        [p] = selectors.placement(old_units[code], new)
        assert p.kinds == kinds[code], code
    assert kinds["C"] == {K.CONTINUED} and kinds["A2"] == {K.CONTINUED}
    [p] = selectors.placement(old_units["C"], new)
    assert (p.unit.code, p.share, p.staff) == ("C1", Decimal("100.00"), 5)
    # A merger with another unit of the first structure, on the second step, is one.
    services.merge_units([u["A1"], u["B1"]], into=u["B1"], user=editor)
    [p] = selectors.placement(old_units["A1"], new)
    # ... and A1 moves with it, from under A to under B: merged and moved.
    assert p.kinds == {K.MERGED, K.MOVED}
    assert selectors.compare(old, new).old_changes[old_units["A1"].pk].kinds == {
        K.MERGED, K.MOVED}
