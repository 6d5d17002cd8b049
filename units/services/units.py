"""Writes to single units of a draft: adding, changing, moving and closing a unit."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.history import stamp
from orgreg.text import counted, quoted
from orgreg.versions import check_version

from ..models import Operation, Succession, Unit
from .common import (
    _check_parent,
    _check_reason,
    _clean_fields,
    _fresh,
    _is_same_or_descendant,
    _lock_draft,
    _move,
    _save,
    _validate_unit,
)
from .recording import _recorder


@transaction.atomic
def add_unit(parent: Unit, *, name: str, user, reason: str | None = None, **fields) -> Unit:
    """A new unit as the last child of `parent`, in a draft. Refuses an empty name or a code
    already used in the structure."""
    structure = _lock_draft(parent.structure)
    parent = _fresh(parent)
    unit = Unit(structure_id=parent.structure_id, parent=parent,
                **_clean_fields({"name": name, **fields}))
    _validate_unit(unit)
    recorder = _recorder(structure, Operation.Kind.ADD)
    reason = reason or f"Enheden {quoted(unit.name)} oprettet under {quoted(parent.name)}."
    _save(unit, user, reason)
    recorder.created(unit.pk)
    recorder.refer(parent.pk)
    recorder.finish(user, reason)
    return unit


@transaction.atomic
def update_unit(unit: Unit, *, user, reason: str | None = None,
                expected_version: int | None = None, **fields) -> Unit:
    """Change a unit's own fields (not its place: see move_unit); only the fields given are
    touched. Refuses an empty name, a code already used in the structure, and — when
    `expected_version` (orgreg.versions.current_version when the form was made) is given — a
    unit saved by someone else since then, so a stale form never reverts their change."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    check_version(unit, expected_version, what=f"Enheden {quoted(unit.name)}")
    changes = []
    for key, value in _clean_fields(fields).items():
        old = getattr(unit, key)
        if old != value:
            label = Unit._meta.get_field(key).verbose_name
            if key == "name":
                changes.append(f"omdøbt fra {quoted(old)} til {quoted(value)}")
            else:
                changes.append(f"{label} ændret")
            setattr(unit, key, value)
    if not changes:
        return unit
    _validate_unit(unit)
    text = "; ".join(changes)
    reason = reason or f"{quoted(unit.name)}: {text}."
    recorder = _recorder(structure, Operation.Kind.UPDATE)
    recorder.touch(unit.pk)
    _save(unit, user, reason)
    recorder.finish(user, reason)
    return unit


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit, *, user, reason: str | None = None,
              expected_version: int | None = None, interactive: bool = False) -> Unit:
    """Place `unit` (with its subtree) as the last child of `new_parent`. Refuses a parent in
    another structure, the unit itself or one of its descendants, and moving the root; when
    `interactive` (a person at a form) a missing reason if the setting asks for one
    (common._check_reason); and, with `expected_version`, a unit changed since the form was
    made (orgreg.versions)."""
    _check_reason(reason, interactive=interactive)
    structure = _lock_draft(unit.structure)
    unit, new_parent = _fresh(unit), _fresh(new_parent)
    check_version(unit, expected_version, what=f"Enheden {quoted(unit.name)}")
    _check_parent(new_parent, unit.structure)
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke flyttes.")
    if _is_same_or_descendant(new_parent, unit):
        raise ValidationError(
            f"{quoted(unit.name)} kan ikke flyttes ind under sig selv eller en af sine egne "
            "underenheder."
        )
    if unit.parent_id == new_parent.pk:
        return unit
    old_parent = unit.parent
    reason = reason or f"Flyttet fra {quoted(old_parent.name)} til {quoted(new_parent.name)}."
    recorder = _recorder(structure, Operation.Kind.MOVE)
    recorder.touch(unit.pk)
    recorder.refer(old_parent.pk, new_parent.pk)
    _move(unit, new_parent, user, reason)
    recorder.finish(user, reason)
    return unit


@transaction.atomic
def close_unit(unit: Unit, *, user, reason: str | None = None,
               transfer_children_to: Unit | None = None, expected_version: int | None = None,
               interactive: bool = False) -> None:
    """Remove a unit from a draft: the units it came from then have no successor in this
    structure and show as closed. Its children move to `transfer_children_to`; a unit with
    children and nowhere to put them is refused, as are the root and a target inside the unit,
    and (as in move_unit) a missing reason or a stale version."""
    _check_reason(reason, interactive=interactive)
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    check_version(unit, expected_version, what=f"Enheden {quoted(unit.name)}")
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke nedlægges.")
    children = list(Unit.objects.filter(parent_id=unit.pk).order_by("lft"))
    target = None
    if transfer_children_to is not None:
        target = _fresh(transfer_children_to)
        _check_parent(target, structure)
        if _is_same_or_descendant(target, unit):
            raise ValidationError(
                f"Underenhederne kan ikke flyttes til {quoted(target.name)}, "
                f"som selv ligger i {quoted(unit.name)}."
            )
    elif children:
        raise ValidationError(
            f"{quoted(unit.name)} har {counted(len(children), 'underenhed', 'underenheder')}. "
            "Vælg hvor de skal flyttes hen, før enheden nedlægges."
        )
    moved_to = f" Underenhederne flyttet til {quoted(target.name)}." \
        if target is not None and children else ""
    reason = reason or f"Enheden {quoted(unit.name)} nedlagt.{moved_to}"
    recorder = _recorder(structure, Operation.Kind.CLOSE)
    recorder.touch(unit.pk, *(c.pk for c in children))
    recorder.refer(unit.parent_id, target.pk if target is not None and children else None)
    if target is not None:
        for child in children:
            _move(child, target, user, reason)
    for s in Succession.objects.filter(to_unit=unit) | Succession.objects.filter(from_unit=unit):
        stamp(s, user, reason)
        s.delete()
    gone = _fresh(unit)
    stamp(gone, user, reason)
    gone.delete()
    recorder.finish(user, reason)
