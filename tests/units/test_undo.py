"""Undo and restore (issue 15, point 1): every operation on a draft undone leaves the draft
exactly as before, also down a chain; a later step that depends on one blocks its undo with
a Danish message and nothing changed; a unit or a whole draft restored to a recorded moment;
each is a new recorded step."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from orgreg.text import danish_datetime
from tests.units.test_services import assert_sound, refused
from units import selectors, services
from units.models import Operation, Succession, Unit

JAN_2025 = datetime.date(2025, 1, 1)


def draft_snapshot(structure) -> tuple:
    """The draft as a user knows it: every unit (tree order, so siblings' order counts) with
    its parent, code and fields, and every succession to or from its units."""
    units = list(Unit.objects.filter(tree_id=structure.pk).order_by("lft").values_list(
        "pk", "parent_id", "name", "short_name", "code", "unit_type_id", "category",
        "leader_title", "leader_name", "headcount", "fte", "location", "description", "level"))
    ids = [u[0] for u in units]
    links = sorted(Succession.objects.filter(to_unit_id__in=ids).values_list(
        "from_unit_id", "to_unit_id", "share", "note")) + sorted(
        Succession.objects.filter(from_unit_id__in=ids).values_list(
            "from_unit_id", "to_unit_id", "share", "note"))
    return units, links


@pytest.fixture
def draft(editor, small):
    """A draft copied from `small` (so its units have predecessors), with codes as in small:
    ROOT; A (A1, A2); B (B1); C."""
    published, _ = small
    structure = services.copy_structure(published, name="Udkast 2025", effective_date=JAN_2025,
                                        user=editor)
    return structure


def units_of(structure) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(tree_id=structure.pk).select_related(
        "structure")}


def last_op(structure) -> Operation:
    return Operation.objects.filter(structure=structure).latest("pk")


def undo_last(structure, user) -> Operation:
    return services.undo_operation(last_op(structure), user=user)


# --- each operation undone -----------------------------------------------------------------


def _add(structure, u, user):
    services.add_unit(u["A"], name="Team A3", code="A3", headcount=3, user=user)


def _edit(structure, u, user):
    services.update_unit(u["A1"], name="Team A1 (nyt navn)", leader_name="Lis", fte="3.50",
                         user=user)


def _move(structure, u, user):
    services.move_unit(u["A1"], u["B"], user=user)


def _merge_into_existing(structure, u, user):
    services.merge_units([u["A"], u["B"]], into=u["A"], user=user)


def _merge_into_new(structure, u, user):
    services.merge_units([u["A1"], u["A2"]], into="Team A samlet", user=user)


def _split(structure, u, user):
    services.split_unit(u["A"], [
        {"name": "Afdeling A Nord", "share": 60},
        {"name": "Afdeling A Syd", "share": 40, "code": "AS", "children": [u["A2"]]},
    ], user=user)


def _close(structure, u, user):
    services.close_unit(u["A"], transfer_children_to=u["C"], user=user)


def _close_leaf(structure, u, user):
    services.close_unit(u["B1"], user=user)


def _reorder(structure, u, user):
    services.reorder_unit(u["C"], position=0, user=user)


def _reorder_step(structure, u, user):
    services.reorder_unit(u["A2"], step=-1, user=user)


OPERATIONS = [_add, _edit, _move, _merge_into_existing, _merge_into_new, _split, _close,
              _close_leaf, _reorder, _reorder_step]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda f: f.__name__.strip("_"))
def test_undo_of_each_operation_leaves_the_draft_as_before(draft, editor, operation):
    before = draft_snapshot(draft)
    operation(draft, units_of(draft), editor)
    assert draft_snapshot(draft) != before
    done = last_op(draft)
    undo = services.undo_operation(done, user=editor)
    assert draft_snapshot(draft) == before
    assert_sound(draft)
    done.refresh_from_db()
    assert done.undone_by == undo and undo.kind == Operation.Kind.UNDO
    assert undo.reason == f"Fortrudt: {done.reason}"
    group = selectors.structure_changelog(draft)[0]
    assert group.reason == f"Fortrudt: {done.reason}"


def test_undoing_a_middle_sibling_move_puts_it_back_in_its_place(draft, editor):
    u = units_of(draft)
    root = u["ROOT"]
    before = draft_snapshot(draft)
    services.move_unit(u["B"], u["A"], user=editor)
    assert [n.code for n in selectors.tree(draft) if n.parent_id == root.pk] == ["A", "C"]
    undo_last(draft, editor)
    assert [n.code for n in selectors.tree(draft) if n.parent_id == root.pk] == ["A", "B", "C"]
    assert draft_snapshot(draft) == before
    # The tree as recorded after the undo has B back in the middle as well.
    recorded = selectors.structure_as_recorded(draft, timezone.now())
    assert [n.code for n in recorded.units if n.parent_id == root.pk] == ["A", "B", "C"]


def test_a_chain_undone_from_the_last_step_back(draft, editor):
    before = draft_snapshot(draft)
    steps = []
    for operation in (_add, _edit, _move, _split, _merge_into_new, _close):
        operation(draft, units_of(draft), editor)
        steps.append(draft_snapshot(draft))
    for expected in [*reversed(steps[:-1]), before]:
        undo_last_done(draft, editor)
        assert draft_snapshot(draft) == expected
        assert_sound(draft)


def undo_last_done(structure, user) -> Operation:
    """The newest operation still in effect, undone."""
    book = Operation.objects.filter(structure=structure, undone_by=None).exclude(
        kind=Operation.Kind.UNDO).latest("pk")
    return services.undo_operation(book, user=user)


def test_a_closed_unit_comes_back_under_its_own_id_with_its_page(client, draft, editor):
    u = units_of(draft)
    a = u["A"]
    predecessors = list(Succession.objects.filter(to_unit=a).values_list("from_unit_id",
                                                                        "share"))
    _close(draft, u, editor)
    undo_last(draft, editor)
    again = Unit.objects.get(pk=a.pk)
    assert again.name == "Afdeling A" and again.code == "A"
    assert list(Succession.objects.filter(to_unit=again).values_list(
        "from_unit_id", "share")) == predecessors
    client.force_login(editor)
    assert client.get(again.get_absolute_url()).status_code == 200
    # The change log links the unit again: it is not gone.
    page = client.get(f"/structure/{draft.pk}/history/").content.decode()
    assert f'href="/unit/{a.pk}/"' in page


def test_undo_of_an_undo_does_it_again(draft, editor):
    _move(draft, units_of(draft), editor)
    moved = draft_snapshot(draft)
    undo = undo_last(draft, editor)
    redo = services.undo_operation(undo, user=editor)
    assert draft_snapshot(draft) == moved
    assert redo.reason.startswith("Gentaget: Flyttet fra")
    # …and the move, in effect again, blocks what it blocked before.
    services.update_unit(units_of(draft)["A1"], leader_name="Ole", user=editor)
    refused(services.undo_operation, redo, user=editor, match="senere ændring")


# --- refused: a later step depends on it -----------------------------------------------------


def test_undoing_an_added_unit_that_got_a_child_is_refused(draft, editor):
    u = units_of(draft)
    new = services.add_unit(u["A"], name="Team A3", code="A3", user=editor)
    added = last_op(draft)
    services.add_unit(new, name="Gruppe A3x", user=editor, reason="Ny gruppe under A3.")
    message = refused(services.undo_operation, added, user=editor, match="senere ændring")
    assert "»Ny gruppe under A3.«" in message and "Fortryd den først" in message


def test_undoing_a_move_after_the_unit_was_merged_is_refused_then_allowed(draft, editor):
    u = units_of(draft)
    services.move_unit(u["A1"], u["B"], user=editor)
    move = last_op(draft)
    services.merge_units([u["A1"], u["B1"]], into=u["B1"], user=editor)
    refused(services.undo_operation, move, user=editor, match="lagt sammen til")
    before_move = draft_snapshot(draft)
    undo_last(draft, editor)  # the merger
    services.undo_operation(move, user=editor)
    assert draft_snapshot(draft) != before_move
    assert Unit.objects.get(pk=u["A1"].pk).parent_id == u["A"].pk


def test_undoing_an_edit_after_its_parent_was_closed_is_allowed(draft, editor):
    """A later step on other units does not block."""
    u = units_of(draft)
    services.update_unit(u["A1"], leader_name="Lis", user=editor)
    edit = last_op(draft)
    services.close_unit(u["C"], user=editor)
    services.undo_operation(edit, user=editor)
    assert Unit.objects.get(pk=u["A1"].pk).leader_name == ""
    assert not Unit.objects.filter(pk=u["C"].pk).exists()


def test_undoing_a_move_whose_old_parent_was_closed_is_refused(draft, editor):
    u = units_of(draft)
    services.move_unit(u["B1"], u["A"], user=editor)
    move = last_op(draft)
    services.close_unit(u["B"], user=editor)
    refused(services.undo_operation, move, user=editor, match="nedlagt")


def test_undoing_twice_is_refused(draft, editor):
    _edit(draft, units_of(draft), editor)
    done = last_op(draft)
    services.undo_operation(done, user=editor)
    refused(services.undo_operation, done, user=editor, match="allerede fortrudt")


def test_a_change_made_outside_the_operations_blocks_the_undo(draft, editor, small):
    _, old = small
    u = units_of(draft)
    _edit(draft, u, editor)
    done = last_op(draft)
    services.set_predecessors(u["A1"], [(old["A1"], 50)], user=editor)
    refused(services.undo_operation, done, user=editor, match="Overgangene")


def test_undo_in_a_frozen_structure_is_refused(draft, editor):
    _edit(draft, units_of(draft), editor)
    done = last_op(draft)
    services.set_status(draft, "consultation", user=editor)
    refused(services.undo_operation, done, user=editor, match="kan ikke ændres")


# --- restoring to a recorded moment --------------------------------------------------------


def hours_from_now(time_machine):
    """A clock for one test: clock(n) stops time n hours after the test began (so that
    fixtures made before stay in the past) and returns that moment."""
    start = timezone.now()

    def clock(hours: int) -> datetime.datetime:
        moment = start + datetime.timedelta(hours=hours)
        time_machine.move_to(moment, tick=False)
        return moment
    return clock


def test_restoring_the_draft_to_a_moment(draft, editor, time_machine):
    clock = hours_from_now(time_machine)
    clock(1)
    u = units_of(draft)
    services.move_unit(u["A2"], u["C"], user=editor)
    services.update_unit(u["B"], name="Afdeling B (ny)", headcount=99, user=editor)
    at = clock(2)
    then = draft_snapshot(draft)
    clock(3)
    services.close_unit(u["A"], transfer_children_to=u["B"], user=editor)
    services.add_unit(u["C"], name="Team C1", code="C1", user=editor)
    services.merge_units([units_of(draft)["B"], u["C"]], into="Afdeling BC", code="BC",
                         user=editor)
    services.split_unit(units_of(draft)["B1"], [{"name": "B1 x", "share": 50},
                                                {"name": "B1 y", "share": 50}], user=editor)
    clock(4)
    op = services.restore_structure(draft, at=at, user=editor)
    assert draft_snapshot(draft) == then
    assert_sound(draft)
    assert op.kind == Operation.Kind.RESTORE
    assert op.reason == f"Gendannet til {danish_datetime(at)}."
    assert selectors.structure_changelog(draft)[0].reason == op.reason
    # Restoring again changes nothing, and the restore itself can be undone.
    assert services.restore_structure(draft, at=at, user=editor) is None
    services.undo_operation(op, user=editor)
    assert_sound(draft)
    assert units_of(draft)["BC"].name == "Afdeling BC"


def test_restoring_one_unit_brings_back_its_fields_parent_and_itself(draft, editor,
                                                                      time_machine):
    clock = hours_from_now(time_machine)
    clock(1)
    u = units_of(draft)
    a1 = u["A1"]
    at = clock(2)
    clock(3)
    services.update_unit(a1, name="Team X", headcount=40, user=editor)
    services.move_unit(a1, u["B"], user=editor)
    services.update_unit(u["B1"], name="Team B1 (ny)", user=editor)
    op = services.restore_unit(draft, a1.pk, at=at, user=editor)
    again = Unit.objects.get(pk=a1.pk)
    assert (again.name, again.headcount, again.parent_id) == ("Team A1", 4, u["A"].pk)
    assert [n.code for n in selectors.tree(draft) if n.parent_id == u["A"].pk] == ["A1", "A2"]
    assert Unit.objects.get(pk=u["B1"].pk).name == "Team B1 (ny)"  # only the one unit
    assert op.reason.startswith("Gendannet til ") and "»Team A1«" in op.reason
    # A closed unit comes back too.
    services.close_unit(again, user=editor)
    services.restore_unit(draft, a1.pk, at=at, user=editor)
    assert Unit.objects.get(pk=a1.pk).parent_id == u["A"].pk
    assert_sound(draft)


def test_restoring_a_unit_whose_parent_is_gone_is_refused(draft, editor, time_machine):
    clock = hours_from_now(time_machine)
    clock(1)
    u = units_of(draft)
    at = clock(2)
    clock(3)
    services.close_unit(u["A"], transfer_children_to=u["B"], user=editor)
    services.close_unit(u["A1"], user=editor)
    refused(services.restore_unit, draft, u["A1"].pk, at=at, user=editor,
            match="»Afdeling A«, som ikke findes længere")
    new = services.add_unit(u["B"], name="Ny", user=editor)
    refused(services.restore_unit, draft, new.pk, at=at, user=editor,
            match="fandtes ikke i organiseringen")
    with pytest.raises(ValidationError, match="fremtiden"):
        services.restore_structure(draft, at=at + datetime.timedelta(days=1), user=editor)
    refused(services.restore_structure, draft,
            at=datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC), user=editor,
            match="fandtes ikke endnu")


def test_restore_in_a_frozen_structure_is_refused(draft, editor, time_machine):
    clock = hours_from_now(time_machine)
    clock(1)
    at = clock(2)
    clock(3)
    _edit(draft, units_of(draft), editor)
    services.set_status(draft, "consultation", user=editor)
    refused(services.restore_structure, draft, at=at, user=editor, match="kan ikke ændres")


def test_operations_that_change_nothing_are_not_recorded(draft, editor):
    u = units_of(draft)
    count = Operation.objects.count()
    services.update_unit(u["A"], name="Afdeling A", user=editor)
    services.move_unit(u["A1"], u["A"], user=editor)
    assert Operation.objects.count() == count
    refused(services.add_unit, u["A"], name="", user=editor)
    assert Operation.objects.count() == count
