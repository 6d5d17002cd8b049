"""Danish text: dates and numbers as a Dane writes them, lists joined with "og", sorting with
æ, ø, å last. Every page, PDF, export and mail writes them through these functions."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal

MONTHS = [
    "januar", "februar", "marts", "april", "maj", "juni",
    "juli", "august", "september", "oktober", "november", "december",
]


def danish_date(value: datetime.date | None) -> str:
    """1. januar 2025. Independent of the active locale, so PDFs and reasons read the same."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        value = value.date()
    return f"{value.day}. {MONTHS[value.month - 1]} {value.year}"


def danish_datetime(value: datetime.datetime | None) -> str:
    """1. januar 2025 kl. 14.05 in the current time zone."""
    if value is None:
        return ""
    from .dates import local_moment

    value = local_moment(value)
    return f"{danish_date(value)} kl. {value:%H.%M}"


def danish_number(value: int | float | Decimal | None, decimals: int | None = None) -> str:
    """10.000 and 9,5: a point between thousands, a comma before decimals. Whole numbers are
    written without decimals; others with `decimals` places (default: as few as needed, at
    most two)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if decimals is None:
        places = 0 if number == number.to_integral_value() else 2
        text = f"{number:,.{places}f}"
        if places:
            text = text.rstrip("0").rstrip(".")
    else:
        text = f"{number:,.{decimals}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


def counted(count: int | float | Decimal | None, one: str, many: str) -> str:
    """A count with its noun in the right number: "1 enhed", "5.734 enheder", "0 enheder".
    The noun may be several words ("ændret enhed", "ændrede enheder"). Every page, PDF,
    export and message that shows a count writes it through here (templates through the
    `antal` filter)."""
    number = Decimal(str(count)) if count not in (None, "") else Decimal(0)
    return f"{danish_number(number)} {one if number == 1 else many}"


def join_danish(items: Iterable[str]) -> str:
    """»A«, »B« og »C«."""
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return ", ".join(items[:-1]) + " og " + items[-1]


def quoted(name: str) -> str:
    return f"»{name}«"


# Danish alphabet order: ... x y z æ ø å; ä and ö sort with æ and ø, aa with å.
_DANISH_ORDER = {"æ": "{", "ä": "{", "ø": "|", "ö": "|", "å": "}"}


def danish_sort_key(text: str) -> str:
    """A key that sorts strings as a Danish dictionary does: case-insensitive, æ ø å after z."""
    lowered = (text or "").casefold().replace("aa", "å")
    return "".join(_DANISH_ORDER.get(ch, ch) for ch in lowered)
