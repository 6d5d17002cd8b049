"""Danish text: dates as a Dane writes them, lists joined with "og", sorting with æ, ø, å last."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

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
    from django.utils import timezone

    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return f"{danish_date(value)} kl. {value:%H.%M}"


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
