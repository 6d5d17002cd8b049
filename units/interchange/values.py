"""Cell values of an import file: blank cells, text cleaning, Danish numbers, headcounts,
categories and predecessor pairs. Shares themselves are read by units.shares."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from ..models import Category

# orgreg's CSV export puts an apostrophe before text that Excel would run as a formula.
FORMULA_CHARACTERS = "=+-@"


def blank(value: Any) -> bool:
    """An empty cell: None or only whitespace."""
    return value is None or (isinstance(value, str) and not value.strip())


def clean_text(value: Any, unescape: bool = False, strip: bool = True) -> str:
    """A cell as text: None is "", Decimals are written plainly; with `unescape`, the
    apostrophe orgreg's CSV export puts before a formula-like text is dropped again."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = f"{value:f}"
    text = str(value)
    if strip:
        text = text.strip()
    if unescape and text.startswith("'") and text.lstrip("'")[:1] in tuple(FORMULA_CHARACTERS):
        text = text[1:]
    return text


_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(value: Any) -> Decimal:
    """A number as Danes and Excel write it: "12,5", "1.234,50", "1 234", 12.5. Raises
    ValueError for anything else, infinity and NaN included (as text or as a float)."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal | float):
        number = Decimal(repr(value) if isinstance(value, float) else value)
        if not number.is_finite():
            raise ValueError(value)
        return number
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _DANISH_THOUSANDS.match(text) and text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def parse_headcount(value: Any) -> int:
    """A whole number of people; "1.234" is a thousand and more. Raises ValueError for
    anything else, "2,5" included, and OverflowError for a whole number of more than 18
    digits ("1e309"), which is not turned into an int of that size."""
    text = value if not isinstance(value, str) else value.strip()
    if isinstance(text, str) and _DANISH_THOUSANDS.match(text):
        text = text.replace(".", "")
    number = parse_number(text)
    if number != number.to_integral_value():
        raise ValueError(value)
    if number.adjusted() >= 18:
        raise OverflowError(value)
    return int(number)


def parse_category(value: str) -> str | None:
    """The category named by its value or Danish label, whatever the case; None if unknown."""
    wanted = value.casefold()
    for choice in Category:
        if wanted in (choice.value.casefold(), str(choice.label).casefold()):
            return choice.value
    return None


def predecessor_pairs(value: Any) -> list[tuple[str, Any]]:
    """'A101:60|A102:40' or [{"code": "A101", "share": 60}, …] → [(code, share text), …]."""
    if blank(value):
        return []
    if isinstance(value, list):
        pairs = []
        for item in value:
            if isinstance(item, dict):
                pairs.append((clean_text(item.get("code")), item.get("share", 100)))
            else:
                pairs.extend(predecessor_pairs(item))
        return pairs
    pairs = []
    for part in re.split(r"[|\n]", clean_text(value, unescape=True)):
        part = part.strip()
        if not part:
            continue
        code, sep, share = part.rpartition(":")
        if not sep:
            code, share = part, "100"
        pairs.append((code.strip(), share.strip().rstrip("%").strip() or "100"))
    return pairs
