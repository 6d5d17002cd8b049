"""Recording an operation on a draft (units.models.Operation) in the transaction that makes
it: the touched units' states before the first write and after the last, so that it can be
undone (units.operations)."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Max

from orgreg import clock

from .. import operations
from ..models import Operation, Structure, Unit


def _newest_history_id() -> int:
    return Unit.history.model.objects.aggregate(n=Max("history_id"))["n"] or 0


class _Recorder:
    """Collects one operation: call `touch` with the units about to change before writing
    them, `created` with each new unit, `refer` with the units relied on, then `finish`."""

    def __init__(self, structure: Structure, kind: str):
        self.structure = structure
        self.kind = kind
        self.before: dict[str, dict] = {}
        self.successions_before: dict[tuple[int, int], list] = {}
        self.refs: set[int] = set()
        self.start = _newest_history_id()

    def touch(self, *unit_ids: int) -> None:
        new = [u for u in unit_ids if u is not None and str(u) not in self.before]
        if not new:
            return
        self.before.update(operations.unit_states(new))
        for row in operations.succession_rows(new):
            self.successions_before.setdefault((row[0], row[1]), row)

    def created(self, *unit_ids: int) -> None:
        for uid in unit_ids:
            self.before.setdefault(str(uid), operations.absent())

    def refer(self, *unit_ids: int | None) -> None:
        self.refs.update(u for u in unit_ids if u is not None)

    def finish(self, user, reason: str, *, undoes: Operation | None = None) -> Operation:
        """Save the operation with the touched units' states as they are now; when it is an
        undo, mark the operation it undid."""
        ids = [int(u) for u in self.before]
        after = operations.unit_states(ids)
        op = Operation.objects.create(
            structure=self.structure, kind=self.kind, reason=reason,
            user=user if getattr(user, "pk", None) else None, created_at=clock.now(),
            before=self.before, after=after, touched=operations.touched_sets(self.before, after),
            refs=sorted(self.refs - set(ids)),
            successions_before=sorted(self.successions_before.values()),
            successions_after=operations.succession_rows(ids),
            history_first=self.start + 1, history_last=_newest_history_id(),
        )
        if undoes is not None:
            Operation.objects.filter(pk=undoes.pk).update(undone_by=op)
            undoes.undone_by = op
        return op


def _recorder(structure: Structure, kind: str) -> _Recorder:
    return _Recorder(structure, kind)


def _touch_children(recorder: _Recorder, parent_ids: Iterable[int]) -> None:
    recorder.touch(*Unit.objects.filter(parent_id__in=list(parent_ids))
                   .values_list("pk", flat=True))
