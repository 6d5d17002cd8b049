"""Writes to successions: where a unit of a draft comes from, and carrying successions over
when units are merged."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.history import stamp
from orgreg.text import join_danish, quoted

from .. import shares
from ..lineage import Lineage
from ..models import Structure, Succession, Unit
from ..shares import HUNDRED
from .common import _fresh, _lock_draft, _share

Predecessor = tuple[Unit, Decimal]


@transaction.atomic
def set_predecessors(unit: Unit, predecessors: Iterable[tuple[Unit, Any]], *, user,
                     reason: str | None = None) -> Unit:
    """Say where a unit of a draft comes from: replaces its successions with the given
    (older unit, share) pairs. Refuses units that are not in an earlier structure of the same
    organisation, shares out of range, and an older unit whose shares would pass 100 %."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    pairs = _read_predecessors(predecessors, structure)
    _check_shares_left(pairs, unit, structure)
    reason = reason or _predecessors_reason(unit, pairs)
    _replace_predecessors(unit, pairs, user, reason)
    return unit


def _read_predecessors(predecessors: Iterable[tuple[Unit, Any]],
                       structure: Structure) -> list[Predecessor]:
    """The (older unit, share) pairs with their shares read; refuses a share out of range, a
    unit outside the structure's earlier structures and an older unit named twice."""
    pairs = []
    # Successions lead from an older structure (on this one's based_on line, or earlier in
    # force) to a newer one of the same organisation: the lineage holds only that one's.
    lineage = Lineage.of(structure.organisation_id)
    for old, share in predecessors:
        share = _share(share)
        if not lineage.is_older(old.structure_id, structure):
            raise ValidationError(
                f"{quoted(old.name)} hører ikke til en tidligere organisering i samme organisation."
            )
        pairs.append((old, share))
    old_ids = [o.pk for o, _ in pairs]
    if len(old_ids) != len(set(old_ids)):
        raise ValidationError("Den samme tidligere enhed er angivet to gange.")
    return pairs


def _check_shares_left(pairs: Sequence[Predecessor], unit: Unit, structure: Structure) -> None:
    """Refuses an older unit whose shares within this structure, with the one given to `unit`,
    would pass 100 %."""
    old_ids = [o.pk for o, _ in pairs]
    others: defaultdict[int, Decimal] = defaultdict(Decimal)
    # Shares are divided within this structure; alternative models each take 100 %.
    for s in Succession.objects.filter(from_unit_id__in=old_ids, to_unit__tree_id=structure.pk
                                       ).exclude(to_unit=unit):
        others[s.from_unit_id] += s.share
    for old, share in pairs:
        if shares.passes_100(others[old.pk] + share):
            raise ValidationError(
                f"{quoted(old.name)} ville fordele {shares.share_text(others[old.pk] + share)} "
                "af sine medarbejdere; højst 100 %."
            )


def _predecessors_reason(unit: Unit, pairs: Sequence[Predecessor]) -> str:
    if not pairs:
        return f"{quoted(unit.name)} har ingen forgænger."
    return (
        f"{quoted(unit.name)} kommer fra "
        + join_danish(f"{quoted(o.name)} ({shares.share_text(s)})" for o, s in pairs) + "."
    )


def _replace_predecessors(unit: Unit, pairs: Sequence[Predecessor], user, reason: str) -> None:
    """Delete the unit's successions from units not among `pairs`, and write the others'
    shares where they differ."""
    old_ids = [o.pk for o, _ in pairs]
    current = {s.from_unit_id: s for s in Succession.objects.filter(to_unit=unit)}
    for from_id, s in current.items():
        if from_id not in old_ids:
            stamp(s, user, reason)
            s.delete()
    for old, share in pairs:
        s = current.get(old.pk) or Succession(from_unit=old, to_unit=unit)
        if s.pk and s.share == share:
            continue
        s.share = share
        stamp(s, user, reason)
        s.save()


def _set_succession(from_unit_id: int, to_unit: Unit, share: Decimal, user, reason: str,
                    existing: dict[tuple[int, int], Succession]) -> None:
    """Add `share` to the succession from_unit → to_unit, creating it when missing."""
    key = (from_unit_id, to_unit.pk)
    found = existing.get(key)
    if found is None:
        found = Succession(from_unit_id=from_unit_id, to_unit=to_unit, share=min(share, HUNDRED))
        existing[key] = found
    else:
        found.share = min(found.share + share, HUNDRED)
    stamp(found, user, reason)
    found.save()


def _carry_successions(other_ids: Sequence[int], target: Unit, user, reason: str) -> None:
    """The successions that led to and from the units `other_ids` (removed by a merger) lead
    to and from `target` instead; shares meeting on one pair add up, to at most 100 %."""
    existing = {
        (s.from_unit_id, s.to_unit_id): s
        for s in Succession.objects.filter(to_unit=target)
    }
    existing_out = {
        (s.from_unit_id, s.to_unit_id): s
        for s in Succession.objects.filter(from_unit=target)
    }
    for s in list(Succession.objects.filter(to_unit_id__in=other_ids)):
        stamp(s, user, reason)
        s.delete()
        _set_succession(s.from_unit_id, target, s.share, user, reason, existing)
    for s in list(Succession.objects.filter(from_unit_id__in=other_ids)):
        stamp(s, user, reason)
        s.delete()
        key = (target.pk, s.to_unit_id)
        found = existing_out.get(key)
        if found is None:
            found = Succession(from_unit=target, to_unit_id=s.to_unit_id, share=s.share)
            existing_out[key] = found
        else:
            found.share = min(found.share + s.share, HUNDRED)
        stamp(found, user, reason)
        found.save()
