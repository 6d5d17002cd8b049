"""Key figures of a structure (units.selectors.figures), checked by hand on small trees."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from med import services as med_services
from orgreg.roles import policy
from units import services
from units.markup import cached_figures
from units.models import Unit
from units.selectors import figures_from_nodes, structure_figures, tree
from units.services.bulk import UnitRow, build_structure

pytestmark = pytest.mark.django_db

# code, parent, name, type, category, leader title, leader name, headcount, fte
SMALL = [
    ("K", None, "Kommunen", "Forvaltning", "", "Direktør", "Dorthe Dahl", 2, "2"),
    ("ADM", "K", "Administration", "Sekretariat", "administration", "Chef", "Anna Als", 10,
     "9.5"),
    ("STAB", "K", "Direktionsstab", "Stab", "stab", "", "", 4, "4"),
    ("OMR", "K", "Ældreområdet", "Område", "drift", "Områdechef", "Ole Olsen", 1, "1"),
    ("P1", "OMR", "Plejehjem Nord", "Tilbud/Institution", "drift", "Leder", "Pia Poulsen", 30,
     "25"),
    ("P2", "OMR", "Plejehjem Syd", "Tilbud/Institution", "drift", "Leder", "Per Prip", 50,
     "41.5"),
    ("T1", "P2", "Natteam", "Team", "drift", "", "", 8, None),
    ("MYN", "K", "Visitation", "Afdeling", "myndighed", "Leder", "Mia Munk", 0, "0"),
]


def small_rows(spec=SMALL) -> list[UnitRow]:
    from units.models import UnitType

    rows = []
    for code, parent, name, unit_type, category, title, leader, headcount, fte in spec:
        fields = {"name": name, "code": code, "category": category,
                  "unit_type": UnitType.objects.get_or_create(name=unit_type)[0],
                  "leader_title": title, "leader_name": leader, "headcount": headcount}
        if fte is not None:
            fields["fte"] = Decimal(fte)
        rows.append(UnitRow(code, parent, fields))
    return rows


def build(editor, organisation, *, name="Organisering 2025", spec=SMALL):
    return build_structure(organisation, name=name, user=editor,
                           effective_date=datetime.date(2025, 1, 1), rows=small_rows(spec))


@pytest.fixture
def organisation(editor):
    return services.create_organisation(name="Figurkommune", user=editor)


@pytest.fixture
def small(editor, organisation):
    structure = build(editor, organisation)
    units = {u.code: u for u in Unit.objects.filter(tree_id=structure.pk)}
    return structure, units


def names(refs) -> list[str]:
    return [r.name for r in refs]


def test_figures_of_a_small_tree_by_hand(small):
    structure, _units = small
    f = structure_figures(structure)
    assert f.visible and f.scope_id is None
    assert f.units == 8
    assert [(c.label, c.count) for c in f.by_level] == [
        ("Niveau 1", 1), ("Niveau 2", 4), ("Niveau 3", 2), ("Niveau 4", 1)]
    assert f.layers == 4
    assert {c.label: c.count for c in f.by_type} == {
        "Forvaltning": 1, "Sekretariat": 1, "Stab": 1, "Område": 1, "Tilbud/Institution": 2,
        "Team": 1, "Afdeling": 1}
    # Drift units: Ældreområdet at depth 1, the two homes at depth 2, the team at depth 3.
    assert [(c.key, c.count) for c in f.operating_depths] == [(1, 1), (2, 2), (3, 1)]
    assert f.leaders == 6
    assert [(c.key, c.count) for c in f.leaders_by_level] == [(0, 1), (1, 3), (2, 2)]
    assert f.operating_leaders == 3  # Ældreområdet and the two homes
    assert {c.label: c.count for c in f.by_leader_title} == {
        "Leder": 3, "Direktør": 1, "Chef": 1, "Områdechef": 1}
    # Leaderless staff answer to the nearest leader above: the stab's 4 to the director, the
    # night team's 8 to Plejehjem Syd.
    people = f.people_per_leader
    assert people.label == "Medarbejdere pr. leder"
    assert sorted((d.key, d.count) for d in people.distribution) == [
        (0, 1), (1, 1), (6, 1), (10, 1), (30, 1), (58, 1)]
    assert (people.leaders, people.minimum, people.maximum) == (6, 0, 58)
    assert people.median == Decimal("8")
    assert [(r.name, r.value) for r in people.above] == [("Plejehjem Syd", 58)]
    # Direct sub-units, over the leaders who have any: Kommunen 4, Ældreområdet 2,
    # Plejehjem Syd 1.
    units = f.units_per_leader
    assert units.label == "Direkte underenheder pr. leder"
    assert (units.leaders, units.minimum, units.median, units.maximum) == (3, 1, Decimal(2), 4)
    assert units.above == ()
    assert f.headcount == 105
    assert f.fte == Decimal("83.00")
    drift = f.staff_of("drift")
    assert (drift.units, drift.headcount, drift.fte, drift.fte_missing) == (
        4, 89, Decimal("67.5"), 1)
    assert f.staff_of("administration").headcount == 10
    assert f.staff_of("stab").headcount == 4
    assert f.staff_of("myndighed").headcount == 0
    uncategorised = f.staff_of("")
    assert (uncategorised.label, uncategorised.headcount) == ("Uden kategori", 2)
    assert [s.category for s in f.staff] == [
        "drift", "administration", "stab", "myndighed", ""]
    assert f.overhead_headcount == 14
    assert f.overhead_share == Decimal("0.1333")
    assert f.overhead_percent == Decimal("13.3")
    assert names(f.without_leader) == ["Direktionsstab", "Natteam"]
    assert names(f.without_headcount) == ["Visitation"]
    # No MED body at all: every unit is without one.
    assert len(f.without_med_body) == 8


def test_thresholds_list_the_leaders_above_them(small):
    structure, _ = small
    f = structure_figures(structure, people_threshold=9, units_threshold=1)
    assert [(r.name, r.value) for r in f.people_per_leader.above] == [
        ("Plejehjem Syd", 58), ("Plejehjem Nord", 30), ("Administration", 10)]
    assert [(r.name, r.value) for r in f.units_per_leader.above] == [
        ("Kommunen", 4), ("Ældreområdet", 2)]


def test_thresholds_default_to_settings(small, settings):
    structure, _ = small
    settings.ORGREG_SPAN_THRESHOLD_PEOPLE = 29
    settings.ORGREG_SPAN_THRESHOLD_UNITS = 3
    f = structure_figures(structure)
    assert f.people_per_leader.threshold == 29
    assert names(f.people_per_leader.above) == ["Plejehjem Syd", "Plejehjem Nord"]
    assert names(f.units_per_leader.above) == ["Kommunen"]


def test_scope_counts_a_unit_and_its_subtree(small):
    structure, units = small
    f = structure_figures(structure, under=units["OMR"])
    assert (f.scope_id, f.scope_name) == (units["OMR"].pk, "Ældreområdet")
    assert f.units == 4
    assert [(c.key, c.count) for c in f.by_level] == [(0, 1), (1, 2), (2, 1)]
    assert f.layers == 3
    assert [(c.key, c.count) for c in f.operating_depths] == [(0, 1), (1, 2), (2, 1)]
    assert f.leaders == 3
    assert f.headcount == 89
    assert f.overhead_share == Decimal(0)
    assert names(f.without_leader) == ["Natteam"]
    assert (f.units_per_leader.minimum, f.units_per_leader.maximum) == (1, 2)


def test_scope_must_be_a_unit_of_the_structure(editor, organisation, small):
    structure, _ = small
    other = build(editor, organisation, name="Andet udkast")
    stranger = Unit.objects.get(tree_id=other.pk, code="OMR")
    with pytest.raises(ValueError):
        structure_figures(structure, under=stranger)


def test_a_scope_without_a_leader_above_counts_its_staff_nowhere(small):
    structure, units = small
    f = structure_figures(structure, under=units["T1"])
    assert (f.units, f.leaders, f.headcount) == (1, 0, 8)
    assert f.people_per_leader.leaders == 0
    assert f.people_per_leader.median is None
    assert names(f.without_leader) == ["Natteam"]


def test_an_empty_root_structure(editor, organisation):
    structure = services.create_structure(organisation, name="Tom", user=editor,
                                          effective_date=datetime.date(2025, 1, 1))
    f = structure_figures(structure)
    assert (f.units, f.layers, f.leaders, f.headcount) == (1, 1, 0, 0)
    assert f.overhead_share is None and f.overhead_percent is None
    assert f.people_per_leader.minimum is None


def test_med_bodies_cover_their_units_subtrees_while_valid(editor, small):
    structure, units = small
    med_services.create_body(structure, name="LokalMED Ældre", level="lokal",
                             valid_from=datetime.date(2024, 1, 1), units=[units["OMR"]],
                             user=editor)
    med_services.create_body(structure, name="Udløbet MED", level="lokal",
                             valid_from=datetime.date(2020, 1, 1),
                             valid_to=datetime.date(2024, 12, 31), units=[units["ADM"]],
                             user=editor)
    f = structure_figures(structure)
    assert names(f.without_med_body) == ["Kommunen", "Administration", "Direktionsstab",
                                         "Visitation"]
    # On a date the expired body was still valid, it covers the administration.
    f = structure_figures(structure, on_date=datetime.date(2024, 6, 1))
    assert "Administration" not in names(f.without_med_body)


def test_viewer_who_may_not_see_the_structure_gets_empty_figures(small, reader):
    structure, _ = small  # a draft: editors only
    with CaptureQueriesContext(connection) as ctx:
        f = structure_figures(structure, viewer=policy(reader))
    assert not f.visible
    assert (f.units, f.leaders, f.headcount) == (0, 0, 0)
    assert f.without_leader == () and f.people_per_leader.above == ()
    assert f.without_med_body is None
    # Only the reader's groups are read, never a unit.
    assert not any("units_unit" in q["sql"] for q in ctx.captured_queries)


def test_bodies_of_structures_the_viewer_may_not_see_cover_nothing(editor, organisation,
                                                                    reader):
    published = build(editor, organisation, name="Udmeldt")
    published = services.set_status(published, "published", user=editor)
    draft = build(editor, organisation, name="Udkast")
    omr = Unit.objects.get(tree_id=published.pk, code="OMR")
    # A body defined against the draft, covering a unit of the published structure.
    body = med_services.create_body(draft, name="Hemmeligt MED", level="lokal",
                                    valid_from=datetime.date(2024, 1, 1), user=editor)
    body.units.add(omr)
    assert "Ældreområdet" not in names(structure_figures(published).without_med_body)
    seen = structure_figures(published, viewer=policy(reader))
    assert seen.visible
    assert "Ældreområdet" in names(seen.without_med_body)


def test_figures_from_nodes_match_the_selector(editor, small):
    structure, units = small
    med_services.create_body(structure, name="LokalMED", level="lokal",
                             valid_from=datetime.date(2024, 1, 1), units=[units["P1"]],
                             user=editor)
    from units.selectors import med_covered_intervals

    whole = figures_from_nodes(tree(structure), structure_id=structure.pk,
                               med_intervals=med_covered_intervals(structure))
    assert whole == structure_figures(structure)
    part = figures_from_nodes(tree(structure, under=units["OMR"]), structure_id=structure.pk)
    assert part.scope_id == units["OMR"].pk
    assert part.without_med_body is None
    assert part.people_per_leader == structure_figures(
        structure, under=units["OMR"]).people_per_leader


def wide(editor, organisation, n: int):
    rows = [UnitRow("K1", None, {"name": "Kommunen", "code": "K1", "leader_name": "D"})]
    for i in range(2, n + 1):
        rows.append(UnitRow(f"K{i}", f"K{(i - 2) // 5 + 1}", {
            "name": f"Enhed {i}", "code": f"K{i}", "headcount": i % 7,
            "category": ("drift", "stab", "")[i % 3],
            "leader_name": "L" if i % 2 else ""}))
    structure = build_structure(organisation, name=f"Bred {n}", user=editor,
                                effective_date=datetime.date(2025, 1, 1), rows=rows)
    root = Unit.objects.get(tree_id=structure.pk, parent=None)
    med_services.create_body(structure, name=f"HovedMED {n}", level="hoved",
                             valid_from=datetime.date(2024, 1, 1), units=[root], user=editor)
    return structure


@pytest.mark.parametrize("n", [5, 300])
def test_a_fixed_number_of_queries_whatever_the_size(editor, organisation, n,
                                                     django_assert_num_queries):
    structure = wide(editor, organisation, n)
    viewer = policy(editor)
    viewer.is_editor  # noqa: B018 - the groups are read once, before counting
    with django_assert_num_queries(2):
        f = structure_figures(structure, viewer=viewer)
    assert f.units == n and f.without_med_body == ()
    scope = Unit.objects.get(tree_id=structure.pk, code="K2")
    with django_assert_num_queries(2):
        structure_figures(structure, under=scope, viewer=viewer)


def test_a_frozen_structures_figures_are_cached_until_its_med_coverage_changes(
        editor, organisation, django_assert_num_queries):
    from django.core.cache import cache

    cache.clear()
    structure = services.set_status(build(editor, organisation), "published", user=editor)
    viewer = policy(editor)
    viewer.is_editor  # noqa: B018 - the groups are read once, before counting
    cold = cached_figures(structure, viewer=viewer)
    with django_assert_num_queries(1):
        warm = cached_figures(structure, viewer=viewer)
    assert warm == cold == structure_figures(structure, viewer=viewer)
    omr = Unit.objects.get(tree_id=structure.pk, code="OMR")
    med_services.create_body(structure, name="LokalMED", level="lokal",
                             valid_from=datetime.date(2024, 1, 1), units=[omr], user=editor)
    after = cached_figures(structure, viewer=viewer)
    assert len(after.without_med_body) == len(cold.without_med_body) - 4


def test_a_drafts_figures_are_never_cached(editor, small):
    structure, units = small
    assert cached_figures(structure).units == 8
    services.add_unit(units["K"], name="Ny enhed", user=editor)
    assert cached_figures(structure).units == 9


def test_bench_figures_prints_the_figures_beside_the_floor(editor):
    import io

    from django.core.management import call_command

    out = io.StringIO()
    call_command("bench", "figures", "--sizes", "60", "--repeat", "1", stdout=out)
    text = out.getvalue()
    assert "60 enheder" in text
    line = next(x for x in text.splitlines() if x.strip().startswith("structure_figures"))
    assert "2 queries" in line and "floor" in line and "ratio" in line
    assert "fra cachen (varm)" in text
    assert not Unit.objects.filter(structure__organisation__name__startswith="Benchmark nøgletal"
                                   ).exists()


def test_merged_and_split_units_carry_their_fte(editor, small):
    structure, units = small
    # Plejehjem Nord (25 FTE) and Syd (41.5) become one home: 66.5 FTE, 80 people.
    merged = services.merge_units([units["P1"], units["P2"]], into=units["P1"], user=editor)
    merged.refresh_from_db()
    assert (merged.headcount, merged.fte) == (80, Decimal("66.50"))
    # Split 60/40: FTE divided as the staff are, to the hundredth, adding up to the whole.
    first, second = services.split_unit(merged, [{"name": "Nord", "share": 60},
                                                 {"name": "Syd", "share": 40}], user=editor)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.fte, second.fte) == (Decimal("39.90"), Decimal("26.60"))
    f = structure_figures(structure)
    assert f.fte == Decimal("83.00")


def test_figures_pickle_to_the_same_figures(small):
    import pickle

    structure, _ = small
    figures = structure_figures(structure)
    assert pickle.loads(pickle.dumps(figures, pickle.HIGHEST_PROTOCOL)) == figures
