"""The whole tree as nested, foldable lists: the outline page and the edit page."""

from __future__ import annotations

from collections.abc import Callable
from html import escape  # the same as Django's escape, without its lazy-text wrapper

from units.selectors import UnitNode

from .badges import Badge
from .html import facts, url_maker

# Units this many levels below the top are not nested further: they follow in the list of
# their ancestor at this depth, each marked with its level. Markup nested thousands deep costs
# the browser dearly (Chromium's parser stops nesting at 512 elements) and runs off the page.
NEST_LIMIT = 32


def render_outline(nodes: list[UnitNode], *, badges: dict[int, Badge], span: int,
                   select_url: Callable[[int], str] | None = None,
                   move_url: Callable[[int], str] | None = None,
                   selected: int | None = None) -> str:
    """The whole tree as nested lists; a unit with children has a <details> element for its
    children, so they fold and unfold with mouse and keyboard without JavaScript; its
    <summary> holds no link (the unit's name is a link beside it). With `move_url` (the edit
    page), items carry what the drag-and-drop script needs and link to `select_url`. Below
    NEST_LIMIT levels the items are not nested further but carry their level."""
    if not nodes:
        return ""
    unit_url = url_maker("units:unit-detail")
    link_url = select_url or unit_url
    editing = move_url is not None
    out: list[str] = []
    w = out.append
    w('<ul class="outline-tree">')
    depth_open: list[int] = []  # rght of each open ancestor
    top = nodes[0].level
    for n in nodes:
        while depth_open and depth_open[-1] < n.lft:
            depth_open.pop()
            w("</ul></details></li>")
        badge = badges.get(n.id)
        badge_html = f" {badge.html}" if badge else ""
        over = f' <span class="oc-flag">⚑ {n.child_count} direkte</span>' \
            if n.child_count > span else ""
        type_html = f' <span class="o-type">{escape(n.unit_type)}</span>' if n.unit_type else ""
        count = f' <span class="o-count">{facts(n)}</span>'
        current = ' aria-current="true"' if n.id == selected else ""
        drag = ""
        if editing:
            draggable = ' draggable="true"' if n.parent_id is not None else ""
            drag = f' data-id="{n.id}" data-move-url="{move_url(n.id)}"{draggable}'
        label = (f'<a href="{link_url(n.id)}"{current}>{escape(n.name)}</a>'
                 f'{type_html}{count}{badge_html}{over}')
        cat = n.category or "none"
        if n.level - top >= NEST_LIMIT:
            w(f'<li class="o-item o-leaf o-deep cat-{cat}" id="o-{n.id}"{drag}>'
              f'<span class="o-line"><span class="o-level">niveau {n.level - top}:</span> '
              f'{label}</span></li>')
        elif n.child_count:
            # The name's link stays out of the <summary> (no control inside a control): the
            # summary is the fold marker beside it, named for screen readers by its unit.
            w(f'<li class="o-item o-branch cat-{cat}" id="o-{n.id}"{drag}>'
              f'<span class="o-line">{label}</span><details open><summary>'
              f'<span class="sr-only">Underenheder til {escape(n.name)}</span></summary><ul>')
            depth_open.append(n.rght)
        else:
            w(f'<li class="o-item o-leaf cat-{cat}" id="o-{n.id}"{drag}>'
              f'<span class="o-line">{label}</span></li>')
    while depth_open:
        depth_open.pop()
        w("</ul></details></li>")
    w("</ul>")
    return "".join(out)
