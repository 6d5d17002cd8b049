"""The range of dates orgreg accepts, and safe date arithmetic for dates stored before it.

An organisation's plans, MED periods and consultations lie within a few years of today; a
date before 1900 or after 2200 is a typing error (a year 20255, a 0001 from an empty
spreadsheet cell) and would break what computes with it (the day after 9999-12-31 does not
exist). Every form, import and service asks `check_date`; readers of dates already stored
(rows written before the rule, by the admin or a restore) compute with `day_after` and
`local_date`, which never overflow.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2200, 12, 31)
OUT_OF_RANGE = "Datoen skal ligge mellem 1. januar 1900 og 31. december 2200."
OUT_OF_RANGE_CODE = "date_range"


def _day(value: datetime.date | datetime.datetime) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def in_range(value: datetime.date | datetime.datetime | None) -> bool:
    """Whether `value` (a date, or a moment's date) lies between EARLIEST and LATEST; None is
    not a date and counts as in range (whether one is required is the caller's rule)."""
    return value is None or EARLIEST <= _day(value) <= LATEST


def check_date(value: datetime.date | datetime.datetime | None, field: str | None = None
               ) -> None:
    """Refuse (ValidationError, code "date_range") a date or moment outside 1900–2200, with
    the Danish message on `field` when it is given, so a form shows it beside the input."""
    if in_range(value):
        return
    if field:
        raise ValidationError({field: ValidationError(OUT_OF_RANGE, code=OUT_OF_RANGE_CODE)})
    raise ValidationError(OUT_OF_RANGE, code=OUT_OF_RANGE_CODE)


def check_dates(**dates: datetime.date | datetime.datetime | None) -> None:
    """check_date for each keyword, its name as the field: check_dates(start=…, end=…)."""
    for field, value in dates.items():
        check_date(value, field)


def clamp(value: datetime.date, low: datetime.date = EARLIEST,
          high: datetime.date = LATEST) -> datetime.date:
    """`value` moved into [low, high] (by default the accepted range)."""
    return max(low, min(high, value))


def day_after(value: datetime.date) -> datetime.date:
    """The next day; the last day Python knows (9999-12-31) has none and is its own end."""
    if value >= datetime.date.max:
        return datetime.date.max
    return value + datetime.timedelta(days=1)


def day_before(value: datetime.date) -> datetime.date:
    """The previous day; the first day Python knows (0001-01-01) has none and is its own."""
    if value <= datetime.date.min:
        return datetime.date.min
    return value - datetime.timedelta(days=1)


def next_month(value: datetime.date) -> datetime.date:
    """The first day of the month after `value`'s; December 9999 is followed by its own end."""
    if (value.year, value.month) == (datetime.MAXYEAR, 12):
        return datetime.date.max
    return (value.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def local_moment(moment: datetime.datetime) -> datetime.datetime:
    """`moment` in the current time zone (a naive moment is local already). A moment so near
    the ends of the calendar that local time would leave it is kept as it is."""
    from django.utils import timezone

    if timezone.is_naive(moment):
        return moment
    try:
        return timezone.localtime(moment)
    except OverflowError:
        return moment


def local_date(moment: datetime.datetime) -> datetime.date:
    """The day of `moment` in the current time zone, as `local_moment` reads it."""
    return local_moment(moment).date()
