"""Splitting a unit of a draft into several: a plan (every check, the parts' headcounts and
the predecessors' shares divided by units.shares) and its application (the writes)."""

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

from .. import shares
from ..models import Operation, Structure, Succession, Unit
from .common import (
    _check_reason,
    _clean_fields,
    _fresh,
    _lock_draft,
    _move,
    _place_beside,
    _save,
    _share,
    _validate_unit,
)
from .recording import _recorder


@dataclass
class _Part:
    """One part as asked for: its name, share, the children that go to it and other fields."""

    name: str
    share: Decimal
    children: list[Unit]
    fields: dict[str, Any]


@dataclass
class _SplitPlan:
    """A checked split: `units` are the parts as they will be saved (the first is the unit
    itself), `predecessors` each succession that led to the unit with its share divided
    among the parts."""

    parts: list[_Part]
    units: list[Unit]
    predecessors: list[tuple[Succession, list[Decimal]]]
    reason: str
    structure: Structure


@transaction.atomic
def split_unit(unit: Unit, parts: Sequence[dict[str, Any]], *, user,
               reason: str | None = None, expected_version: int | None = None,
               interactive: bool = False) -> list[Unit]:
    """One unit becomes several. Each part is a dict with ``name`` and ``share`` (percent of
    the staff; the shares add up to 100) and optionally other unit fields and ``children``
    (units among the unit's children that go to that part). The first part is the unit itself
    under its new name; the others are new siblings right after it, in order. The successions
    that led to the unit are divided by the shares, so the comparison shows a split. Children
    not named stay with the first part.

    Refuses fewer than two parts, an empty name, shares that are out of range or do not add
    up to 100, a child named twice or not a child of the unit, and the root; and (as in
    move_unit) a missing reason or a stale version."""
    _check_reason(reason, interactive=interactive)
    plan = _plan_split(unit, parts, reason=reason, expected_version=expected_version)
    return _apply_split(plan, user)


def _plan_split(unit: Unit, parts: Sequence[dict[str, Any]], *,
                reason: str | None, expected_version: int | None = None) -> _SplitPlan:
    """Lock the draft, check the parts and work out each part's unit and share of the
    predecessors; writes nothing."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    check_version(unit, expected_version, what=f"Enheden {quoted(unit.name)}")
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke deles.")
    if len(parts) < 2:
        raise ValidationError("En enhed deles i mindst to dele.")
    planned = _read_parts(unit, parts)
    part_shares = [p.share for p in planned]
    total = _check_total(part_shares)
    # The parts make up the whole unit whatever their shares add up to within the slack.
    headcounts = [int(n) for n in shares.apportion(unit.headcount, part_shares, whole=total)]
    # FTE are divided as the staff are, to the hundredth.
    ftes = (list(shares.apportion(unit.fte, part_shares, step=Decimal("0.01"), whole=total))
            if unit.fte is not None else [None] * len(planned))
    reason = reason or (
        f"{quoted(unit.name)} delt i "
        + join_danish(f"{quoted(p.name)} ({shares.share_text(p.share)})" for p in planned) + "."
    )
    part_units = [
        _part_unit(unit, structure, index, part, headcounts[index], ftes[index])
        for index, part in enumerate(planned)
    ]
    _validate_parts(part_units)
    predecessors = [
        (s, shares.apportion(s.share, part_shares, step=shares.CENT, whole=total))
        for s in Succession.objects.filter(to_unit=unit)
    ]
    return _SplitPlan(parts=planned, units=part_units, predecessors=predecessors,
                      reason=reason, structure=structure)


def _read_parts(unit: Unit, parts: Sequence[dict[str, Any]]) -> list[_Part]:
    """The parts as asked for, each checked by `_read_part`."""
    children_seen: set[int] = set()
    child_ids = set(Unit.objects.filter(parent_id=unit.pk).values_list("pk", flat=True))
    return [_read_part(index, raw, unit, child_ids, children_seen)
            for index, raw in enumerate(parts, start=1)]


def _read_part(index: int, raw: dict[str, Any], unit: Unit, child_ids: set[int],
               children_seen: set[int]) -> _Part:
    """Part number `index`; refuses an empty name, a share out of range or of 0 %, a child
    that is not a child of `unit` and one already among `children_seen` (which it adds to)."""
    part = dict(raw)
    name = (part.pop("name", "") or "").strip()
    if not name:
        raise ValidationError(f"Del {index} skal have et navn.")
    share = _share(part.pop("share", None))
    if share <= 0:
        raise ValidationError(f"Del {index} ({quoted(name)}) skal have en andel over 0 %.")
    children = list(part.pop("children", []) or [])
    for child in children:
        if child.pk not in child_ids:
            raise ValidationError(
                f"{quoted(child.name)} er ikke en underenhed af {quoted(unit.name)}."
            )
        if child.pk in children_seen:
            raise ValidationError(f"{quoted(child.name)} er valgt til mere end én del.")
        children_seen.add(child.pk)
    return _Part(name=name, share=share, children=children, fields=_clean_fields(part))


def _check_total(part_shares: Sequence[Decimal]) -> Decimal:
    """The parts' shares added up; refuses a total that is not 100 % within the slack."""
    total = sum(part_shares, Decimal(0))
    if not shares.makes_100(total):
        raise ValidationError(
            f"Andelene skal tilsammen give 100 %, ikke {shares.share_text(total)}.")
    return total


def _part_unit(unit: Unit, structure: Structure, index: int, part: _Part,
               headcount: int, fte: Decimal | None = None) -> Unit:
    """The unit a part becomes: the first part is `unit` itself, the others new siblings of
    its type, category and location, without its code."""
    if index == 0:
        part_unit = unit
    else:
        part_unit = Unit(
            structure_id=structure.pk, parent_id=unit.parent_id, unit_type_id=unit.unit_type_id,
            category=unit.category, location=unit.location,
        )
    part_unit.name = part.name
    if "headcount" not in part.fields:
        part_unit.headcount = headcount
    if "fte" not in part.fields:
        part_unit.fte = fte
    if index > 0 and "code" not in part.fields:
        part_unit.code = ""
    for key, value in part.fields.items():
        setattr(part_unit, key, value)
    return part_unit


def _validate_parts(part_units: Sequence[Unit]) -> None:
    """Each part's fields, a refusal telling which part; refuses two parts with one code."""
    seen: dict[str, int] = {}
    for number, part_unit in enumerate(part_units, start=1):
        if part_unit.code in seen:
            raise ValidationError({"code": (
                f"Del {seen[part_unit.code]} og del {number} kan ikke have samme kode "
                f"{quoted(part_unit.code)}."
            )})
        if part_unit.code:
            seen[part_unit.code] = number
        try:
            _validate_unit(part_unit)
        except ValidationError as error:
            raise ValidationError({
                name: [f"Del {number}: {message}" for e in errors for message in e.messages]
                for name, errors in error.error_dict.items()
            } if hasattr(error, "error_dict") else [
                f"Del {number}: {message}" for message in error.messages]) from None


def _apply_split(plan: _SplitPlan, user) -> list[Unit]:
    """Save the parts, divide the predecessors' successions among them and move the named
    children to their parts."""
    reason, result = plan.reason, plan.units
    recorder = _recorder(plan.structure, Operation.Kind.SPLIT)
    recorder.touch(result[0].pk, *(c.pk for part in plan.parts[1:] for c in part.children))
    recorder.refer(result[0].parent_id)
    _save(result[0], user, reason)
    # The new parts follow the unit itself, in the order given, where it stood.
    for previous, part_unit in zip(result, result[1:], strict=False):
        _place_beside(part_unit, previous, "right", user, reason)
    for s, divided in plan.predecessors:
        for index, part_unit in enumerate(result):
            share = divided[index]
            if index == 0:
                s.share = share
                stamp(s, user, reason)
                s.save()
            else:
                # Every part comes from the predecessor, even with 0 % of it: the link, not
                # the share, makes each part a split (units.changes).
                stamp(Succession(from_unit_id=s.from_unit_id, to_unit=part_unit, share=share),
                       user, reason).save()
    recorder.created(*(u.pk for u in result[1:]))
    for part, part_unit in zip(plan.parts[1:], result[1:], strict=True):
        for child in part.children:
            _move(_fresh(child), part_unit, user, reason)
    recorder.finish(user, reason)
    return [_fresh(u) for u in result]
