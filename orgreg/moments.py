"""A moment typed by a person ("as recorded at …"): the one parser of ``?at=`` and ``--at``.

A moment is an ISO 8601 date and time (``2024-11-08T14:30``, seconds and an offset
optional) or a date alone. A date alone means the end of that day, local time: "as it stood
on 8 November" includes what was recorded on 8 November. A time without an offset is local
time. A moment outside the dates orgreg accepts (orgreg.dates, 1900–2200) is refused.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils import timezone

from .dates import check_date

MOMENT_FORMAT_ERROR = (
    "Tidspunktet skal skrives som ÅÅÅÅ-MM-DD eller ÅÅÅÅ-MM-DDTTT:MM, f.eks. 2024-11-08T14:30."
)


def parse_moment(value: str | None, *, tz: datetime.tzinfo | None = None
                 ) -> datetime.datetime | None:
    """The aware moment `value` names, or None when it is empty. A date alone is the last
    instant of that day (23:59:59.999999) in `tz` (the current time zone by default), as is a
    time without an offset. Refuses anything else, and a moment outside 1900–2200, with a
    ValidationError in Danish."""
    raw = (value or "").strip()
    if not raw:
        return None
    try:
        day = datetime.date.fromisoformat(raw)
    except ValueError:
        day = None
    if day is not None:
        moment = datetime.datetime.combine(day, datetime.time.max)
    else:
        try:
            moment = datetime.datetime.fromisoformat(raw)
        except ValueError:
            raise ValidationError(MOMENT_FORMAT_ERROR, code="invalid") from None
    check_date(moment)
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, tz)
    return moment
