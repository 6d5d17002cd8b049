"""Sibling order: editors set it (reorder_unit), history records it, and merge and split keep
the original's place."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests import factories
from units import selectors, services
from units.models import Unit


def names_under(parent: Unit) -> list[str]:
    return list(Unit.objects.filter(parent_id=parent.pk).order_by("lft")
                .values_list("name", flat=True))


def recorded_names_under(structure, parent_name: str, at=None) -> list[str]:
    recorded = selectors.structure_as_recorded(structure, at or timezone.now())
    parent = next(n for n in recorded.units if n.name == parent_name)
    return [n.name for n in recorded.units if n.parent_id == parent.id]


@pytest.fixture
def draft(editor, organisation):
    """A draft: ROOT with A, B, C, D (B has B1)."""
    return factories.make_structure(
        editor, {"A": "A", "B": ("B", 0, {"B1": "B1"}), "C": "C", "D": "D"},
        organisation=organisation)


def test_step_up_and_down_swaps_with_the_neighbour(editor, draft):
    structure, u = draft
    services.reorder_unit(u["C"], step=-1, user=editor)
    assert names_under(u["ROOT"]) == ["A", "C", "B", "D"]
    services.reorder_unit(u["A"], step=1, user=editor)
    assert names_under(u["ROOT"]) == ["C", "A", "B", "D"]
    # The subtree travels with its unit.
    assert Unit.objects.get(pk=u["B1"].pk).parent_id == u["B"].pk
    assert selectors.tree_faults(structure) == []


@pytest.mark.parametrize("code, step, message", [
    ("A", -1, "»A« står allerede først under »Testkommune«."),
    ("D", 1, "»D« står allerede sidst under »Testkommune«."),
])
def test_a_step_past_the_edge_is_refused_in_danish_and_changes_nothing(
        editor, draft, code, step, message):
    structure, u = draft
    records = Unit.history.count()
    with pytest.raises(ValidationError) as error:
        services.reorder_unit(u[code], step=step, user=editor)
    assert error.value.messages == [message]
    assert names_under(u["ROOT"]) == ["A", "B", "C", "D"]
    assert Unit.history.count() == records


def test_position_before_and_after(editor, draft):
    _, u = draft
    services.reorder_unit(u["D"], position=0, user=editor)
    assert names_under(u["ROOT"]) == ["D", "A", "B", "C"]
    services.reorder_unit(u["D"], after=u["B"], user=editor)
    assert names_under(u["ROOT"]) == ["A", "B", "D", "C"]
    services.reorder_unit(u["A"], before=u["C"], user=editor)
    assert names_under(u["ROOT"]) == ["B", "D", "A", "C"]


def test_placing_a_unit_where_it_stands_records_nothing(editor, draft):
    _, u = draft
    records = Unit.history.count()
    services.reorder_unit(u["B"], position=1, user=editor)
    services.reorder_unit(u["B"], after=u["A"], user=editor)
    assert Unit.history.count() == records


def test_refusals_name_the_reason(editor, draft):
    structure, u = draft
    with pytest.raises(ValidationError, match="ikke en søskende"):
        services.reorder_unit(u["A"], before=u["B1"], user=editor)
    with pytest.raises(ValidationError, match="mellem 1 og 4"):
        services.reorder_unit(u["A"], position=4, user=editor)
    with pytest.raises(ValidationError, match="øverste enhed"):
        services.reorder_unit(u["ROOT"], step=1, user=editor)
    assert names_under(u["ROOT"]) == ["A", "B", "C", "D"]


def test_a_frozen_structure_cannot_be_reordered(editor, small):
    structure, u = small
    with pytest.raises(ValidationError, match="kan ikke ændres"):
        services.reorder_unit(u["B"], step=-1, user=editor)
    assert names_under(u["ROOT"]) == ["Afdeling A", "Afdeling B", "Afdeling C"]


def test_reorder_is_a_history_step_with_who_and_why(editor, draft):
    structure, u = draft
    services.reorder_unit(u["C"], position=0, user=editor, reason="C er vigtigst")
    last = Unit.history.filter(id=u["C"].pk).latest("history_id")
    assert last.history_user == editor
    assert last.history_change_reason == "C er vigtigst"
    assert last.sibling_index == 0
    log = selectors.structure_changelog(structure)
    assert log[0].reason == "C er vigtigst"
    assert [(c.label, c.new) for c in log[0].entries[0].changes] == [("Placering", "nr. 1")]
    services.reorder_unit(u["A"], step=1, user=editor)
    assert Unit.history.filter(id=u["A"].pk).latest("history_id").history_change_reason == (
        "»A« placeret efter »B« under »Testkommune«.")


def test_history_rebuilds_the_order_at_every_moment(editor, draft):
    structure, u = draft
    before = timezone.now()
    services.reorder_unit(u["D"], position=0, user=editor)
    middle = timezone.now()
    services.reorder_unit(u["A"], step=1, user=editor)
    services.move_unit(u["C"], u["B"], user=editor)
    services.reorder_unit(u["C"], position=0, user=editor)
    assert recorded_names_under(structure, "Testkommune", before) == ["A", "B", "C", "D"]
    assert recorded_names_under(structure, "Testkommune", middle) == ["D", "A", "B", "C"]
    assert recorded_names_under(structure, "Testkommune") == names_under(u["ROOT"]) == [
        "D", "B", "A"]
    assert recorded_names_under(structure, "B") == names_under(u["B"]) == ["C", "B1"]


def test_copy_keeps_the_order_editors_set(editor, draft):
    structure, u = draft
    services.reorder_unit(u["D"], position=0, user=editor)
    services.reorder_unit(u["B"], step=1, user=editor)
    copy = services.copy_structure(structure, name="Kopi", user=editor,
                                   effective_date=datetime.date(2025, 1, 1))
    root = Unit.objects.get(tree_id=copy.pk, parent=None)
    assert names_under(root) == ["D", "A", "C", "B"]
    assert recorded_names_under(copy, "Testkommune") == ["D", "A", "C", "B"]


def test_merging_into_a_new_unit_keeps_the_first_units_place(editor, draft):
    structure, u = draft
    merged = services.merge_units([u["B"], u["C"]], into="BC", user=editor)
    assert names_under(u["ROOT"]) == ["A", "BC", "D"]
    assert names_under(merged) == ["B1"]
    assert recorded_names_under(structure, "Testkommune") == ["A", "BC", "D"]


def test_merging_into_an_existing_unit_keeps_its_place(editor, draft):
    structure, u = draft
    services.merge_units([u["B"], u["D"]], into=u["B"], user=editor)
    assert names_under(u["ROOT"]) == ["A", "B", "C"]
    assert recorded_names_under(structure, "Testkommune") == ["A", "B", "C"]


def test_split_parts_follow_the_original_in_order(editor, draft):
    structure, u = draft
    services.split_unit(u["B"], [
        {"name": "B-nord", "share": 40}, {"name": "B-syd", "share": 30},
        {"name": "B-vest", "share": 30},
    ], user=editor)
    expected = ["A", "B-nord", "B-syd", "B-vest", "C", "D"]
    assert names_under(u["ROOT"]) == expected
    assert recorded_names_under(structure, "Testkommune") == expected


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_and_import_keep_the_order_editors_set(editor, draft, fmt):
    from units import interchange
    from units.interchange import exporters

    structure, u = draft
    services.reorder_unit(u["D"], position=0, user=editor)
    services.reorder_unit(u["A"], after=u["C"], user=editor)
    data = {"csv": exporters.structure_csv, "xlsx": exporters.structure_xlsx,
            "json": exporters.structure_json}[fmt](structure)
    plan = interchange.prepare(data, organisation=structure.organisation, fmt=fmt)
    assert plan.problems == []
    copy = interchange.import_structure(plan, organisation=structure.organisation,
                                        name=f"Genindlæst {fmt}", user=editor,
                                        effective_date=datetime.date(2026, 1, 1))
    root = Unit.objects.get(tree_id=copy.pk, parent=None)
    assert names_under(root) == ["D", "B", "C", "A"]
    assert recorded_names_under(copy, "Testkommune") == ["D", "B", "C", "A"]
