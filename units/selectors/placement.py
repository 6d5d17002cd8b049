"""Placement: where a unit's staff end up in a later structure, step by step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery, Value

from .. import changes, shares
from ..lineage import structure_chain
from ..models import Structure, Succession, Unit
from ..shares import HUNDRED
from .trees import _NODE_COLUMNS, UnitNode, _bare_node, ancestors, tree


@dataclass(frozen=True, slots=True)
class Placement(changes.HasKinds):
    """Where (part of) a unit's staff ends up in a later structure: the share of its staff
    and how many people that is (`staff`, units.shares.people). For a merger, `partners` are
    the other units of the unit's own structure whose staff go there too (in tree order;
    whoever may see the unit may see them); `new_leader` tells whether the unit it goes to
    has another leader than the unit had (units.changes.leader_changed)."""

    unit: UnitNode
    share: Decimal
    path: tuple[UnitNode, ...]
    kinds: frozenset[str]
    staff: int = 0
    partners: tuple[changes.Partner, ...] = ()
    new_leader: bool | None = None

    @property
    def parent(self) -> UnitNode | None:
        return self.path[-1] if self.path else None


def _reaches_source(chain: list[int], step: int, outer: str) -> Exists | Value:
    """Whether the unit named by `outer` (a field of the enclosing query), a unit of
    structure chain[step], is reached by successions from the first structure of the chain,
    step by step: a nested EXISTS, as deep as the chain is long."""
    if step == 0:
        return Value(True)
    inner = Succession.objects.filter(to_unit_id=OuterRef(outer),
                                      from_unit__tree_id=chain[step - 1])
    if step > 1:
        inner = inner.filter(_reaches_source(chain, step - 1, "from_unit_id"))
    return Exists(inner)


def placement(unit: Unit, target: Structure) -> list[Placement]:
    """The units of `target` where the staff of `unit` end up, with the share of its staff
    that goes to each and how many people that is, followed through every structure between
    (Aarhus went through two steps). Empty when `target` does not descend from the unit's
    structure or the unit was closed on the way. Each placement has the kinds of the line
    from the unit, net over all steps, as the comparison of the two structures gives them
    (units.changes): a 0 % succession leads on like any other. One query per step between
    the structures plus three, and one more per step plus one when the unit is merged."""
    return placements([unit], target)[unit.pk]


def placements(units: Sequence[Unit], target: Structure) -> dict[int, list[Placement]]:
    """`placement` of several units of one structure at once (the sub-units of a closed
    unit), unit id → its placements, in the same number of queries as for one unit."""
    if not units:
        return {}
    first = units[0]
    if first.structure_id == target.pk:
        kinds = changes.classify(newer=False, came_from=1, went_to=1)
        found = {}
        for unit in units:
            here = tree(target.pk, under=unit, max_depth=0)[0]
            found[unit.pk] = [Placement(here, HUNDRED, tuple(ancestors(unit)), kinds,
                                        here.headcount, new_leader=False)]
        return found
    source = Structure(pk=first.structure_id, organisation_id=target.organisation_id)
    chain = structure_chain(target, source)
    if not chain:
        return {unit.pk: [] for unit in units}
    reaches = _walk(units, chain)
    reached = set().union(*(r.frontier for r in reaches.values()))
    rows, ancestor_rows = _target_rows(reached, target) if reached else ([], [])
    merged = set().union(*(r.mixed for r in reaches.values()))
    partners = _partners(chain, merged) if merged else {}
    return {unit.pk: _placements(unit, reaches[unit.pk], rows, ancestor_rows, partners)
            if unit.pk in reaches else [] for unit in units}


# The steps of placement: walk the chain (one query a step), read the units reached and
# their paths (two queries), classify each line.


@dataclass(slots=True)
class _Reach:
    """What the unit reaches in one structure of the chain."""

    frontier: dict[int, Decimal]  # unit id → share of the unit's staff that gets there
    parents: set[int]  # the units its old parent reached (to tell a move)
    mixed: set[int]  # reached units that other units of the first structure reach too (merger)


def _walk(units: Sequence[Unit], chain: list[int]) -> dict[int, _Reach]:
    """What each unit reaches in the last structure of the chain, step by step, one query a
    step for all of them; a unit whose staff reach nothing on the way is left out."""
    reaches = {u.pk: _Reach({u.pk: HUNDRED}, {u.parent_id} if u.parent_id else set(), set())
               for u in units}
    for index in range(1, len(chain)):
        rows = _step_rows(chain, index, set().union(*(r.frontier for r in reaches.values())),
                          set().union(*(r.parents for r in reaches.values())))
        reaches = {pk: nxt for pk, r in reaches.items()
                   if (nxt := _step(r, rows, before=chain[index - 1])).frontier}
        if not reaches:
            break
    return reaches


def _step_rows(chain: list[int], index: int, ahead: set[int], parents: set[int]
               ) -> list[tuple]:
    """The successions of one step that tell where the frontier (`ahead`, and the old
    parents' `parents`) goes: (from, to, share, from tree, whether the origin is reached
    from the first structure); one query."""
    step = chain[index]
    from_source = _reaches_source(chain, index - 1, "from_unit_id")
    columns = ("from_unit_id", "to_unit_id", "share", "from_unit__tree_id", "from_source")
    # Two index-driven halves in one query: the links out of the frontier and the old
    # parent's, and the other links into the units the frontier reaches.
    out = (Succession.objects.filter(from_unit_id__in=[*ahead, *parents],
                                     to_unit__tree_id=step)
           .annotate(from_source=from_source).values_list(*columns))
    into = (Succession.objects.filter(to_unit_id__in=Subquery(
                Succession.objects.filter(from_unit_id__in=list(ahead), to_unit__tree_id=step)
                .values("to_unit_id")))
            .exclude(from_unit_id__in=[*ahead, *parents])
            .annotate(from_source=from_source).values_list(*columns))
    return list(out.union(into, all=True))


def _step(reach: _Reach, rows: list[tuple], *, before: int) -> _Reach:
    """What the rows of one step lead `reach` (in structure `before`) to."""
    frontier, mixed, parent_frontier = reach.frontier, reach.mixed, reach.parents
    nxt: dict[int, Decimal] = defaultdict(Decimal)
    next_mixed: set[int] = set()
    next_parents: set[int] = set()
    joined: set[int] = set()
    for from_id, to_id, share, from_tree, reaches in rows:
        if from_tree != before:
            continue  # from a structure off the chain: no path from the first one
        if from_id in frontier:
            nxt[to_id] += frontier[from_id] * share / HUNDRED
            if from_id in mixed:
                next_mixed.add(to_id)
        elif reaches:
            joined.add(to_id)
        if from_id in parent_frontier:
            next_parents.add(to_id)
    return _Reach(dict(nxt), next_parents, (next_mixed | joined) & set(nxt))


def _target_rows(reached: set[int], target: Structure) -> tuple[list[tuple], list[tuple]]:
    """The rows of the units reached in `target`, in tree order, and of their ancestors; two
    queries."""
    units = list(
        Unit.objects.filter(pk__in=list(reached)).order_by("lft")
        .values_list(*_NODE_COLUMNS)
    )
    paths_q = Q()
    for r in units:
        paths_q |= Q(lft__lt=r[14], rght__gt=r[15])
    ancestor_rows = list(
        Unit.objects.filter(tree_id=target.pk).filter(paths_q).order_by("lft")
        .values_list(*_NODE_COLUMNS)
    )
    return units, ancestor_rows


def _partners(chain: list[int], targets: set[int]
              ) -> dict[int, list[tuple[int, changes.Partner]]]:
    """For each unit of the last structure of the chain in `targets`: the units of the first
    structure whose staff reach it, in tree order, each marked when only part of its staff
    get there. Walks the successions back, one query a step, and reads the names (one)."""
    back = {t: {t: Decimal(1)} for t in targets}
    for index in range(len(chain) - 1, 0, -1):
        ids = set().union(*back.values())
        into: dict[int, list[tuple[int, Decimal]]] = defaultdict(list)
        for from_id, to_id, share in Succession.objects.filter(
                to_unit_id__in=list(ids), from_unit__tree_id=chain[index - 1]
        ).values_list("from_unit_id", "to_unit_id", "share"):
            into[to_id].append((from_id, share))
        nxt: dict[int, dict[int, Decimal]] = {}
        for t, fractions in back.items():
            found: dict[int, Decimal] = defaultdict(Decimal)
            for uid, fraction in fractions.items():
                for from_id, share in into[uid]:
                    found[from_id] += fraction * share / HUNDRED
            nxt[t] = found
        back = nxt
    names = {pk: (lft, name) for pk, lft, name in Unit.objects.filter(
        pk__in=list(set().union(*back.values()))).values_list("pk", "lft", "name")}
    return {t: [(pk, changes.Partner(names[pk][1], part=0 < fraction < 1))
                for pk, fraction in sorted(fractions.items(), key=lambda kv: names[kv[0]][0])]
            for t, fractions in back.items()}


def _placements(unit: Unit, reach: _Reach, units: list[tuple], ancestor_rows: list[tuple],
                partners: dict[int, list[tuple[int, changes.Partner]]]) -> list[Placement]:
    """A Placement for each unit reached, with its path, its people, the line's kinds and,
    for a merger, the other units that go there."""
    frontier = reach.frontier
    units = [r for r in units if r[0] in frontier]
    staff = shares.people(unit.headcount, [frontier[r[0]] for r in units])
    result = []
    for r, people in zip(units, staff, strict=True):
        here = _bare_node(r)
        path = tuple(_bare_node(a) for a in ancestor_rows if a[14] < r[14] and a[15] > r[15])
        new_parent = path[-1].id if path else None
        merged = here.id in reach.mixed
        kinds = changes.classify(
            newer=False, came_from=2 if merged else 1, went_to=len(units),
            renamed=here.name != unit.name,
            moved=changes.is_moved(unit.parent_id, new_parent, reach.parents),
        )
        others = tuple(p for pk, p in partners.get(here.id, ()) if pk != unit.pk) if merged \
            else ()
        result.append(Placement(here, frontier[here.id].quantize(Decimal("0.01")), path, kinds,
                                people, others,
                                changes.leader_changed(unit.leader_name, here.leader_name)))
    return result
