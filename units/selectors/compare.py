"""Comparison of two structures: every unit of both with what happened to it.

The links between the two come from the successions, composed through the structures
between them, or from unit codes when the two are not on one line (alternative models).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from .. import changes, shares
from ..changes import ChangeKind
from ..lineage import structure_chain
from ..models import Structure, Succession
from ..shares import HUNDRED
from .trees import UnitNode, _collector_paused, tree


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention; see UnitNode
class Link:
    """One end of a line old → new seen from the other: the unit, the share of the older
    unit's staff along the line, and the line's own kinds (units.changes)."""

    unit: UnitNode
    share: Decimal
    kinds: frozenset[str] = changes.CONTINUED


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
        successors = self.successors
        if len(successors) == 1 and successors[0].share == HUNDRED:
            return [self.unit.headcount]
        return shares.people(self.unit.headcount, [link.share for link in successors])


@dataclass(frozen=True, slots=True)
class Line(changes.HasKinds):
    """One line old → new of a comparison, as the page, the PDF, the spreadsheet and the API
    show it: the older unit (None for a new unit), the newer one (None for a closed unit),
    the line's kinds, the share of the older unit's staff and how many people that is
    (`staff_moving`, units.shares.people: the lines of an older unit add up to its
    headcount; None for a new unit, which no one moves into from a line)."""

    old: UnitNode | None
    new: UnitNode | None
    kinds: frozenset[str]
    share: Decimal | None
    staff_moving: int | None


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
        that have no predecessor. `counts` counts these rows (units.changes.tally)."""
        rows = [self.old_changes[n.id] for n in self.old_tree]
        rows += [c for c in map(self.new_changes.__getitem__, (n.id for n in self.new_tree))
                 if c.kinds is changes.NEW]
        return rows

    def row_lines(self, row: UnitChange) -> list[Line]:
        """The lines of one row: one per successor of an old unit (one line with no newer
        unit when it is closed), one line with no older unit for a new unit."""
        unit = row.unit
        if row.kinds is changes.NEW and unit.structure_id == self.new.pk:
            return [Line(None, unit, row.kinds, None, None)]
        if not row.successors:
            return [Line(unit, None, row.kinds, None, None)]
        return [Line(unit, link.unit, link.kinds, link.share, people)
                for link, people in zip(row.successors, row.staff_moving(), strict=True)]

    def lines(self) -> list[Line]:
        """Every line, row by row (see `rows` and `row_lines`)."""
        return [line for row in self.rows() for line in self.row_lines(row)]

    def moved_lines(self) -> list[tuple[UnitChange, Link]]:
        """(old unit's change, successor) for every line that is moved, in the old tree's
        order: the old units counted as moved, each with the lines that move."""
        return [(c, link) for c in map(self.old_changes.__getitem__, (n.id for n in self.old_tree))
                if ChangeKind.MOVED in c.kinds
                for link in c.successors if ChangeKind.MOVED in link.kinds]


def _composed_successions(chain: list[int]) -> list[tuple[int, int, Decimal]]:
    """(old unit id, new unit id, share) through every structure of the chain; one query."""
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
    return [(o, n, share) for o, targets in (current or {}).items()
            for n, share in targets.items()]


def _successions_by_code(old_tree: list[UnitNode], new_tree: list[UnitNode]
                         ) -> list[tuple[int, int, Decimal]]:
    new_by_code = {n.code: n.id for n in new_tree if n.code}
    matched = {o.id: {new_by_code[o.code]: HUNDRED} for o in old_tree if o.code in new_by_code}
    # The tops of two models of one organisation are the same unit even without a code.
    if old_tree and new_tree and old_tree[0].id not in matched and not any(
        new_tree[0].id in targets for targets in matched.values()
    ):
        matched[old_tree[0].id] = {new_tree[0].id: HUNDRED}
    return [(o, n, share) for o, targets in matched.items() for n, share in targets.items()]


def compare(old: Structure, new: Structure) -> Comparison:
    """Every unit of both structures with its change kinds, and every line old → new with
    its own, as units.changes decides from the successions (0 % ones too): followed through
    the structures between the two when `new` descends from `old` over several steps;
    structures that are not on one line (two alternative models) are matched by unit code.
    `counts` are of the rows: each kind with the number of rows (old units, then the new
    ones) that carry it. Four queries whatever the size."""
    with _collector_paused():
        old_tree, new_tree = tree(old), tree(new)
        chain = structure_chain(new, old) if old.pk != new.pk else None
        if chain and len(chain) == 2:
            pairs = _direct_successions(chain)
        elif chain:
            pairs = _composed_successions(chain)
        else:
            pairs = _successions_by_code(old_tree, new_tree)
        old_changes, new_changes = _classified(old_tree, new_tree, pairs)
    return Comparison(old, new, old_tree, new_tree, old_changes, new_changes,
                      by_successions=bool(chain), counts=_row_counts(old_changes, new_changes))


# The steps of compare. Each runs one loop over a tree or the lines; the per-unit work stays
# inline in those loops (no call per unit), which keeps compare near the cost of reading
# the trees.


def _direct_successions(chain: list[int]) -> list[tuple[int, int, Decimal]]:
    """(old unit id, new unit id, share) of every succession into the newer of two
    consecutive structures; one query."""
    return list(Succession.objects.filter(to_unit__tree_id=chain[1]).values_list(
        "from_unit_id", "to_unit_id", "share"))


def _by_lft(link: Link) -> int:
    return link.unit.lft


def _classified(old_tree: list[UnitNode], new_tree: list[UnitNode],
                pairs: list[tuple[int, int, Decimal]]
                ) -> tuple[dict[int, UnitChange], dict[int, UnitChange]]:
    """Each old and each new unit's change, with its links carrying each line's kinds, from
    (old unit id, new unit id, share); pairs outside the two trees are left out. A unit with
    one line gets its change in the loop over the lines; the others after it."""
    old_by_id = {n.id: n for n in old_tree}
    new_by_id = {n.id: n for n in new_tree}
    # Every succession counts, 0 % ones too (units.changes says why).
    lines = [(old_by_id[o], new_by_id[n], share) for o, n, share in pairs
             if o in old_by_id and n in new_by_id]
    old_changes: dict[int, UnitChange] = {}
    new_changes: dict[int, UnitChange] = {}
    succ, pred, moved_out, stayed_in = _linked(lines, old_changes, new_changes)
    classify, closed, new = changes.classify, changes.CLOSED, changes.NEW
    for o in old_tree:
        if o.id in old_changes:
            continue
        links = succ.get(o.id)
        if links is None:
            old_changes[o.id] = UnitChange(o, closed)
        else:
            links.sort(key=_by_lft)
            old_changes[o.id] = UnitChange(o, classify(
                newer=False, came_from=0, went_to=len(links), moved=o.id in moved_out),
                successors=tuple(links))
    for n in new_tree:
        if n.id in new_changes:
            continue
        links = pred.get(n.id)
        if links is None:
            new_changes[n.id] = UnitChange(n, new)
        elif len(links) == 1:
            # One predecessor, a split one: the line's kinds are the unit's.
            new_changes[n.id] = UnitChange(n, links[0].kinds, predecessors=(links[0],))
        else:
            links.sort(key=_by_lft)
            new_changes[n.id] = UnitChange(n, classify(
                newer=True, came_from=len(links), went_to=0, moved=n.id not in stayed_in),
                predecessors=tuple(links))
    return old_changes, new_changes


def _linked(lines: list[tuple[UnitNode, UnitNode, Decimal]], old_changes: dict[int, UnitChange],
            new_changes: dict[int, UnitChange]
            ) -> tuple[dict[int, list[Link]], dict[int, list[Link]], set[int], set[int]]:
    """Links with each line's kinds. The change of both ends of a one-to-one line goes
    straight into `old_changes` and `new_changes`; the others' links are returned: the
    successors of each old unit and the predecessors of each new one with several, the old
    units with a moved line, and the new units with a line that is not moved."""
    went = Counter([o.id for o, _, _ in lines])
    came = Counter([n.id for _, n, _ in lines])
    went_to: dict[int, set[int]] = defaultdict(set)  # of the old units that are parents
    for o, n, _ in lines:
        if o.child_count:
            went_to[o.id].add(n.id)
    classify, one_to_one, nowhere = changes.classify, changes.ONE_TO_ONE, frozenset[int]()
    succ: dict[int, list[Link]] = defaultdict(list)
    pred: dict[int, list[Link]] = defaultdict(list)
    moved_out: set[int] = set()
    stayed_in: set[int] = set()
    link, change, empty = Link, UnitChange, ()
    for o, n, share in lines:
        # units.changes.is_moved, inline: the new parent is not where the old parent went.
        o_parent, n_parent = o.parent_id, n.parent_id
        if o_parent is None or n_parent is None:
            moved = (o_parent is None) != (n_parent is None)
        else:
            moved = n_parent not in went_to.get(o_parent, nowhere)
        k_out, k_in = went[o.id], came[n.id]
        if k_out == 1 and k_in == 1:
            kinds = one_to_one[o.name != n.name, moved]
            old_changes[o.id] = change(o, kinds, empty, (link(n, share, kinds),))
            new_changes[n.id] = change(n, kinds, (link(o, share, kinds),), empty)
            continue
        kinds = classify(newer=False, came_from=k_in, went_to=k_out, moved=moved)
        if moved:
            moved_out.add(o.id)
        else:
            stayed_in.add(n.id)
        if k_out == 1:
            old_changes[o.id] = change(o, kinds, empty, (link(n, share, kinds),))
        else:
            succ[o.id].append(link(n, share, kinds))
        pred[n.id].append(link(o, share, kinds))
    return succ, pred, moved_out, stayed_in


def _row_counts(old_changes: dict[int, UnitChange], new_changes: dict[int, UnitChange]
                ) -> dict[str, int]:
    """Each kind with the number of rows that carry it."""
    # The counts are of the rows (every old unit, then the new units): what the rows show
    # and what filtering them by a kind finds.
    return changes.tally([*(c.kinds for c in old_changes.values()),
                          *(c.kinds for c in new_changes.values() if c.kinds is changes.NEW)])
