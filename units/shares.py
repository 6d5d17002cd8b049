"""Shares of a unit's staff: the one home of reading, checking, writing and dividing them.

A share is the percent of an older unit's staff that goes along one succession. Everything
here is plain arithmetic over values already read; no queries.

- Reading (`parse_share`): a number from a form, a file or code — ``50``, ``"33,33"``,
  ``"33.33 %"``, ``12.5`` — between 0 and 100 %, rounded half up to hundredths.
- Totals (`passes_100`, `makes_100`): an older unit's shares within one newer structure may
  add up to at most 100 % (alternative models each take all of it), and the parts of a split
  must add up to 100 %, each up to a rounding slack of 0.05 (three thirds are 99.99 %).
- Writing (`share_text`, `share_number`): Danish, with a decimal comma and no trailing
  zeros — "50 %", "33,33 %", "0 %".
- People (`people`, `apportion`): a headcount and shares become whole people that add up,
  by the largest remainder (Hamilton) method with ties going to the share given first. Shares
  that add up to less than 100 % leave the rest of the staff unplaced: the rest takes part in
  the division as one more part, given last, and is left out of the answer. So a 5-person
  unit split 50/50 is 3 + 2 wherever it is shown (stored by the services, on the comparison,
  in its PDF and spreadsheet, in notices, on Min enhed and in the API).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal, InvalidOperation

HUNDRED = Decimal("100")
CENT = Decimal("0.01")
ONE = Decimal("1")
# Rounding slack of totals: shares are kept in hundredths, so thirds add up to 99.99 %.
SHARE_TOLERANCE = Decimal("0.05")


class ShareError(ValueError):
    """A share that is not a number (`number` is None) or is outside 0-100 % (`number` is
    what was read). `message` says so in Danish."""

    def __init__(self, value: object, number: Decimal | None = None) -> None:
        self.value = value
        self.number = number
        super().__init__(self.message)

    @property
    def number_text(self) -> str:
        """The number read, as exact as it was given ("100,004 %"), for messages."""
        return "" if self.number is None else f"{_plain(self.number)} %"

    @property
    def message(self) -> str:
        if self.number is None:
            return f"Andelen »{self.value}« er ikke et tal."
        return f"Andelen skal være mellem 0 og 100 %, ikke {self.number_text}."


def parse_share(value: object) -> Decimal:
    """A share in percent as a Decimal in hundredths (rounded half up). Takes numbers and
    text with a decimal comma or point and an optional "%" ("33,33 %"); refuses anything
    that is not a finite number, or lies below 0 or above 100 before rounding, with
    ShareError."""
    if isinstance(value, bool) or value is None:
        raise ShareError(value)
    if isinstance(value, int | Decimal):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    else:
        text = str(value).strip().removesuffix("%").replace("\u00a0", "").replace(" ", "")
        if "," in text:
            text = text.replace(".", "").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ShareError(value) from None
    if not number.is_finite():
        raise ShareError(value)
    if number < 0 or number > HUNDRED:
        raise ShareError(value, number)
    return number.quantize(CENT, rounding=ROUND_HALF_UP)


def passes_100(total: Decimal) -> bool:
    """Whether the shares of one older unit within one newer structure add up to more than
    100 % beyond the rounding slack: more staff placed than the unit has."""
    return total > HUNDRED + SHARE_TOLERANCE


def makes_100(total: Decimal) -> bool:
    """Whether the shares of a split's parts make up the whole unit (100 % within the
    rounding slack)."""
    return abs(total - HUNDRED) <= SHARE_TOLERANCE


def _plain(number: Decimal) -> str:
    """A number as written in Danish, as exact as it is, without trailing zeros."""
    text = f"{number.normalize():f}".replace(".", ",")
    return "0" if text in ("-0", "0") else text


def share_number(share: Decimal | int | float | str) -> str:
    """The share's number in hundredths, Danish style: "50", "33,33", "0" (files carry it
    so: "A101:33,33")."""
    number = Decimal(str(share)).quantize(CENT, rounding=ROUND_HALF_UP)
    return _plain(number)


def share_text(share: Decimal | int | float | str) -> str:
    """A share as the pages, PDFs and messages write it: "50 %", "33,33 %"."""
    return f"{share_number(share)} %"


def apportion(total: Decimal | int, shares: Sequence[Decimal | int], *, step: Decimal = ONE,
              whole: Decimal = HUNDRED) -> list[Decimal]:
    """`total` divided by `shares` in multiples of `step` (1 for people, 0.01 for shares of
    shares), by the largest remainder: each part gets its quota rounded down, and the steps
    left over go one each to the largest remainders, the share given first winning a tie.

    `whole` is the share that stands for all of `total` (percent, by default). Shares adding
    up to less leave the rest unplaced: the rest is one more part, given last, and is not
    returned, so the parts add up to `total` less the rest's part. Shares adding up to more
    (a rounding slack, or the parts of a split, which make up the whole unit whatever they
    add up to: pass their sum) divide all of `total`. Refuses negative shares and a total
    that is not a whole number of steps."""
    total = Decimal(total)
    weights = [Decimal(s) for s in shares]
    if any(w < 0 for w in weights):
        raise ValueError("Shares cannot be negative.")
    steps = total / step
    if steps != steps.to_integral_value() or steps < 0:
        raise ValueError(f"{total} is not a whole number of {step}.")
    given = sum(weights, Decimal(0))
    base = max(given, Decimal(whole))
    if base == 0:
        return [Decimal(0) * step for _ in weights]
    weights.append(base - given)  # the rest
    quotas = [steps * w / base for w in weights]
    parts = [q.to_integral_value(rounding=ROUND_FLOOR) for q in quotas]
    left = int(steps - sum(parts))
    order = sorted(range(len(parts)), key=lambda i: (parts[i] - quotas[i], i))
    for i in order[:left]:
        parts[i] += 1
    return [p * step for p in parts[:-1]]


def people(headcount: int, shares: Sequence[Decimal | int]) -> list[int]:
    """How many of a unit's `headcount` staff go along each share: whole people by the
    largest remainder (see `apportion`). The one rule for "staff moving" on every page,
    PDF, file and API answer."""
    if len(shares) == 1 and shares[0] == HUNDRED:
        return [headcount]  # the usual one-to-one line, without the arithmetic
    return [int(p) for p in apportion(headcount or 0, shares)]
