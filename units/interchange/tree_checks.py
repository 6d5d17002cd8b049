"""Checks of the tree an import would build (parents, rings, the one root, levels) and of the
predecessors' shares across all rows."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from orgreg.text import join_danish, quoted

from .. import shares
from .plan import ImportPlan, PlannedUnit
from .problems import Kind, Problem


def check_tree(units: list[PlannedUnit], key_rows: dict[str, int], plan: ImportPlan,
               has_keys: bool, unknown_parent_rows: set[int], id_label: str) -> None:
    """Unknown parents, rings and the one root; sets each unit's level."""
    problems = plan.problems
    first = {u.key: u for u in units if u.key and key_rows.get(u.key) == u.row}
    parent_label = "overordnede nøgle" if has_keys else "overordnede kode"
    roots = [u for u in units if u.parent_key is None]
    synthetic = plan.meta.get("synthetic_root")
    for u in units:
        if u.parent_key is not None and u.parent_key not in first:
            if u.row in unknown_parent_rows:
                message = (f"den overordnede enhed {quoted(u.parent_key)} er ikke gyldig på "
                           "datoen eller findes ikke i filen.")
            else:
                message = f"den {parent_label} {quoted(u.parent_key)} findes ikke i filen."
            problems.append(Problem(u.row, message, Kind.UNKNOWN_PARENT))
    if not synthetic and len(roots) > 1:
        top = roots[0]
        for extra in roots[1:]:
            problems.append(Problem(
                extra.row, f"{quoted(extra.fields['name'] or extra.key)} har ingen overordnet "
                           f"enhed, men det har {quoted(top.fields['name'] or top.key)} i række "
                           f"{top.row} heller ikke. En organisering har præcis én øverste enhed.",
                Kind.SEVERAL_ROOTS))
    # Rings: follow each unit's parents; a unit met again on the same walk closes a ring.
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    rings = 0
    for start in first.values():
        path: list[PlannedUnit] = []
        current: PlannedUnit | None = start
        while current is not None and state.get(current.key) is None:
            state[current.key] = 1
            path.append(current)
            current = first.get(current.parent_key) if current.parent_key else None
        if current is not None and state.get(current.key) == 1:
            ring = path[path.index(current):]
            rings += 1
            if len(ring) == 1:
                problems.append(Problem(ring[0].row, f"{quoted(ring[0].fields['name'])} er sin "
                                                     "egen overordnede enhed.", Kind.CYCLE))
            else:
                members = sorted(ring, key=lambda u: u.row)
                problems.append(Problem(
                    members[0].row,
                    "rækkerne " + join_danish(str(u.row) for u in members) + " ("
                    + join_danish(quoted(u.fields["name"] or u.key) for u in members)
                    + ") er hinandens overordnede enheder i en ring.", Kind.CYCLE))
        for u in path:
            state[u.key] = 2
    if not roots and not synthetic and units:
        empty = "overordnet nøgle" if has_keys else "overordnet kode"
        problems.append(Problem(None, f"Ingen enhed er øverst: én række skal have en tom {empty}.",
                                Kind.NO_ROOT))
    # Levels, for the preview.
    children: dict[str | None, list[PlannedUnit]] = defaultdict(list)
    for u in units:
        children[u.parent_key].append(u)
    stack = [(u, 0) for u in roots]
    visited: set[int] = set()
    while stack:
        u, level = stack.pop()
        if id(u) in visited:
            continue
        visited.add(id(u))
        u.level = level + (1 if synthetic else 0)
        stack.extend((c, level + 1) for c in children.get(u.key, ()) if u.key)


def check_shares(units: list[PlannedUnit], plan: ImportPlan) -> None:
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
