"""Change badges on the chart and outline, the legends that explain them, and the badges'
one palette as CSS (`palette_css`, kept in static/css/badges.css for the screen and the
paper alike)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from units import changes
from units.changes import ChangeKind
from units.models import Category, Structure, Succession
from units.selectors import Comparison, UnitNode


@dataclass(frozen=True)
class Badge:
    """The badges of one unit's change: `kinds` all of them, `kind` and `label` the one it is
    shown by first, `html` one badge per kind, each coloured by its own kind."""

    kinds: frozenset[str]
    kind: str
    label: str
    html: str


_BADGE: dict[frozenset[str], Badge] = {}


def badge(kinds: frozenset[str]) -> Badge:
    """The Badge of a set of kinds; one per set, shared."""
    found = _BADGE.get(kinds)
    if found is None:
        primary = changes.primary(kinds)
        html = '<span class="badges">' + " ".join(
            f'<span class="badge badge-{k}">{label}</span>' for k, label in changes.badges(kinds)
        ) + "</span>"
        found = _BADGE[kinds] = Badge(kinds, primary, ChangeKind.LABELS[primary], html)
    return found


def badges_from(comparison: Comparison | None) -> dict[int, Badge]:
    """unit id (of the newer structure) -> the badge of its change kinds; unchanged units have
    none."""
    if comparison is None:
        return {}
    return {
        uid: badge(change.kinds)
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
    classify, is_moved, continued = changes.classify, changes.is_moved, changes.CONTINUED
    badges: dict[int, Badge] = {}
    nowhere = ()
    for n in nodes:
        mine = preds.get(n.id, nowhere)
        if len(mine) == 1:
            old_name, old_parent = old[mine[0]]
            kinds = classify(newer=True, came_from=1, went_to=len(succs[mine[0]]),
                             renamed=old_name != n.name,
                             moved=is_moved(old_parent, n.parent_id, succs.get(old_parent, ())))
        elif mine:
            # A merger is moved when every unit it is made of comes from elsewhere.
            moved = all(is_moved(old[p][1], n.parent_id, succs.get(old[p][1], ())) for p in mine)
            kinds = classify(newer=True, came_from=len(mine), went_to=0, moved=moved)
        else:
            kinds = changes.NEW
        if kinds != continued:
            badges[n.id] = badge(kinds)
    return badges


CATEGORY_LEGEND = [(c.value, c.label) for c in Category] + [("none", "Ingen kategori")]
BADGE_LEGEND = [(k, ChangeKind.LABELS[k]) for k in (
    ChangeKind.NEW, ChangeKind.MOVED, ChangeKind.RENAMED, ChangeKind.MERGED, ChangeKind.SPLIT,
)]

# Where the palette is kept as CSS, for both style sheets to import.
PALETTE_CSS_PATH = "css/badges.css"


def palette_css() -> str:
    """The badges' colours (units.changes.PALETTE) as CSS: a variable per kind and a rule
    per badge, the same for the screen (orgreg.css) and the paper (pdf.css), which import
    static/css/badges.css. A test holds that file to this text."""
    lines = [
        "/* Written from units.changes.PALETTE by units.markup.badges.palette_css(); do not",
        "   edit by hand: change the palette and write the file again. */",
        ":root {",
        *(f"  --badge-{kind}: {background}; --badge-{kind}-text: {text};"
          for kind, (background, text) in changes.PALETTE.items()),
        "}",
        *(f".badge.badge-{kind} {{ background: var(--badge-{kind}); "
          f"color: var(--badge-{kind}-text); }}" for kind in changes.PALETTE),
    ]
    return "\n".join(lines) + "\n"
