"""Pagination of the org chart: the page geometry of a paper size and the split of the chart
into pages, with continuation boxes between them.

A page starts at a unit (the root on page 1). If what hangs under it does not fit the page,
the largest of the shallowest subtrees still drawn in full is replaced by a *continuation box*
("fortsætter på side N") and moved to a page of its own; repeat until the page fits. If the
page still does not fit when every subtree below its top is a continuation box, the top's
children are divided between this page and further "fortsat" pages. Each unit is drawn in full
exactly once; pages are numbered in breadth-first order, so the top levels come first and every
continuation box points forward.

A page never measures deeper than a unit could be drawn on it (`depth_cap`): below that, every
subtree is a continuation box from the start, so a chain thousands of levels deep costs a
page's worth of layout per page. Where a single subtree is to be moved on, the deepest one
along a chain of only children that still lets the page fit is moved, so such a chain fills
each page rather than two boxes per page.

A chart has at most MAX_PAGES pages, so no tree, however wide or deep, makes a PDF that takes
the worker's memory: the pages are planned top levels first, and a subtree that would go on a
page past the last says so in its continuation box instead ("ikke med i udskriften").
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

from .chart import ChartUnit
from .layout import STACK_GAP, Item, Layout
from .measure import BOX_W, lines_height

# Paper sizes in millimetres (portrait) and the page margins of static/css/pdf.css.
PAPER = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 12.0, 18.0, 10.0
# The chart area leaves this much room under the page header, so rounding never pushes a
# page over into the next sheet.
SAFETY = 3.0
HEADER_FIRST = 26.0
HEADER_TEXT = 9.0
HEADER_CONT = 12.0
# The most pages one chart is printed on (WeasyPrint holds every page's layout in memory):
# a 2,000-unit forvaltning takes about 240 A4 pages, 10,000 units about 330 A3 pages.
MAX_PAGES = 400
# The names shown of the units above a continued page's top: the first and the last few.
PATH_HEAD, PATH_TAIL = 2, 3


@dataclass
class ChartPage:
    """One printed page of the chart: its top unit and the items drawn under it."""

    number: int
    top: ChartUnit
    items: list[Item]
    width: float
    height: float
    continued_from: int | None = None  # the page whose continuation box leads here
    part: int = 0  # > 0 on the extra pages of a top whose children did not fit one page
    path: tuple[str, ...] = ()
    left_out: int = 0  # units under this top's children carried to no page (MAX_PAGES)

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
    """The chart area of a page in mm: its width and the height of the first and later
    pages (the first page's header is taller)."""

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


def paginate(top: ChartUnit, geometry: PageGeometry, *, max_pages: int = MAX_PAGES
             ) -> list[ChartPage]:
    """Split the chart under `top` into pages that each fit `geometry` (see the module
    docstring). Every unit of the chart is drawn in full on exactly one page, or, past
    `max_pages` pages, on none, behind a continuation box that says so."""
    max_stack_h = geometry.height_next - 40.0
    unit_index = {u.id: u for u in top.walk()}
    measure = Layout(width=geometry.width, max_stack_h=max_stack_h, stub_pages={}, index=unit_index)
    plans = _plan_pages(top, geometry, measure, max(1, max_pages))
    return _draw_pages(plans, geometry, max_stack_h, unit_index, _paths(top))


def depth_cap(geometry: PageGeometry) -> int:
    """The deepest level below a page's top at which a box can still stand on the page:
    every level down adds at least the lowest box there is and the smallest gap."""
    lowest = lines_height([("x", True)])
    room = max(geometry.height_first, geometry.height_next) - lowest
    return max(1, int(room // (lowest + STACK_GAP)))


def _frontier(kids: Sequence[ChartUnit], cap: int) -> set[int]:
    """The units with children `cap` levels below a page's top (its `kids` are level 1):
    nothing under them can be on the page, so they start out as continuation boxes."""
    level, depth = list(kids), 1
    while level and depth < cap:
        level = [c for u in level for c in u.children]
        depth += 1
    return {u.id for u in level if u.children}


@dataclass
class _PagePlan:
    """One page before the page numbers are known: the subtree under `top` (on a page that
    shares the top's children with others, only `children` of it; None: all of them), with
    the `stubbed` subtrees drawn as continuation boxes."""

    top: ChartUnit
    children: list[ChartUnit] | None = None
    came_from: int | None = None  # the page whose continuation box leads here
    part: int = 0
    stubbed: set[int] = field(default_factory=set)
    left_out: int = 0


@dataclass
class _PageRoom:
    """The room one page has, for trying what its top's subtree may show."""

    measure: Layout
    width: float
    height: float
    top: ChartUnit
    part: int
    # Overflow by (stubbed, children shown): pagination asks the same question more than once.
    tried: dict[tuple[frozenset[int], tuple[int, ...]], float] = field(default_factory=dict)

    def overflow(self, stubbed: set[int], kids: Sequence[ChartUnit]) -> float:
        """How far the page is from fitting (0 when it fits), as a share of the page."""
        key = (frozenset(stubbed), tuple(k.id for k in kids))
        found = self.tried.get(key)
        if found is None:
            head = _head(self.top, self.part)
            block = self.measure.subtree(self.top, stubbed, self.width, children=kids,
                                         head=head)
            found = self.tried[key] = (max(block.w - self.width - 0.01, 0) / self.width
                                       + max(block.h - self.height, 0) / self.height)
        return found

    def fits(self, stubbed: set[int], kids: Sequence[ChartUnit]) -> bool:
        return self.overflow(stubbed, kids) <= 0


def _plan_pages(top: ChartUnit, geometry: PageGeometry, measure: Layout, max_pages: int
                ) -> list[_PagePlan]:
    """Every page's plan in page order: breadth first, each page's continuation boxes and
    "fortsat" page queued behind the pages already waiting, until `max_pages` are planned or
    waiting; a continuation box past those leads nowhere."""
    queue = deque([_PagePlan(top)])
    plans: list[_PagePlan] = []
    cap = depth_cap(geometry)
    while queue:
        wanted = queue.popleft()
        number = len(plans) + 1
        height = geometry.height_first if number == 1 else geometry.height_next
        room = _PageRoom(measure, geometry.width, height, wanted.top, wanted.part)
        kids = wanted.children if wanted.children is not None else wanted.top.children
        shown, stubbed, rest = _place(room, kids, _frontier(kids, cap))
        visible = _visible_stubs(wanted.top, shown, stubbed)
        plan = replace(wanted, stubbed={u.id for u in visible},
                       children=shown if (wanted.children is not None or rest) else None)
        plans.append(plan)
        for unit in visible:
            if len(plans) + len(queue) < max_pages:
                queue.append(_PagePlan(unit, came_from=number))
        if rest and len(plans) + len(queue) < max_pages:
            queue.append(_PagePlan(wanted.top, rest, came_from=number, part=wanted.part + 1))
        elif rest:
            plan.left_out = sum(u.size for u in rest)
    return plans


def _place(room: _PageRoom, shown: list[ChartUnit], frontier: set[int]
           ) -> tuple[list[ChartUnit], set[int], list[ChartUnit]]:
    """What one page shows of its top's children `shown`: the children kept here, the
    subtrees moved to pages of their own (starting from the `frontier` below which nothing
    fits), and the children carried to a "fortsat" page."""
    stubbed = _choose_stubs(room, shown, frontier)
    if room.fits(stubbed, shown):
        return shown, stubbed, []
    # Even with every subtree moved on, the top's own children do not fit: keep as many as
    # fit here and carry the rest to a "fortsat" page.
    keep = _children_that_fit(room, stubbed, shown)
    return shown[:keep], stubbed, shown[keep:]


def _choose_stubs(room: _PageRoom, shown: list[ChartUnit], frontier: set[int]) -> set[int]:
    """Subtrees moved to pages of their own, one at a time, until the page fits or no
    subtree is left to move."""
    stubbed = set(frontier)
    while not room.fits(stubbed, shown):
        candidate = _next_stub(room.top, shown, stubbed,
                               lambda trial: room.overflow(trial, shown))
        if candidate is None:
            break
        stubbed.add(candidate.id)
    return stubbed


def _children_that_fit(room: _PageRoom, stubbed: set[int], shown: list[ChartUnit]) -> int:
    """How many of `shown`, from the first and at least one, fit the page."""
    keep = len(shown)
    while keep > 1 and not room.fits(stubbed, shown[:keep]):
        keep -= 1
    return keep


def _draw_pages(plans: list[_PagePlan], geometry: PageGeometry, max_stack_h: float,
                unit_index: dict[int, ChartUnit], paths: dict[int, tuple[str, ...]]
                ) -> list[ChartPage]:
    """Page numbers are known now: draw every page with its continuation references."""
    first_page_of: dict[int, int] = {}
    for index, plan in enumerate(plans):
        if plan.part == 0:
            first_page_of.setdefault(plan.top.id, index + 1)
    pages = []
    for index, plan in enumerate(plans):
        layout = Layout(width=geometry.width, max_stack_h=max_stack_h,
                        stub_pages=first_page_of, index=unit_index)
        head = _head(plan.top, plan.part, plan.came_from)
        block = layout.subtree(plan.top, plan.stubbed, geometry.width, children=plan.children,
                               head=head)
        offset = max((geometry.width - block.w) / 2, 0)
        # The drawing spans the offset too: its connectors are an SVG of the page's size,
        # and a line outside it would be clipped away, leaving a box without a connector.
        pages.append(ChartPage(index + 1, plan.top, block.shifted(offset, 0),
                               offset + block.w, block.h,
                               continued_from=plan.came_from, part=plan.part,
                               path=paths[plan.top.id], left_out=plan.left_out))
    return pages


def _paths(top: ChartUnit) -> dict[int, tuple[str, ...]]:
    """For every unit, the names of the units above it from the top of the chart down; a long
    path keeps its first and last few names with "…" between, so a page deep in a chain of
    thousands of levels says where it is in a line."""
    full: dict[int, tuple[tuple[str, ...], tuple[str, ...], int]] = {top.id: ((), (), 0)}
    paths: dict[int, tuple[str, ...]] = {}
    for unit in top.walk():
        head, tail, count = full[unit.id]
        paths[unit.id] = head + tail if count <= PATH_HEAD + PATH_TAIL else (*head, "…", *tail)
        name = unit.node.name
        below = ((*head, name) if len(head) < PATH_HEAD else head,
                 (*tail, name)[-PATH_TAIL:] if len(head) >= PATH_HEAD else tail, count + 1)
        for child in unit.children:
            full[child.id] = below
    return paths


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
            return _deepest_alone(candidates[0], stubbed, overflow)
        if candidates:
            scored = [(overflow(stubbed | {c.id}), c) for c in candidates]
            fitting = [c for score, c in scored if score <= 0]
            if fitting:
                return min(fitting, key=lambda u: (u.size, u.node.lft))
            return min(scored, key=lambda sc: (sc[0], -sc[1].size, sc[1].node.lft))[1]
        level = [c for u in level for c in u.children if c.id not in stubbed]
    return None


def _deepest_alone(unit: ChartUnit, stubbed: set[int],
                   overflow: Callable[[set[int]], float]) -> ChartUnit:
    """`unit`, or, when moving it on makes the page fit, the deepest unit down its line of
    only children with children of their own whose moving still does: the page keeps the
    most of the line. The deeper the move, the taller the page, so the line is bisected."""
    if overflow(stubbed | {unit.id}) > 0:
        return unit
    line = [unit]
    while True:
        below = [c for c in line[-1].children if c.children and c.id not in stubbed]
        if len(below) != 1:
            break
        line.append(below[0])
    fits, fails = 0, len(line)  # line[fits] fits; line[fails] (past the end) does not
    while fails - fits > 1:
        middle = (fits + fails) // 2
        if overflow(stubbed | {line[middle].id}) > 0:
            fails = middle
        else:
            fits = middle
    return line[fits]
