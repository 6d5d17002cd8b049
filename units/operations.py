"""Operations on a draft and undoing them: the one home of the undo rule.

Every operation on a draft's units (units.models.Operation) keeps, for each unit it touched,
the unit's state before and after it — whether it exists, its parent, its place among its
siblings and its own fields — and the successions to and from those units before and after.
Undoing an operation brings the touched units back to their before-state through the
services; restoring a unit or a draft to a moment does the same with the state history
recorded then.

An operation can be undone while no later operation still in effect depends on it. A later
operation depends on an earlier one when it touched a unit the earlier one touched, when it
relied on (placed something under, moved something to) a unit the earlier one created, or
when it moved or removed a unit the earlier one relied on. An undone operation and the undo
that undid it cancel out; an undo that is itself undone is in effect again (redone).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db.models import Q

from .models import Operation, Succession, Unit

# A unit's own fields as a state holds them (by attribute name: unit_type as its id).
STATE_FIELDS = ("name", "short_name", "unit_type_id", "category", "code", "leader_title",
                "leader_name", "headcount", "fte", "location", "description")

State = dict[str, Any]
# [from unit id, to unit id, share as text, note]
SuccessionRow = list


def plain(field: str, value: Any) -> Any:
    """A field's value as a state holds it (JSON): decimals as text with two places."""
    if field in ("fte", "share"):
        return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))
    return value


def absent() -> State:
    return {"exists": False}


def unit_states(unit_ids: Iterable[int]) -> dict[str, State]:
    """The present state of each unit, keyed by its id as text: exists, parent, index among
    its siblings (tree order) and fields; a unit that does not exist is ``absent()``. Two
    queries."""
    ids = sorted(set(unit_ids))
    rows = {r["pk"]: r for r in Unit.objects.filter(pk__in=ids)
            .values("pk", "parent_id", *STATE_FIELDS)}
    parent_ids = {r["parent_id"] for r in rows.values() if r["parent_id"] is not None}
    order: dict[int | None, list[int]] = defaultdict(list)
    for pk, parent_id in (Unit.objects.filter(parent_id__in=parent_ids).order_by("lft")
                          .values_list("pk", "parent_id")):
        order[parent_id].append(pk)
    states = {}
    for uid in ids:
        row = rows.get(uid)
        if row is None:
            states[str(uid)] = absent()
            continue
        parent = row["parent_id"]
        states[str(uid)] = {
            "exists": True, "parent": parent,
            "index": order[parent].index(uid) if parent is not None else 0,
            "fields": {f: plain(f, row[f]) for f in STATE_FIELDS},
        }
    return states


def succession_rows(unit_ids: Iterable[int]) -> list[SuccessionRow]:
    """The successions to and from the units, as rows sorted by (from, to). One query."""
    ids = list(set(unit_ids))
    found = Succession.objects.filter(Q(to_unit_id__in=ids) | Q(from_unit_id__in=ids)) \
        .values_list("from_unit_id", "to_unit_id", "share", "note")
    return sorted([f, t, plain("share", share), note]
                  for f, t, share, note in found)


def same_place_and_fields(a: State, b: State) -> bool:
    """Whether two states agree on existence, parent and fields (the place among siblings
    aside: other operations shift it without touching the unit)."""
    if a["exists"] != b["exists"]:
        return False
    return not a["exists"] or (a["parent"] == b["parent"] and a["fields"] == b["fields"])


def touched_sets(before: dict[str, State], after: dict[str, State]) -> dict[str, list[int]]:
    """What an operation did to its units, for the undo rule: every unit it touched, those it
    created, and those it moved or removed."""
    units = sorted(int(u) for u in before)
    created = [u for u in units if not before[str(u)]["exists"]]
    displaced = [u for u in units if before[str(u)]["exists"] and (
        not after.get(str(u), absent())["exists"]
        or after[str(u)]["parent"] != before[str(u)]["parent"])]
    return {"units": units, "created": created, "displaced": displaced}


# --- which operations are in effect and which depend on which ---------------------------


class Ledger:
    """A structure's operations, oldest first, asked which are in effect and which later ones
    an operation depends on. Built from rows with the fields of `Ledger.FIELDS`, so a page can
    read every operation of a structure in one query without their states."""

    FIELDS = ("pk", "kind", "reason", "created_at", "user_id", "undone_by_id", "touched",
              "refs", "history_first", "history_last")

    def __init__(self, operations: Sequence[Any]):
        self.operations = list(operations)
        self._target_of = {op.undone_by_id: op for op in self.operations if op.undone_by_id}

    def _depth(self, op) -> int:
        """How many undos deep `op` is: 0 for an operation, 1 for an undo, 2 for a redo…"""
        depth = 0
        while op.pk in self._target_of and depth < 1000:
            op = self._target_of[op.pk]
            depth += 1
        return depth

    def in_effect(self, op) -> bool:
        """Whether `op`'s changes stand: it is not undone, and it is not an undo (which only
        cancels the operation it undid) unless it undid an undo."""
        if op.undone_by_id:
            return False
        return self._depth(op) % 2 == 0

    def target(self, op):
        """The operation `op` undid, or None."""
        return self._target_of.get(op.pk)

    def dependents(self, op) -> list:
        """The later operations in effect that depend on `op` (see the module docstring)."""
        mine = op.touched
        my_units = set(mine.get("units", ()))
        my_created = set(mine.get("created", ()))
        my_refs = set(op.refs)
        found = []
        for later in self.operations:
            if later.pk <= op.pk or not self.in_effect(later):
                continue
            theirs = later.touched
            if (my_units & set(theirs.get("units", ()))
                    or my_created & set(later.refs)
                    or my_refs & set(theirs.get("displaced", ()))):
                found.append(later)
        return found

    def undoable(self, op) -> bool:
        """Whether the change log offers to undo `op`: not undone, and nothing depends on it
        (the service checks the units themselves again when asked)."""
        return not op.undone_by_id and not self.dependents(op)


def ledger(structure) -> Ledger:
    """Every operation of the structure, without their states. One query."""
    return Ledger(Operation.objects.filter(structure_id=structure.pk).only(*Ledger.FIELDS)
                  .order_by("pk"))
