"""The order of a unit among its siblings: editors set it (move up or down, drag within a
parent), and history records it (units.models.RecordedPlace)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.history import stamp
from orgreg.text import quoted

from ..models import Operation, Unit
from .common import _fresh, _lock_draft
from .recording import _recorder


@transaction.atomic
def reorder_unit(unit: Unit, *, position: int | None = None, before: Unit | None = None,
                 after: Unit | None = None, step: int | None = None, user,
                 reason: str | None = None) -> Unit:
    """Put `unit` at another place among its siblings, under the same parent: at `position`
    (0 is first), just `before` or `after` a sibling, or `step` places on (-1 is up one, 1
    down one); give exactly one. Placing a unit where it already is changes nothing. Refuses
    the root, a position outside the siblings, a step past the first or last place, a
    `before`/`after` unit that is not a sibling (or the unit itself), and a frozen
    structure."""
    if sum(x is not None for x in (position, before, after, step)) != 1:
        raise TypeError("Give exactly one of position, before, after and step.")
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed har ingen søskende at bytte "
                              "plads med.")
    siblings = list(Unit.objects.filter(parent_id=unit.parent_id, tree_id=unit.tree_id)
                    .order_by("lft"))
    current = next(i for i, s in enumerate(siblings) if s.pk == unit.pk)
    others = [s for s in siblings if s.pk != unit.pk]
    anchor = before if before is not None else after
    if anchor is not None:
        index = next((i for i, s in enumerate(others) if s.pk == anchor.pk), None)
        if index is None:
            raise ValidationError(
                f"{quoted(anchor.name)} er ikke en søskende til {quoted(unit.name)}; "
                "rækkefølgen sættes kun blandt enheder under samme overordnede enhed."
            )
        target = index + (1 if after is not None else 0)
    elif step is not None:
        target = current + step
        if target < 0:
            raise ValidationError(f"{quoted(unit.name)} står allerede først under "
                                  f"{quoted(unit.parent.name)}.")
        if target >= len(siblings):
            raise ValidationError(f"{quoted(unit.name)} står allerede sidst under "
                                  f"{quoted(unit.parent.name)}.")
    else:
        if not isinstance(position, int) or not 0 <= position < len(siblings):
            raise ValidationError(
                f"Placeringen skal være mellem 1 og {len(siblings)} blandt "
                f"{quoted(unit.parent.name)}s underenheder."
            )
        target = position
    if target == current:
        return unit
    parent_name = quoted(unit.parent.name)
    if target == 0:
        text = f"{quoted(unit.name)} placeret først under {parent_name}."
    else:
        text = (f"{quoted(unit.name)} placeret efter {quoted(others[target - 1].name)} "
                f"under {parent_name}.")
    # Recorded as an operation, so that it can be undone like a move (units.operations).
    recorder = _recorder(structure, Operation.Kind.REORDER)
    recorder.touch(unit.pk)
    recorder.refer(unit.parent_id)
    unit._sibling_index = target
    stamp(unit, user, reason or text)
    if target == 0:
        unit.move_to(others[0], "left")
    else:
        unit.move_to(others[target - 1], "right")
    recorder.finish(user, reason or text)
    return _fresh(unit)

