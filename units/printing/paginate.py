"""Pagination of the org chart: the page geometry of a paper size and the split of the chart
into pages, with continuation boxes between them.

A page starts at a unit (the root on page 1). If what hangs under it does not fit the page,
the largest of the shallowest subtrees still drawn in full is replaced by a *continuation box*
("fortsætter på side N") and moved to a page of its own; repeat until the page fits. If the
page still does not fit when every subtree below its top is a continuation box, the top's
children are divided between this page and further "fortsat" pages. Each unit is drawn in full
exactly once; pages are numbered in breadth-first order, so the top levels come first and every
continuation box points forward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .chart import ChartUnit
from .layout import Item, Layout
from .measure import BOX_W

# Paper sizes in millimetres (portrait) and the page margins of static/css/pdf.css.
PAPER = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 12.0, 18.0, 10.0
# The chart area leaves this much room under the page header, so rounding never pushes a
# page over into the next sheet.
SAFETY = 3.0
HEADER_FIRST = 26.0
HEADER_TEXT = 9.0
HEADER_CONT = 12.0


@dataclass
class ChartPage:
    number: int
    top: ChartUnit
    items: list[Item]
    width: float
    height: float
    continued_from: int | None = None  # the page whose continuation box leads here
    part: int = 0  # > 0 on the extra pages of a top whose children did not fit one page
    path: tuple[str, ...] = ()

    @property
    def style(self) -> str:
        return f"width:{self.width:.2f}mm;height:{self.height:.2f}mm"

    @property
    def svg_size(self) -> str:
        """Attributes of the page's connector drawing, whose user unit is one millimetre."""
        return (f'width="{self.width:.2f}mm" height="{self.height:.2f}mm" '
                f'viewBox="0 0 {self.width:.2f} {self.height:.2f}"')

    @property
    def line_path(self) -> str:
        """Every connector of the page as one SVG path: one drawing instead of hundreds of
        positioned boxes keeps WeasyPrint's layout work to the unit boxes."""
        parts = []
        for i in self.items:
            if i.kind != "line":
                continue
            if i.w == 0:
                parts.append(f"M{i.x:.2f} {i.y:.2f}v{i.h:.2f}")
            else:
                parts.append(f"M{i.x:.2f} {i.y:.2f}h{i.w:.2f}")
        return "".join(parts)

    @property
    def units(self) -> list[ChartUnit]:
        """The units drawn in full on this page."""
        return [i.unit for i in self.items if i.kind == "box"]


@dataclass
class PageGeometry:
    width: float
    height_first: float
    height_next: float

    @classmethod
    def for_paper(cls, size: str, orientation: str, *, header_text: bool = False
                  ) -> PageGeometry:
        w, h = PAPER[size]
        if orientation == "landscape":
            w, h = h, w
        content_w = w - 2 * MARGIN_SIDE
        content_h = h - MARGIN_TOP - MARGIN_BOTTOM
        first = content_h - HEADER_FIRST - (HEADER_TEXT if header_text else 0) - SAFETY
        return cls(content_w, first, content_h - HEADER_CONT - SAFETY)

    @property
    def header_first_style(self) -> str:
        return f"height:{HEADER_FIRST:.2f}mm"

    @property
    def header_cont_style(self) -> str:
        return f"height:{HEADER_CONT:.2f}mm"


def paginate(top: ChartUnit, geometry: PageGeometry) -> list[ChartPage]:
    """Split the chart under `top` into pages that each fit `geometry` (see the module
    docstring). Every unit of the chart is drawn in full on exactly one page."""
    max_stack_h = geometry.height_next - 40.0
    # (top unit, children to show or None for all, the page it continues from, part, path)
    queue: list[tuple[ChartUnit, list[ChartUnit] | None, int | None, int]] = [(top, None, None, 0)]
    plans: list[tuple[ChartUnit, list[ChartUnit] | None, set[int], int | None, int]] = []
    parents: dict[int, ChartUnit] = {}
    for unit in top.walk():
        for child in unit.children:
            parents[child.id] = unit
    unit_index = {u.id: u for u in top.walk()}
    measure = Layout(width=geometry.width, max_stack_h=max_stack_h, stub_pages={}, index=unit_index)
    while queue:
        page_top, children, came_from, part = queue.pop(0)
        page_index = len(plans)
        height = geometry.height_first if page_index == 0 else geometry.height_next

        def overflow(stubbed: set[int], kids=None, page_top=page_top, height=height,
                     part=part) -> float:
            """How far the page is from fitting (0 when it fits), as a share of the page."""
            head = _head(page_top, part)
            block = measure.subtree(page_top, stubbed, geometry.width, children=kids, head=head)
            return (max(block.w - geometry.width - 0.01, 0) / geometry.width
                    + max(block.h - height, 0) / height)

        def fits(stubbed: set[int], kids=None) -> bool:
            return overflow(stubbed, kids) <= 0

        stubbed: set[int] = set()
        shown = children if children is not None else page_top.children
        while not fits(stubbed, shown):
            candidate = _next_stub(page_top, shown, stubbed,
                                   lambda trial, shown=shown: overflow(trial, shown))
            if candidate is None:
                break
            stubbed.add(candidate.id)
        rest: list[ChartUnit] = []
        if not fits(stubbed, shown):
            # Even with every subtree moved on, the top's own children do not fit: keep as
            # many as fit here and carry the rest to a "fortsat" page.
            keep = len(shown)
            while keep > 1 and not fits(stubbed, shown[:keep]):
                keep -= 1
            shown, rest = shown[:keep], shown[keep:]
        plans.append((page_top, shown if (children is not None or rest) else None, stubbed,
                      came_from, part))
        for unit in _visible_stubs(page_top, shown, stubbed):
            queue.append((unit, None, page_index + 1, 0))
        if rest:
            queue.append((page_top, rest, page_index + 1, part + 1))

    # Page numbers are known now: draw every page with its continuation references.
    first_page_of: dict[int, int] = {}
    for index, (page_top, _shown, _stubbed, _came_from, part) in enumerate(plans):
        if part == 0:
            first_page_of.setdefault(page_top.id, index + 1)
    pages = []
    for index, (page_top, shown, stubbed, came_from, part) in enumerate(plans):
        layout = Layout(width=geometry.width, max_stack_h=max_stack_h,
                        stub_pages=first_page_of, index=unit_index)
        head = _head(page_top, part, came_from)
        block = layout.subtree(page_top, stubbed, geometry.width, children=shown, head=head)
        offset = max((geometry.width - block.w) / 2, 0)
        path = []
        parent = parents.get(page_top.id)
        while parent is not None:
            path.append(parent.node.name)
            parent = parents.get(parent.id)
        pages.append(ChartPage(index + 1, page_top, block.shifted(offset, 0), block.w, block.h,
                               continued_from=came_from, part=part,
                               path=tuple(reversed(path))))
    return pages


def _head(unit: ChartUnit, part: int, came_from: int | None = None) -> Item:
    if part:
        return Item("cont", 0, 0, BOX_W, unit.cont_h, unit, came_from)
    return Item("box", 0, 0, BOX_W, unit.box_h, unit)


def _visible_stubs(top: ChartUnit, shown: Sequence[ChartUnit], stubbed: set[int]):
    """The stubbed units drawn on a page, in the order they appear (breadth first)."""
    result = []
    level = list(shown)
    while level:
        nxt = []
        for unit in level:
            if unit.id in stubbed:
                result.append(unit)
            else:
                nxt.extend(unit.children)
        level = nxt
    return result


def _next_stub(top: ChartUnit, shown: Sequence[ChartUnit], stubbed: set[int],
               overflow: Callable[[set[int]], float]) -> ChartUnit | None:
    """The subtree to move to its own page next, taken from the shallowest level that still
    has subtrees drawn in full (so the top levels stay on the page): the one whose moving
    makes the page fit while keeping the most units here, or else the one that brings the
    page closest to fitting."""
    level = [c for c in shown if c.id not in stubbed]
    while level:
        candidates = [u for u in level if u.children]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            scored = [(overflow(stubbed | {c.id}), c) for c in candidates]
            fitting = [c for score, c in scored if score <= 0]
            if fitting:
                return min(fitting, key=lambda u: (u.size, u.node.lft))
            return min(scored, key=lambda sc: (sc[0], -sc[1].size, sc[1].node.lft))[1]
        level = [c for u in level for c in u.children if c.id not in stubbed]
    return None
