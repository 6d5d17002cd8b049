"""Org chart and outline markup for the structure pages.

Both are built here as strings from the UnitNodes of units.selectors.tree, not with a template
loop: a Django template costs about 20× a plain Python loop per row, and the outline must stay
quick for 10,000 units. Every piece of text from the database goes through ``escape``.

A structure past draft never changes, so the markup of a frozen structure (and of its basis,
which the change badges are read against) is kept in the cache under a key that changes with
anything the markup depends on; a warm outline page then runs no tree query at all.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape  # the same as Django's escape, without its lazy-text wrapper
from typing import Any

from django.core.cache import cache
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from orgreg.text import danish_number

from . import changes, lifecycle
from .changes import ChangeKind
from .models import Category, Structure, Succession
from .selectors import Comparison, UnitNode

CACHE_SECONDS = 24 * 3600
_ID = 987654321


def _url_maker(name: str, *args) -> Callable[[int], str]:
    """A fast `id -> url` for a URL pattern with the unit id last (reverse once, format many)."""
    template = reverse(name, args=[*args, _ID]).replace(str(_ID), "{}")
    return template.format


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


def children_of(nodes: Iterable[UnitNode]) -> dict[int | None, list[UnitNode]]:
    kids: dict[int | None, list[UnitNode]] = defaultdict(list)
    for n in nodes:
        kids[n.parent_id].append(n)
    return kids


def frozen_key(kind: str, structure: Structure, *parts) -> str | None:
    """A cache key for markup of `structure`, or None when it may still change (a draft, or
    a structure whose basis is still a draft, since badges are read against the basis)."""
    basis = structure.based_on if structure.based_on_id else None
    if lifecycle.is_editable(structure.status) or (
            basis is not None and lifecycle.is_editable(basis.status)):
        return None
    # created_at tells apart two structures that got the same pk in different databases.
    stamp = structure.created_at.timestamp() if structure.created_at else 0
    basis_part = f"{basis.pk}.{basis.status}" if basis is not None else "-"
    extra = ".".join(str(p) for p in parts)
    return f"orgreg:{kind}:{structure.pk}.{structure.status}.{stamp}:{basis_part}:{extra}"


def cached(key: str | None, build: Callable[[], Any]) -> Any:
    """`build()` through the cache when `key` is not None (the value must pickle)."""
    if key is None:
        return build()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found


def safe(html: str) -> SafeString:
    """Markup built in this module, where every database text was escaped on the way in."""
    return mark_safe(html)  # noqa: S308


def _plural(count: int, one: str, many: str) -> str:
    return one if count == 1 else many


def _facts(n: UnitNode) -> str:
    """Headcount line: the unit's own and its subtree's."""
    own = danish_number(n.headcount)
    if n.child_count:
        total = danish_number(n.subtree_headcount)
        return f"{own} medarb. · i alt {total}"
    return f"{own} medarb."


# --- the org chart ----------------------------------------------------------------------


def render_chart(nodes: list[UnitNode], *, badges: dict[int, Badge], span: int,
                 focus_url: Callable[[int], str], stack_over: int = 3) -> str:
    """Top-down boxes for the nodes (a subtree in tree order, the first node its top). A unit
    whose children are all leaves here stacks them in a column when there are more than
    `stack_over`, so 23 care homes under one chief stay readable on paper."""
    if not nodes:
        return ""
    unit_url = _url_maker("units:unit-detail")
    kids = children_of(nodes)
    out: list[str] = []
    w = out.append

    def box(n: UnitNode, shown_children: list[UnitNode]) -> None:
        cat = n.category or "none"
        over = n.child_count > span
        w(f'<div class="oc-box cat-{cat}{" oc-over" if over else ""}" id="u-{n.id}">')
        badge = badges.get(n.id)
        if badge:
            w(f'<span class="badge badge-{badge.kind}">{badge.label}</span>')
        w(f'<a class="oc-name" href="{unit_url(n.id)}">{escape(n.name)}</a>')
        if n.unit_type:
            w(f'<span class="oc-type">{escape(n.unit_type)}</span>')
        leader = " ".join(x for x in (n.leader_title, n.leader_name) if x)
        if leader:
            w(f'<span class="oc-leader">{escape(leader)}</span>')
        w(f'<span class="oc-count">{_facts(n)}</span>')
        if over:
            w(f'<span class="oc-flag" title="Flere direkte underenheder end ledelsesspændet '
              f'på {span}">⚑ {n.child_count} direkte underenheder</span>')
        if shown_children:
            w(f'<button type="button" class="oc-toggle no-print" aria-expanded="true" '
              f'aria-controls="c-{n.id}" hidden>Fold sammen</button>')
        elif n.child_count:
            hidden = n.child_count
            w(f'<a class="oc-more no-print" href="{focus_url(n.id)}">Vis {hidden} '
              f'{_plural(hidden, "underenhed", "underenheder")}</a>')
        w("</div>")

    def visit(n: UnitNode) -> None:
        shown = kids.get(n.id, [])
        w('<li class="oc-node">')
        box(n, shown)
        if shown:
            stack = len(shown) > stack_over and all(not kids.get(c.id) for c in shown)
            w(f'<ul class="oc-children{" oc-stack" if stack else ""}" id="c-{n.id}">')
            for child in shown:
                visit(child)
            w("</ul>")
        w("</li>")

    w('<ul class="oc-root">')
    visit(nodes[0])
    w("</ul>")
    return "".join(out)


# --- the outline ------------------------------------------------------------------------


def render_outline(nodes: list[UnitNode], *, badges: dict[int, Badge], span: int,
                   select_url: Callable[[int], str] | None = None,
                   move_url: Callable[[int], str] | None = None,
                   selected: int | None = None) -> str:
    """The whole tree as nested lists; a unit with children is a <details> element, so it
    folds and unfolds with mouse and keyboard without JavaScript. With `move_url` (the edit
    page), items carry what the drag-and-drop script needs and link to `select_url`."""
    if not nodes:
        return ""
    unit_url = _url_maker("units:unit-detail")
    link_url = select_url or unit_url
    editing = move_url is not None
    out: list[str] = []
    w = out.append
    w('<ul class="outline-tree">')
    depth_open: list[int] = []  # rght of each open ancestor
    for n in nodes:
        while depth_open and depth_open[-1] < n.lft:
            depth_open.pop()
            w("</ul></details></li>")
        badge = badges.get(n.id)
        badge_html = (f' <span class="badge badge-{badge.kind}">{badge.label}</span>'
                      if badge else "")
        over = f' <span class="oc-flag">⚑ {n.child_count} direkte</span>' \
            if n.child_count > span else ""
        type_html = f' <span class="o-type">{escape(n.unit_type)}</span>' if n.unit_type else ""
        count = f' <span class="o-count">{_facts(n)}</span>'
        current = ' aria-current="true"' if n.id == selected else ""
        drag = ""
        if editing:
            draggable = ' draggable="true"' if n.parent_id is not None else ""
            drag = f' data-id="{n.id}" data-move-url="{move_url(n.id)}"{draggable}'
        label = (f'<a href="{link_url(n.id)}"{current}>{escape(n.name)}</a>'
                 f'{type_html}{count}{badge_html}{over}')
        cat = n.category or "none"
        if n.child_count:
            w(f'<li class="o-item cat-{cat}" id="o-{n.id}"{drag}><details open>'
              f'<summary>{label}</summary><ul>')
            depth_open.append(n.rght)
        else:
            w(f'<li class="o-item o-leaf cat-{cat}" id="o-{n.id}"{drag}>'
              f'<span class="o-line">{label}</span></li>')
    while depth_open:
        depth_open.pop()
        w("</ul></details></li>")
    w("</ul>")
    return "".join(out)


# --- legend -----------------------------------------------------------------------------

CATEGORY_LEGEND = [(c.value, c.label) for c in Category] + [("none", "Ingen kategori")]
BADGE_LEGEND = [(k, ChangeKind.LABELS[k]) for k in (
    ChangeKind.NEW, ChangeKind.MOVED, ChangeKind.RENAMED, ChangeKind.MERGED, ChangeKind.SPLIT,
)]


# --- unit pickers -----------------------------------------------------------------------


def unit_options(nodes: list[UnitNode], *, selected: Iterable[int] = (),
                 exclude: Callable[[UnitNode], bool] | None = None, blank: str | None = None
                 ) -> str:
    """<option> elements for a unit picker, indented by depth: built as one string, since a
    select of 10,000 units through Django's widget machinery takes seconds."""
    chosen = {int(s) for s in selected if str(s).isdigit()}
    out = [f'<option value="">{escape(blank)}</option>'] if blank is not None else []
    top = nodes[0].level if nodes else 0
    for n in nodes:
        if exclude is not None and exclude(n):
            continue
        indent = "\u2003" * (n.level - top)
        code = f" ({escape(n.code)})" if n.code else ""
        sel = " selected" if n.id in chosen else ""
        out.append(f'<option value="{n.id}"{sel}>{indent}{escape(n.name)}{code}</option>')
    return "".join(out)
