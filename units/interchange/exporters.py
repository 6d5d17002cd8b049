"""Export of a structure as CSV, XLSX and JSON, and of a comparison as XLSX.

Every export re-imports to the same tree through ``units.interchange``: the same columns (Danish
headers), units in tree order so siblings keep their order, and predecessors as codes of the
structure it is based on. When some unit has no code the files also carry orgreg's own keys
("Nøgle", "Overordnet nøgle") so the tree can still be rebuilt. Reads run a fixed number of
queries whatever the size of the structure.
"""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.text import slugify

from .. import changes, selectors
from ..figure_tables import figure_tables, scope_text
from ..models import Category, Structure, Succession, Unit
from ..shares import share_number
from .read_json import JSON_FORMAT_NAME
from .values import FORMULA_CHARACTERS

if TYPE_CHECKING:
    from orgreg.roles import Policy

# (field, Danish header) in the order files carry them.
COLUMNS = [
    ("code", "Kode"),
    ("name", "Navn"),
    ("short_name", "Kort navn"),
    ("parent_code", "Overordnet kode"),
    ("unit_type", "Enhedstype"),
    ("category", "Kategori"),
    ("leader_title", "Ledertitel"),
    ("leader_name", "Leder"),
    ("headcount", "Antal medarbejdere"),
    ("fte", "Årsværk"),
    ("location", "Placering"),
    ("description", "Beskrivelse"),
]
# Personal data: only in the files of those who may see it (orgreg.roles), after the columns
# everyone gets, so that those keep their places whoever exports.
IDENTIFIER_COLUMN = ("leader_identifier", "Lederident")
PREDECESSOR_COLUMN = ("predecessors", "Forgængere")
KEY_COLUMNS = [("key", "Nøgle"), ("parent_key", "Overordnet nøgle")]

# Widths (in characters) of the XLSX columns.
WIDTHS = {
    "code": 14, "name": 40, "short_name": 14, "parent_code": 16, "unit_type": 18,
    "category": 16, "leader_title": 24, "leader_name": 26, "leader_identifier": 30,
    "headcount": 12, "fte": 10,
    "location": 28, "description": 40, "predecessors": 28, "key": 10, "parent_key": 16,
}

# Excel runs a cell that starts with one of these as a formula; untrusted names must not.
FORMULA_STARTS = tuple(FORMULA_CHARACTERS)


@dataclass(frozen=True)
class ExportTable:
    structure: Structure
    columns: list[tuple[str, str]]
    rows: list[dict]


def _basis_id(structure: Structure, viewer: Policy | None) -> int | None:
    """The basis the export names (predecessor codes, the JSON's basis): only one the viewer
    may see; none for a hidden basis. Without a viewer (the server's own commands): the
    basis."""
    if viewer is None or viewer.can_see_structure_id(structure.based_on_id):
        return structure.based_on_id
    return None


def _sees_identifiers(viewer: Policy | None) -> bool:
    return viewer is None or viewer.sees_leader_identifiers


def _long_texts(structure: Structure, with_identifiers: bool) -> dict[int, tuple[str, str]]:
    """(description, leader identifier) of each unit that has one, in one query; the
    identifier only when asked for (never read for a viewer who may not see it)."""
    units = Unit.objects.filter(tree_id=structure.pk)
    if not with_identifiers:
        return {pk: (text, "") for pk, text in
                units.exclude(description="").values_list("pk", "description")}
    return {pk: (text, ident) for pk, text, ident in
            units.exclude(description="", leader_identifier="")
            .values_list("pk", "description", "leader_identifier")}


def export_table(structure: Structure, *, viewer: Policy | None = None) -> ExportTable:
    """The structure's units in tree order as rows of the export columns; predecessors only
    from a basis the viewer may see, leader identifiers only for a viewer who may see them.
    Three queries (four with a viewer)."""
    nodes = selectors.tree(structure)
    based_on_id = _basis_id(structure, viewer)
    with_identifiers = _sees_identifiers(viewer)
    texts = _long_texts(structure, with_identifiers)
    predecessors: dict[int, list[tuple[str, Decimal]]] = defaultdict(list)
    if based_on_id:
        for to_id, code, share in (
            Succession.objects.filter(to_unit__tree_id=structure.pk,
                                      from_unit__tree_id=based_on_id)
            .exclude(from_unit__code="")
            .order_by("from_unit__lft")
            .values_list("to_unit_id", "from_unit__code", "share")
        ):
            predecessors[to_id].append((code, share))
    code_of = {n.id: n.code for n in nodes}
    with_keys = any(not n.code for n in nodes)
    columns = list(COLUMNS)
    if with_identifiers:
        columns.append(IDENTIFIER_COLUMN)
    if based_on_id:
        columns.append(PREDECESSOR_COLUMN)
    if with_keys:
        columns.extend(KEY_COLUMNS)
    rows = []
    for n in nodes:
        description, identifier = texts.get(n.id, ("", ""))
        rows.append({
            "code": n.code, "name": n.name, "short_name": n.short_name,
            "parent_code": code_of.get(n.parent_id, "") if n.parent_id else "",
            "unit_type": n.unit_type, "category": n.category_label,
            "leader_title": n.leader_title, "leader_name": n.leader_name,
            "leader_identifier": identifier,
            "headcount": n.headcount, "fte": n.fte, "location": n.location,
            "description": description,
            "predecessors": predecessors.get(n.id, []),
            "key": str(n.id), "parent_key": str(n.parent_id) if n.parent_id else "",
        })
    return ExportTable(structure, columns, rows)


def _predecessor_text(pairs: list[tuple[str, Decimal]]) -> str:
    return "|".join(f"{code}:{share_number(share)}" for code, share in pairs)


def _csv_cell(key: str, value) -> str:
    if value is None:
        return ""
    if key == "fte":
        return f"{value:f}".replace(".", ",")
    if key == "headcount":
        return str(value)
    text = _predecessor_text(value) if key == "predecessors" else str(value)
    # Every text cell, the predecessors too: a code such as =HYPERLINK(…) starts the cell.
    if text.lstrip("'").startswith(FORMULA_STARTS):
        # The importer drops one apostrophe again, so the text round-trips.
        text = "'" + text
    return text


def structure_csv(structure: Structure, *, viewer: Policy | None = None) -> bytes:
    """Semicolon-separated, UTF-8 with BOM and decimal commas: what Danish Excel opens right."""
    table = export_table(structure, viewer=viewer)
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow([label for _, label in table.columns])
    for row in table.rows:
        writer.writerow([_csv_cell(key, row[key]) for key, _ in table.columns])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _workbook():
    import openpyxl

    return openpyxl.Workbook()


def _header(sheet, labels: list[str], widths: list[int]) -> None:
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    sheet.append(labels)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE4EE")
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font = bold
        cell.fill = fill
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions


def _xlsx_row(values: list) -> list:
    """Values as xlsx can hold them: no control characters (xlsx cannot store them)."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values]


def _text_cells(sheet, row_index: int, text_columns: list[int]) -> None:
    # openpyxl reads a string that starts with "=" as a formula; keep names as text.
    for column in text_columns:
        cell = sheet.cell(row=row_index, column=column)
        if isinstance(cell.value, str) and cell.value.startswith("="):
            cell.data_type = "s"


def _save(workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def structure_xlsx(structure: Structure, *, viewer: Policy | None = None) -> bytes:
    """One sheet with a bold, frozen header row, column widths, numbers as numbers."""
    table = export_table(structure, viewer=viewer)
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "Enheder"
    keys = [key for key, _ in table.columns]
    _header(sheet, [label for _, label in table.columns], [WIDTHS[k] for k in keys])
    numeric = {"headcount", "fte"}
    text_columns = [i for i, k in enumerate(keys, start=1) if k not in numeric]
    fte_column = keys.index("fte") + 1
    for index, row in enumerate(table.rows, start=2):
        values = []
        for key in keys:
            value = row[key]
            if key == "predecessors":
                value = _predecessor_text(value)
            values.append(value if value != "" else None)
        sheet.append(_xlsx_row(values))
        _text_cells(sheet, index, text_columns)
        if row["fte"] is not None:
            sheet.cell(row=index, column=fte_column).number_format = "0.00"
    _figures_sheet(workbook.create_sheet("Nøgletal"), structure, viewer)
    return _save(workbook)


def _figures_sheet(sheet, structure: Structure, viewer: Policy | None) -> None:
    """The key figures as the structure page tells them (units.figure_tables), every list in
    full, one table under the other: caption in bold, what it counts, the column headings,
    the rows. Numbers are numbers. Two queries. (The import reads the first sheet only.)"""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    figures = selectors.structure_figures(structure, viewer=viewer)
    bold = Font(bold=True)
    sheet.append(_xlsx_row([f"Nøgletal for {scope_text(figures, structure.name)}"]))
    sheet.cell(row=1, column=1).font = Font(bold=True, size=13)
    for index, width in enumerate([52, 14, 12, 12, 12, 12, 14], start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for table in figure_tables(figures):
        sheet.append([])
        sheet.append(_xlsx_row([table.caption]))
        sheet.cell(row=sheet.max_row, column=1).font = bold
        if table.note:
            sheet.append(_xlsx_row([table.note]))
        sheet.append(_xlsx_row(list(table.columns)))
        for column in range(1, len(table.columns) + 1):
            sheet.cell(row=sheet.max_row, column=column).font = bold
        text_columns = [i for i, numeric in enumerate(table.numeric, start=1) if not numeric]
        for row in table.rows:
            sheet.append(_xlsx_row([row.header, *(v if v != "" else None for v in row.values)]))
            _text_cells(sheet, sheet.max_row, text_columns)


def structure_json(structure: Structure, *, viewer: Policy | None = None) -> bytes:
    """orgreg's own format: every field, the tree by keys, predecessors by code. Re-imports
    exactly. A basis the viewer may not see is left out (with its predecessors)."""
    table = export_table(structure, viewer=viewer)
    based_on = structure.based_on if _basis_id(structure, viewer) else None
    with_identifiers = IDENTIFIER_COLUMN in table.columns
    doc = {
        "format": JSON_FORMAT_NAME,
        "version": 1,
        "exported_at": timezone.now().isoformat(timespec="seconds"),
        "organisation": structure.organisation.name,
        "structure": {
            "id": structure.pk,
            "name": structure.name,
            "status": structure.status,
            "effective_date": structure.effective_date.isoformat(),
            "based_on": {"id": based_on.pk, "name": based_on.name} if based_on else None,
        },
        "units": [
            {
                "key": row["key"],
                "parent": row["parent_key"] or None,
                "code": row["code"],
                "name": row["name"],
                "short_name": row["short_name"],
                "unit_type": row["unit_type"],
                "category": _category_value(row["category"]),
                "leader_title": row["leader_title"],
                "leader_name": row["leader_name"],
                **({"leader_identifier": row["leader_identifier"]} if with_identifiers else {}),
                "headcount": row["headcount"],
                "fte": f"{row['fte']:f}" if row["fte"] is not None else None,
                "location": row["location"],
                "description": row["description"],
                "predecessors": [{"code": code, "share": f"{share:f}"}
                                 for code, share in row["predecessors"]],
            }
            for row in table.rows
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")


def _category_value(label: str) -> str:
    for choice in Category:
        if str(choice.label) == label:
            return choice.value
    return ""


# What each count of a comparison counts (units.changes.COUNTED_AMONG), in words.
COUNTED_TEXT = {changes.OLDER: "enheder i den gamle organisering",
                changes.NEWER: "enheder i den nye organisering"}


def comparison_xlsx(old: Structure, new: Structure) -> bytes:
    """The comparison old → new as a sheet of lines (old unit and its staff, new unit, kinds,
    share, the staff who move along the line and the new unit's total) and a summary sheet
    with the counts, each saying what it counts. Uses selectors.compare: a fixed number of
    queries."""
    comparison = selectors.compare(old, new)
    workbook = _workbook()
    sheet = workbook.active
    sheet.title = "Sammenligning"
    labels = ["Gammel kode", "Gammel enhed", "Medarbejdere i gammel enhed", "Ny kode",
              "Ny enhed", "Ændring", "Andel (%)", "Medarbejdere der flytter",
              "Medarbejdere i ny enhed i alt"]
    _header(sheet, labels, [14, 40, 14, 14, 40, 24, 10, 14, 14])
    lines = [
        (line.old.code if line.old else None, line.old.name if line.old else None,
         line.old_headcount, line.new.code if line.new else None,
         line.new.name if line.new else None, line.kinds_text, line.share, line.staff_moving,
         line.new_headcount)
        for line in comparison_lines(comparison)
    ]
    for index, values in enumerate(lines, start=2):
        sheet.append(_xlsx_row([v if v != "" else None for v in values]))
        _text_cells(sheet, index, [1, 2, 4, 5])
        if values[6] is not None:
            cell = sheet.cell(row=index, column=7)
            cell.value = float(values[6])
            cell.number_format = "0.##"

    summary = workbook.create_sheet("Oversigt")
    _header(summary, ["", "", ""], [36, 40, 36])
    summary.append(_xlsx_row(["Gammel organisering", old.name]))
    summary.append(_xlsx_row(["Ny organisering", new.name]))
    summary.append(["Sammenlignet efter", "overgange" if comparison.by_successions else "koder"])
    summary.append(["Berørte medarbejdere", comparison.staff_affected])
    for kind in changes.ChangeKind.PRIORITY:
        summary.append([changes.ChangeKind.LABELS[kind], comparison.counts.get(kind, 0),
                        COUNTED_TEXT[changes.COUNTED_AMONG[kind]]])
    for row in range(2, summary.max_row + 1):
        _text_cells(summary, row, [2])
    return _save(workbook)


@dataclass(frozen=True)
class ComparisonLine:
    """One line of a comparison: an old unit, the new unit (part of) it goes to, the line's
    kinds (`kind` the first of them), the share of its staff, how many people that is
    (`staff_moving`; the lines of an old unit add up to its headcount) and the two units'
    own headcounts. `old` is None for a new unit, `new` for a closed one. `headcount` is
    the people moving, or a new unit's own staff (kept for the API's readers)."""

    old: selectors.UnitNode | None
    new: selectors.UnitNode | None
    kind: str
    kind_label: str
    kinds: list[str]
    kind_labels: list[str]
    kinds_text: str
    share: Decimal | None
    staff_moving: int | None
    old_headcount: int | None
    new_headcount: int | None

    @property
    def headcount(self) -> int:
        if self.staff_moving is not None:
            return self.staff_moving
        return self.new.headcount if self.new is not None else self.old.headcount  # type: ignore[union-attr]


def comparison_lines(comparison: selectors.Comparison) -> list[ComparisonLine]:
    """Every old unit in tree order, one line per successor (or one line when closed), then
    the new units without a predecessor (selectors.Comparison.lines)."""
    result = []
    for line in comparison.lines():
        kinds = line.kinds
        result.append(ComparisonLine(
            line.old, line.new, changes.primary(kinds), changes.ChangeKind.LABELS[
                changes.primary(kinds)],
            [k for k, _ in changes.badges(kinds)], changes.labels(kinds),
            changes.labels_text(kinds), line.share, line.staff_moving,
            line.old.headcount if line.old else None, line.new.headcount if line.new else None,
        ))
    return result


def filename(structure: Structure, extension: str) -> str:
    return f"{slugify(structure.name) or 'organisering'}-{structure.effective_date}.{extension}"


def comparison_filename(old: Structure, new: Structure) -> str:
    return f"sammenligning-{slugify(old.name)}-{slugify(new.name)}.xlsx"
