"""Reads of the MED system: which bodies cover which units, where the gaps are, what a new
structure's MED bodies could be. What a user may see is orgreg.roles.policy's answer.

A body covers the subtrees of its units. Every selector here runs a fixed number of queries
whatever the size of the structures: trees are read in one query each and intervals (lft,
rght) are matched in Python with a stack walk in tree order.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from orgreg import clock
from orgreg.dates import day_before
from orgreg.roles import Policy, policy
from orgreg.text import danish_sort_key
from units.lineage import Lineage, structure_chain
from units.models import Organisation, Structure, Succession, Unit
from units.selectors import UnitNode, tree

from .models import (
    LEVEL_ORDER,
    LOCAL_LEVELS,
    AgendaItem,
    Consultation,
    ConsultationStatus,
    Level,
    MedBody,
    Meeting,
    Membership,
    _period_q,
)

# --- the MED structure of an organisation ---------------------------------------------


@dataclass(frozen=True, slots=True)
class CoveredUnit:
    id: int
    name: str
    structure_id: int


@dataclass(frozen=True, slots=True)
class BodyNode:
    body: MedBody
    depth: int
    units: tuple[CoveredUnit, ...]
    in_force: bool


def body_tree(organisation: Organisation, user, *, on_date: datetime.date | None = None
              ) -> list[BodyNode]:
    """The organisation's MED bodies the user may see as a tree (parent body first, children
    by level and name), each with the units it covers. Two queries."""
    on_date = on_date or clock.today()
    bodies = list(
        policy(user).med_bodies().filter(organisation=organisation)
        .select_related("structure")
        .prefetch_related(Prefetch("units", queryset=Unit.objects.only(
            "id", "name", "structure_id", "lft").order_by("lft")))
    )
    by_id = {b.pk: b for b in bodies}
    children: dict[int | None, list[MedBody]] = defaultdict(list)
    for b in bodies:
        parent = b.parent_id if b.parent_id in by_id else None
        children[parent].append(b)
    for siblings in children.values():
        siblings.sort(key=lambda b: (LEVEL_ORDER.index(b.level), danish_sort_key(b.name)))
    result: list[BodyNode] = []
    seen: set[int] = set()

    def visit(b: MedBody, depth: int) -> None:
        if b.pk in seen:
            return
        seen.add(b.pk)
        units = tuple(CoveredUnit(u.id, u.name, u.structure_id) for u in b.units.all())
        result.append(BodyNode(b, depth, units, b.is_valid_on(on_date)))
        for child in children.get(b.pk, ()):
            visit(child, depth + 1)

    for root in children.get(None, ()):
        visit(root, 0)
    return result


def bodies_covering(unit: Unit | UnitNode, *, on_date: datetime.date | None = None
                    ) -> list[MedBody]:
    """The bodies defined against the unit's structure that cover it: its own or an
    ancestor's coverage, not ended before `on_date` (today). Top level first. One query."""
    on_date = on_date or clock.today()
    bodies = list(
        MedBody.objects.filter(
            units__tree_id=unit.structure_id, units__lft__lte=unit.lft,
            units__rght__gte=unit.rght,
        ).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on_date)).distinct()
    )
    bodies.sort(key=lambda b: (LEVEL_ORDER.index(b.level), danish_sort_key(b.name)))
    return bodies


# --- coverage -------------------------------------------------------------------------


def _covered_by_intervals(rows: Iterable[tuple[int, int, int]],
                          starts: dict[int, list[tuple[int, int]]]) -> dict[int, set[int]]:
    """unit id → ids of the bodies covering it. `rows` are (id, lft, rght) of one tree in lft
    order; `starts` maps a covered unit's lft to (rght, body id) pairs. A stack walk: each
    interval is pushed at its start and popped once the walk passes its end."""
    result: dict[int, set[int]] = {}
    stack: list[tuple[int, int]] = []
    for uid, lft, _rght in rows:
        while stack and stack[-1][0] < lft:
            stack.pop()
        for rght, body_id in starts.get(lft, ()):
            stack.append((rght, body_id))
        # Keep the stack ordered by end so that popping from the top is right; intervals of
        # one tree nest, so a later push never ends after an earlier one.
        result[uid] = {b for _, b in stack}
    return result


def _carry(chain_newest_first: list[int], covered: dict[int, set[int]]
           ) -> tuple[dict[int, set[int]], dict[int, set[int]], dict[int, set[int]]]:
    """Carry coverage forward through the successions of the chain (one query).

    `covered` maps a body id to the units it covers (whole subtrees, expanded) in the
    structure it is defined against; those structures are in the chain. Returns the units of
    the newest structure each body reaches, the succession edges per step (from → {to}) and
    the incoming edges of the newest structure (to → {from}) for the newest step."""
    newer_of = {older: newer for newer, older in zip(chain_newest_first, chain_newest_first[1:],
                                                     strict=False)}
    rows = Succession.objects.filter(
        from_unit__tree_id__in=chain_newest_first[1:], to_unit__tree_id__in=chain_newest_first[:-1],
        share__gt=0,
    ).values_list("from_unit_id", "to_unit_id", "from_unit__tree_id", "to_unit__tree_id")
    forward: dict[int, set[int]] = defaultdict(set)
    incoming_newest: dict[int, set[int]] = defaultdict(set)
    for from_id, to_id, from_tree, to_tree in rows:
        if newer_of.get(from_tree) != to_tree:
            continue
        forward[from_id].add(to_id)
        if to_tree == chain_newest_first[0]:
            incoming_newest[to_id].add(from_id)
    reached: dict[int, set[int]] = {}
    for body_id, units in covered.items():
        frontier = set(units)
        # Successions only lead one step newer, so following the edges until nothing moves
        # reaches the newest structure; units left behind were closed on the way.
        newest = set()
        while frontier:
            nxt = set()
            for uid in frontier:
                for to_id in forward.get(uid, ()):
                    nxt.add(to_id)
            newest |= {u for u in nxt if u in incoming_newest}
            frontier = {u for u in nxt if u not in incoming_newest}
        reached[body_id] = newest
    return reached, forward, incoming_newest


@dataclass(frozen=True, slots=True)
class BodyRef:
    id: int
    name: str
    level: str
    level_label: str
    carried: bool

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("med:body-detail", args=[self.id])


@dataclass(frozen=True, slots=True)
class CoverageRow:
    unit: UnitNode
    bodies: tuple[BodyRef, ...]

    @property
    def is_gap(self) -> bool:
        return not self.bodies

    @property
    def has_local(self) -> bool:
        return any(b.level in LOCAL_LEVELS for b in self.bodies)

    @property
    def doubles(self) -> dict[str, tuple[BodyRef, ...]]:
        by_level: dict[str, list[BodyRef]] = defaultdict(list)
        for b in self.bodies:
            by_level[b.level].append(b)
        return {lvl: tuple(bs) for lvl, bs in by_level.items() if len(bs) > 1}


@dataclass(frozen=True)
class Coverage:
    structure: Structure
    on_date: datetime.date
    rows: list[CoverageRow]
    bodies: list[BodyRef] = field(default_factory=list)

    @property
    def gaps(self) -> list[CoverageRow]:
        """Units no MED body covers on the date."""
        return [r for r in self.rows if r.is_gap]

    @property
    def local_gaps(self) -> list[CoverageRow]:
        """Units with no body of their own below the main committee (område, sektor, lokal or a
        staff meeting with MED status)."""
        return [r for r in self.rows if not r.has_local]

    @property
    def doubles(self) -> list[CoverageRow]:
        """Units covered by more than one body at the same level."""
        return [r for r in self.rows if r.doubles]

    @property
    def covered_count(self) -> int:
        return len(self.rows) - len(self.gaps)


def _sort_starts(starts: dict[int, list[tuple[int, int]]]) -> None:
    """Widest interval first at each left number, as _covered_by_intervals reads them."""
    for pairs in starts.values():
        pairs.sort(reverse=True)


def _inverted(mapping: dict[int, set[int]]) -> dict[int, set[int]]:
    """a → {b} turned into b → {a} (unit → bodies into body → units, and back)."""
    inverted: dict[int, set[int]] = defaultdict(set)
    for a, bs in mapping.items():
        for b in bs:
            inverted[b].add(a)
    return inverted


def _carried_to(nodes: list[UnitNode], chain: list[int],
                older_starts: dict[int, dict[int, list[tuple[int, int]]]]
                ) -> dict[int, set[int]]:
    """unit id of the newest structure → the bodies of older structures of `chain` carried to
    it through the successions; a new unit takes its parent's (nodes are in tree order). Two
    queries."""
    old_rows = list(
        Unit.objects.filter(tree_id__in=list(older_starts)).order_by("tree_id", "lft")
        .values_list("tree_id", "id", "lft", "rght")
    )
    by_tree: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    for tree_id, uid, lft, rght in old_rows:
        by_tree[tree_id].append((uid, lft, rght))
    covered_old: dict[int, set[int]] = defaultdict(set)
    for tree_id, tree_starts in older_starts.items():
        _sort_starts(tree_starts)
        for b, uids in _inverted(_covered_by_intervals(by_tree[tree_id],
                                                            tree_starts)).items():
            covered_old[b] |= uids
    reached, _forward, incoming = _carry(chain, covered_old)
    carried_of = _inverted(reached)
    for n in nodes:
        if n.id not in incoming and n.parent_id is not None:
            carried_of[n.id] |= carried_of.get(n.parent_id, set())
    return carried_of


def coverage(structure: Structure, *, on_date: datetime.date | None = None,
             viewer: Policy | None = None) -> Coverage:
    """Every unit of `structure` with the MED bodies that cover it on `on_date` (the
    structure's effective date by default). Bodies defined against the structure cover their
    units' subtrees; bodies defined against a structure it was based on, and still valid on
    the date, are carried to it through the successions (a new unit with no predecessor takes
    its parent's carried bodies). For a `viewer`, only bodies of structures the viewer may
    see (a hidden structure's coverage still carries the visible ones through). Six queries
    at most, whatever the size."""
    on_date = on_date or structure.effective_date
    # The structure and the structures it was based on, newest first.
    chain = Lineage.of(structure.organisation_id).line(structure)
    shown = chain if viewer is None or viewer.sees_everything else [
        sid for sid in chain if viewer.can_see_structure_id(sid)]
    bodies = list(
        MedBody.objects.filter(_period_q(on_date), structure_id__in=shown)
        .order_by("name").values_list("pk", "name", "level", "structure_id")
    )
    refs = {
        pk: BodyRef(pk, name, level, Level(level).label, carried=sid != structure.pk)
        for pk, name, level, sid in bodies
    }
    through = MedBody.units.through
    covered_rows = list(
        through.objects.filter(medbody_id__in=list(refs))
        .values_list("medbody_id", "unit__tree_id", "unit__lft", "unit__rght")
    ) if refs else []
    nodes = tree(structure)
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    older_starts: dict[int, dict[int, list[tuple[int, int]]]] = defaultdict(
        lambda: defaultdict(list))
    for body_id, tree_id, lft, rght in covered_rows:
        if tree_id == structure.pk:
            starts[lft].append((rght, body_id))
        else:
            older_starts[tree_id][lft].append((rght, body_id))
    _sort_starts(starts)
    direct = _covered_by_intervals(((n.id, n.lft, n.rght) for n in nodes), starts)
    carried_of = _carried_to(nodes, chain, older_starts) if older_starts else {}

    def sort_key(b: BodyRef):
        return (LEVEL_ORDER.index(b.level), danish_sort_key(b.name))

    rows = [
        CoverageRow(n, tuple(sorted((refs[b] for b in direct.get(n.id, set())
                                     | carried_of.get(n.id, set())), key=sort_key)))
        for n in nodes
    ]
    return Coverage(structure, on_date, rows, sorted(refs.values(), key=sort_key))


# --- proposing a MED structure for a new structure ------------------------------------


@dataclass(frozen=True, slots=True)
class ProposedBody:
    """A body of the old structure carried into the new one. `units` are the top-most units
    of the new structure it would cover; `split`, `merged` and `closed` name the old units
    whose fate needs a person's decision (closed: one of the body's own units is gone)."""

    body: MedBody
    units: tuple[UnitNode, ...]
    split: tuple[str, ...]
    merged: tuple[str, ...]
    closed: tuple[str, ...]
    shared_with: tuple[str, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.split or self.merged or self.closed or self.shared_with)


def propose_med_structure(new: Structure, old: Structure | None = None) -> list[ProposedBody]:
    """The bodies of `old` (by default the structure `new` was based on) that are valid on the
    day before `new`'s effective date or later, each carried through the successions to the
    units of `new`.
    A body is flagged when one of its units was split (it goes to several units), merged with
    a unit the body did not cover, or closed, and when another body reaches the same unit.
    Empty when `new` does not descend from `old`. Six queries whatever the size."""
    old = old or new.based_on
    if old is None:
        return []
    chain = structure_chain(new, old)
    if not chain:
        return []
    chain_newest_first = list(reversed(chain))
    bodies = list(
        MedBody.objects.filter(structure=old)
        # A body that ends the day before the new structure starts is the one to replace.
        .filter(Q(valid_to__isnull=True)
                | Q(valid_to__gte=day_before(new.effective_date)))
        .prefetch_related(Prefetch("units", queryset=Unit.objects.only("id", "lft", "rght")))
    )
    if not bodies:
        return []
    old_nodes = tree(old)
    new_nodes = tree(new)
    old_by_id = {n.id: n for n in old_nodes}
    new_by_id = {n.id: n for n in new_nodes}
    starts: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for b in bodies:
        for u in b.units.all():
            starts[u.lft].append((u.rght, b.pk))
    _sort_starts(starts)
    covered = _inverted(_covered_by_intervals(((n.id, n.lft, n.rght) for n in old_nodes),
                                              starts))
    reached, forward, incoming = _carry(chain_newest_first, covered)
    origins, destinations = _ends(old_nodes, forward, incoming)
    # A new unit (no predecessor) under a unit a body reaches is covered with it, as in
    # coverage(): the body covers subtrees.
    for uids in reached.values():
        for n in new_nodes:
            if n.id not in incoming and n.parent_id in uids:
                uids.add(n.id)
    ways = _Ways(old_by_id, new_by_id, covered, reached, origins, destinations,
                 reach_count=_inverted(reached), names={b.pk: b.name for b in bodies},
                 levels={b.pk: b.level for b in bodies})
    return [_proposed(b, ways) for b in
            sorted(bodies, key=lambda b: (LEVEL_ORDER.index(b.level), danish_sort_key(b.name)))]


def _ends(old_nodes: list[UnitNode], forward: dict[int, set[int]],
          incoming: dict[int, set[int]]
          ) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    """The whole way from old to new, composed over every step: each new unit's old origins,
    and each old unit's units in the new structure (splits and merges are judged on it)."""
    origins: dict[int, set[int]] = defaultdict(set)
    destinations: dict[int, set[int]] = {}
    for n in old_nodes:
        frontier, newest = {n.id}, set()
        while frontier:
            nxt: set[int] = set()
            for uid in frontier:
                nxt |= forward.get(uid, set())
            newest |= {u for u in nxt if u in incoming}
            frontier = {u for u in nxt if u not in incoming}
        destinations[n.id] = newest
        for u in newest:
            origins[u].add(n.id)
    return origins, destinations


@dataclass(frozen=True)
class _Ways:
    """What propose_med_structure knows of the way from the old structure to the new."""

    old_by_id: dict[int, UnitNode]
    new_by_id: dict[int, UnitNode]
    covered: dict[int, set[int]]  # body → old units it covers
    reached: dict[int, set[int]]  # body → new units it is carried to
    origins: dict[int, set[int]]  # new unit → old units
    destinations: dict[int, set[int]]  # old unit → new units
    reach_count: dict[int, set[int]]  # new unit → bodies carried to it
    names: dict[int, str]
    levels: dict[int, str]


def _proposed(b: MedBody, ways: _Ways) -> ProposedBody:
    """One body carried into the new structure, with what needs a person's decision."""
    old_by_id, new_by_id = ways.old_by_id, ways.new_by_id
    mine = ways.covered.get(b.pk, set())
    carried = ways.reached.get(b.pk, set())
    tops = tuple(sorted((new_by_id[u] for u in carried
                         if new_by_id[u].parent_id not in carried), key=lambda n: n.lft))

    def top_of(uid: int) -> int:
        n = new_by_id[uid]
        return next(t.id for t in tops if t.lft <= n.lft and n.rght <= t.rght)

    # A split matters when the parts land in separate pieces of the body's new coverage:
    # someone must decide whether one committee still covers them.
    split = tuple(old_by_id[u].name for u in sorted(mine, key=lambda u: old_by_id[u].lft)
                  if len({top_of(d) for d in ways.destinations.get(u, ())}) > 1)
    merged = tuple(new_by_id[u].name for u in sorted(carried, key=lambda u: new_by_id[u].lft)
                   if ways.origins[u] - mine)
    # Closed units below a body's own units hand their staff on through their children;
    # what needs a decision is a unit the body is defined by that no longer exists.
    own = sorted((u.pk for u in b.units.all()), key=lambda u: old_by_id[u].lft)
    closed = tuple(old_by_id[u].name for u in own if not ways.destinations.get(u))
    others: set[int] = set()
    for u in carried:
        others |= ways.reach_count[u] - {b.pk}
    same_level = tuple(sorted((ways.names[o] for o in others if ways.levels[o] == b.level),
                              key=danish_sort_key))
    return ProposedBody(b, tops, split, merged, closed, same_level)


def transitional_bodies(old: Structure, new: Structure) -> list[MedBody]:
    """Transitional bodies (OvergangsMED) of the organisation whose period overlaps the time
    from `old`'s effective date to `new`'s. One query."""
    start, end = sorted([old.effective_date, new.effective_date])
    return list(
        MedBody.objects.filter(organisation_id=new.organisation_id, transitional=True,
                               valid_from__lte=end)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=start))
        .order_by("valid_from", "name")
    )


# --- body, meeting and consultation pages ---------------------------------------------


@dataclass(frozen=True)
class BodyPage:
    body: MedBody
    memberships: list[Membership]
    meetings: list[Meeting]
    consultations: list[Consultation]
    children: list[MedBody]
    units: list[Unit]


def body_page(body: MedBody, user, *, on_date: datetime.date | None = None) -> BodyPage:
    """What the body page shows: members (current first), meetings if the user may see them,
    consultations the user may see, child bodies and covered units. Five queries."""
    on_date = on_date or clock.today()
    members = list(body.memberships.select_related("user"))
    members.sort(key=lambda m: (not m.is_valid_on(on_date), m.side,
                                ["formand", "naestformand"].index(m.role)
                                if m.role in ("formand", "naestformand") else 2,
                                danish_sort_key(m.person_name)))
    rules = policy(user)
    meetings = list(body.meetings.all()) if rules.can_see_meetings_of(body) else []
    consultations = list(rules.consultations().filter(body=body).select_related("structure"))
    children = list(rules.med_bodies().filter(parent=body).order_by("name"))
    units = list(body.units.order_by("lft"))
    return BodyPage(body, members, meetings, consultations, children, units)


def meeting_items(meeting: Meeting) -> list[AgendaItem]:
    """The agenda in order with the structures the items concern. One query."""
    return list(meeting.items.select_related("structure").order_by("number"))


@dataclass(frozen=True)
class Tracker:
    open: list[Consultation]
    overdue: list[Consultation]
    answered: list[Consultation]


def consultation_tracker(user, *, today: datetime.date | None = None,
                         organisation: Organisation | None = None) -> Tracker:
    """The consultations the user may see, split into open (deadline ahead), overdue (deadline
    passed, no answer) and answered. One query."""
    today = today or clock.today()
    qs = policy(user).consultations().select_related("structure__organisation", "body")
    if organisation is not None:
        qs = qs.filter(structure__organisation=organisation)
    groups: dict[str, list[Consultation]] = defaultdict(list)
    for c in qs.order_by("deadline", "pk"):
        groups[c.status_on(today)].append(c)
    answered = sorted(groups[ConsultationStatus.ANSWERED],
                      key=lambda c: c.responded_on or datetime.date.min, reverse=True)
    return Tracker(groups[ConsultationStatus.SENT], groups[ConsultationStatus.OVERDUE], answered)
