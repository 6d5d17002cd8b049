"""The CSV reader: Danish Excel's semicolons (or commas, tabs), UTF-8 or Windows-1252."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator

from .problems import FileRefused
from .records import Source, numbered_rows, table_source, what_it_is

ENCODINGS_TRIED = "UTF-8 (med eller uden BOM) og Windows-1252"

# What Danish text decoded as Windows-1252 holds beyond ASCII: the Latin-1 letters (æ, ø, å,
# é, ü … and the foreign names of a municipality's staff), the no-break space and the
# punctuation Excel and Word put in (€ „ “ ” ‘ ’ – — … • ° § ½ « » ´ · ×).
_PLAUSIBLE_1252 = re.compile("[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u00a0"
                             "€„“”‘’–—…•°§½¼¾«»´·×©®²³µ]+")
_NOT_ASCII = re.compile(r"[\x00-\x7f]+")
_C1_CONTROLS = re.compile("[\u0080-\u009f]")


def _decode(data: bytes) -> str:
    """The text of a CSV file: UTF-8 (with or without BOM), else Windows-1252 when that
    reads as Danish text. Windows-1252 decodes almost any bytes, so the decoded text is
    judged: of its non-ASCII characters, at most one in ten (and at least two are always
    allowed) may fall outside the Latin-1 letters and the punctuation Danish text uses
    (`_PLAUSIBLE_1252`). Shift-JIS, UTF-16 fragments or other code pages fail that and
    are refused, naming the encodings tried, instead of being imported garbled."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8", errors="strict")
        except UnicodeDecodeError:
            raise _undecodable() from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise _undecodable() from None
    beyond_ascii = _NOT_ASCII.sub("", text)
    implausible = len(_PLAUSIBLE_1252.sub("", beyond_ascii))
    if implausible > max(2, len(beyond_ascii) // 10):
        raise _undecodable()
    return text


def _undecodable() -> FileRefused:
    return FileRefused(
        f"Filens tegn kan ikke læses rent i de tegnsæt, orgreg prøver: {ENCODINGS_TRIED}. "
        "Den er nok gemt i et andet tegnsæt; gem den igen som »CSV UTF-8« i Excel."
    )


def _rows(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """The numbered rows, read with strict quoting. A quote that opens a cell and is never
    closed as CSV closes it would swallow the rows after it into that one cell; strict
    reading stops there (at the stray closing quote, the end of the file or the field size
    limit), and the refusal names the row the cell began in, numbered as the other rows."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    started = {"row": 1, "line": 1}

    def rows() -> Iterator[list[str]]:
        for number, row in enumerate(reader, start=2):
            yield row
            started.update(row=number, line=reader.line_num + 1)

    try:
        return numbered_rows(rows())
    except csv.Error as exc:
        row, line = started["row"], started["line"]
        where = f"række {row}" + (f" (linje {line} i filen)" if line != row else "")
        raise FileRefused(
            f"Et anførselstegn (\") i {where} lukkes ikke, som CSV kræver, så rækkerne efter "
            f"det ville blive læst som én celle ({exc}). Ret anførselstegnet, eller gem filen "
            "igen fra Excel."
        ) from None


def read_csv(data: bytes) -> Source:
    """The records of a CSV file; refuses binary files, text that is not cleanly UTF-8 or
    Windows-1252 (`_decode`), text with control characters, a quote left open (`_rows`)
    and more than MAX_IMPORT_ROWS rows."""
    what = what_it_is(data)
    if what:
        raise FileRefused(f"Filen er ikke en CSV-fil, men {what}.")
    if b"\x00" in data[:65536]:
        raise FileRefused(
            "Filen er ikke en CSV-fil: den indeholder binære data. Er den gemt som »UTF-16« "
            "eller som en anden filtype? Gem den som »CSV (semikolonsepareret)« i Excel."
        )
    text = _decode(data)
    if (any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536])
            or _C1_CONTROLS.search(text)):
        raise FileRefused("Filen er ikke en CSV-fil: den indeholder styretegn, som tekst ikke har.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    # Excel numbers rows by record, starting with the header as row 1.
    numbered = _rows(text, delimiter)
    if not numbered:
        raise FileRefused("Filen er tom.")
    source = table_source(numbered[0][1], numbered[1:], "csv")
    source.unescape_text = True
    return source
