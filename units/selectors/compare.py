"""Comparison of two structures: every unit of both with what happened to it.

The links between the two come from the successions, composed through the structures
between them, or from unit codes when the two are not on one line (alternative models).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .. import changes, shares
from ..changes import ChangeKind
from ..lineage import structure_chain
from ..models import Structure, Succession
from ..shares import HUNDRED
from .trees import UnitNode, tree


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention; see UnitNode
class Link:
    unit: UnitNode
    share: Decimal


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention; see UnitNode
class UnitChange(changes.HasKinds):
    unit: UnitNode
    kinds: frozenset[str]
    predecessors: tuple[Link, ...] = ()
    successors: tuple[Link, ...] = ()

    @property
    def changed(self) -> bool:
        return self.kinds != changes.CONTINUED

    def staff_moving(self) -> list[int]:
        """How many of an older unit's staff go along each of its successors, in their
        order: whole people adding up to its headcount (units.shares.people)."""
        return shares.people(self.unit.headcount, [link.share for link in self.successors])


@dataclass(frozen=True)
class Comparison:
    old: Structure
    new: Structure
    old_tree: list[UnitNode]
    new_tree: list[UnitNode]
    old_changes: dict[int, UnitChange]
    new_changes: dict[int, UnitChange]
    by_successions: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def staff_affected(self) -> int:
        """Headcount of the old units whose staff change unit, name or place."""
        return sum(c.unit.headcount for c in self.old_changes.values() if c.changed)

    def rows(self) -> list[UnitChange]:
        """The table old unit → new unit(s): every old unit in tree order, then the new units
        that have no predecessor."""
        rows = [self.old_changes[n.id] for n in self.old_tree]
        rows += [self.new_changes[n.id] for n in self.new_tree
                 if ChangeKind.NEW in self.new_changes[n.id].kinds]
        return rows

    def moved(self) -> list[UnitChange]:
        return [self.new_changes[n.id] for n in self.new_tree
                if ChangeKind.MOVED in self.new_changes[n.id].kinds]


def _composed_successions(chain: list[int]) -> dict[int, dict[int, Decimal]]:
    """old unit id → {new unit id: share} through every structure of the chain; one query."""
    # Only the target side is joined; an edge whose origin is not in the step before is
    # dropped below, when composing, because no path reaches it.
    rows = Succession.objects.filter(to_unit__tree_id__in=chain[1:]).values_list(
        "from_unit_id", "to_unit_id", "share", "to_unit__tree_id"
    )
    step_of = {sid: i for i, sid in enumerate(chain)}
    by_step: dict[int, dict[int, list[tuple[int, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for from_id, to_id, share, to_tree in rows:
        by_step[step_of[to_tree]][from_id].append((to_id, share))
    current: dict[int, dict[int, Decimal]] | None = None
    for step in range(1, len(chain)):
        edges = by_step[step]
        if current is None:
            current = {f: {t: s for t, s in targets} for f, targets in edges.items()}
            continue
        nxt: dict[int, dict[int, Decimal]] = {}
        for origin, targets in current.items():
            composed: dict[int, Decimal] = defaultdict(Decimal)
            for mid, share in targets.items():
                for to_id, s in edges.get(mid, ()):
                    composed[to_id] += share * s / HUNDRED
            nxt[origin] = dict(composed)
        current = nxt
    return current or {}


def _successions_by_code(old_tree: list[UnitNode], new_tree: list[UnitNode]
                         ) -> dict[int, dict[int, Decimal]]:
    new_by_code = {n.code: n.id for n in new_tree if n.code}
    matched = {o.id: {new_by_code[o.code]: HUNDRED} for o in old_tree if o.code in new_by_code}
    # The tops of two models of one organisation are the same unit even without a code.
    if old_tree and new_tree and old_tree[0].id not in matched and not any(
        new_tree[0].id in targets for targets in matched.values()
    ):
        matched[old_tree[0].id] = {new_tree[0].id: HUNDRED}
    return matched


def compare(old: Structure, new: Structure) -> Comparison:
    """Every unit of both structures with its change kind: continued, renamed, moved, merged,
    split, new (no predecessor) or closed (no successor), as units.changes.classify decides
    from the successions (0 % ones too), followed through the structures between the two
    when `new` descends from `old` over several steps; structures that are not on one line
    (two alternative models) are matched by unit code. `counts` are of the rows: each kind
    with the number of rows (old units, then new ones) that carry it. Four queries whatever
    the size."""
    old_tree, new_tree = tree(old), tree(new)
    chain = structure_chain(new, old) if old.pk != new.pk else None
    if chain:
        forward = _composed_successions(chain)
    else:
        forward = _successions_by_code(old_tree, new_tree)
    succ, pred = _links(forward, old_tree, new_tree)
    new_changes, pair = _new_side(new_tree, succ, pred, _parents_went_to(old_tree, succ))
    old_changes = _old_side(old_tree, succ, pred, pair)
    return Comparison(old, new, old_tree, new_tree, old_changes, new_changes,
                      by_successions=bool(chain), counts=_row_counts(old_changes, new_changes))


# The steps of compare. Each runs one loop over a tree; the per-unit work stays inline in
# those loops (no call per unit), which keeps compare near the cost of reading the trees.


def _links(forward: dict[int, dict[int, Decimal]], old_tree: list[UnitNode],
           new_tree: list[UnitNode]) -> tuple[dict[int, list[Link]], dict[int, list[Link]]]:
    """The successors of each old unit and the predecessors of each new one, as Links, from
    old unit id → {new unit id: share}; ids outside the two trees are left out."""
    old_by_id = {n.id: n for n in old_tree}
    new_by_id = {n.id: n for n in new_tree}
    succ: dict[int, list[Link]] = defaultdict(list)
    pred: dict[int, list[Link]] = defaultdict(list)
    # Every succession counts, 0 % ones too (units.changes says why).
    for o_id, targets in forward.items():
        if o_id not in old_by_id:
            continue
        for n_id, share in targets.items():
            if n_id in new_by_id:
                succ[o_id].append(Link(new_by_id[n_id], share))
                pred[n_id].append(Link(old_by_id[o_id], share))
    return succ, pred


def _parents_went_to(old_tree: list[UnitNode], succ: dict[int, list[Link]]
                     ) -> dict[int | None, set[int]]:
    """The new units each old parent went to, to tell a move with one set lookup."""
    # Only parents are asked about: about one unit in eight in a real tree.
    old_parents = {o.parent_id for o in old_tree if o.parent_id is not None}
    return {o_id: {link.unit.id for link in succ[o_id]} for o_id in old_parents if o_id in succ}


def _by_lft(link: Link) -> int:
    return link.unit.lft


def _new_side(new_tree: list[UnitNode], succ: dict[int, list[Link]],
              pred: dict[int, list[Link]], went_to: dict[int | None, set[int]]
              ) -> tuple[dict[int, UnitChange], dict[int, tuple[bool, bool]]]:
    """Each new unit's change, and (renamed, moved) of each new unit with one predecessor,
    for its pair's other end."""
    classify, is_moved, nowhere = changes.classify, changes.is_moved, ()
    pair: dict[int, tuple[bool, bool]] = {}
    new_changes: dict[int, UnitChange] = {}
    for n in new_tree:
        preds = pred.get(n.id, ())
        if len(preds) == 1:
            o = preds[0].unit
            renamed, moved = pair[n.id] = (o.name != n.name, is_moved(
                o.parent_id, n.parent_id, went_to.get(o.parent_id, nowhere)))
            kinds = classify(newer=True, came_from=1, went_to=len(succ[o.id]), renamed=renamed,
                             moved=moved)
        else:
            kinds = classify(newer=True, came_from=len(preds), went_to=0)
            if preds:
                preds.sort(key=_by_lft)
        new_changes[n.id] = UnitChange(n, kinds, predecessors=tuple(preds))
    return new_changes, pair


def _old_side(old_tree: list[UnitNode], succ: dict[int, list[Link]],
              pred: dict[int, list[Link]], pair: dict[int, tuple[bool, bool]]
              ) -> dict[int, UnitChange]:
    """Each old unit's change; a 1:1 line takes renamed and moved from its new end."""
    classify = changes.classify
    old_changes: dict[int, UnitChange] = {}
    for o in old_tree:
        succs = succ.get(o.id, ())
        if len(succs) == 1:
            n_id = succs[0].unit.id
            renamed, moved = pair.get(n_id, (False, False))
            kinds = classify(newer=False, came_from=len(pred[n_id]), went_to=1, renamed=renamed,
                             moved=moved)
        else:
            kinds = classify(newer=False, came_from=0, went_to=len(succs))
            if succs:
                succs.sort(key=_by_lft)
        old_changes[o.id] = UnitChange(o, kinds, successors=tuple(succs))
    return old_changes


def _row_counts(old_changes: dict[int, UnitChange], new_changes: dict[int, UnitChange]
                ) -> dict[str, int]:
    """Each kind with the number of rows that carry it."""
    # The counts are of the rows (every old unit, then the new units): what the rows show
    # and what filtering them by a kind finds.
    return changes.tally([*(c.kinds for c in old_changes.values()),
                          *(c.kinds for c in new_changes.values() if ChangeKind.NEW in c.kinds)])
