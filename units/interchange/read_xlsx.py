"""The Excel (xlsx) reader: the first sheet, the first non-empty row as the header."""

from __future__ import annotations

import datetime
import io
import zipfile
from typing import Any

from .problems import FileRefused
from .records import Source, table_source, what_it_is
from .values import blank


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def read_xlsx(data: bytes) -> Source:
    """The records of the first sheet of an xlsx workbook; refuses anything that is not one."""
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        what = what_it_is(data)
        raise FileRefused(
            f"Filen er ikke et Excel-regneark (xlsx), men {what}." if what else
            "Filen er ikke et Excel-regneark (xlsx). Er det en CSV-fil med forkert filendelse?"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRefused(f"Filen er ikke et gyldigt Excel-regneark (xlsx): {exc}.") from None
    try:
        sheet = workbook.worksheets[0]
        numbered = []
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            numbered.append((i, [_xlsx_value(v) for v in row]))
    finally:
        workbook.close()
    while numbered and all(blank(c) for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise FileRefused("Regnearket er tomt.")
    return table_source(numbered[0][1], numbered[1:], "xlsx")
