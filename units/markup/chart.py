"""The org chart: top-down boxes for a subtree, stacking long columns of leaves, with staff
units beside the line under their parent (units.staff)."""

from __future__ import annotations

from collections.abc import Callable
from html import escape  # the same as Django's escape, without its lazy-text wrapper

from orgreg.text import counted
from units.selectors import UnitNode
from units.staff import beside_the_line

from .badges import Badge
from .html import children_of, facts, url_maker
from .hyphens import soft_hyphens


def render_chart(nodes: list[UnitNode], *, badges: dict[int, Badge], span: int,
                 focus_url: Callable[[int], str], stack_over: int = 3) -> str:
    """Top-down boxes for the nodes (a subtree in tree order, the first node its top). A unit
    whose children are all leaves here stacks them in a column when there are more than
    `stack_over`, so 23 care homes under one chief stay readable on paper."""
    if not nodes:
        return ""
    return _Chart(nodes, badges, span, focus_url, stack_over).html()


class _Chart:
    def __init__(self, nodes: list[UnitNode], badges: dict[int, Badge], span: int,
                 focus_url: Callable[[int], str], stack_over: int):
        self.nodes = nodes
        self.badges = badges
        self.span = span
        self.focus_url = focus_url
        self.stack_over = stack_over
        self.unit_url = url_maker("units:unit-detail")
        self.kids = children_of(nodes)
        self.out: list[str] = []

    def split(self, n: UnitNode) -> tuple[list[UnitNode], list[UnitNode]]:
        """The shown children of `n`: its staff beside the line, and the line."""
        staff, line = [], []
        for c in self.kids.get(n.id, []):
            (staff if beside_the_line(c.category, bool(self.kids.get(c.id))) else line).append(c)
        return staff, line

    def box(self, n: UnitNode, staff: list[UnitNode], line: list[UnitNode]) -> None:
        w = self.out.append
        cat = n.category or "none"
        over = n.child_count > self.span
        w(f'<div class="oc-box cat-{cat}{" oc-over" if over else ""}" id="u-{n.id}">')
        badge = self.badges.get(n.id)
        if badge:
            w(badge.html + " ")
        w(f'<a class="oc-name" href="{self.unit_url(n.id)}">{escape(soft_hyphens(n.name))}</a>')
        if n.unit_type:
            w(f'<span class="oc-type">{escape(n.unit_type)}</span>')
        leader = " ".join(x for x in (n.leader_title, n.leader_name) if x)
        if leader:
            w(f'<span class="oc-leader">{escape(leader)}</span>')
        w(f'<span class="oc-count">{facts(n)}</span>')
        if over:
            w(f'<span class="oc-flag" title="Flere end {self.span} direkte underenheder">'
              f'⚑ {counted(n.child_count, "direkte underenhed", "direkte underenheder")}</span>')
        if staff or line:
            # The fold button folds the staff band and the line together. It is named by its
            # unit ("Fold Center for Sundhed sammen"), the unit's name hidden from sight:
            # every box's button would otherwise be the same "Fold sammen".
            controls = " ".join(([f"s-{n.id}"] if staff else []) + ([f"c-{n.id}"] if line else []))
            w(f'<button type="button" class="oc-toggle no-print" aria-expanded="true" '
              f'aria-controls="{controls}" hidden>Fold <span class="sr-only oc-toggle-name">'
              f'{escape(n.name)} </span><span class="oc-toggle-state">sammen</span>'
              f'</button>')
        elif n.child_count:
            w(f'<a class="oc-more no-print" href="{self.focus_url(n.id)}">Vis '
              f'{counted(n.child_count, "underenhed", "underenheder")}</a>')
        w("</div>")

    def staff_band(self, n: UnitNode, staff: list[UnitNode], has_line: bool) -> None:
        """Staff boxes right and left in turn of the connector under `n`; the last row's
        branches end the connector when no line follows."""
        w = self.out.append
        w(f'<ul class="oc-staff{"" if has_line else " oc-staff-end"}" id="s-{n.id}" '
          f'aria-label="Stab under {escape(n.name)}">')
        last_row = (len(staff) - 1) // 2
        for i, c in enumerate(staff):
            side = "oc-side-r" if i % 2 == 0 else "oc-side-l"
            last = " oc-last" if i // 2 == last_row else ""
            w(f'<li class="oc-staff-node {side}{last}">')
            self.box(c, [], [])
            w("</li>")
        w("</ul>")

    def html(self) -> str:
        # Depth first with a stack of nodes still to open and closing tags still to write,
        # not by recursion: a chart of a deep chain must not reach Python's recursion limit.
        w = self.out.append
        w('<ul class="oc-root">')
        stack: list[UnitNode | str] = [self.nodes[0]]
        while stack:
            n = stack.pop()
            if isinstance(n, str):
                w(n)
                continue
            staff, line = self.split(n)
            w('<li class="oc-node">')
            self.box(n, staff, line)
            if staff:
                self.staff_band(n, staff, bool(line))
            if line:
                stack_leaves = (len(line) > self.stack_over
                                and all(not self.kids.get(c.id) for c in line))
                w(f'<ul class="oc-children{" oc-stack" if stack_leaves else ""}" id="c-{n.id}">')
                stack.append("</ul></li>")
                stack.extend(reversed(line))
            else:
                w("</li>")
        w("</ul>")
        return "".join(self.out)
