import datetime

import pytest

from med import selectors, services
from tests import factories
from units import selectors as unit_selectors
from units import services as unit_services

D = datetime.date


def names(rows):
    return [r.unit.name for r in rows]


# --- coverage on a hand-built tree ------------------------------------------------------


def test_coverage_of_the_small_tree(bodies, small, editor):
    structure, units = small
    report = selectors.coverage(structure)
    assert report.on_date == D(2024, 1, 1)
    by_name = {r.unit.name: [b.name for b in r.bodies] for r in report.rows}
    assert by_name == {
        "Testkommune": ["HovedMED"],
        "Afdeling A": ["HovedMED", "LokalMED A"],
        "Team A1": ["HovedMED", "LokalMED A"],
        "Team A2": ["HovedMED", "LokalMED A"],
        "Afdeling B": ["HovedMED"],
        "Team B1": ["HovedMED", "LokalMED B1"],
        "Afdeling C": ["HovedMED"],
    }
    assert report.gaps == []
    assert names(report.local_gaps) == ["Testkommune", "Afdeling B", "Afdeling C"]
    assert report.doubles == []


def test_gaps_and_double_coverage(bodies, small, editor):
    structure, units = small
    # Without the HovedMED the root, B and C are gaps; a second local body on A2 doubles it.
    services.update_body(bodies["hoved"], valid_to=D(2023, 12, 31), valid_from=D(2023, 1, 1),
                         user=editor)
    extra = services.create_body(structure, name="LokalMED A2", level="lokal",
                                 valid_from=D(2024, 1, 1), units=[units["A2"]], user=editor)
    report = selectors.coverage(structure)
    assert names(report.gaps) == ["Testkommune", "Afdeling B", "Afdeling C"]
    assert names(report.doubles) == ["Team A2"]
    (row,) = report.doubles
    assert {b.name for b in row.doubles["lokal"]} == {"LokalMED A", "LokalMED A2"}
    # A body valid only later does not cover the effective date.
    services.update_body(extra, valid_from=D(2024, 2, 1), user=editor)
    assert selectors.coverage(structure).doubles == []
    assert names(selectors.coverage(structure, on_date=D(2024, 3, 1)).doubles) == ["Team A2"]


def test_coverage_carries_old_bodies_into_a_draft(bodies, small, editor):
    structure, units = small
    draft = unit_services.copy_structure(structure, name="Udkast 2025",
                                         effective_date=D(2025, 1, 1), user=editor)
    new = {u.code: u for u in draft.units}
    unit_services.add_unit(new["A"], name="Team A3", user=editor)
    unit_services.add_unit(new["ROOT"], name="Ny stab", user=editor)
    unit_services.move_unit(new["B1"], new["C"], user=editor)
    # The old HovedMED ends with 2024; an OvergangsMED on the draft covers the root.
    services.update_body(bodies["hoved"], valid_to=D(2024, 12, 31), user=editor)
    report = selectors.coverage(draft)
    by_name = {r.unit.name: [(b.name, b.carried) for b in r.bodies] for r in report.rows}
    assert by_name["Team A3"] == [("LokalMED A", True)]  # new unit takes its parent's body
    assert by_name["Team B1"] == [("LokalMED B1", True)]  # moved, and its body follows it
    assert by_name["Afdeling C"] == []
    assert names(report.gaps) == ["Testkommune", "Afdeling B", "Afdeling C", "Ny stab"]
    overgang = services.create_body(draft, name="OvergangsMED", level="hoved", transitional=True,
                                    valid_from=D(2025, 1, 1), units=[new["ROOT"]], user=editor)
    report = selectors.coverage(draft)
    assert report.gaps == []
    assert [(b.name, b.carried) for b in report.rows[0].bodies] == [("OvergangsMED", False)]
    assert selectors.transitional_bodies(structure, draft) == [overgang]


def test_transitional_bodies_by_period(small, editor):
    structure, _ = small
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    ended = services.create_body(structure, name="Gammel", level="hoved", transitional=True,
                                 valid_from=D(2022, 1, 1), valid_to=D(2023, 6, 30), user=editor)
    inside = services.create_body(structure, name="OvergangsMED", level="hoved",
                                  transitional=True, valid_from=D(2024, 11, 1), user=editor)
    services.create_body(structure, name="HovedMED", level="hoved", valid_from=D(2024, 1, 1),
                         user=editor)
    assert selectors.transitional_bodies(structure, draft) == [inside]
    assert ended not in selectors.transitional_bodies(structure, draft)


# --- proposal through a split and a merge -----------------------------------------------


@pytest.fixture
def reorganised(small, editor):
    """The small structure and a draft where A is split into A nord (with A1) and A syd (with
    A2), and B and C are merged into Afdeling BC; local bodies on A, B and C."""
    structure, units = small
    hoved = services.create_body(structure, name="HovedMED", level="hoved",
                                 valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor)
    lokal = {
        code: services.create_body(structure, name=f"LokalMED {code}", level="lokal",
                                   valid_from=D(2024, 1, 1), units=[units[code]], user=editor)
        for code in ("A", "B", "C")
    }
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    new = {u.code: u for u in draft.units}
    unit_services.split_unit(new["A"], [
        {"name": "A nord", "share": 50, "children": [new["A1"]]},
        {"name": "A syd", "share": 50, "children": [new["A2"]]},
    ], user=editor)
    unit_services.merge_units([new["B"], new["C"]], into="Afdeling BC", user=editor)
    return structure, draft, hoved, lokal


def test_proposal_flags_split_and_merge(reorganised):
    structure, draft, hoved, lokal = reorganised
    proposal = {p.body.name: p for p in selectors.propose_med_structure(draft)}
    assert list(proposal) == ["HovedMED", "LokalMED A", "LokalMED B", "LokalMED C"]
    h = proposal["HovedMED"]
    assert [u.name for u in h.units] == ["Testkommune"]
    assert not h.flagged
    a = proposal["LokalMED A"]
    assert [u.name for u in a.units] == ["A nord", "A syd"]
    assert a.split == ("Afdeling A",)
    assert a.merged == () and a.closed == ()
    assert a.flagged
    b = proposal["LokalMED B"]
    assert [u.name for u in b.units] == ["Afdeling BC"]
    assert b.merged == ("Afdeling BC",)
    assert b.shared_with == ("LokalMED C",)
    c = proposal["LokalMED C"]
    assert [u.name for u in c.units] == ["Afdeling BC"]
    assert c.merged == ("Afdeling BC",) and c.shared_with == ("LokalMED B",)


def test_proposal_through_two_steps_and_a_closure(reorganised, editor):
    structure, draft, hoved, lokal = reorganised
    step2 = unit_services.copy_structure(draft, name="Trin 2", effective_date=D(2026, 1, 1),
                                         user=editor)
    syd = step2.units.get(name="A syd")
    team = step2.units.get(code="A2")
    unit_services.move_unit(team, step2.units.get(name="A nord"), user=editor)
    unit_services.close_unit(syd, user=editor)
    proposal = {p.body.name: p for p in selectors.propose_med_structure(step2, structure)}
    a = proposal["LokalMED A"]
    # A's staff now all sit in A nord (the A syd half was closed): one piece, not split.
    assert [u.name for u in a.units] == ["A nord"]
    assert a.split == ()
    # A body that ends the day before is the one to replace, so it is proposed; one that
    # ended earlier is not.
    services.update_body(lokal["C"], valid_to=D(2025, 12, 31), user=editor)
    assert "LokalMED C" in {p.body.name for p in
                            selectors.propose_med_structure(step2, structure)}
    services.update_body(lokal["C"], valid_to=D(2025, 6, 30), user=editor)
    assert "LokalMED C" not in {p.body.name for p in
                                selectors.propose_med_structure(step2, structure)}


def test_proposal_flags_a_closed_unit(small, editor):
    structure, units = small
    services.create_body(structure, name="LokalMED C", level="lokal", valid_from=D(2024, 1, 1),
                         units=[units["C"]], user=editor)
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    unit_services.close_unit(draft.units.get(code="C"), user=editor)
    (p,) = selectors.propose_med_structure(draft)
    assert p.units == () and p.closed == ("Afdeling C",) and p.flagged


def test_proposal_covers_new_units_under_carried_ones(small, editor):
    structure, units = small
    services.create_body(structure, name="LokalMED B", level="lokal", valid_from=D(2024, 1, 1),
                         valid_to=D(2024, 12, 31), units=[units["B"]], user=editor)
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    new_b = draft.units.get(code="B")
    group = unit_services.add_unit(new_b, name="Ny gruppe", user=editor)
    unit_services.move_unit(draft.units.get(code="B1"), group, user=editor)
    (p,) = selectors.propose_med_structure(draft)
    assert [u.name for u in p.units] == ["Afdeling B"]
    assert not p.flagged


def test_proposal_of_unrelated_structures_is_empty(bodies, small, editor):
    structure, _ = small
    other, _ = factories.make_structure(editor, organisation=structure.organisation,
                                        name="Alternativ", effective_date=D(2025, 1, 1))
    assert selectors.propose_med_structure(other, structure) == []
    assert selectors.propose_med_structure(other) == []


# --- bodies covering a unit -------------------------------------------------------------


def test_bodies_covering_a_unit_and_a_node(bodies, small):
    structure, units = small
    assert [b.name for b in selectors.bodies_covering(units["A1"])] == ["HovedMED", "LokalMED A"]
    node = unit_selectors.node(units["B1"])
    assert [b.name for b in selectors.bodies_covering(node)] == ["HovedMED", "LokalMED B1"]
    assert [b.name for b in selectors.bodies_covering(units["C"])] == ["HovedMED"]


def test_body_tree(bodies, small, reader, editor):
    structure, _ = small
    tree = selectors.body_tree(structure.organisation, reader)
    assert [(n.body.name, n.depth) for n in tree] == [
        ("HovedMED", 0), ("LokalMED A", 1), ("LokalMED B1", 1)]
    assert [u.name for u in tree[1].units] == ["Afdeling A"]
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    services.create_body(draft, name="Udkast-MED", level="hoved", valid_from=D(2025, 1, 1),
                         user=editor)
    assert "Udkast-MED" not in [n.body.name for n in
                                selectors.body_tree(structure.organisation, reader)]
    assert "Udkast-MED" in [n.body.name for n in
                            selectors.body_tree(structure.organisation, editor)]


def test_tracker_groups_consultations(small, editor):
    structure, _ = small
    open_c = services.create_consultation(structure, council="Ældrerådet", sent_on=D(2024, 8, 14),
                                          deadline=D(2024, 11, 16), user=editor)
    late = services.create_consultation(structure, council="Handicaprådet",
                                        sent_on=D(2024, 8, 14), deadline=D(2024, 9, 1),
                                        user=editor)
    done = services.create_consultation(structure, council="Høringsportalen",
                                        sent_on=D(2024, 8, 14), deadline=D(2024, 9, 1),
                                        user=editor)
    services.record_response(done, response="Svar", responded_on=D(2024, 8, 30), user=editor)
    tracker = selectors.consultation_tracker(editor, today=D(2024, 10, 1))
    assert (tracker.open, tracker.overdue, tracker.answered) == ([open_c], [late], [done])


# --- query counts at two sizes ----------------------------------------------------------


def _world(editor, size):
    """A published structure of `size` units with bodies on every top unit, and a draft copy
    with a split and a merge."""
    structure, units = factories.make_structure(editor, factories.wide_spec(size),
                                                status="published")
    top = [u for u in units.values() if u.level == 1]
    services.create_body(structure, name="HovedMED", level="hoved", valid_from=D(2024, 1, 1),
                         units=[units["ROOT"]], user=editor)
    for u in top[:5]:
        services.create_body(structure, name=f"LokalMED {u.name}", level="lokal",
                             valid_from=D(2024, 1, 1), units=[u], user=editor)
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    new_top = [u for u in draft.units.filter(level=1).order_by("lft")]
    unit_services.merge_units(new_top[:2], into="Sammenlagt", user=editor)
    unit_services.split_unit(new_top[2], [{"name": "Del 1", "share": 60},
                                          {"name": "Del 2", "share": 40}], user=editor)
    return structure, draft


@pytest.mark.parametrize("size", [20, 200])
def test_query_counts_do_not_grow(editor, django_assert_num_queries, size):
    structure, draft = _world(editor, size)
    editor._orgreg_groups = None
    from orgreg.roles import policy

    assert policy(editor).is_editor
    with django_assert_num_queries(4):
        report = selectors.coverage(structure)
    assert len(report.rows) == size + 1
    with django_assert_num_queries(6):
        report = selectors.coverage(draft)
    assert report.gaps == []
    with django_assert_num_queries(6):
        proposal = selectors.propose_med_structure(draft)
    assert len(proposal) == 6
    organisation = structure.organisation
    with django_assert_num_queries(2):
        selectors.body_tree(organisation, editor)
    with django_assert_num_queries(1):
        selectors.consultation_tracker(editor)
