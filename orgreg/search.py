"""Find anything (the header's search field): units, MED bodies and milestones the user may
see, by one query text. A project-level read, as loaddemo is a project-level command: it asks
each app's own search or model for its kind, and orgreg/roles.py's policy for what the user
may see, so nothing of a hidden structure is read, not even a count.

Units are found as "Hvor skal min enhed hen?" finds them (units.selectors.search_units: name
or code, with path and structure); bodies by name, milestones by title, matched the same
accent- and case-insensitive way (units.selectors.fold). Six queries whatever the size: the
user's roles, the unit search's three, the visible bodies, the visible milestones.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from med.models import Level
from orgreg import clock
from orgreg.roles import policy
from orgreg.text import danish_sort_key
from units.selectors import SearchResult, fold, search_units


@dataclass(frozen=True, slots=True)
class BodyHit:
    """A MED body found: its level and period, the structure it is defined against."""

    id: int
    name: str
    level_label: str
    organisation_name: str
    structure_name: str
    valid_from: datetime.date
    valid_to: datetime.date | None
    in_force: bool


@dataclass(frozen=True, slots=True)
class MilestoneHit:
    """A milestone found: its date and organisation, and its structure when it has one."""

    id: int
    title: str
    date: datetime.date
    organisation_name: str
    structure_name: str


@dataclass(frozen=True, slots=True)
class FindResult:
    """What one query found, by kind; `*_total` count every match, also beyond the shown."""

    query: str
    units: SearchResult
    bodies: tuple[BodyHit, ...] = ()
    milestones: tuple[MilestoneHit, ...] = ()
    bodies_total: int = 0
    milestones_total: int = 0

    def __bool__(self) -> bool:
        return bool(self.units or self.bodies_total or self.milestones_total)


def _matches(words: list[str], text: str) -> bool:
    folded = fold(text)
    return all(word in folded for word in words)


def find_anything(user, query: str, *, limit: int = 20,
                  on_date: datetime.date | None = None) -> FindResult:
    """Units (name or code), MED bodies (name) and milestones (title) that `user` may see
    and whose text holds every word of `query`, at most `limit` of each kind: bodies in force
    first, then by name; milestones by date, the latest first. An empty query finds nothing
    and asks nothing."""
    words = fold(query).split()
    if not words:
        return FindResult(query=query, units=SearchResult(query=query))
    on_date = on_date or clock.today()
    rules = policy(user)
    units = search_units(user, query, limit=limit, on_date=on_date)

    body_rows = (rules.med_bodies()
                 .values_list("id", "name", "level", "organisation__name", "structure__name",
                              "valid_from", "valid_to")
                 .order_by())
    levels = dict(Level.choices)
    bodies = [
        BodyHit(pk, name, levels.get(level, level), org, structure, start, end,
                start <= on_date and (end is None or end >= on_date))
        for pk, name, level, org, structure, start, end in body_rows.iterator()
        if _matches(words, name)
    ]
    bodies.sort(key=lambda b: (not b.in_force, danish_sort_key(b.name), b.id))

    # A milestone's forum, body and meeting may name what the user may not see (a body of a
    # draft); only its own title and date, its organisation and its (visible) structure.
    milestone_rows = (rules.milestones()
                      .values_list("id", "title", "date", "organisation__name",
                                   "structure__name")
                      .order_by())
    milestones = [
        MilestoneHit(pk, title, date, org, structure or "")
        for pk, title, date, org, structure in milestone_rows.iterator()
        if _matches(words, title)
    ]
    milestones.sort(key=lambda m: (-m.date.toordinal(), danish_sort_key(m.title), m.id))
    return FindResult(query=query, units=units, bodies=tuple(bodies[:limit]),
                      milestones=tuple(milestones[:limit]), bodies_total=len(bodies),
                      milestones_total=len(milestones))
