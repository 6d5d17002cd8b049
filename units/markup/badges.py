"""Change badges on the chart and outline, and the legends that explain them."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from units import changes
from units.changes import ChangeKind
from units.models import Category, Structure, Succession
from units.selectors import Comparison, UnitNode


@dataclass(frozen=True)
class Badge:
    kind: str
    label: str


def badges_from(comparison: Comparison | None) -> dict[int, Badge]:
    """unit id (of the newer structure) -> the badge of its change kind; unchanged units have
    none."""
    if comparison is None:
        return {}
    return {
        uid: Badge(change.kind, change.kind_label)
        for uid, change in comparison.new_changes.items()
        if change.changed
    }


def change_badges(structure: Structure, nodes: list[UnitNode]) -> dict[int, Badge]:
    """The badges of `structure` against the structure it is based on, read in one query of
    the successions between the two and classified by units.changes, as units.selectors.compare
    does for a direct basis (tests hold the two together); compare reads both trees and
    builds a row per unit of each, which is several times the cost of the outline itself at
    10,000 units."""
    if not structure.based_on_id:
        return {}
    rows = Succession.objects.filter(
        to_unit__tree_id=structure.pk, from_unit__tree_id=structure.based_on_id,
    ).values_list("from_unit_id", "to_unit_id", "from_unit__name", "from_unit__parent_id")
    preds: dict[int, list[int]] = defaultdict(list)
    succs: dict[int, list[int]] = defaultdict(list)
    old: dict[int, tuple[str, int | None]] = {}
    for from_id, to_id, from_name, from_parent in rows:
        preds[to_id].append(from_id)
        succs[from_id].append(to_id)
        old[from_id] = (from_name, from_parent)
    labels = ChangeKind.LABELS
    classify, is_moved, primary = changes.classify, changes.is_moved, changes.primary
    badges: dict[int, Badge] = {}
    for n in nodes:
        mine = preds.get(n.id, ())
        if len(mine) == 1:
            old_name, old_parent = old[mine[0]]
            kinds = classify(newer=True, came_from=1, went_to=len(succs[mine[0]]),
                             renamed=old_name != n.name,
                             moved=is_moved(old_parent, n.parent_id, succs.get(old_parent, ())))
        else:
            kinds = classify(newer=True, came_from=len(mine), went_to=0)
        kind = primary(kinds)
        if kind != ChangeKind.CONTINUED:
            badges[n.id] = Badge(kind, labels[kind])
    return badges


CATEGORY_LEGEND = [(c.value, c.label) for c in Category] + [("none", "Ingen kategori")]
BADGE_LEGEND = [(k, ChangeKind.LABELS[k]) for k in (
    ChangeKind.NEW, ChangeKind.MOVED, ChangeKind.RENAMED, ChangeKind.MERGED, ChangeKind.SPLIT,
)]
