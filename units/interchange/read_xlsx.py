"""The Excel (xlsx) reader: the first sheet, the first non-empty row as the header.

An xlsx file is a zip archive of XML files, so a small upload can hold far more than it
weighs. The archive is measured before openpyxl opens it (`check_archive`), and openpyxl
parses the XML through defusedxml (a dependency for that reason), so entity declarations —
XXE, billion laughs — are refused rather than expanded."""

from __future__ import annotations

import datetime
import io
import struct
import zipfile
import zlib
from typing import Any

from orgreg.text import quoted

from .problems import FileRefused
from .records import (
    MAX_IMPORT_ROWS,
    Source,
    numbered_rows,
    table_source,
    too_many_rows,
    what_it_is,
)

# What an xlsx of a whole municipality's units needs, many times over (20,000 rows of four
# columns unpack to about 6 MB); beyond that the file is refused unread.
MAX_XLSX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_XLSX_MEMBER_BYTES = 30 * 1024 * 1024
MAX_XLSX_MEMBERS = 1000
# Worksheet XML packs 5-20 times; a member that packs more than this is built to explode.
# Small members (under a megabyte) may pack as tightly as they like.
MAX_XLSX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
# orgreg knows about twenty columns; columns after these are not read.
MAX_XLSX_COLUMNS = 100

# An XML entity declaration refused by defusedxml, a sheet XML cut short, a member whose
# data does not match its CRC: everything the parser can say about a malformed workbook.
_MALFORMED = (zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, OSError,
              ValueError, TypeError, AttributeError, SyntaxError)


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _declared_members(data: bytes) -> int | None:
    """The member count the end-of-archive record declares (read before zipfile builds its
    list of members, so a directory of a million entries is not built); None if not found."""
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 65557))
    if end < 0 or end + 12 > len(data):
        return None
    return struct.unpack("<H", data[end + 10:end + 12])[0]


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


def check_archive(data: bytes) -> None:
    """Refuse a workbook whose archive holds more than MAX_XLSX_MEMBERS members, unpacks to
    more than MAX_XLSX_UNPACKED_BYTES in all or MAX_XLSX_MEMBER_BYTES in one member, or has a
    large member packed more than MAX_XLSX_RATIO times, or encrypted or packed otherwise than
    Excel packs (`_check_member`). Only the archive's directory is
    read, nothing is unpacked. The sizes a directory declares bound what is unpacked:
    zipfile stops at a member's declared size (and then fails its CRC check)."""
    declared = _declared_members(data)
    if declared is not None and declared > MAX_XLSX_MEMBERS:
        raise FileRefused(f"Regnearket består af {declared} filer; højst {MAX_XLSX_MEMBERS} "
                          "kan indlæses. Er det et Excel-regneark?")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise FileRefused(f"Filen er ikke et gyldigt Excel-regneark (xlsx): {exc}.") from None
    if len(members) > MAX_XLSX_MEMBERS:
        raise FileRefused(f"Regnearket består af {len(members)} filer; højst "
                          f"{MAX_XLSX_MEMBERS} kan indlæses. Er det et Excel-regneark?")
    total = sum(m.file_size for m in members)
    if total > MAX_XLSX_UNPACKED_BYTES:
        raise FileRefused(f"Regnearket fylder {_mb(total)} udpakket; højst "
                          f"{_mb(MAX_XLSX_UNPACKED_BYTES)} kan indlæses.")
    for member in members:
        _check_member(member)


def _check_member(member: zipfile.ZipInfo) -> None:
    """One member of the archive: not encrypted, stored or deflated as Excel does, within
    the size and packing limits."""
    if member.flag_bits & 0x1:
        raise FileRefused("Regnearket er krypteret (beskyttet med adgangskode); gem det uden "
                          "adgangskode og prøv igen.")
    if member.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise FileRefused(f"Regnearkets del {quoted(member.filename)} er pakket på en måde, "
                          "Excel ikke bruger; det er ikke et almindeligt Excel-regneark.")
    if member.file_size > MAX_XLSX_MEMBER_BYTES:
        raise FileRefused(f"Regnearkets del {quoted(member.filename)} fylder "
                          f"{_mb(member.file_size)} udpakket; højst "
                          f"{_mb(MAX_XLSX_MEMBER_BYTES)} kan indlæses.")
    if (member.file_size > RATIO_FROM_BYTES
            and member.file_size > MAX_XLSX_RATIO * max(member.compress_size, 1)):
        raise FileRefused(f"Regnearkets del {quoted(member.filename)} er pakket "
                          f"{member.file_size // max(member.compress_size, 1)} gange "
                          "tættere end et almindeligt regneark; den indlæses ikke.")


def _first_sheet_rows(data: bytes) -> list[tuple[int, list[Any]]]:
    import openpyxl

    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_IMPORT_ROWS:
            raise too_many_rows()
        width = min(sheet.max_column or MAX_XLSX_COLUMNS, MAX_XLSX_COLUMNS)
        # Past the sheet's declared size (a wrong one would hide rows), reading goes on to
        # the first row past the limit, which is refused.
        rows = sheet.iter_rows(max_row=MAX_IMPORT_ROWS + 1, max_col=width, values_only=True)
        return numbered_rows([_xlsx_value(v) for v in row] for row in rows)
    finally:
        workbook.close()


def read_xlsx(data: bytes) -> Source:
    """The records of the first sheet of an xlsx workbook; refuses anything that is not one,
    an archive that unpacks to too much (`check_archive`), XML with entity declarations, a
    malformed or truncated sheet, and a sheet of more than MAX_IMPORT_ROWS rows."""
    if not data.startswith(b"PK\x03\x04"):
        what = what_it_is(data)
        raise FileRefused(
            f"Filen er ikke et Excel-regneark (xlsx), men {what}." if what else
            "Filen er ikke et Excel-regneark (xlsx). Er det en CSV-fil med forkert filendelse?"
        )
    check_archive(data)
    try:
        numbered = _first_sheet_rows(data)
    except FileRefused:
        raise
    except _MALFORMED as exc:
        raise FileRefused(_malformed_message(exc)) from None
    if not numbered:
        raise FileRefused("Regnearket er tomt.")
    return table_source(numbered[0][1], numbered[1:], "xlsx")


def _malformed_message(exc: Exception) -> str:
    from defusedxml import DefusedXmlException

    # openpyxl wraps what the parser raised in a ValueError of its own.
    cause: BaseException | None = exc
    while cause is not None and not isinstance(cause, DefusedXmlException):
        cause = cause.__cause__ or cause.__context__
    if cause is not None:
        return ("Regnearket indeholder XML med egne entiteter (DTD), som et Excel-regneark "
                "ikke har, og som kan bruges til at læse andre filer eller lamme serveren; "
                "det indlæses ikke. Gem det igen som »Excel-projektmappe (xlsx)«.")
    return f"Filen er ikke et gyldigt Excel-regneark (xlsx): {exc}."
