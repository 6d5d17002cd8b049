"""Reading an import file: the formats, the size limit, format detection and `read_file`,
which hands the bytes to the reader of their format."""

from __future__ import annotations

import datetime

from orgreg.text import danish_number, quoted

from .problems import FileRefused, bad_file
from .read_csv import read_csv
from .read_json import read_orgreg_json
from .read_os2mo import Os2moOptions, read_os2mo
from .read_xlsx import read_xlsx
from .records import Source

# Larger files are refused before they are parsed (a browser upload is also kept in the
# session between preview and confirmation, so this bounds that too).
MAX_IMPORT_BYTES = 10 * 1024 * 1024

FORMATS = {
    "csv": "CSV (Excel)",
    "xlsx": "Excel-regneark (xlsx)",
    "json": "orgreg JSON",
    "os2mo": "OS2mo GraphQL JSON",
}


def detect_format(data: bytes, filename: str = "") -> str:
    """The format a file claims by its name, or by its first bytes when the name says nothing."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".json"):
        return "os2mo" if _looks_like_os2mo(data) else "json"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "os2mo" if _looks_like_os2mo(data) else "json"
    return "csv"


def _looks_like_os2mo(data: bytes) -> bool:
    head = data[:4096]
    return (b'"org_units"' in head or b'"data"' in head[:200]
            or b'"graphql_version"' in head[:200])


def read_file(data: bytes, *, filename: str = "", fmt: str | None = None,
              on_date: datetime.date | None = None,
              os2mo: Os2moOptions | None = None) -> Source:
    """Read the records of a file of format `fmt` (detected from name and content when None);
    `on_date` and `os2mo` say how an OS2mo answer is read. Refuses an empty or oversized
    file and one that is not what its format says; those refusals are problems without a
    row number."""
    fmt = fmt or detect_format(data, filename)
    if fmt not in FORMATS:
        return Source(fmt, problems=[bad_file(f"Ukendt format {quoted(fmt)}.")])
    if len(data) > MAX_IMPORT_BYTES:
        return Source(fmt, problems=[bad_file(
            f"Filen fylder {danish_number(len(data) / 1024 / 1024, 1)} MB; højst "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB kan indlæses ad gangen."
        )])
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        return Source(fmt, problems=[bad_file("Filen er tom.")])
    try:
        if fmt == "csv":
            source = read_csv(data)
        elif fmt == "xlsx":
            source = read_xlsx(data)
        elif fmt == "json":
            source = read_orgreg_json(data)
        else:
            source = read_os2mo(data, on_date, os2mo)
    except FileRefused as exc:
        return Source(fmt, problems=[bad_file(str(exc))])
    if not source.problems and not source.records:
        source.problems.append(bad_file("Filen indeholder ingen enheder."))
    return source
