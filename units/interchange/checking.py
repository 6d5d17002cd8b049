"""Checking an import: every problem of every record, with its row, before anything is written."""

from __future__ import annotations

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from orgreg.text import join_danish, quoted

from .. import shares
from ..models import Category, Organisation, Structure, Unit, UnitType
from .columns import COLUMN_LABELS, TEXT_FIELDS
from .plan import ImportPlan, PlannedUnit
from .problems import Kind, Problem
from .records import Source
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


def _max_length(name: str) -> int | None:
    return Unit._meta.get_field(name).max_length


def check(source: Source, *, organisation: Organisation, based_on: Structure | None = None,
          create_unit_types: bool = False,
          progress: ProgressCallback | None = None) -> ImportPlan:
    """Every problem of the records in `source`, each with its row number, before anything
    is written; and, when there are none, the units that would be created. Reads the unit
    types and the codes of `based_on` (two queries); writes nothing."""
    plan = ImportPlan(source.format, problems=list(source.problems),
                      warnings=list(source.warnings), meta=dict(source.meta))
    if any(p.row is None and p.kind == Kind.BAD_FILE for p in plan.problems):
        return plan
    problems = plan.problems
    has_keys = source.has_keys
    total = len(source.records)
    fte_rounded = 0
    existing_types = {name.casefold(): (pk, name) for pk, name in
                      UnitType.objects.values_list("pk", "name")}
    new_types: dict[str, str] = {}
    old_codes: dict[str, int] = {}
    if based_on is not None:
        old_codes = dict(Unit.objects.filter(tree_id=based_on.pk).exclude(code="")
                         .values_list("code", "pk"))
    key_rows: dict[str, int] = {}
    code_rows: dict[str, int] = {}
    units: list[PlannedUnit] = []
    unknown_parent_rows = source.meta.get("unknown_parents", set())
    id_label = "nøgle" if has_keys else "kode"

    for index, record in enumerate(source.records, start=1):
        if progress and index % 500 == 0:
            progress("Kontrollerer", index, total)
        row, values = record.row, record.values

        def text(name: str, values=values) -> str:
            # Descriptions keep their spacing as written; services strip the other texts.
            return clean_text(values.get(name), source.unescape_text, strip=name != "description")

        fields: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            value = text(name)
            limit = _max_length(name)
            if limit and len(value) > limit:
                problems.append(Problem(row, f"{COLUMN_LABELS[name]} er {len(value)} tegn "
                                             f"lang; højst {limit}.", Kind.BAD_VALUE))
            fields[name] = value
        if not fields["name"]:
            problems.append(Problem(row, "enheden har intet navn.", Kind.EMPTY_NAME))

        code = fields["code"]
        key = text("key") if has_keys else code
        parent_key = (text("parent_key") if has_keys else text("parent_code")) or None
        if source.format == "os2mo" and not code:
            problems.append(Problem(row, "enheden har ingen user_key (kode).", Kind.MISSING_CODE))
        if not key:
            problems.append(Problem(row, f"enheden har ingen {id_label}.", Kind.MISSING_CODE))
        elif key in key_rows:
            problems.append(Problem(
                row, f"{id_label}n {quoted(key)} står også i række {key_rows[key]}.",
                Kind.DUPLICATE_CODE))
        else:
            key_rows[key] = row
        if code and has_keys:
            if code in code_rows:
                problems.append(Problem(
                    row, f"koden {quoted(code)} står også i række {code_rows[code]}.",
                    Kind.DUPLICATE_CODE))
            else:
                code_rows[code] = row

        unit_type = text("unit_type")
        if unit_type:
            found = existing_types.get(unit_type.casefold())
            if found:
                unit_type = found[1]
                plan.unit_type_ids[unit_type] = found[0]
            elif create_unit_types:
                unit_type = new_types.setdefault(unit_type.casefold(), unit_type)
            else:
                problems.append(Problem(
                    row, f"enhedstypen {quoted(unit_type)} findes ikke. Vælg »Opret manglende "
                         "enhedstyper« for at oprette den, eller ret rækken.",
                    Kind.UNKNOWN_UNIT_TYPE))

        category = text("category")
        if category:
            value = parse_category(category)
            if value is None:
                problems.append(Problem(
                    row, f"kategorien {quoted(category)} kendes ikke; brug "
                         + join_danish(quoted(str(c.label)) for c in Category) + ".",
                    Kind.BAD_VALUE))
            fields["category"] = value or ""
        else:
            fields["category"] = ""

        raw = values.get("headcount")
        fields["headcount"] = 0
        if not blank(raw):
            try:
                headcount = parse_headcount(raw)
            except ValueError:
                problems.append(Problem(
                    row, f"antal medarbejdere {quoted(clean_text(raw))} er ikke et helt tal.",
                    Kind.NOT_A_NUMBER))
            else:
                if headcount < 0:
                    problems.append(Problem(row, "antal medarbejdere kan ikke være negativt.",
                                            Kind.BAD_VALUE))
                fields["headcount"] = headcount
        raw = values.get("fte")
        fields["fte"] = None
        if not blank(raw):
            try:
                fte = parse_number(raw)
            except ValueError:
                problems.append(Problem(row, f"årsværk {quoted(clean_text(raw))} er ikke et tal.",
                                        Kind.NOT_A_NUMBER))
            else:
                rounded = fte.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if fte < 0:
                    problems.append(Problem(row, "årsværk kan ikke være negativt.", Kind.BAD_VALUE))
                elif rounded >= Decimal("10000000"):
                    problems.append(Problem(row, f"årsværk {quoted(clean_text(raw))} er for stort.",
                                            Kind.BAD_VALUE))
                if rounded != fte:
                    fte_rounded += 1
                fields["fte"] = rounded

        predecessors: list[tuple[str, Decimal]] = []
        pairs = predecessor_pairs(values.get("predecessors"))
        if pairs and based_on is None:
            problems.append(Problem(
                row, "rækken har forgængere, men importen bygger ikke på en tidligere "
                     "organisering. Vælg den organisering, forgængerne hører til.",
                Kind.UNKNOWN_PREDECESSOR))
            pairs = []
        seen_old: set[str] = set()
        for old_code, raw_share in pairs:
            try:
                share = shares.parse_share(raw_share)
            except shares.ShareError as error:
                if error.number is None:
                    problems.append(Problem(
                        row, f"andelen {quoted(clean_text(raw_share))} for forgængeren "
                             f"{quoted(old_code)} er ikke et tal.", Kind.NOT_A_NUMBER))
                else:
                    problems.append(Problem(
                        row, f"andelen for forgængeren {quoted(old_code)} skal være mellem 0 og "
                             f"100 %, ikke {error.number_text}.", Kind.BAD_VALUE))
                continue
            if not old_code:
                problems.append(Problem(row, "en forgænger mangler sin kode.",
                                        Kind.UNKNOWN_PREDECESSOR))
                continue
            if old_code not in old_codes:
                problems.append(Problem(
                    row, f"forgængeren {quoted(old_code)} findes ikke i "
                         f"{quoted(based_on.name)}.", Kind.UNKNOWN_PREDECESSOR))
                continue
            if old_code in seen_old:
                problems.append(Problem(row, f"forgængeren {quoted(old_code)} står to gange.",
                                        Kind.BAD_VALUE))
                continue
            seen_old.add(old_code)
            predecessors.append((old_code, share))

        if key:
            units.append(PlannedUnit(row, key, parent_key, fields, unit_type, predecessors))

    plan.new_unit_types = sorted(new_types.values(), key=str.casefold)
    if fte_rounded:
        plan.warnings.append(f"Årsværk er afrundet til to decimaler i {fte_rounded} "
                             + ("række." if fte_rounded == 1 else "rækker."))
    check_tree(units, key_rows, plan, has_keys, unknown_parent_rows, id_label)
    check_shares(units, plan)
    if based_on is not None:
        plan.predecessor_ids = {code: old_codes[code] for u in units for code, _ in u.predecessors}
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    plan.units = units
    if progress:
        progress("Kontrollerer", total, total)
    return plan
