"""Merging units of a draft into one: a plan (every check, the merged unit as it will be) and
its application (the writes)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.history import stamp
from orgreg.text import join_danish, quoted
from orgreg.versions import check_version

from ..models import Operation, Structure, Unit
from .common import (
    _check_reason,
    _clean_fields,
    _fresh,
    _is_same_or_descendant,
    _lock_draft,
    _move,
    _place_beside,
    _save,
    _validate_unit,
)
from .recording import _recorder, _touch_children
from .successions import _carry_successions


@dataclass
class _MergePlan:
    """A checked merger: `target` is the merged unit as it will be saved (one of `units`, or
    a new unsaved unit), `others` the units it absorbs."""

    target: Unit
    others: list[Unit]
    reason: str
    structure: Structure
    # A new merged unit takes the place of the first unit among its siblings.
    place_of: Unit | None = None


@transaction.atomic
def merge_units(units: Sequence[Unit], *, into: Unit | str, user, reason: str | None = None,
                expected_version: int | None = None, interactive: bool = False,
                **fields: Any) -> Unit:
    """Several units of a draft become one. `into` is one of them, or the name of a new unit
    that takes the first unit's place among its siblings. The others are removed; their
    children move to the merged unit, and the successions that led to them (and from them) now
    lead to it, so the comparison shows a merger. Headcounts are added up.

    Refuses fewer than two units, units of different structures, the root, and merging a unit
    into one of its own descendants; and (as in move_unit) a missing reason, or the first of
    `units` (the one the form was made from) changed since `expected_version`."""
    _check_reason(reason, interactive=interactive)
    plan = _plan_merge(units, into=into, reason=reason, fields=fields,
                       expected_version=expected_version)
    return _apply_merge(plan, user)


def _plan_merge(units: Sequence[Unit], *, into: Unit | str, reason: str | None,
                fields: dict[str, Any], expected_version: int | None = None) -> _MergePlan:
    """Lock the draft, check the merger and set up the merged unit; writes nothing."""
    structure, units = _merging_units(units)
    check_version(units[0], expected_version, what=f"Enheden {quoted(units[0].name)}")
    names = [quoted(u.name) for u in units]
    fields = dict(fields)
    if isinstance(into, Unit):
        target = _existing_target(units, into)
        new_name = fields.pop("name", None)
        if new_name:
            target.name = new_name
    else:
        target = _new_target(units, into, structure)
    for key, value in _clean_fields(fields).items():
        setattr(target, key, value)
    others = [u for u in units if u.pk != target.pk]
    if "headcount" not in fields:
        target.headcount = sum(u.headcount for u in units)
    # FTE follow the staff, as headcount does: the merged unit has the FTE its units gave.
    known = [u.fte for u in units if u.fte is not None]
    if "fte" not in fields and known:
        target.fte = sum(known, Decimal(0))
    _validate_unit(target)
    reason = reason or f"{join_danish(names)} lagt sammen til {quoted(target.name)}."
    return _MergePlan(target=target, others=others, reason=reason, structure=structure,
                      place_of=units[0] if target.pk is None else None)


def _merging_units(units: Sequence[Unit]) -> tuple[Structure, list[Unit]]:
    """The locked draft and the units (each once, read afresh); refuses fewer than two, units
    of different structures and the root."""
    units = list({u.pk: u for u in units}.values())
    if len(units) < 2:
        raise ValidationError("Vælg mindst to enheder, der skal lægges sammen.")
    structure = _lock_draft(units[0].structure)
    units = [_fresh(u) for u in units]
    if any(u.structure_id != structure.pk for u in units):
        raise ValidationError("Kun enheder fra samme organisering kan lægges sammen.")
    if any(u.parent_id is None for u in units):
        raise ValidationError("Organiseringens øverste enhed kan ikke lægges sammen med andre.")
    return structure, units


def _existing_target(units: Sequence[Unit], into: Unit) -> Unit:
    """`into` among `units`, as read afresh; refuses a unit not among them and a target inside
    one of the others."""
    target = next((u for u in units if u.pk == into.pk), None)
    if target is None:
        raise ValidationError(
            f"{quoted(into.name)} er ikke blandt de enheder, der lægges sammen."
        )
    for u in units:
        if u.pk != target.pk and _is_same_or_descendant(target, u):
            raise ValidationError(
                f"{quoted(u.name)} kan ikke lægges ind i sin egen underenhed "
                f"{quoted(target.name)}."
            )
    return target


def _new_target(units: Sequence[Unit], into: str, structure: Structure) -> Unit:
    """A new unit named `into` under the first unit's parent, of its type and category;
    refuses an empty name and units of which one lies under another (then one of them is the
    merged unit)."""
    new_name = (into or "").strip()
    if not new_name:
        raise ValidationError({"name": "Den sammenlagte enhed skal have et navn."})
    for a in units:
        for b in units:
            if a.pk != b.pk and _is_same_or_descendant(b, a):
                raise ValidationError(
                    f"{quoted(b.name)} ligger under {quoted(a.name)}; vælg den ene som "
                    "den sammenlagte enhed."
                )
    return Unit(structure_id=structure.pk, parent_id=units[0].parent_id, name=new_name,
                unit_type_id=units[0].unit_type_id, category=units[0].category)


def _apply_merge(plan: _MergePlan, user) -> Unit:
    """Save the merged unit, carry the others' successions and children over to it, and
    remove the others."""
    target, reason = plan.target, plan.reason
    recorder = _recorder(plan.structure, Operation.Kind.MERGE)
    recorder.touch(*(u.pk for u in plan.others), target.pk)
    _touch_children(recorder, [u.pk for u in plan.others])
    recorder.refer(*(u.parent_id for u in plan.others), target.parent_id)
    if plan.place_of is not None:
        _place_beside(target, plan.place_of, "left", user, reason)
    else:
        _save(target, user, reason)
    recorder.created(target.pk)
    _carry_successions([u.pk for u in plan.others], target, user, reason)
    # Children of removed units move to the merged unit; do the deepest removed unit first so
    # that a removed unit is empty when its turn comes.
    for other in sorted(plan.others, key=lambda u: -u.level):
        for child in list(Unit.objects.filter(parent_id=other.pk).order_by("lft")):
            if child.pk != target.pk:
                _move(child, target, user, reason)
        gone = _fresh(other)
        stamp(gone, user, reason)
        gone.delete()
    recorder.finish(user, reason)
    return _fresh(target)
