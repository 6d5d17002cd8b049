"""Placement: where a unit's staff end up in a later structure, step by step."""

from __future__ import annotations

from collections import defaultdict
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
    and how many people that is (`staff`, units.shares.people)."""

    unit: UnitNode
    share: Decimal
    path: tuple[UnitNode, ...]
    kinds: frozenset[str]
    staff: int = 0

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
    the structures plus three."""
    source = Structure(pk=unit.structure_id, organisation_id=target.organisation_id)
    if unit.structure_id == target.pk:
        here = tree(target.pk, under=unit, max_depth=0)[0]
        kinds = changes.classify(newer=False, came_from=1, went_to=1)
        return [Placement(here, HUNDRED, tuple(ancestors(unit)), kinds, here.headcount)]
    chain = structure_chain(target, source)
    if not chain:
        return []
    reach = _walk(unit, chain)
    if reach is None:
        return []
    units, ancestor_rows = _target_rows(reach, target)
    return _placements(unit, reach, units, ancestor_rows)


# The steps of placement: walk the chain (one query a step), read the units reached and
# their paths (two queries), classify each line.


@dataclass(slots=True)
class _Reach:
    """What the unit reaches in one structure of the chain."""

    frontier: dict[int, Decimal]  # unit id → share of the unit's staff that gets there
    parents: set[int]  # the units its old parent reached (to tell a move)
    mixed: set[int]  # reached units that other units of the first structure reach too (merger)


def _walk(unit: Unit, chain: list[int]) -> _Reach | None:
    """What `unit` reaches in the last structure of the chain, step by step; None when its
    staff reach nothing on the way."""
    reach = _Reach({unit.pk: HUNDRED}, {unit.parent_id} if unit.parent_id else set(), set())
    for index in range(1, len(chain)):
        reach = _step(reach, _step_rows(chain, index, reach), before=chain[index - 1])
        if not reach.frontier:
            return None
    return reach


def _step_rows(chain: list[int], index: int, reach: _Reach) -> list[tuple]:
    """The successions of one step that tell where the frontier goes: (from, to, share, from
    tree, whether the origin is reached from the first structure); one query."""
    step = chain[index]
    ahead = list(reach.frontier)
    parent_frontier = reach.parents
    from_source = _reaches_source(chain, index - 1, "from_unit_id")
    columns = ("from_unit_id", "to_unit_id", "share", "from_unit__tree_id", "from_source")
    # Two index-driven halves in one query: the links out of the frontier and the old
    # parent's, and the other links into the units the frontier reaches.
    out = (Succession.objects.filter(from_unit_id__in=[*ahead, *parent_frontier],
                                     to_unit__tree_id=step)
           .annotate(from_source=from_source).values_list(*columns))
    into = (Succession.objects.filter(to_unit_id__in=Subquery(
                Succession.objects.filter(from_unit_id__in=ahead, to_unit__tree_id=step)
                .values("to_unit_id")))
            .exclude(from_unit_id__in=[*ahead, *parent_frontier])
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


def _target_rows(reach: _Reach, target: Structure) -> tuple[list[tuple], list[tuple]]:
    """The rows of the units reached in `target`, in tree order, and of their ancestors; two
    queries."""
    units = list(
        Unit.objects.filter(pk__in=list(reach.frontier)).order_by("lft")
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


def _placements(unit: Unit, reach: _Reach, units: list[tuple], ancestor_rows: list[tuple]
                ) -> list[Placement]:
    """A Placement for each unit reached, with its path, its people and the line's kinds."""
    frontier = reach.frontier
    staff = shares.people(unit.headcount, [frontier[r[0]] for r in units])
    result = []
    for r, people in zip(units, staff, strict=True):
        here = _bare_node(r)
        path = tuple(_bare_node(a) for a in ancestor_rows if a[14] < r[14] and a[15] > r[15])
        new_parent = path[-1].id if path else None
        kinds = changes.classify(
            newer=False, came_from=2 if here.id in reach.mixed else 1, went_to=len(units),
            renamed=here.name != unit.name,
            moved=changes.is_moved(unit.parent_id, new_parent, reach.parents),
        )
        result.append(Placement(here, frontier[here.id].quantize(Decimal("0.01")), path, kinds,
                                people))
    return result
