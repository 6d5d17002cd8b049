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

from .. import changes, lifecycle
from ..lineage import Lineage, order_key
from ..models import Organisation, Status, Structure, Unit
from ..shares import HUNDRED
from .placement import Placement, placement, placements
from .trees import ancestors


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
    # structure pk → the structure that replaced it (see `replaced_by`); filled for one
    # organisation's page.
    replaced: dict[int, Structure] = field(default_factory=dict)


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
    """One organisation's structures that `user` may see, sorted into groups, with what
    replaced each earlier one (when the user may see it). Two queries."""
    on_date = on_date or clock.today()
    structures = list(policy(user).structures().filter(organisation=organisation)
                      .select_related("based_on"))
    view = _overview(organisation, structures, on_date)
    everything = Lineage.of(organisation)
    visible = {s.pk for s in structures}
    for s in view.earlier:
        later = everything.replaced_by(s, on_date)
        if later is not None and later.pk in visible:
            view.replaced[s.pk] = later
    return view


def replaced_by(user, structure: Structure, on_date: datetime.date | None = None
                ) -> Structure | None:
    """The structure that replaced `structure` as the one in force by `on_date` (today by
    default; units.lineage's rule over every structure of the organisation), when `user`
    may see it; None otherwise, so a hidden structure is never named nor hinted at. One
    query."""
    later = Lineage.of(structure.organisation).replaced_by(structure, on_date)
    return later if later is not None and policy(user).can_see_structure(later) else None


@dataclass(frozen=True)
class SubUnitPlacement:
    """Where one sub-unit of a closed unit goes; `placements` empty: closed as well."""

    unit: Unit
    placements: list[Placement]


@dataclass(frozen=True)
class FuturePlacement:
    """Where a unit's staff go in one later structure; `placements` is empty when the unit is
    closed on the way, and then `sub_units` tells where each of its sub-units goes."""

    structure: Structure
    placements: list[Placement]
    sub_units: list[SubUnitPlacement] = field(default_factory=list)

    @property
    def split(self) -> bool:
        return len(self.placements) > 1

    @property
    def decided(self) -> bool:
        return lifecycle.counts_in_force(self.structure.status)


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
    """The unit's placement in every later structure `user` may see; where it is closed, the
    placement of each of its direct sub-units. Two queries plus those of
    units.selectors.placement per structure (which depend on the chain, not the size), and
    for a closed unit one more plus a placement's per structure it is closed in."""
    found = []
    children: list[Unit] | None = None
    for s in later_structures(user, unit):
        here = placement(unit, s)
        subs: list[SubUnitPlacement] = []
        if not here:
            if children is None:
                children = list(Unit.objects.filter(parent=unit).order_by("lft"))
            reached = placements(children, s)
            subs = [SubUnitPlacement(c, reached[c.pk]) for c in children]
        found.append(FuturePlacement(s, here, subs))
    return found


@dataclass(frozen=True)
class UnitAnswer:
    """Min enhed's answer for a unit: its path, where it goes in every later structure the
    user may see, and where it is today (`now`): the structure in force `on_date` among
    those the user may see, and the unit's place in it (its own place when that is its own
    structure; none when it is closed there or the structure is not on its line)."""

    unit: Unit
    path: list
    futures: list[FuturePlacement]
    on_date: datetime.date
    in_force: Structure | None
    now: list[Placement]

    @property
    def own_structure_in_force(self) -> bool:
        return self.in_force is not None and self.in_force.pk == self.unit.structure_id

    @property
    def closed_now(self) -> bool:
        """Closed in the structure in force today (which descends from the unit's)."""
        return any(f.structure == self.in_force and not f.placements for f in self.futures)


def unit_answer(user, unit: Unit, on_date: datetime.date | None = None) -> UnitAnswer:
    """The unit's answer as of `on_date` (today by default). The queries of
    `future_placements` plus two (the unit's path, the structures the user may see)."""
    on_date = on_date or clock.today()
    *path, here = ancestors(unit, include_self=True)
    futures = future_placements(user, unit)
    in_force = Lineage.among(policy(user).structures().filter(
        organisation_id=unit.structure.organisation_id)).in_force(on_date)
    now: list[Placement] = []
    if in_force is not None and in_force.pk == unit.structure_id:
        kinds = changes.classify(newer=False, came_from=1, went_to=1)
        now = [Placement(here, HUNDRED, tuple(path), kinds, unit.headcount)]
    elif in_force is not None:
        now = next((f.placements for f in futures if f.structure.pk == in_force.pk), [])
    return UnitAnswer(unit, path, futures, on_date, in_force, now)
