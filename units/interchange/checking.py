"""Checking an import: every problem of every record, with its row, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orgreg.text import danish_number, join_danish, quoted

from .. import shares
from ..models import Category, Organisation, Structure, Unit, UnitType
from .columns import COLUMN_LABELS, TEXT_FIELDS
from .plan import ImportPlan, PlannedUnit
from .problems import Kind, Problem
from .records import Record, Source
from .tree_checks import check_shares, check_tree
from .values import (
    blank,
    clean_text,
    parse_category,
    parse_headcount,
    parse_number,
    predecessor_pairs,
)

ProgressCallback = Callable[[str, int, int], None]

# Larger than any municipality's unit; a larger figure is a typing error or a hostile file.
MAX_HEADCOUNT = 100_000
MAX_FTE = Decimal(100_000)


def _max_length(name: str) -> int | None:
    return Unit._meta.get_field(name).max_length


class _CheckRun:
    """One check of one file: what its rows are checked against (the unit types, the codes of
    the structure it builds on), what earlier rows have claimed (keys, codes, new unit types)
    and where problems go."""

    def __init__(self, source: Source, plan: ImportPlan, *, based_on: Structure | None,
                 create_unit_types: bool) -> None:
        self.plan = plan
        self.problems = plan.problems
        self.format = source.format
        self.has_keys = source.has_keys
        self.id_label = "nøgle" if source.has_keys else "kode"
        self.unescape = source.unescape_text
        self.based_on = based_on
        self.create_unit_types = create_unit_types
        self.limits = {name: _max_length(name) for name in TEXT_FIELDS}
        self.existing_types = {name.casefold(): (pk, name) for pk, name in
                               UnitType.objects.values_list("pk", "name")}
        self.old_codes: dict[str, int] = {}
        if based_on is not None:
            self.old_codes = dict(Unit.objects.filter(tree_id=based_on.pk).exclude(code="")
                                  .values_list("code", "pk"))
        self.new_types: dict[str, str] = {}
        self.key_rows: dict[str, int] = {}
        self.code_rows: dict[str, int] = {}
        self.fte_rounded = 0

    def text(self, values: dict[str, Any], name: str) -> str:
        # Descriptions keep their spacing as written; services strip the other texts.
        return clean_text(values.get(name), self.unescape, strip=name != "description")

    def add(self, row: int, message: str, kind: str) -> None:
        self.problems.append(Problem(row, message, kind))


# --- what a row is checked for, in the order its problems are reported ------------------


def _check_texts(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """Each text, cleaned; one longer than its field holds is a problem."""
    for name in TEXT_FIELDS:
        value = run.text(values, name)
        limit = run.limits[name]
        if limit and len(value) > limit:
            run.add(unit.row, f"{COLUMN_LABELS[name]} er {len(value)} tegn lang; højst {limit}.",
                    Kind.BAD_VALUE)
        unit.fields[name] = value


def _check_name(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """A unit has a name."""
    if not unit.fields["name"]:
        run.add(unit.row, "enheden har intet navn.", Kind.EMPTY_NAME)


def _check_os2mo_code(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """An OS2mo unit has a user_key, which becomes its code."""
    if run.format == "os2mo" and not unit.fields["code"]:
        run.add(unit.row, "enheden har ingen user_key (kode).", Kind.MISSING_CODE)


def _check_key(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """A unit has a key (its code, or the file's own key) no earlier row has; and the key of
    its parent, if any."""
    key = run.text(values, "key") if run.has_keys else unit.fields["code"]
    parent = run.text(values, "parent_key") if run.has_keys else run.text(values, "parent_code")
    unit.key, unit.parent_key = key, parent or None
    if not key:
        run.add(unit.row, f"enheden har ingen {run.id_label}.", Kind.MISSING_CODE)
    elif key in run.key_rows:
        run.add(unit.row, f"{run.id_label}n {quoted(key)} står også i række {run.key_rows[key]}.",
                Kind.DUPLICATE_CODE)
    else:
        run.key_rows[key] = unit.row


def _check_code_unique(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """In a file linked by its own keys, a code is still used by one row only."""
    code = unit.fields["code"]
    if not code or not run.has_keys:
        return
    if code in run.code_rows:
        run.add(unit.row, f"koden {quoted(code)} står også i række {run.code_rows[code]}.",
                Kind.DUPLICATE_CODE)
    else:
        run.code_rows[code] = unit.row


def _check_unit_type(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """A unit type is known (whatever its case), or is to be created when the user chose so."""
    unit_type = run.text(values, "unit_type")
    if unit_type:
        found = run.existing_types.get(unit_type.casefold())
        if found:
            unit_type = found[1]
            run.plan.unit_type_ids[unit_type] = found[0]
        elif run.create_unit_types:
            unit_type = run.new_types.setdefault(unit_type.casefold(), unit_type)
        else:
            run.add(unit.row, f"enhedstypen {quoted(unit_type)} findes ikke. Vælg »Opret "
                              "manglende enhedstyper« for at oprette den, eller ret rækken.",
                    Kind.UNKNOWN_UNIT_TYPE)
    unit.unit_type = unit_type


def _check_category(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """A category, when given, is one of the categories, by value or Danish label."""
    category = run.text(values, "category")
    value = None
    if category:
        value = parse_category(category)
        if value is None:
            run.add(unit.row, f"kategorien {quoted(category)} kendes ikke; brug "
                              + join_danish(quoted(str(c.label)) for c in Category) + ".",
                    Kind.BAD_VALUE)
    unit.fields["category"] = value or ""


def _check_headcount(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """A headcount, when given, is a whole number of people from 0 to MAX_HEADCOUNT."""
    raw = values.get("headcount")
    unit.fields["headcount"] = 0
    if blank(raw):
        return
    try:
        headcount = parse_headcount(raw)
    except ValueError:
        run.add(unit.row, f"antal medarbejdere {quoted(clean_text(raw))} er ikke et helt tal.",
                Kind.NOT_A_NUMBER)
        return
    except OverflowError:
        headcount = MAX_HEADCOUNT + 1
    if headcount < 0:
        run.add(unit.row, "antal medarbejdere kan ikke være negativt.", Kind.BAD_VALUE)
    elif headcount > MAX_HEADCOUNT:
        run.add(unit.row, f"antal medarbejdere {quoted(clean_text(raw))} er for stort; højst "
                          f"{danish_number(MAX_HEADCOUNT)}.", Kind.BAD_VALUE)
        return
    unit.fields["headcount"] = headcount


def _check_fte(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """FTE, when given, is a number from 0 to MAX_FTE; it is rounded to hundredths (and the
    rows rounded are counted for a warning)."""
    raw = values.get("fte")
    unit.fields["fte"] = None
    if blank(raw):
        return
    try:
        fte = parse_number(raw)
    except ValueError:
        run.add(unit.row, f"årsværk {quoted(clean_text(raw))} er ikke et tal.", Kind.NOT_A_NUMBER)
        return
    if fte < 0:
        run.add(unit.row, "årsværk kan ikke være negativt.", Kind.BAD_VALUE)
        return
    if fte > MAX_FTE:
        run.add(unit.row, f"årsværk {quoted(clean_text(raw))} er for stort; højst "
                          f"{danish_number(MAX_FTE)}.", Kind.BAD_VALUE)
        return
    rounded = fte.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    if rounded != fte:
        run.fte_rounded += 1
    unit.fields["fte"] = rounded


def _check_predecessors(run: _CheckRun, values: dict[str, Any], unit: PlannedUnit) -> None:
    """Predecessors need a structure the import builds on; each has a share of 0-100 % and
    a code of that structure, given once."""
    pairs = predecessor_pairs(values.get("predecessors"))
    if pairs and run.based_on is None:
        run.add(unit.row, "rækken har forgængere, men importen bygger ikke på en tidligere "
                          "organisering. Vælg den organisering, forgængerne hører til.",
                Kind.UNKNOWN_PREDECESSOR)
        return
    seen: set[str] = set()
    for old_code, raw_share in pairs:
        share = _predecessor_share(run, unit.row, old_code, raw_share)
        if share is None or _predecessor_code_is_wrong(run, unit.row, old_code, seen):
            continue
        seen.add(old_code)
        unit.predecessors.append((old_code, share))


def _predecessor_share(run: _CheckRun, row: int, old_code: str, raw: Any) -> Decimal | None:
    try:
        return shares.parse_share(raw)
    except shares.ShareError as error:
        if error.number is None:
            run.add(row, f"andelen {quoted(clean_text(raw))} for forgængeren {quoted(old_code)} "
                         "er ikke et tal.", Kind.NOT_A_NUMBER)
        else:
            run.add(row, f"andelen for forgængeren {quoted(old_code)} skal være mellem 0 og "
                         f"100 %, ikke {error.number_text}.", Kind.BAD_VALUE)
        return None


def _predecessor_code_is_wrong(run: _CheckRun, row: int, old_code: str, seen: set[str]) -> bool:
    if not old_code:
        run.add(row, "en forgænger mangler sin kode.", Kind.UNKNOWN_PREDECESSOR)
    elif old_code not in run.old_codes:
        run.add(row, f"forgængeren {quoted(old_code)} findes ikke i "
                     f"{quoted(run.based_on.name)}.", Kind.UNKNOWN_PREDECESSOR)
    elif old_code in seen:
        run.add(row, f"forgængeren {quoted(old_code)} står to gange.", Kind.BAD_VALUE)
    else:
        return False
    return True


RowCheck = Callable[[_CheckRun, dict[str, Any], PlannedUnit], None]

ROW_CHECKS: tuple[RowCheck, ...] = (
    _check_texts,
    _check_name,
    _check_os2mo_code,
    _check_key,
    _check_code_unique,
    _check_unit_type,
    _check_category,
    _check_headcount,
    _check_fte,
    _check_predecessors,
)


def _check_rows(run: _CheckRun, records: list[Record],
                progress: ProgressCallback | None) -> list[PlannedUnit]:
    """Every row through every row check; the units of the rows that have a key."""
    units: list[PlannedUnit] = []
    total = len(records)
    for index, record in enumerate(records, start=1):
        if progress and index % 500 == 0:
            progress("Kontrollerer", index, total)
        unit = PlannedUnit(record.row, "", None, {}, "", [])
        for row_check in ROW_CHECKS:
            row_check(run, record.values, unit)
        if unit.key:
            units.append(unit)
    return units


def check(source: Source, *, organisation: Organisation, based_on: Structure | None = None,
          create_unit_types: bool = False,
          progress: ProgressCallback | None = None) -> ImportPlan:
    """Every problem of the records in `source`, each with its row number, before anything
    is written; and, when there are none, the units that would be created. Rows are checked
    one by one (ROW_CHECKS, in order), then the tree and the shares across rows; problems
    are reported by row, file-wide ones first. Reads the unit types and the codes of
    `based_on` (two queries); writes nothing."""
    plan = ImportPlan(source.format, problems=list(source.problems),
                      warnings=list(source.warnings), meta=dict(source.meta))
    if any(p.row is None and p.kind == Kind.BAD_FILE for p in plan.problems):
        return plan
    run = _CheckRun(source, plan, based_on=based_on, create_unit_types=create_unit_types)
    units = _check_rows(run, source.records, progress)
    plan.new_unit_types = sorted(run.new_types.values(), key=str.casefold)
    if run.fte_rounded:
        plan.warnings.append(f"Årsværk er afrundet til to decimaler i {run.fte_rounded} "
                             + ("række." if run.fte_rounded == 1 else "rækker."))
    check_tree(units, run.key_rows, plan, source.has_keys,
               source.meta.get("unknown_parents", set()))
    check_shares(units, plan)
    if based_on is not None:
        plan.predecessor_ids = {code: run.old_codes[code]
                                for u in units for code, _ in u.predecessors}
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    plan.units = units
    if progress:
        progress("Kontrollerer", len(source.records), len(source.records))
    return plan
