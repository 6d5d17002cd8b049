"""Small internals shared by the MED services: saving with history, locking a body, periods."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.utils import timezone

from orgreg.dates import check_dates
from orgreg.history import stamp
from orgreg.text import danish_date

from ..models import (
    MedBody,
)


def _save(obj, user, reason: str):
    stamp(obj, user, reason)
    obj.save()
    return obj


def _unknown(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {', '.join(sorted(unknown))}")


def _lock_body(body: MedBody) -> MedBody:
    try:
        return MedBody.objects.select_for_update().get(pk=body.pk)
    except MedBody.DoesNotExist:
        raise ValidationError("MED-udvalget findes ikke længere.") from None


def _period(valid_from, valid_to, what: str) -> None:
    if not valid_from:
        raise ValidationError({"valid_from": f"Angiv hvornår {what} gælder fra."})
    check_dates(valid_from=valid_from, valid_to=valid_to)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": (
            f"{what[0].upper()}{what[1:]} kan ikke slutte ({danish_date(valid_to)}) før det "
            f"begynder ({danish_date(valid_from)})."
        )})


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Closed date intervals, None meaning open-ended."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _period_text(valid_from, valid_to) -> str:
    if valid_to is None:
        return f"fra {danish_date(valid_from)}"
    return f"{danish_date(valid_from)} – {danish_date(valid_to)}"



@overload
def _aware(value: datetime.datetime) -> datetime.datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive moment read as local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


