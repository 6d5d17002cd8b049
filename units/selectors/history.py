"""History: a unit's life, a structure's change log and a structure as recorded at a moment."""

from __future__ import annotations

import bisect
import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, cast

from django.db.models import Q

from orgreg.history import HISTORY_TYPES, FieldChange, field_changes, field_label, history_user
from orgreg.text import danish_number

from .. import shares
from ..models import Category, Status, Structure, Succession, Unit, UnitType
from .trees import UnitNode, _nodes

if TYPE_CHECKING:
    from orgreg.roles import Policy

_UNIT_DIFF_FIELDS = ("name", "short_name", "parent_id", "unit_type_id", "category", "code",
                     "leader_title", "leader_name", "leader_identifier", "leader_email",
                     "external_id", "org_level", "headcount", "fte", "location", "description")
# Personal data: its changes are shown only to a viewer who may see it (orgreg.roles).
_PERSONAL_FIELDS = frozenset({"leader_identifier", "leader_email"})


def _diff_fields(viewer: Policy | None) -> tuple[str, ...]:
    """The fields whose changes `viewer` is shown (every one without a viewer)."""
    if viewer is None or viewer.sees_leader_identifiers:
        return _UNIT_DIFF_FIELDS
    return tuple(f for f in _UNIT_DIFF_FIELDS if f not in _PERSONAL_FIELDS)


# What a step did, in the words of the domain: a unit removed from a draft is closed there
# (nedlagt) unless a merger absorbed it (see `_merged_into`); a succession is a link that is
# added or removed.
_UNIT_TYPES = {**HISTORY_TYPES, "-": "Nedlagt"}
_SUCCESSION_TYPES = {**HISTORY_TYPES, "-": "Fjernet"}


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    when: datetime.datetime
    user: str
    type: str
    reason: str
    object_kind: str
    object_name: str
    object_id: int
    changes: tuple[FieldChange, ...] = ()
    # The parent the unit left in this step (a move), to tell a merger from a closure.
    left_parent: int | None = None
    # The unit that absorbed this one, when the step removed it by a merger.
    merged_into: str = ""
    # The unit has since been removed: its page is gone, so it is named, not linked.
    gone: bool = False
    # The history record's id (0 for entries not read from unit history).
    history_id: int = 0

    @property
    def type_label(self) -> str:
        """What the step did: "Oprettet", "Ændret", "Nedlagt", "Lagt sammen i X"."""
        if self.merged_into:
            return f"Lagt sammen i {self.merged_into}"
        types = {"Enhed": _UNIT_TYPES, "Overgang": _SUCCESSION_TYPES}.get(self.object_kind,
                                                                          HISTORY_TYPES)
        return types.get(self.type, self.type)


class _Names:
    """Units' names as history recorded them, asked for the name a unit had at a moment: a
    parent is told by the name it had when the change was made, also when it is since renamed
    or removed."""

    def __init__(self, rows: Iterable[tuple[int, datetime.datetime, str]]):
        self._by_id: dict[int, tuple[list[datetime.datetime], list[str]]] = {}
        for uid, when, name in sorted(rows, key=lambda r: (r[0], r[1])):
            dates, names = self._by_id.setdefault(uid, ([], []))
            dates.append(when)
            names.append(name)

    def at(self, uid: int, when: datetime.datetime) -> str:
        dates, names = self._by_id.get(uid, ((), ()))
        if not names:
            return "(ukendt enhed)"
        index = bisect.bisect_right(dates, when) - 1
        return names[max(index, 0)]


def _unit_entries(records: Iterable, *, names: _Names,
                  fields: tuple[str, ...] = _UNIT_DIFF_FIELDS) -> list[HistoryEntry]:
    """Entries with diffs of `fields` from unit history records ordered oldest first per
    unit; a parent is named as it was called at the time, never by its id."""
    type_names = dict(UnitType.objects.values_list("pk", "name"))
    labels = {f: field_label(Unit, f) for f in fields}
    category_labels = dict(Category.choices)
    moment: list[datetime.datetime] = []

    def show(f: str, value) -> str:
        if value in (None, ""):
            return "–"
        if f == "parent_id":
            return names.at(value, moment[0])
        if f == "unit_type_id":
            return type_names.get(value, str(value))
        if f == "category":
            return str(category_labels.get(value, value))
        if f in ("headcount", "fte"):
            return danish_number(value)
        return str(value)

    previous: dict[int, Any] = {}
    entries = []
    for rec in records:
        before = previous.get(rec.id)
        changes: tuple[FieldChange, ...] = ()
        left_parent = None
        if before is not None and rec.history_type == "~":
            moment[:] = [rec.history_date]
            changes = field_changes(before, rec, fields, labels, show)
            if before.parent_id != rec.parent_id:
                left_parent = before.parent_id
            if rec.sibling_index is not None:
                # A step that set the unit's place among its siblings (units.models.RecordedPlace).
                changes = (*changes, FieldChange("Placering", "–",
                                                 f"nr. {rec.sibling_index + 1}"))
        previous[rec.id] = rec
        entries.append(HistoryEntry(
            when=rec.history_date, user=history_user(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Enhed", object_name=rec.name,
            object_id=rec.id, changes=changes, left_parent=left_parent,
            history_id=rec.history_id,
        ))
    return entries


def _merged_into(group: list[HistoryEntry]) -> list[HistoryEntry]:
    """One operation's entries with each unit it removed by a merger told as "Lagt sammen i
    X". A merger saves the unit it keeps (or creates) and removes the others, moving their
    children to it; closing a unit removes it and moves its children only. So a removed unit
    was merged when the same operation saved exactly one other unit that stays and that is
    not a child moved out of a removed unit."""
    removed = {e.object_id for e in group if e.object_kind == "Enhed" and e.type == "-"}
    if not removed:
        return group
    kept = {e.object_id: e.object_name for e in group
            if e.object_kind == "Enhed" and e.type in "+~" and e.object_id not in removed
            and e.left_parent not in removed}
    if len(kept) != 1:
        return group
    (name,) = kept.values()
    return [replace(e, merged_into=name) if e.object_id in removed and e.type == "-"
            and e.object_kind == "Enhed" else e for e in group]


def _redacted(entries: list[HistoryEntry], viewer: Policy | None) -> list[HistoryEntry]:
    """The entries with every reason that names a structure the viewer may not see told with
    the policy's neutral phrase instead (see `Policy.redact`)."""
    if viewer is None:
        return entries
    return [e if viewer.redact(e.reason) == e.reason else
            replace(e, reason=viewer.redact(e.reason))
            for e in entries]


def unit_history(unit: Unit, *, viewer: Policy | None = None) -> list[HistoryEntry]:
    """Who changed the unit, when, what and why, newest first; includes the successions
    that lead to or from it. For a `viewer`: successions to or from a structure the viewer may
    not see are left out, and reasons naming such a structure are told neutrally. Five
    queries."""
    records = list(
        unit.history.select_related("history_user").order_by("history_date", "history_id")
    )
    parent_ids = {r.parent_id for r in records if r.parent_id}
    # Parents as history has them: a parent since removed (merged, closed) is still named.
    names = _Names(Unit.history.filter(id__in=parent_ids, structure_id=unit.structure_id)
                   .values_list("id", "history_date", "name")) if parent_ids else _Names(())
    entries = _unit_entries(records, names=names, fields=_diff_fields(viewer))
    successions = list(Succession.history.filter(Q(to_unit_id=unit.pk) | Q(from_unit_id=unit.pk))
                       .select_related("history_user"))
    if viewer is not None and not viewer.sees_everything:
        other_ids = {r.from_unit_id if r.to_unit_id == unit.pk else r.to_unit_id
                     for r in successions}
        structure_of = dict(Unit.objects.filter(pk__in=other_ids)
                            .values_list("pk", "structure_id"))
        # A unit since deleted counts as hidden: nothing tells which structure it was in.
        successions = [r for r in successions if viewer.can_see_structure_id(structure_of.get(
            r.from_unit_id if r.to_unit_id == unit.pk else r.to_unit_id))]
    for rec in successions:
        entries.append(HistoryEntry(
            when=rec.history_date, user=history_user(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Overgang",
            object_name=shares.share_text(rec.share), object_id=rec.id,
        ))
    entries.sort(key=lambda e: e.when, reverse=True)
    return _redacted(entries, viewer)


@dataclass(frozen=True)
class ChangeGroup:
    """History records written by one operation: same user and reason, moments apart."""

    when: datetime.datetime
    user: str
    reason: str
    entries: tuple[HistoryEntry, ...]


def structure_changelog(structure: Structure, *, limit: int | None = None,
                        viewer: Policy | None = None) -> list[ChangeGroup]:
    """The structure's change log, newest first: changes to the structure itself and to its
    units, grouped by the operation that made them; for a `viewer`, reasons naming a structure
    the viewer may not see are told neutrally. Four queries (five with a viewer)."""
    HistoricalUnit = Unit.history.model
    structure_records = list(structure.history.select_related("history_user")
                             .order_by("history_date"))
    unit_records = list(
        HistoricalUnit.objects.filter(structure_id=structure.pk)
        .select_related("history_user").order_by("history_date", "history_id")
    )
    names = _Names((r.id, r.history_date, r.name) for r in unit_records)
    entries = _unit_entries(unit_records, names=names, fields=_diff_fields(viewer))
    for rec in structure_records:
        entries.append(HistoryEntry(
            when=rec.history_date, user=history_user(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Organisering",
            object_name=rec.name, object_id=rec.id,
        ))
    entries = _redacted(entries, viewer)
    entries.sort(key=lambda e: e.when)
    groups: list[list[HistoryEntry]] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if (last is not None and last.user == entry.user and last.reason == entry.reason
                and (entry.when - last.when).total_seconds() < 5):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    # Removed and not brought back since (an undo brings a unit back under its own id).
    last_type = {r.id: r.history_type for r in unit_records}
    gone = {uid for uid, kind in last_type.items() if kind == "-"}
    groups = [[replace(e, gone=True) if e.object_kind == "Enhed" and e.object_id in gone else e
               for e in _merged_into(g)] for g in groups]
    result = [ChangeGroup(g[0].when, g[0].user, g[0].reason, tuple(g)) for g in reversed(groups)]
    return result[:limit] if limit else result


@dataclass(frozen=True)
class RecordedStructure:
    """A structure as history recorded it at a moment."""

    at: datetime.datetime
    name: str
    status: str
    status_label: str
    effective_date: datetime.date | None
    units: list[UnitNode]


@dataclass(frozen=True)
class RecordedUnits:
    """A structure's units as history recorded them at a moment: `rows` by unit id (the
    values of `RECORDED_FIELDS`) for the units alive then, `children` each parent's children
    in their order among siblings (roots under None)."""

    rows: dict[int, tuple]
    children: dict[int | None, list[int]]


# The values of a recorded unit, in the order RecordedUnits.rows holds them.
RECORDED_FIELDS = ("id", "history_type", "history_id", "parent_id", "name", "short_name",
                   "code", "unit_type_id", "category", "leader_title", "leader_name",
                   "headcount", "fte", "location", "history_date", "description",
                   "sibling_index")


def recorded_units(structure: Structure, at: datetime.datetime) -> RecordedUnits:
    """The structure's units alive at moment `at` and their order among siblings, rebuilt
    from history: the steps are replayed in order, each unit going last under its parent or
    where the step placed it (its recorded `sibling_index`). One query."""
    HistoricalUnit = Unit.history.model
    records = HistoricalUnit.objects.filter(structure_id=structure.pk, history_date__lte=at) \
        .order_by("history_date", "history_id").values_list(*RECORDED_FIELDS)
    latest: dict[int, tuple] = {}
    # Each step that placed or removed a unit: (when, tie-break, tie-break, unit, removed,
    # parent, place among the siblings or None for last).
    placings: list[tuple] = []
    for rec in records:
        uid = rec[0]
        previous = latest.get(uid)
        if rec[1] == "-":
            placings.append((rec[14], 1, rec[2], uid, True, None, None))
        elif (previous is None or previous[1] == "-" or previous[3] != rec[3]
              or rec[16] is not None):
            # A unit goes last where it is placed unless the step says where. Within one
            # moment: units created by one bulk write (a copy, an import) were inserted in
            # tree order, so their ids tell it (their history ids need not); units moved (or
            # brought back) one by one are told by their history ids.
            order = (rec[14], 0, uid) if previous is None else (rec[14], 1, rec[2])
            placings.append((*order, uid, False, rec[3], rec[16]))
        latest[uid] = rec
    alive = {uid: rec for uid, rec in latest.items() if rec[1] != "-"}
    placed: dict[int | None, list[int]] = defaultdict(list)
    parent_of: dict[int, int | None] = {}
    for *_, uid, removed, parent, index in sorted(placings, key=lambda p: p[:3]):
        if uid in parent_of:
            placed[parent_of.pop(uid)].remove(uid)
        if removed:
            continue
        siblings = placed[parent]
        siblings.insert(len(siblings) if index is None else index, uid)
        parent_of[uid] = parent
    kids: dict[int | None, list[int]] = defaultdict(list)
    for parent, siblings in placed.items():
        kids[parent if parent in alive else None].extend(u for u in siblings if u in alive)
    return RecordedUnits(alive, dict(kids))


def structure_as_recorded(structure: Structure, at: datetime.datetime) -> RecordedStructure:
    """The structure's fields and tree as they stood at moment `at`, rebuilt from history
    (recorded_units). Three queries."""
    srec = structure.history.filter(history_date__lte=at).order_by("-history_date").first()
    recorded = recorded_units(structure, at)
    alive, kids = recorded.rows, recorded.children
    type_names = dict(UnitType.objects.values_list("pk", "name"))
    rows: list[tuple | None] = []  # each filled in when its subtree is numbered
    counter = 0
    # Depth first with an explicit stack (a unit is met once going down and once coming back
    # up), not by recursion: a recorded chain thousands of levels deep is numbered too.
    stack: list[tuple[int, int, int]] = [(root, 0, -1) for root in reversed(kids.get(None, ()))]
    lfts: dict[int, int] = {}
    while stack:
        uid, level, index = stack.pop()
        counter += 1
        if index < 0:
            lfts[uid] = counter
            stack.append((uid, level, len(rows)))
            rows.append(None)
            stack.extend((child, level + 1, -1) for child in reversed(kids.get(uid, ())))
            continue
        r = alive[uid]
        rows[index] = (uid, r[3] if r[3] in alive else None, structure.pk, r[4], r[5], r[6],
                       type_names.get(r[7], ""), r[8], r[9], r[10], r[11], r[12], r[13],
                       level, lfts.pop(uid), counter)
    if srec is not None:
        return RecordedStructure(at, srec.name, srec.status, Status(srec.status).label,
                                 srec.effective_date, _nodes(cast(list[tuple], rows)))
    return RecordedStructure(at, structure.name, "", "", None, [])
