"""Reads for the overview pages: which structures a user sees per organisation (in force,
upcoming, in consultation, drafts) and where a unit goes in every later structure the user
may see. Visibility is applied first, so nothing here can point at a hidden structure."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from orgreg import clock
from orgreg.roles import policy
from orgreg.text import danish_sort_key

from ..lineage import Lineage, order_key
from ..models import Organisation, Status, Structure, Unit
from .placement import Placement, placement


@dataclass
class OrganisationOverview:
    organisation: Organisation
    structures: list[Structure]
    in_force: Structure | None
    on_date: datetime.date
    upcoming: list[Structure] = field(default_factory=list)
    in_process: list[Structure] = field(default_factory=list)
    drafts: list[Structure] = field(default_factory=list)
    earlier: list[Structure] = field(default_factory=list)
    discarded: list[Structure] = field(default_factory=list)


def _overview(organisation, structures, on_date) -> OrganisationOverview:
    # In force among what the user may see: a reader is shown the published structure.
    in_force = Lineage.among(structures).in_force(on_date)
    view = OrganisationOverview(organisation, structures, in_force, on_date)
    for s in sorted(structures, key=order_key):
        if s == in_force:
            continue
        if s.status == Status.DRAFT:
            view.drafts.append(s)
        elif s.status == Status.DISCARDED:
            view.discarded.append(s)
        elif s.status == Status.CONSULTATION:
            view.in_process.append(s)
        elif s.effective_date > on_date:
            view.upcoming.append(s)
        else:
            view.earlier.append(s)
    view.earlier.reverse()
    return view


def organisation_overviews(user, on_date: datetime.date | None = None
                           ) -> list[OrganisationOverview]:
    """Every organisation with the structures `user` may see, sorted into groups. Two queries."""
    on_date = on_date or clock.today()
    by_org: dict[int, list[Structure]] = defaultdict(list)
    for s in policy(user).structures().select_related("based_on"):
        by_org[s.organisation_id].append(s)
    organisations = sorted(Organisation.objects.all(), key=lambda o: danish_sort_key(o.name))
    return [_overview(org, by_org.get(org.pk, []), on_date) for org in organisations]


def organisation_overview(user, organisation: Organisation,
                          on_date: datetime.date | None = None) -> OrganisationOverview:
    """One organisation's structures that `user` may see, sorted into groups. One query."""
    on_date = on_date or clock.today()
    structures = list(policy(user).structures().filter(organisation=organisation)
                      .select_related("based_on"))
    return _overview(organisation, structures, on_date)


@dataclass(frozen=True)
class FuturePlacement:
    """Where a unit's staff go in one later structure; `placements` is empty when the unit is
    closed on the way."""

    structure: Structure
    placements: list[Placement]

    @property
    def split(self) -> bool:
        return len(self.placements) > 1


def later_structures(user, unit: Unit) -> list[Structure]:
    """The structures `user` may see that descend from the unit's structure (through based_on,
    over any number of steps, also through structures the user may not see), oldest first;
    discarded ones left out. Two queries."""
    descendants = Lineage.of(unit.structure.organisation_id).descendants(unit.structure_id)
    visible = set(
        policy(user).structures(Structure.objects.filter(pk__in=[s.pk for s in descendants]))
        .exclude(status=Status.DISCARDED).order_by().values_list("pk", flat=True)
    )
    return [s for s in descendants if s.pk in visible]


def future_placements(user, unit: Unit) -> list[FuturePlacement]:
    """The unit's placement in every later structure `user` may see. Two queries plus those
    of units.selectors.placement per structure (which depend on the chain, not the size)."""
    return [FuturePlacement(s, placement(unit, s)) for s in later_structures(user, unit)]
