"""Checks of the tree an import would build (parents, rings, the one root, levels) and of the
predecessors' shares across all rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from orgreg.text import join_danish, quoted

from .. import shares
from .plan import ImportPlan, PlannedUnit
from .problems import Kind, Problem


@dataclass(frozen=True)
class _Tree:
    """The planned units as a tree: `first` is the first unit of each key (a duplicate key is
    reported by the row checks and links nothing), `roots` the units without a parent."""

    units: list[PlannedUnit]
    first: dict[str, PlannedUnit]
    roots: list[PlannedUnit]
    has_keys: bool
    # OS2mo files with several top units get one new root above them.
    synthetic_root: bool
    # OS2mo rows whose parent is not valid on the chosen date.
    unknown_parent_rows: set[int]


def _unknown_parents(tree: _Tree) -> list[Problem]:
    """A parent key names a unit of the file."""
    parent_label = "overordnede nøgle" if tree.has_keys else "overordnede kode"
    problems = []
    for u in tree.units:
        if u.parent_key is not None and u.parent_key not in tree.first:
            if u.row in tree.unknown_parent_rows:
                message = (f"den overordnede enhed {quoted(u.parent_key)} er ikke gyldig på "
                           "datoen eller findes ikke i filen.")
            else:
                message = f"den {parent_label} {quoted(u.parent_key)} findes ikke i filen."
            problems.append(Problem(u.row, message, Kind.UNKNOWN_PARENT))
    return problems


def _several_roots(tree: _Tree) -> list[Problem]:
    """At most one unit has no parent (unless a new root is put above them)."""
    if tree.synthetic_root or len(tree.roots) <= 1:
        return []
    top = tree.roots[0]
    return [
        Problem(extra.row, f"{quoted(extra.fields['name'] or extra.key)} har ingen overordnet "
                           f"enhed, men det har {quoted(top.fields['name'] or top.key)} i række "
                           f"{top.row} heller ikke. En organisering har præcis én øverste enhed.",
                Kind.SEVERAL_ROOTS)
        for extra in tree.roots[1:]
    ]


def _rings(tree: _Tree) -> list[Problem]:
    """No unit is its own ancestor: follow each unit's parents; a unit met again on the same
    walk closes a ring, reported once at its first row."""
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    problems = []
    for start in tree.first.values():
        ring = _ring_from(start, tree.first, state)
        if ring:
            problems.append(_ring_problem(ring))
    return problems


def _ring_from(start: PlannedUnit, first: dict[str, PlannedUnit],
               state: dict[str, int]) -> list[PlannedUnit]:
    """The ring the walk up from `start` closes, if any; marks the units walked as done."""
    path: list[PlannedUnit] = []
    current: PlannedUnit | None = start
    while current is not None and state.get(current.key) is None:
        state[current.key] = 1
        path.append(current)
        current = first.get(current.parent_key) if current.parent_key else None
    ring: list[PlannedUnit] = []
    if current is not None and state.get(current.key) == 1:
        ring = path[path.index(current):]
    for u in path:
        state[u.key] = 2
    return ring


def _ring_problem(ring: list[PlannedUnit]) -> Problem:
    if len(ring) == 1:
        return Problem(ring[0].row, f"{quoted(ring[0].fields['name'])} er sin egen overordnede "
                                    "enhed.", Kind.CYCLE)
    members = sorted(ring, key=lambda u: u.row)
    return Problem(
        members[0].row,
        "rækkerne " + join_danish(str(u.row) for u in members) + " ("
        + join_danish(quoted(u.fields["name"] or u.key) for u in members)
        + ") er hinandens overordnede enheder i en ring.", Kind.CYCLE)


def _no_root(tree: _Tree) -> list[Problem]:
    """Some unit has no parent (unless a new root is put above the top units)."""
    if tree.roots or tree.synthetic_root or not tree.units:
        return []
    empty = "overordnet nøgle" if tree.has_keys else "overordnet kode"
    return [Problem(None, f"Ingen enhed er øverst: én række skal have en tom {empty}.",
                    Kind.NO_ROOT)]


# In the order their problems are reported (within a row, after the row checks').
TREE_RULES: tuple[Callable[[_Tree], list[Problem]], ...] = (
    _unknown_parents,
    _several_roots,
    _rings,
    _no_root,
)


def _set_levels(tree: _Tree) -> None:
    """Each unit's depth below the root, for the preview."""
    children: dict[str | None, list[PlannedUnit]] = defaultdict(list)
    for u in tree.units:
        children[u.parent_key].append(u)
    stack = [(u, 0) for u in tree.roots]
    visited: set[int] = set()
    offset = 1 if tree.synthetic_root else 0
    while stack:
        u, level = stack.pop()
        if id(u) in visited:
            continue
        visited.add(id(u))
        u.level = level + offset
        stack.extend((c, level + 1) for c in children.get(u.key, ()) if u.key)


def check_tree(units: list[PlannedUnit], key_rows: dict[str, int], plan: ImportPlan,
               has_keys: bool, unknown_parent_rows: set[int]) -> None:
    """The units form one tree: every parent is in the file, no rings, exactly one root
    (TREE_RULES, in order); adds their problems to `plan` and sets each unit's level."""
    tree = _Tree(
        units=units,
        first={u.key: u for u in units if u.key and key_rows.get(u.key) == u.row},
        roots=[u for u in units if u.parent_key is None],
        has_keys=has_keys,
        synthetic_root=bool(plan.meta.get("synthetic_root")),
        unknown_parent_rows=unknown_parent_rows,
    )
    for rule in TREE_RULES:
        plan.problems.extend(rule(tree))
    _set_levels(tree)


def check_shares(units: list[PlannedUnit], plan: ImportPlan) -> None:
    """An old unit's shares across all rows add up to at most 100 % (units.shares decides);
    the problem is reported at the last row that shares it out."""
    rows: dict[str, list[int]] = defaultdict(list)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for u in units:
        for code, share in u.predecessors:
            totals[code] += share
            rows[code].append(u.row)
    for code, total in totals.items():
        if shares.passes_100(total):
            plan.problems.append(Problem(
                rows[code][-1],
                f"forgængeren {quoted(code)} fordeles med {shares.share_text(total)} i alt "
                "(rækkerne "
                + join_danish(str(r) for r in rows[code]) + "); højst 100 %.",
                Kind.SHARE_OVER_100))
