"""Bulk writes: a whole structure at once, for imports, demo data and benchmarks.

Adding 10,000 units one by one through mptt rewrites the tree numbers thousands of times; here
the tree numbers are computed in Python and the units inserted one level at a time, with
history and successions written in bulk too. The result is the same as the unit services
would give: a draft structure, every unit with a history record carrying the user and reason.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone

from orgreg.dates import check_date
from orgreg.history import stamp
from orgreg.text import counted, danish_date, quoted

from .. import shares
from ..models import Organisation, Status, Structure, Succession, Unit, UnitType
from .common import _clean_fields, _share


@dataclass
class UnitRow:
    """One unit to create. `key` identifies it within the batch (the code, or a row number);
    `parent_key` is None for the root. `predecessors` are (unit id in an older structure of
    the organisation, share in percent)."""

    key: str
    parent_key: str | None
    fields: dict[str, Any]
    predecessors: list[tuple[int, Decimal]] = field(default_factory=list)


def _check_keys(rows: Sequence[UnitRow]) -> UnitRow:
    """The root row; refuses duplicate keys, more or fewer than one root and unknown
    parents."""
    seen: set[str] = set()
    for r in rows:
        if r.key in seen:
            raise ValidationError(f"Nøglen {quoted(r.key)} optræder mere end én gang.")
        seen.add(r.key)
    roots = [r for r in rows if r.parent_key is None]
    if len(roots) != 1:
        raise ValidationError(
            f"Organiseringen skal have præcis én øverste enhed, ikke {len(roots)}."
        )
    for r in rows:
        if r.parent_key is not None and r.parent_key not in seen:
            raise ValidationError(
                f"{quoted(r.fields.get('name', r.key))} har en ukendt overordnet enhed "
                f"{quoted(r.parent_key)}."
            )
    return roots[0]


def _tree_numbers(rows: Sequence[UnitRow]) -> tuple[UnitRow, dict[str, tuple[int, int, int]]]:
    """The root and (lft, rght, level) per key, siblings in the order given. Refuses more or
    fewer than one root, unknown parents, duplicate keys and cycles."""
    root = _check_keys(rows)
    children: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        if r.parent_key is not None:
            children[r.parent_key].append(r.key)
    numbers: dict[str, tuple[int, int, int]] = {}
    counter = 0
    # Iterative depth-first walk: deep imported trees must not hit the recursion limit.
    stack: list[tuple[str, int, bool]] = [(root.key, 0, False)]
    lfts: dict[str, int] = {}
    while stack:
        key, level, done = stack.pop()
        counter += 1
        if done:
            numbers[key] = (lfts[key], counter, level)
            continue
        lfts[key] = counter
        stack.append((key, level, True))
        stack.extend((child, level + 1, False) for child in reversed(children.get(key, ())))
    if len(numbers) != len(rows):
        lost = next(r for r in rows if r.key not in numbers)
        raise ValidationError(
            f"{quoted(lost.fields.get('name', lost.key))} hænger ikke sammen med den øverste "
            "enhed (enhederne danner en ring)."
        )
    return root, numbers


def _check_structure(organisation: Organisation, name: str, effective_date: datetime.date,
                     based_on: Structure | None) -> None:
    if not name:
        raise ValidationError({"name": "Organiseringen skal have et navn."})
    if not effective_date:
        raise ValidationError({"effective_date": "Angiv hvornår organiseringen gælder fra."})
    check_date(effective_date, "effective_date")
    if based_on is not None and based_on.organisation_id != organisation.pk:
        raise ValidationError("Grundlaget skal være en organisering i samme organisation.")


def _planned_units(rows: Sequence[UnitRow]) -> dict[str, Unit]:
    """An unsaved, validated Unit per row key. Refuses a unit without a name, invalid fields,
    duplicate codes and unknown unit types (checked once for all rows)."""
    units_by_key: dict[str, Unit] = {}
    codes: dict[str, str] = {}
    for r in rows:
        unit = Unit(**_clean_fields(r.fields))
        if not (unit.name or "").strip():
            raise ValidationError(f"Enheden med nøglen {quoted(r.key)} mangler et navn.")
        unit.full_clean(exclude=["lft", "rght", "tree_id", "level", "parent", "structure",
                                 "unit_type"],
                        validate_unique=False, validate_constraints=False)
        if unit.code in codes:
            raise ValidationError(
                f"Koden {quoted(unit.code)} bruges af både {quoted(codes[unit.code])} og "
                f"{quoted(unit.name)}."
            )
        if unit.code:
            codes[unit.code] = unit.name
        units_by_key[r.key] = unit
    type_ids = {u.unit_type_id for u in units_by_key.values() if u.unit_type_id is not None}
    if type_ids and UnitType.objects.filter(pk__in=type_ids).count() != len(type_ids):
        raise ValidationError("En enhedstype findes ikke.")
    return units_by_key


def _check_predecessors(rows: Sequence[UnitRow], organisation: Organisation) -> None:
    """Refuses a predecessor named twice by one row, one outside the organisation, and shares
    of one older unit that would add up to more than 100 %."""
    for r in rows:
        ids = [uid for uid, _ in r.predecessors]
        if len(ids) != len(set(ids)):
            raise ValidationError(
                f"{quoted(r.fields.get('name', r.key))} har den samme forgænger to gange."
            )
    pred_ids = {uid for r in rows for uid, _ in r.predecessors}
    if not pred_ids:
        return
    allowed = dict(
        Unit.objects.filter(pk__in=pred_ids, structure__organisation=organisation)
        .values_list("pk", "name")
    )
    if pred_ids - set(allowed):
        raise ValidationError(
            "En forgænger hører ikke til en tidligere organisering i samme organisation."
        )
    # Shares add up per target structure: alternative models each take the whole of an
    # older unit, and a new structure has no successions yet but those of its rows.
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for r in rows:
        for uid, share in r.predecessors:
            totals[uid] += _share(share)
    over = [uid for uid, total in totals.items() if shares.passes_100(total)]
    if over:
        raise ValidationError(
            f"{quoted(allowed[over[0]])} ville fordele {shares.share_text(totals[over[0]])} "
            "af sine medarbejdere; højst 100 %."
        )


def _insert_units(structure: Structure, rows: Sequence[UnitRow], units_by_key: dict[str, Unit],
                  numbers: dict[str, tuple[int, int, int]]) -> None:
    """Give each planned unit its place in the structure's tree and insert them a level at a
    time, so every parent has its id before its children are written."""
    parent_of = {r.key: r.parent_key for r in rows}
    by_level: dict[int, list[str]] = defaultdict(list)
    for key, (_, _, level) in numbers.items():
        by_level[level].append(key)
    for level in sorted(by_level):
        batch = []
        for key in by_level[level]:
            unit = units_by_key[key]
            unit.lft, unit.rght, unit.level = numbers[key]
            unit.structure_id = unit.tree_id = structure.pk
            parent_key = parent_of[key]
            unit.parent_id = units_by_key[parent_key].pk if parent_key is not None else None
            batch.append(unit)
        Unit.objects.bulk_create(batch, batch_size=2000)


@transaction.atomic
def build_structure(organisation: Organisation, *, name: str, effective_date: datetime.date,
                    rows: Sequence[UnitRow], user, reason: str | None = None,
                    based_on: Structure | None = None, **structure_fields) -> Structure:
    """A new draft structure of `organisation` holding the units of `rows`, with successions
    from each row's predecessors. All or nothing: refuses a malformed tree, invalid fields,
    duplicate codes, predecessors outside the organisation's earlier structures, shares
    whose sum for one older unit would pass 100 % and a date outside 1900–2200."""
    name = (name or "").strip()
    _check_structure(organisation, name, effective_date, based_on)
    if "confidential_until" in structure_fields:
        check_date(structure_fields["confidential_until"], "confidential_until")
    _root, numbers = _tree_numbers(rows)
    units_by_key = _planned_units(rows)
    _check_predecessors(rows, organisation)

    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    reason = reason or (
        f"Organiseringen {quoted(name)} oprettet pr. {danish_date(effective_date)} "
        f"med {counted(len(rows), 'enhed', 'enheder')}."
    )
    structure = Structure(organisation=organisation, name=name, effective_date=effective_date,
                          status=Status.DRAFT, based_on=based_on, **structure_fields)
    structure.full_clean(exclude=["organisation", "based_on"])
    stamp(structure, user, reason)
    structure.save()
    _insert_units(structure, rows, units_by_key, numbers)
    record_created(Unit, "t.tree_id = %s", [structure.pk], user=user, reason=reason)
    successions = [
        Succession(from_unit_id=uid, to_unit_id=units_by_key[r.key].pk, share=_share(share))
        for r in rows for uid, share in r.predecessors
    ]
    if successions:
        Succession.objects.bulk_create(successions, batch_size=2000)
        Succession.history.bulk_history_create(successions, batch_size=2000, default_user=user,
                                               default_change_reason=reason)
    return structure


# Columns of a history record that are not the recorded row's: a bulk '+' record leaves the
# place among the siblings empty (units.models.RecordedPlace), as the rows go in tree order.
_HISTORY_OWN = {"history_id", "history_date", "history_change_reason", "history_type",
                "history_user_id", "sibling_index"}


def record_created(model, where: str, params: Sequence, *, user, reason: str,
                   alias: str = "t") -> None:
    """Write a '+' history record for every row of `model` matching `where` (SQL over the
    model's table, aliased `alias`), in one INSERT … SELECT. Equivalent to simple-history's
    bulk_history_create without building a Python object per row."""
    history = model.history.model
    table = connection.ops.quote_name(model._meta.db_table)
    columns, selected = [], []
    for f in history._meta.concrete_fields:
        if f.attname in _HISTORY_OWN:
            continue
        columns.append(connection.ops.quote_name(f.column))
        selected.append(f"{alias}.{connection.ops.quote_name(model._meta.get_field(f.name).column)}")
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    sql = (
        f"INSERT INTO {connection.ops.quote_name(history._meta.db_table)} ({', '.join(columns)}) "
        f"SELECT {', '.join(selected)}, %s, %s, '+', %s FROM {table} {alias} WHERE {where}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), reason, getattr(user, "pk", None), *params])


def copy_units(source: Structure, target: Structure, *, user, reason: str) -> None:
    """Copy every unit of `source` into the empty `target` with a 1:1, 100 % succession from
    each original, and history for the units and successions; a statement per tree level
    and four more, whatever the size. The copy keeps the tree numbers, so an original and its
    copy share their lft, which is how parents and successions are matched in the database.

    Rows are inserted in lft order so that ids among siblings follow the tree: history keeps
    no tree numbers, and structure_as_recorded orders siblings placed in one write by id."""
    qn = connection.ops.quote_name
    unit_table = qn(Unit._meta.db_table)
    copied = [f.column for f in Unit._meta.concrete_fields
              if f.attname not in {"id", "structure_id", "tree_id", "parent_id"}]
    cols = ", ".join(qn(c) for c in copied)
    src_cols = ", ".join(f"s.{qn(c)}" for c in copied)
    with connection.cursor() as cursor:
        # One level at a time, so that every parent's copy exists when its children are
        # inserted and is found by its lft.
        cursor.execute(f"SELECT MAX(level) FROM {unit_table} WHERE tree_id = %s", [source.pk])
        depth = cursor.fetchone()[0] or 0
        for level in range(depth + 1):
            cursor.execute(
                f"INSERT INTO {unit_table} (structure_id, tree_id, parent_id, {cols}) "
                f"SELECT %s, %s, np.id, {src_cols} FROM {unit_table} s "
                f"LEFT JOIN {unit_table} op ON op.id = s.parent_id "
                f"LEFT JOIN {unit_table} np ON np.tree_id = %s AND np.lft = op.lft "
                f"WHERE s.tree_id = %s AND s.level = %s ORDER BY s.lft",
                [target.pk, target.pk, target.pk, source.pk, level],
            )
        succession_table = qn(Succession._meta.db_table)
        cursor.execute(
            f"INSERT INTO {succession_table} (from_unit_id, to_unit_id, share, note) "
            f"SELECT o.id, n.id, 100, '' FROM {unit_table} o JOIN {unit_table} n ON n.lft = o.lft "
            f"WHERE o.tree_id = %s AND n.tree_id = %s ORDER BY o.lft",
            [source.pk, target.pk],
        )
    record_created(Unit, "t.tree_id = %s", [target.pk], user=user, reason=reason)
    record_created(
        Succession,
        f"t.to_unit_id IN (SELECT id FROM {unit_table} WHERE tree_id = %s)",
        [target.pk], user=user, reason=reason,
    )


__all__ = ["UnitRow", "build_structure", "copy_units", "record_created"]
