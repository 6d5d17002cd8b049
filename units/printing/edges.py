"""One connector per parent–child edge of a chart page, routed along the lines the layout drew.

The layout (units.printing.layout) draws a page's connectors as loose horizontal and vertical
lines shared between siblings: a bus under a head, a trunk down a stack of leaves, a side
branch to a staff unit. The PDF only needs the lines; PowerPoint and SVG want one connector per
edge, fixed to the two boxes, so that moving a box in PowerPoint drags its connectors along.
This module follows the lines from each child back to its parent and returns that path as a
polyline from a connection site of the parent's box to one of the child's: the same positions,
no second layout.

A box's connection sites are PowerPoint's for a rectangle: 0 top middle, 1 left middle, 2 bottom
middle, 3 right middle. Where the layout's line leaves the parent off its middle (a stack or
wrapped rows hang from a trunk near the parent's left edge), the route starts at the parent's
left site and runs behind the box to the trunk, so it is still fixed to a site and looks as it
does in the PDF.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from .layout import Item

TOP, LEFT, BOTTOM, RIGHT = 0, 1, 2, 3
# Positions are sums of millimetre offsets: equal up to rounding, never further apart than this.
EPS = 0.05

Point = tuple[float, float]


@dataclass(frozen=True)
class Route:
    """A connector's path in chart-area millimetres, from the parent's connection site
    `start_site` to the child's `end_site`; the first segment runs behind the parent when
    `hidden` (a lead-in from its left site to a trunk off its middle)."""

    points: tuple[Point, ...]
    start_site: int
    end_site: int
    hidden: bool = False
    parent_bottom: float = 0.0

    @property
    def visible(self) -> tuple[Point, ...]:
        """The path as seen: the hidden lead-in left out, the trunk seen from the parent's
        bottom edge down."""
        if not self.hidden:
            return self.points
        trunk_x = self.points[1][0]
        return ((trunk_x, self.parent_bottom), *self.points[2:])


def site(item: Item, index: int) -> Point:
    """Connection site `index` of a box."""
    if index == TOP:
        return item.x + item.w / 2, item.y
    if index == LEFT:
        return item.x, item.y + item.h / 2
    if index == BOTTOM:
        return item.x + item.w / 2, item.y + item.h
    return item.x + item.w, item.y + item.h / 2


def _bucket(value: float) -> int:
    return round(value * 4)


def _near(table: dict[int, list], value: float) -> Iterable:
    b = _bucket(value)
    for key in (b - 1, b, b + 1):
        yield from table.get(key, ())


class PageLines:
    """The lines of one page, looked up by position."""

    def __init__(self, items: Iterable[Item]):
        # bucket of x → (x, top, bottom); bucket of y → (y, left, right)
        self.vertical: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
        self.horizontal: dict[int, list[tuple[float, float, float]]] = defaultdict(list)
        for i in items:
            if i.kind != "line":
                continue
            if i.w == 0:
                self.vertical[_bucket(i.x)].append((i.x, i.y, i.y + i.h))
            else:
                self.horizontal[_bucket(i.y)].append((i.y, i.x, i.x + i.w))

    def drop_into(self, x: float, y: float) -> float | None:
        """The top of the vertical line that ends at (x, y), if one does."""
        return next((top for lx, top, bottom in _near(self.vertical, x)
                     if abs(lx - x) < EPS and abs(bottom - y) < EPS), None)

    def branch_into(self, x: float, top: float, bottom: float, *, from_left: bool
                    ) -> tuple[float, float] | None:
        """(trunk x, y) of the horizontal line that ends at x, between `top` and `bottom`,
        coming from the left (or from the right)."""
        for y in _candidates_between(self.horizontal, top, bottom):
            for ly, left, right in self.horizontal.get(y, ()):
                if not top - EPS <= ly <= bottom + EPS:
                    continue
                if from_left and abs(right - x) < EPS:
                    return left, ly
                if not from_left and abs(left - x) < EPS:
                    return right, ly
        return None

    def trunk_top(self, x: float, y: float) -> float:
        """How high the vertical lines at x reach, followed up from y without a gap."""
        top = y
        while True:
            higher = min((t for lx, t, b in _near(self.vertical, x)
                          if abs(lx - x) < EPS and t < top - EPS and b >= top - EPS),
                         default=None)
            if higher is None:
                return top
            top = higher

    def leaving(self, box: Item) -> float | None:
        """The x where a vertical line leaves the box's bottom edge (the middle if several)."""
        bottom, middle = box.y + box.h, box.x + box.w / 2
        found = [lx for bucket in self.vertical.values() for lx, t, _b in bucket
                 if abs(t - bottom) < EPS and box.x - EPS <= lx <= box.x + box.w + EPS]
        return min(found, key=lambda lx: abs(lx - middle)) if found else None


def _candidates_between(table: dict[int, list], top: float, bottom: float) -> range:
    return range(_bucket(top) - 1, _bucket(bottom) + 2)


def route(parent: Item, child: Item, lines: PageLines, *, exit_x: float | None) -> Route:
    """The path from `parent`'s box to `child`'s along the page's lines (`exit_x`: where the
    parent's line leaves its bottom edge, PageLines.leaving). A child the lines do not reach
    (none is known) gets a plain elbow from the parent's bottom to its top."""
    px, pmid = parent.x, parent.y + parent.h / 2
    pcx, pbottom = parent.x + parent.w / 2, parent.y + parent.h
    ccx, cmid = child.x + child.w / 2, child.y + child.h / 2
    centred = exit_x is None or abs(exit_x - pcx) < EPS
    trunk_x = pcx if exit_x is None else exit_x

    def from_parent(bus: float) -> tuple[list[Point], int, int]:
        """The path's start: out of the parent's bottom to the bus at `bus`."""
        if centred:
            return [(pcx, pbottom), (pcx, bus)], BOTTOM, 0
        return [(px, pmid), (trunk_x, pmid), (trunk_x, bus)], LEFT, 1

    bus = lines.drop_into(ccx, child.y)
    if bus is not None:
        start, start_site, hidden = from_parent(bus)
        points = [*start, (ccx, bus), (ccx, child.y)]
        return _route(points, start_site, TOP, hidden, pbottom)
    for from_left, edge_x, end_site in ((True, child.x, LEFT),
                                        (False, child.x + child.w, RIGHT)):
        branch = lines.branch_into(edge_x, child.y, child.y + child.h, from_left=from_left)
        if branch is None:
            continue
        line_x, branch_y = branch
        top = lines.trunk_top(line_x, branch_y)
        end = [(line_x, cmid), (edge_x, cmid)]
        if abs(top - pbottom) < EPS:
            # The trunk leaves the parent itself: from its middle, or from behind it.
            if abs(line_x - pcx) < EPS:
                return _route([(pcx, pbottom), *end], BOTTOM, end_site, 0, pbottom)
            return _route([(px, pmid), (line_x, pmid), *end], LEFT, end_site, 1, pbottom)
        start, start_site, hidden = from_parent(top)
        return _route([*start, (line_x, top), *end], start_site, end_site, hidden, pbottom)
    middle = (pbottom + child.y) / 2
    return _route([(pcx, pbottom), (pcx, middle), (ccx, middle), (ccx, child.y)],
                  BOTTOM, TOP, 0, pbottom)


def _route(points: list[Point], start_site: int, end_site: int, hidden: int,
           parent_bottom: float) -> Route:
    clean = simplify(points)
    # A lead-in that came to nothing (the trunk at the box's left edge) hides nothing.
    behind = bool(hidden) and len(clean) >= 3 and abs(clean[0][1] - clean[1][1]) < EPS
    return Route(tuple(clean), start_site, end_site, behind, parent_bottom)


def simplify(points: list[Point]) -> list[Point]:
    """The polyline without zero-length segments and with straight runs joined."""
    out: list[Point] = []
    for p in points:
        if out and abs(p[0] - out[-1][0]) < EPS and abs(p[1] - out[-1][1]) < EPS:
            continue
        if len(out) >= 2:
            a, b = out[-2], out[-1]
            if (abs(a[0] - b[0]) < EPS and abs(b[0] - p[0]) < EPS) or (
                    abs(a[1] - b[1]) < EPS and abs(b[1] - p[1]) < EPS):
                out[-1] = p
                continue
        out.append(p)
    return out
