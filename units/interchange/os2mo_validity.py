"""OS2mo's validity conventions by GraphQL version.

Up to GraphQL v28 a validity's ``to`` is the last day the object is valid (inclusive); from
v29 it is the first day it no longer is (exclusive, half-open ``[from, to)``). A ``to`` of
null is open-ended either way. orgreg reads both and writes the one of the version in use.
"""

from __future__ import annotations

import datetime

# The first GraphQL version whose `to` is exclusive.
EXCLUSIVE_FROM = 29
# What a file without a version is read as (the convention of OS2mo's current versions).
DEFAULT_VERSION = 29


def ends_exclusive(version: int) -> bool:
    return int(version) >= EXCLUSIVE_FROM


def valid_on(start: datetime.date | None, end: datetime.date | None, day: datetime.date,
             version: int) -> bool:
    """Whether a validity [start, end] (end as OS2mo GraphQL `version` means it) covers day."""
    if start is not None and day < start:
        return False
    if end is None:
        return True
    return day < end if ends_exclusive(version) else day <= end


def last_day(end: datetime.date | None, version: int) -> datetime.date | None:
    """The last day a validity ending at `end` covers."""
    if end is None:
        return None
    return end - datetime.timedelta(days=1) if ends_exclusive(version) else end


def to_value(last: datetime.date | None, version: int) -> datetime.date | None:
    """The `to` OS2mo GraphQL `version` expects for a validity whose last day is `last`."""
    if last is None:
        return None
    return last + datetime.timedelta(days=1) if ends_exclusive(version) else last
