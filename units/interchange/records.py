"""What a reader hands on: records with the row numbers a user sees, and the table reading
(header row → columns → records) that CSV and XLSX share."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from orgreg.text import danish_number, join_danish, quoted

from .columns import ALIAS_TO_FIELD, COLUMN_LABELS, normalise_header
from .problems import FileRefused, Problem
from .values import blank

# Rows a file may have, the header and blank rows included: twice the largest structure
# orgreg is benchmarked with (10,000 units). Reading stops at the first row past it, so
# refusing even an xlsx file takes a second or two.
MAX_IMPORT_ROWS = 20_000


@dataclass
class Record:
    """One unit as read from a file: `row` is the number the user sees (header = row 1)."""

    row: int
    values: dict[str, Any]


@dataclass
class Source:
    """What a reader found in a file."""

    format: str
    records: list[Record] = field(default_factory=list)
    has_keys: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Structure fields a file may carry (orgreg JSON): name, effective_date.
    meta: dict[str, Any] = field(default_factory=dict)
    # CSV cells written by Excel-safe exports start with ' before = + - @.
    unescape_text: bool = False


def what_it_is(data: bytes) -> str | None:
    """A Danish name for a binary file type, when the first bytes give it away."""
    signatures = [
        (b"PK\x03\x04", "en Excel- eller zip-fil"),
        (b"%PDF", "en PDF-fil"),
        (b"\xd0\xcf\x11\xe0",
         "en gammel Excel- eller Word-fil (xls/doc); gem den som xlsx eller CSV"),
        (b"\x89PNG", "et billede (PNG)"),
        (b"\xff\xd8\xff", "et billede (JPEG)"),
        (b"GIF8", "et billede (GIF)"),
        (b"\x1f\x8b", "en komprimeret fil (gzip)"),
    ]
    for magic, label in signatures:
        if data.startswith(magic):
            return label
    return None


def too_many_rows() -> FileRefused:
    limit = danish_number(MAX_IMPORT_ROWS)
    return FileRefused(f"Filen har mere end {limit} rækker; højst {limit} kan indlæses ad "
                       "gangen.")


def numbered_rows(rows: Iterable[list[Any]]) -> list[tuple[int, list[Any]]]:
    """The non-blank rows of a table with the numbers a user sees (the first row is 1).
    Refuses a table of more than MAX_IMPORT_ROWS rows, blank ones included, as soon as the
    row after the last allowed one is reached, so the rest is never read."""
    numbered = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_IMPORT_ROWS:
            raise too_many_rows()
        if not all(blank(c) for c in row):
            numbered.append((number, row))
    return numbered


def table_source(header: list[Any], body: Iterable[tuple[int, list[Any]]], fmt: str) -> Source:
    """Records from a header row and numbered body rows, columns found by header name."""
    source = Source(fmt)
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        norm = normalise_header(title)
        if not norm:
            continue
        target = ALIAS_TO_FIELD.get(norm)
        if target is None:
            source.warnings.append(
                f"Kolonnen {quoted(str(title).strip())} kendes ikke og springes over.")
            continue
        if target in seen:
            raise FileRefused(
                f"Kolonnerne {quoted(seen[target])} og {quoted(str(title).strip())} betyder begge "
                f"{quoted(COLUMN_LABELS[target])}; fjern den ene."
            )
        seen[target] = str(title).strip()
        columns[index] = target
    if not columns:
        raise FileRefused(
            "Filen ligner ikke en liste over enheder: første række har ingen af de kendte "
            "kolonneoverskrifter (fx »Kode«, »Navn«, »Overordnet kode«)."
        )
    source.has_keys = "key" in seen
    required = ["key", "parent_key", "name"] if source.has_keys else ["code", "parent_code", "name"]
    missing = [COLUMN_LABELS[c] for c in required if c not in seen]
    if missing:
        raise FileRefused(
            "Filen mangler "
            + ("kolonnen " if len(missing) == 1 else "kolonnerne ")
            + join_danish(quoted(m) for m in missing)
            + ". Fundne kolonner: " + join_danish(quoted(s) for s in seen.values()) + "."
        )
    for row_number, cells in body:
        if all(blank(c) for c in cells):
            continue
        values = {target: cells[index] if index < len(cells) else None
                  for index, target in columns.items()}
        source.records.append(Record(row_number, values))
    return source
