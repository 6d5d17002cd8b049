"""The plan as an iCalendar feed (RFC 5545) that calendar clients subscribe to."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.utils import timezone
from icalendar import Calendar, Event

from orgreg.dates import day_after
from units.models import Organisation

from .models import MilestoneStatus
from .selectors import PlanEntry

ICS_STATUS = {
    MilestoneStatus.PLANNED: "CONFIRMED",
    MilestoneStatus.DONE: "CONFIRMED",
    MilestoneStatus.POSTPONED: "TENTATIVE",
    MilestoneStatus.CANCELLED: "CANCELLED",
}


def plan_calendar(organisation: Organisation, entries: Iterable[PlanEntry], *, host: str,
                  base_url: str = "") -> bytes:
    """All-day events, one per plan entry; UIDs are stable so a rescheduled milestone moves
    in the subscriber's calendar instead of appearing twice."""
    cal = Calendar()
    cal.add("prodid", "-//orgreg//tidsplan//DA")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Tidsplan: {organisation.name}")
    cal.add("x-wr-timezone", timezone.get_current_timezone_name())
    cal.add("refresh-interval", datetime.timedelta(hours=6), parameters={"VALUE": "DURATION"})
    stamp = timezone.now()
    for entry in entries:
        event = Event()
        event.add("uid", f"{entry.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", entry.date)
        # An all-day event ends (exclusively) the day after; 9999-12-31 has none.
        event.add("dtend", day_after(entry.last_date))
        summary = entry.title
        if entry.forum:
            summary = f"{entry.forum}: {summary}"
        if entry.status in (MilestoneStatus.POSTPONED, MilestoneStatus.CANCELLED):
            summary = f"[{entry.status_label}] {summary}"
        event.add("summary", summary)
        lines = [entry.description] if entry.description else []
        if entry.structure_name:
            lines.append(f"Organisering: {entry.structure_name}")
        if entry.workstream_name:
            lines.append(f"Indsatsområde: {entry.workstream_name}")
        lines.append(f"Type: {entry.kind_label} · Status: {entry.status_label}")
        event.add("description", "\n".join(lines))
        event.add("categories", [entry.kind_label])
        event.add("status", ICS_STATUS[MilestoneStatus(entry.status)])
        event.add("transp", "TRANSPARENT")
        if entry.url.startswith("/") and base_url:
            event.add("url", base_url.rstrip("/") + entry.url)
        cal.add_component(event)
    return cal.to_ical()
