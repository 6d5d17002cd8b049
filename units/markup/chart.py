"""The org chart: top-down boxes for a subtree, stacking long columns of leaves."""

from __future__ import annotations

from collections.abc import Callable
from html import escape  # the same as Django's escape, without its lazy-text wrapper

from orgreg.text import counted
from units.selectors import UnitNode

from .badges import Badge
from .html import children_of, facts, url_maker


def render_chart(nodes: list[UnitNode], *, badges: dict[int, Badge], span: int,
                 focus_url: Callable[[int], str], stack_over: int = 3) -> str:
    """Top-down boxes for the nodes (a subtree in tree order, the first node its top). A unit
    whose children are all leaves here stacks them in a column when there are more than
    `stack_over`, so 23 care homes under one chief stay readable on paper."""
    if not nodes:
        return ""
    unit_url = url_maker("units:unit-detail")
    kids = children_of(nodes)
    out: list[str] = []
    w = out.append

    def box(n: UnitNode, shown_children: list[UnitNode]) -> None:
        cat = n.category or "none"
        over = n.child_count > span
        w(f'<div class="oc-box cat-{cat}{" oc-over" if over else ""}" id="u-{n.id}">')
        badge = badges.get(n.id)
        if badge:
            w(badge.html + " ")
        w(f'<a class="oc-name" href="{unit_url(n.id)}">{escape(n.name)}</a>')
        if n.unit_type:
            w(f'<span class="oc-type">{escape(n.unit_type)}</span>')
        leader = " ".join(x for x in (n.leader_title, n.leader_name) if x)
        if leader:
            w(f'<span class="oc-leader">{escape(leader)}</span>')
        w(f'<span class="oc-count">{facts(n)}</span>')
        if over:
            w(f'<span class="oc-flag" title="Flere end {span} direkte underenheder">'
              f'⚑ {counted(n.child_count, "direkte underenhed", "direkte underenheder")}</span>')
        if shown_children:
            # Named by its unit ("Fold Center for Sundhed sammen"), the unit's name hidden
            # from sight: every box's button would otherwise be the same "Fold sammen".
            w(f'<button type="button" class="oc-toggle no-print" aria-expanded="true" '
              f'aria-controls="c-{n.id}" hidden>Fold <span class="sr-only oc-toggle-name">'
              f'{escape(n.name)} </span><span class="oc-toggle-state">sammen</span>'
              f'</button>')
        elif n.child_count:
            hidden = n.child_count
            w(f'<a class="oc-more no-print" href="{focus_url(n.id)}">Vis '
              f'{counted(hidden, "underenhed", "underenheder")}</a>')
        w("</div>")

    # Depth first with a stack of nodes still to open and closing tags still to write, not
    # by recursion: a chart of a deep chain must not reach Python's recursion limit.
    w('<ul class="oc-root">')
    stack: list[UnitNode | str] = [nodes[0]]
    while stack:
        n = stack.pop()
        if isinstance(n, str):
            w(n)
            continue
        shown = kids.get(n.id, [])
        w('<li class="oc-node">')
        box(n, shown)
        if shown:
            stack_leaves = len(shown) > stack_over and all(not kids.get(c.id) for c in shown)
            w(f'<ul class="oc-children{" oc-stack" if stack_leaves else ""}" id="c-{n.id}">')
            stack.append("</ul></li>")
            stack.extend(reversed(shown))
        else:
            w("</li>")
    w("</ul>")
    return "".join(out)
