"""What the change log and the flash message offer to undo (the rule is units.operations)."""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Operation, Structure
from ..operations import ledger
from .history import ChangeGroup


@dataclass(frozen=True, slots=True)
class UndoOffer:
    """One change log group's operation: `undoable` when nothing depends on it now, else
    `undone` (already undone) or blocked by later steps (`blocked_by`: how many)."""

    operation_id: int
    undoable: bool
    undone: bool
    blocked_by: int


def undo_offers(structure: Structure, groups: Sequence[ChangeGroup]) -> list[UndoOffer | None]:
    """For each change log group (as structure_changelog gives them), the operation that
    wrote it and whether it can be undone; None for groups no operation wrote (copies,
    imports, the structure's own fields). One query, whatever the number of operations."""
    book = ledger(structure)
    ops = sorted(book.operations, key=lambda o: o.history_first)
    starts = [o.history_first for o in ops]
    offers: list[UndoOffer | None] = []
    for group in groups:
        found = None
        for entry in group.entries:
            if not entry.history_id:
                continue
            i = bisect.bisect_right(starts, entry.history_id) - 1
            if i >= 0 and ops[i].history_first <= entry.history_id <= ops[i].history_last:
                found = ops[i]
        if found is None:
            offers.append(None)
            continue
        blockers = 0 if found.undone_by_id else len(book.dependents(found))
        offers.append(UndoOffer(found.pk, not found.undone_by_id and not blockers,
                                bool(found.undone_by_id), blockers))
    return offers


def latest_operation_id(structure: Structure, *, user=None, after: int = 0) -> int | None:
    """The newest operation on the structure (by `user`, newer than `after`), for the flash
    message's undo button. One query."""
    qs = Operation.objects.filter(structure_id=structure.pk, pk__gt=after)
    if user is not None:
        qs = qs.filter(user_id=user.pk)
    return qs.order_by("-pk").values_list("pk", flat=True).first()
