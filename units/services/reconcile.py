"""Bringing units of a draft to given states (units.operations): what undo and restore share.

Every change is made the way the operations make it — a unit brought back under its own id
and validated like a new one, moves through mptt with the subtree, a refused cycle, fields
validated, codes kept unique, successions with their shares checked — and stamped with the
caller's reason, so history tells it as one more step."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError

from orgreg.history import stamp
from orgreg.text import quoted

from .. import shares
from ..models import Structure, Succession, Unit
from ..operations import STATE_FIELDS
from .common import _fresh, _is_same_or_descendant, _move, _save, _validate_unit


def _recorded_name(uid: int) -> str:
    """A unit's name as history last recorded it (it may be gone)."""
    name = Unit.history.filter(id=uid).order_by("-history_id").values_list("name", flat=True) \
        .first()
    return quoted(name) if name else "en enhed, der ikke findes længere"


def _value(field: str, value):
    if field == "fte" and value is not None:
        return Decimal(value)
    return value


def _differs(unit: Unit, fields: dict) -> list[str]:
    return [f for f in STATE_FIELDS if getattr(unit, f) != _value(f, fields[f])]


def _depth_order(targets: dict[int, dict], current: dict[int, Unit]) -> list[int]:
    """The units that will exist, each after its new parent (top down)."""
    def parent_of(uid):
        if uid in targets:
            return targets[uid]["parent"]
        return current[uid].parent_id if uid in current else None

    depth: dict[int, int] = {}

    def depth_of(uid: int) -> int:
        seen: list[int] = []
        node = uid
        while node is not None and node not in depth and len(seen) <= len(current) + len(targets):
            seen.append(node)
            node = parent_of(node)
        base = depth.get(node, -1) if node is not None else -1
        for step in reversed(seen):
            base += 1
            depth[step] = base
        return depth[uid]

    wanted = [uid for uid, s in targets.items() if s["exists"]]
    return sorted(wanted, key=lambda u: (depth_of(u), targets[u].get("index", 0), u))


def _apply_states(structure: Structure, targets: dict[int, dict], *, user, reason: str) -> None:
    """Bring each unit of `targets` (id → state) to its state: bring back units that should
    exist, move units to their parent (top down, so a subtree is never placed inside
    itself), remove units that should not exist, set fields, and place each among its
    siblings. Refuses, in Danish and before the first write where it can be seen, a parent that
    no longer exists, a code that would be used twice, a unit to remove that has children, and
    a parent that now lies inside the unit."""
    current = {u.pk: u for u in Unit.objects.filter(tree_id=structure.pk)}
    _check_parents(targets, current)
    _check_codes(targets, current)
    order = _depth_order(targets, current)
    for uid in order:
        if uid not in current:
            current[uid] = _bring_back(structure, uid, targets[uid], current, user, reason)
    for uid in order:
        _reparent(uid, targets[uid]["parent"], user, reason)
    _remove(structure, [uid for uid, s in targets.items() if not s["exists"] and uid in current],
            user, reason)
    _set_fields({uid: targets[uid]["fields"] for uid in order}, structure, user, reason)
    by_parent: dict[int, list[int]] = defaultdict(list)
    for uid in order:
        if targets[uid]["parent"] is not None:
            by_parent[targets[uid]["parent"]].append(uid)
    for parent_id, uids in by_parent.items():
        for uid in sorted(uids, key=lambda u: targets[u]["index"]):
            _place(uid, parent_id, targets[uid]["index"], user, reason)


def _check_parents(targets: dict[int, dict], current: dict[int, Unit]) -> None:
    for uid, state in targets.items():
        if not state["exists"]:
            if uid in current and current[uid].parent_id is None:
                raise ValidationError("Organiseringens øverste enhed kan ikke fjernes.")
            continue
        parent = state["parent"]
        if parent is None:
            if uid not in current or current[uid].parent_id is not None:
                raise ValidationError("Organiseringen kan kun have én øverste enhed.")
            continue
        will_exist = targets[parent]["exists"] if parent in targets else parent in current
        if not will_exist:
            raise ValidationError(
                f"{_recorded_name(uid)} skulle ligge under {_recorded_name(parent)}, som ikke "
                "findes længere. Gendan den overordnede enhed først."
            )


def _check_codes(targets: dict[int, dict], current: dict[int, Unit]) -> None:
    codes = {uid: u.code for uid, u in current.items()}
    names = {uid: u.name for uid, u in current.items()}
    for uid, state in targets.items():
        if state["exists"]:
            codes[uid] = state["fields"]["code"]
            names[uid] = state["fields"]["name"]
        else:
            codes.pop(uid, None)
    holder: dict[str, int] = {}
    for uid, code in codes.items():
        if not code:
            continue
        if code in holder:
            raise ValidationError({"code": (
                f"Koden {quoted(code)} ville blive brugt af både {quoted(names[holder[code]])} "
                f"og {quoted(names[uid])}."
            )})
        holder[code] = uid


def _bring_back(structure: Structure, uid: int, state: dict, current: dict[int, Unit], user,
                reason: str) -> Unit:
    """The unit brought back under its own id, the last child of its parent; without its code
    while another unit still holds it (the fields step gives it back)."""
    parent = _fresh(Unit(pk=state["parent"]))
    fields = {f: _value(f, v) for f, v in state["fields"].items()}
    if fields["code"] and Unit.objects.filter(structure_id=structure.pk, code=fields["code"]) \
            .exists():
        fields["code"] = ""
    unit = Unit(pk=uid, structure_id=structure.pk, parent=parent, **fields)
    _validate_unit(unit)
    stamp(unit, user, reason)
    unit.save(force_insert=True)
    return unit


def _reparent(uid: int, parent_id: int | None, user, reason: str) -> None:
    unit = _fresh(Unit(pk=uid))
    if parent_id is None or unit.parent_id == parent_id:
        return
    parent = _fresh(Unit(pk=parent_id))
    if _is_same_or_descendant(parent, unit):
        raise ValidationError(
            f"{quoted(unit.name)} kan ikke flyttes tilbage under {quoted(parent.name)}, som nu "
            "ligger under den."
        )
    _move(unit, parent, user, reason)


def _remove(structure: Structure, uids: list[int], user, reason: str) -> None:
    """Remove the units, deepest first, with their successions; refuses one that still has
    children."""
    units = sorted((_fresh(Unit(pk=uid)) for uid in uids), key=lambda u: -u.level)
    for unit in units:
        kids = list(Unit.objects.filter(parent_id=unit.pk).values_list("name", flat=True)[:3])
        if kids:
            raise ValidationError(
                f"{quoted(unit.name)} kan ikke fjernes, fordi den nu har underenheder "
                f"({', '.join(quoted(k) for k in kids)}). Flyt eller nedlæg dem først."
            )
        for s in Succession.objects.filter(to_unit=unit) | Succession.objects.filter(
                from_unit=unit):
            stamp(s, user, reason)
            s.delete()
        gone = _fresh(unit)
        stamp(gone, user, reason)
        gone.delete()


def _set_fields(wanted: dict[int, dict], structure: Structure, user, reason: str) -> None:
    """Each unit's fields as wanted. A code another unit still holds waits until that unit has
    let go of it; codes that only change hands round a ring are let go of first."""
    pending = dict(wanted)
    while pending:
        progress = False
        for uid, fields in list(pending.items()):
            unit = _fresh(Unit(pk=uid))
            changed = _differs(unit, fields)
            code = fields["code"]
            if "code" in changed and code and Unit.objects.filter(
                    structure_id=structure.pk, code=code).exclude(pk=uid).exists():
                continue
            if changed:
                for f in changed:
                    setattr(unit, f, _value(f, fields[f]))
                _validate_unit(unit)
                _save(unit, user, reason)
            del pending[uid]
            progress = True
        if not progress:
            uid = next(iter(pending))
            unit = _fresh(Unit(pk=uid))
            unit.code = ""
            _save(unit, user, reason)


def _place(uid: int, parent_id: int, index: int, user, reason: str) -> None:
    """Put the unit at position `index` among its parent's children (last if there are
    fewer)."""
    siblings = list(Unit.objects.filter(parent_id=parent_id).order_by("lft")
                    .values_list("pk", flat=True))
    others = [s for s in siblings if s != uid]
    index = min(index, len(others))
    if siblings.index(uid) == index:
        return
    unit = _fresh(Unit(pk=uid))
    # History keeps the place, so the tree as recorded shows it there too (RecordedPlace).
    unit._sibling_index = index
    stamp(unit, user, reason)
    if index < len(others):
        unit.move_to(Unit.objects.get(pk=others[index]), "left")
    else:
        unit.move_to(Unit.objects.get(pk=parent_id), "last-child")


# --- successions ------------------------------------------------------------------------


def _apply_successions(now: list[list], wanted: list[list], structure: Structure, *, user,
                      reason: str) -> None:
    """Make the successions of the pairs in `now` (as they stand) and `wanted` what `wanted`
    says: remove those only in `now`, add those only in `wanted`, set the share and note of
    the others. Refuses a link to a unit that no longer exists, and an older unit whose
    shares within this structure would pass 100 %."""
    have = {(r[0], r[1]): r for r in now}
    want = {(r[0], r[1]): r for r in wanted}
    if have == want:
        return
    existing = {(s.from_unit_id, s.to_unit_id): s for s in Succession.objects.filter(
        from_unit_id__in={k[0] for k in [*have, *want]},
        to_unit_id__in={k[1] for k in [*have, *want]})}
    for key in have.keys() - want.keys():
        if key in existing:
            stamp(existing[key], user, reason)
            existing[key].delete()
    ends = {u for key in want for u in key}
    alive = set(Unit.objects.filter(pk__in=ends).values_list("pk", flat=True))
    touched_from = set()
    for key, row in want.items():
        if key[0] not in alive or key[1] not in alive:
            missing = key[0] if key[0] not in alive else key[1]
            raise ValidationError(
                f"Overgangen mellem {_recorded_name(key[0])} og {_recorded_name(key[1])} kan "
                f"ikke genskabes: {_recorded_name(missing)} findes ikke længere."
            )
        s = existing.get(key) or Succession(from_unit_id=key[0], to_unit_id=key[1])
        share, note = Decimal(row[2]), row[3]
        if s.pk and s.share == share and s.note == note:
            continue
        s.share, s.note = share, note
        stamp(s, user, reason)
        s.save()
        touched_from.add(key[0])
    _check_totals(touched_from, structure)


def _check_totals(from_ids: set[int], structure: Structure) -> None:
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for from_id, share in Succession.objects.filter(
            from_unit_id__in=from_ids, to_unit__tree_id=structure.pk) \
            .values_list("from_unit_id", "share"):
        totals[from_id] += share
    for from_id, total in totals.items():
        if shares.passes_100(total):
            raise ValidationError(
                f"{_recorded_name(from_id)} ville fordele {shares.share_text(total)} af sine "
                "medarbejdere; højst 100 %."
            )
