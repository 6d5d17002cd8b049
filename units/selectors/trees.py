"""Trees: a structure's units as UnitNodes in tree order, a subtree, one node, a unit's path.

A tree is one query in (tree_id, lft) order; depth, subtree headcount and child counts are
computed in Python from those rows.
"""

from __future__ import annotations

import gc
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse

from ..models import Category, Structure, Unit


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building 10,000 nodes take most of tree()'s time. Treat it as read-only; it stays
# hashable and comparable by value.
@dataclass(slots=True, unsafe_hash=True)
class UnitNode:
    """One unit of a tree as read for display: its fields, its depth and what lies below."""

    id: int
    parent_id: int | None
    structure_id: int
    name: str
    short_name: str
    code: str
    unit_type: str
    category: str
    leader_title: str
    leader_name: str
    headcount: int
    fte: Decimal | None
    location: str
    level: int
    lft: int
    rght: int
    subtree_headcount: int
    child_count: int
    exists: bool = True

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def descendant_count(self) -> int:
        return (self.rght - self.lft - 1) // 2

    def get_absolute_url(self) -> str:
        return reverse("units:unit-detail", args=[self.id])


_NODE_COLUMNS = (
    "id", "parent_id", "structure_id", "name", "short_name", "code", "unit_type__name",
    "category", "leader_title", "leader_name", "headcount", "fte", "location", "level",
    "lft", "rght",
)


# The same, with no NULL for a unit without a type: _nodes then takes each row as it is.
_TREE_COLUMNS = (*_NODE_COLUMNS[:6], Coalesce("unit_type__name", Value("")), *_NODE_COLUMNS[7:])


def _nodes(rows: Sequence[tuple]) -> list[UnitNode]:
    """UnitNodes from rows in tree (pre-)order shaped like _NODE_COLUMNS."""
    subtree: dict[int, int] = {}
    children: dict[int, int] = defaultdict(int)
    for row in reversed(rows):
        uid, parent_id, headcount = row[0], row[1], row[10]
        subtree[uid] = subtree.get(uid, 0) + (headcount or 0)
        if parent_id is not None:
            subtree[parent_id] = subtree.get(parent_id, 0) + subtree[uid]
            children[parent_id] += 1
    # Positional construction: the columns are the first fields of UnitNode, in order, and
    # keyword arguments cost as much again for 10,000 nodes.
    nodes: list[UnitNode] = []
    append = nodes.append
    for r in rows:
        if r[6] is None or r[10] is None:
            r = (*r[:6], r[6] or "", *r[7:10], r[10] or 0, *r[11:])
        append(UnitNode(*r, subtree[r[0]], children.get(r[0], 0)))  # type: ignore[call-arg]
    return nodes


def tree(structure: Structure | int, *, under: Unit | UnitNode | None = None,
         max_depth: int | None = None) -> list[UnitNode]:
    """All units of a structure in tree order with type, depth and subtree headcount; one
    query. `under` limits it to a subtree (the unit and its descendants) and `max_depth` to
    that many levels below the top shown (0: the top alone)."""
    structure_id = structure if isinstance(structure, int) else structure.pk
    qs = Unit.objects.filter(tree_id=structure_id)
    if under is not None:
        # The subtree's bounds as stored now: a Unit held by the caller may carry tree
        # numbers from before later inserts and moves.
        bounds = _stored(under)
        qs = qs.filter(lft__gte=Subquery(bounds.values("lft")),
                       rght__lte=Subquery(bounds.values("rght")))
    with _collector_paused():
        rows = list(qs.order_by("lft").values_list(*_TREE_COLUMNS))
        nodes = _nodes(rows)
    if max_depth is not None and nodes:
        top_level = nodes[0].level
        nodes = [n for n in nodes if n.level - top_level <= max_depth]
    return nodes


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector paused while a tree or a comparison is built, then
    restored as it was. 10,000 nodes, or a comparison's 100,000 small objects, hold no
    cycle; the collections their allocation set off took a third of tree() and half of
    compare(). Nothing is lost: the collector runs as usual afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _stored(unit: Unit | UnitNode) -> QuerySet[Unit]:
    """A queryset of the one stored row of `unit`, for subqueries on its current tree
    numbers."""
    return Unit.objects.filter(pk=unit.id if isinstance(unit, UnitNode) else unit.pk)


def node(unit: Unit) -> UnitNode:
    """The UnitNode of one unit (no subtree sums: the unit's own headcount); one query."""
    return tree(unit.tree_id, under=unit, max_depth=0)[0]


def ancestors(unit: Unit | UnitNode, *, include_self: bool = False) -> list[UnitNode]:
    """The path from the root down to the unit's parent (or the unit); one query."""
    bounds = _stored(unit)
    qs = Unit.objects.filter(tree_id=unit.structure_id,
                             lft__lte=Subquery(bounds.values("lft")),
                             rght__gte=Subquery(bounds.values("rght")))
    if not include_self:
        qs = qs.exclude(pk=unit.id if isinstance(unit, UnitNode) else unit.pk)
    rows = list(qs.order_by("lft").values_list(*_NODE_COLUMNS))
    return [_bare_node(r) for r in rows]


def _bare_node(r: tuple) -> UnitNode:
    """A UnitNode read on its own, without its subtree: sums are the unit's own."""
    return UnitNode(
        id=r[0], parent_id=r[1], structure_id=r[2], name=r[3], short_name=r[4], code=r[5],
        unit_type=r[6] or "", category=r[7], leader_title=r[8], leader_name=r[9],
        headcount=r[10] or 0, fte=r[11], location=r[12], level=r[13], lft=r[14], rght=r[15],
        subtree_headcount=r[10] or 0, child_count=0,
    )


def unit_versions(structure: Structure) -> dict[int, int]:
    """Each unit's edit version (orgreg.versions.current_version: its newest history id) in
    `structure`, in one query: what the edit page's drag-and-drop dialog sends with a move."""
    rows = (Unit.history.filter(structure_id=structure.pk).values("id")
            .annotate(version=Max("history_id")).values_list("id", "version"))
    return dict(rows)
