"""The CSV reader: Danish Excel's semicolons (or commas, tabs), UTF-8 or Windows-1252."""

from __future__ import annotations

import csv
import io

from .problems import FileRefused
from .records import Source, table_source, what_it_is
from .values import blank


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            "Filens tegn kan hverken læses som UTF-8 eller Windows-1252; gem den igen som "
            "»CSV UTF-8« i Excel."
        ) from None


def read_csv(data: bytes) -> Source:
    """The records of a CSV file; refuses binary files and text with control characters."""
    what = what_it_is(data)
    if what:
        raise FileRefused(f"Filen er ikke en CSV-fil, men {what}.")
    if b"\x00" in data[:65536]:
        raise FileRefused(
            "Filen er ikke en CSV-fil: den indeholder binære data. Er den gemt som »UTF-16« "
            "eller som en anden filtype? Gem den som »CSV (semikolonsepareret)« i Excel."
        )
    text = _decode(data)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
        raise FileRefused("Filen er ikke en CSV-fil: den indeholder styretegn, som tekst ikke har.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileRefused(f"Filen kan ikke læses som CSV: {exc}.") from None
    # Excel numbers rows by record, starting with the header as row 1.
    numbered = [(i, row) for i, row in enumerate(rows, start=1)]
    while numbered and all(blank(c) for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise FileRefused("Filen er tom.")
    source = table_source(numbered[0][1], numbered[1:], "csv")
    source.unescape_text = True
    return source
