"""Today and now, as the municipality reads its calendar: the one clock of the project.

Every page, selector, PDF and feed that means "today" asks here, so they all agree on the
date, and the date is Copenhagen's (settings.TIME_ZONE), not the server's: at 00:30 on
1 January in Copenhagen the server's UTC clock still says 31 December, and a structure that
takes effect on 1 January is in force all the same.

Tests set the date with time-machine (tests/conftest.py's `on_date`), which moves every
clock at once; nothing here needs to know about tests.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.utils import timezone


def zone() -> zoneinfo.ZoneInfo:
    """The municipality's time zone (settings.TIME_ZONE, Europe/Copenhagen)."""
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def now() -> datetime.datetime:
    """This moment, aware, in the municipality's time zone."""
    return timezone.now().astimezone(zone())


def today() -> datetime.date:
    """Today's date in the municipality's time zone, whatever zone is active for the
    request or the server runs in."""
    return now().date()
