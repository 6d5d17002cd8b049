"""Undoing an operation on a draft, and restoring a unit or a whole draft to how history
recorded it at a moment: each a new recorded step (an Operation of its own, so it can be undone
in turn), made through the shared writes of units.services.reconcile."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg import clock
from orgreg.history import history_user
from orgreg.text import danish_datetime, join_danish, quoted

from .. import operations
from ..models import Operation, Structure, Succession, Unit
from ..selectors.history import RECORDED_FIELDS, RecordedUnits, recorded_units
from .common import _lock_draft
from .reconcile import _apply_states, _apply_successions, _recorded_name
from .recording import _recorder


def _step(op: Operation) -> str:
    when = danish_datetime(op.created_at)
    return f"{quoted(op.reason)} ({when}, {history_user(op.user)})"


def _undo_reason(op: Operation, book: operations.Ledger) -> str:
    """"Fortrudt: <what was done>", or "Gentaget: …" when `op` is itself an undo; the words
    of the first operation of the chain, so reasons never nest."""
    first, depth = op, 0
    while (target := book.target(first)) is not None:
        first, depth = target, depth + 1
    return f"{'Gentaget' if depth % 2 else 'Fortrudt'}: {first.reason}"


@transaction.atomic
def undo_operation(operation: Operation, *, user) -> Operation:
    """Undo an operation on a draft: its units go back to how it found them — a unit it
    created is removed, a unit it removed comes back under its own id with its successions,
    moved units go back to their parent and place, fields to their values — as a new recorded
    step, "Fortrudt: <reason>". Refuses a structure that is no longer a draft, an operation
    already undone, one that a later operation in effect depends on (named in the message:
    undo that one first), and one whose units have since been changed in another way."""
    structure = _lock_draft(operation.structure)
    book = operations.ledger(structure)
    op = next((o for o in book.operations if o.pk == operation.pk), None)
    if op is None:
        raise ValidationError("Ændringen findes ikke i denne organisering.")
    if op.undone_by_id:
        raise ValidationError("Ændringen er allerede fortrudt.")
    later = book.dependents(op)
    if later:
        raise ValidationError(
            "Ændringen kan ikke fortrydes, fordi en senere ændring bygger på den: "
            + join_danish(_step(o) for o in later)
            + (". Fortryd den først." if len(later) == 1 else ". Fortryd dem først.")
        )
    op = Operation.objects.select_related("user").get(pk=op.pk)
    targets = {int(uid): state for uid, state in op.before.items()}
    _check_unchanged(op, targets)
    keys = {(r[0], r[1]) for r in [*op.successions_after, *op.successions_before]}
    now_rows = [r for r in operations.succession_rows(targets) if (r[0], r[1]) in keys]
    if now_rows != sorted(op.successions_after):
        raise ValidationError(
            "Overgangene (hvor enhederne kommer fra og går hen) er ændret siden, så ændringen "
            "kan ikke fortrydes herfra. Gendan i stedet organiseringen til et tidspunkt."
        )
    reason = _undo_reason(op, book)
    recorder = _recorder(structure, Operation.Kind.UNDO)
    recorder.touch(*targets)
    recorder.refer(*op.refs)
    _apply_states(structure, targets, user=user, reason=reason)
    _apply_successions(now_rows, op.successions_before, structure, user=user, reason=reason)
    return recorder.finish(user, reason, undoes=op)


def _check_unchanged(op: Operation, targets: dict[int, dict]) -> None:
    """Refuses when a unit the operation touched is no longer as it left it."""
    now = operations.unit_states(targets)
    for uid in targets:
        after = op.after.get(str(uid), operations.absent())
        if not operations.same_place_and_fields(now[str(uid)], after):
            raise ValidationError(
                f"{_recorded_name(uid)} er ændret siden på en anden måde, så ændringen kan "
                "ikke fortrydes herfra. Gendan i stedet enheden til et tidspunkt."
            )


# --- restoring to a moment ------------------------------------------------------------------


def _check_moment(at: datetime.datetime) -> None:
    if at > clock.now():
        raise ValidationError({"at": "Tidspunktet ligger i fremtiden; vælg et tidspunkt, der er "
                                     "gået."})


def _recorded_states(recorded: RecordedUnits) -> dict[int, dict]:
    """Each unit alive at the moment as a state (units.operations) with its place then."""
    index = {uid: i for kids in recorded.children.values() for i, uid in enumerate(kids)}
    fields = {f: RECORDED_FIELDS.index(f) for f in operations.STATE_FIELDS}
    states = {}
    for uid, row in recorded.rows.items():
        parent = row[3] if row[3] in recorded.rows else None
        states[uid] = {
            "exists": True, "parent": parent, "index": index.get(uid, 0) if parent else 0,
            "fields": {f: operations.plain(f, row[i]) for f, i in fields.items()},
        }
    return states


def _recorded_successions(unit_ids, at: datetime.datetime) -> list[list]:
    """The successions into the units as recorded at `at`. One query."""
    latest: dict[int, tuple] = {}
    for row in (Succession.history.filter(to_unit_id__in=list(unit_ids), history_date__lte=at)
                .order_by("history_date", "history_id")
                .values_list("id", "history_type", "from_unit_id", "to_unit_id", "share",
                             "note")):
        latest[row[0]] = row
    pairs = {}
    for _, kind, from_id, to_id, share, note in latest.values():
        if kind != "-":
            pairs[(from_id, to_id)] = [from_id, to_id, operations.plain("share", share), note]
    return sorted(pairs.values())


def _differs(want: dict, have: dict) -> bool:
    return not operations.same_place_and_fields(want, have) or (
        want["exists"] and want.get("index") != have.get("index"))


@transaction.atomic
def restore_structure(structure: Structure, *, at: datetime.datetime, user) -> Operation | None:
    """Bring a whole draft back to how history recorded it at moment `at`: every unit's
    fields, parent and place, the units it had then (brought back under their own ids) and
    not those added since, and where each unit came from (its successions from older
    structures). A new recorded step, "Gendannet til <moment>."; None when the draft already
    is as recorded then. Refuses a frozen structure, a moment in the future or before the
    structure existed, and whatever the writes refuse (units.services.reconcile)."""
    structure = _lock_draft(structure)
    _check_moment(at)
    recorded = recorded_units(structure, at)
    if not recorded.rows:
        raise ValidationError({"at": "Organiseringen fandtes ikke endnu på det tidspunkt."})
    then = _recorded_states(recorded)
    ids = set(then) | set(Unit.objects.filter(tree_id=structure.pk).values_list("pk", flat=True))
    now = operations.unit_states(ids)
    targets = {uid: then.get(uid, operations.absent()) for uid in ids
               if _differs(then.get(uid, operations.absent()), now[str(uid)])}
    now_rows = sorted([f, t, operations.plain("share", s), n] for f, t, s, n in
                      Succession.objects.filter(to_unit__tree_id=structure.pk)
                      .values_list("from_unit_id", "to_unit_id", "share", "note"))
    wanted_rows = _recorded_successions(then, at)
    if not targets and now_rows == wanted_rows:
        return None
    reason = f"Gendannet til {danish_datetime(at)}."
    recorder = _recorder(structure, Operation.Kind.RESTORE)
    changed_links = {tuple(r) for r in now_rows} ^ {tuple(r) for r in wanted_rows}
    recorder.touch(*targets, *(int(r[1]) for r in changed_links))
    _apply_states(structure, targets, user=user, reason=reason)
    _apply_successions(now_rows, wanted_rows, structure, user=user, reason=reason)
    return recorder.finish(user, reason)


@transaction.atomic
def restore_unit(structure: Structure, unit_id: int, *, at: datetime.datetime,
                 user) -> Operation | None:
    """Bring one unit of a draft back to how history recorded it at moment `at`: its own
    fields, its parent and its place among the siblings, and — when it has since been closed
    or merged away — the unit itself, under its own id. Its subunits stay where they are now,
    and where it comes from (its successions) is left as it is: restore the whole draft for
    those. A new recorded step, "Gendannet til <moment>: »name«."; None when the unit already
    is as recorded. Refuses a frozen structure, a moment in the future, a unit the draft did
    not have then, a parent that no longer exists (restore it first), a parent that now lies
    under the unit, and a code another unit now has."""
    structure = _lock_draft(structure)
    _check_moment(at)
    recorded = recorded_units(structure, at)
    if unit_id not in recorded.rows:
        raise ValidationError({"at": f"{_recorded_name(unit_id)} fandtes ikke i organiseringen "
                                     "på det tidspunkt."})
    want = _recorded_states(recorded)[unit_id]
    have = operations.unit_states([unit_id])[str(unit_id)]
    if not _differs(want, have):
        return None
    reason = f"Gendannet til {danish_datetime(at)}: {quoted(want['fields']['name'])}."
    recorder = _recorder(structure, Operation.Kind.RESTORE)
    recorder.touch(unit_id)
    recorder.refer(want["parent"])
    _apply_states(structure, {unit_id: want}, user=user, reason=reason)
    return recorder.finish(user, reason)
