"""The PDFs of the units app: org charts, comparison reports and placement notices.

Everything here reads through units.selectors and renders through orgreg.pdf; views and the
renderpdf command only parse options, check visibility and call these functions.

Org chart layout
----------------
WeasyPrint cannot split a tree drawing across pages by itself, so the chart is laid out here,
in millimetres, and the template only places absolutely positioned boxes and lines. Box
heights come from the real font metrics (DejaVu Sans, read with fontTools) so that a name is
wrapped the way the PDF will wrap it; boxes have one fixed width and a fixed minimum type
size, and are never shrunk.

A subtree is drawn in one of two ways:

* a unit whose shown children are all leaves gets them *stacked* under it in one narrow
  column (several columns side by side when the stack would be taller than a page);
* otherwise its children (the leaves gathered into a stack column first) stand *side by side*
  under it, wrapping into further rows when they are wider than the page.

Pagination: a page starts at a unit (the root on page 1). If what hangs under it does not fit
the page, the largest of the shallowest subtrees still drawn in full is replaced by a
*continuation box* ("fortsætter på side N") and moved to a page of its own; repeat until the
page fits. If the page still does not fit when every subtree below its top is a continuation
box, the top's children are divided between this page and further "fortsat" pages. Each unit
is drawn in full exactly once; pages are numbered in breadth-first order, so the top levels
come first and every continuation box points forward.
"""

from __future__ import annotations

import datetime
import functools
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.db.models import Max
from django.http import Http404

from orgreg import pdf as pdf_renderer
from orgreg.moments import parse_moment
from orgreg.roles import policy
from orgreg.text import danish_date

from . import changes, lifecycle, lineage, selectors
from .changes import ChangeKind
from .models import Category, Status, Structure, Unit
from .selectors import UnitNode
from .shares import share_text

MM_PER_PT = 25.4 / 72

# Paper sizes in millimetres (portrait) and the page margins of static/css/pdf.css.
PAPER = {"A4": (210.0, 297.0), "A3": (297.0, 420.0)}
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_SIDE = 12.0, 18.0, 10.0

# Box geometry (mm) and type sizes (pt). The type sizes are the smallest the chart uses;
# nothing is scaled down to make a tree fit.
BOX_W = 44.0
BOX_PAD = 1.6
BOX_BORDER = 0.3
H_GAP = 5.0
V_GAP = 8.0
STACK_INDENT = 5.0
STACK_GAP = 2.5
ROW_INDENT = 5.0
NAME_PT, META_PT = 7.5, 6.5
LINE_HEIGHT = 1.25
# The chart area leaves this much room under the page header, so rounding never pushes a
# page over into the next sheet.
SAFETY = 3.0
HEADER_FIRST = 26.0
HEADER_TEXT = 9.0
HEADER_CONT = 12.0

# Categories in the legend, in the order the model lists them.
CATEGORY_LEGEND = [(c.value, c.label) for c in Category]


# --- text measurement ---------------------------------------------------------------


class TextMeasure:
    """Widths of text in the shipped DejaVu Sans fonts, for wrapping like the PDF does."""

    def __init__(self, path: str):
        from fontTools.ttLib import TTFont

        font = TTFont(path, lazy=True)
        self.cmap = font.getBestCmap()
        self.advance = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
        self.units_per_em = font["head"].unitsPerEm
        self.fallback = self.advance.get(".notdef", self.units_per_em)
        self._cache: dict[str, float] = {}

    def width(self, text: str, size_pt: float) -> float:
        """Width in mm at `size_pt`."""
        em = self._cache.get(text)
        if em is None:
            units = 0
            for ch in text:
                glyph = self.cmap.get(ord(ch))
                units += self.advance.get(glyph, self.fallback) if glyph else self.fallback
            em = units / self.units_per_em
            self._cache[text] = em
        return em * size_pt * MM_PER_PT

    def line_count(self, text: str, size_pt: float, width_mm: float) -> int:
        """Lines that greedy wrapping at spaces (breaking a too-long word anywhere, as
        ``overflow-wrap: anywhere`` does) needs. Never less than what the PDF needs: the
        browser has at least these break opportunities."""
        text = " ".join((text or "").split())
        if not text:
            return 0
        space = self.width(" ", size_pt)
        lines, current = 1, 0.0
        for word in text.split(" "):
            w = self.width(word, size_pt)
            if current and current + space + w <= width_mm:
                current += space + w
                continue
            if current:
                lines += 1
            current = 0.0
            if w <= width_mm:
                current = w
                continue
            # A word wider than a line is broken character by character.
            for ch in word:
                cw = self.width(ch, size_pt)
                if current and current + cw > width_mm:
                    lines += 1
                    current = 0.0
                current += cw
        return lines


@functools.cache
def _fonts() -> tuple[TextMeasure, TextMeasure]:
    bold = finders.find("fonts/DejaVuSans-Bold.ttf")
    regular = finders.find("fonts/DejaVuSans.ttf")
    return TextMeasure(bold), TextMeasure(regular)


INNER_W = BOX_W - 2 * (BOX_PAD + BOX_BORDER)
# Wrap a little narrower than the box really is: kerning and rounding never add a line.
WRAP_W = INNER_W * 0.96


def _lines_height(parts: Sequence[tuple[str, bool]]) -> float:
    """Height (mm) of text parts (text, bold) wrapped into a box."""
    bold, regular = _fonts()
    height = 0.0
    for text, is_name in parts:
        if not text:
            continue
        size = NAME_PT if is_name else META_PT
        measure = bold if is_name else regular
        height += measure.line_count(text, size, WRAP_W) * size * LINE_HEIGHT * MM_PER_PT
    return height + 2 * (BOX_PAD + BOX_BORDER) + 0.6


# --- the chart model ----------------------------------------------------------------


@dataclass
class ChartUnit:
    """A unit as drawn: its node, the texts of its box and the children shown under it."""

    node: UnitNode
    children: list[ChartUnit] = field(default_factory=list)
    badge: str = ""
    badge_kind: str = ""
    hidden_children: int = 0
    size: int = 1  # units in the shown subtree, itself included

    @property
    def id(self) -> int:
        return self.node.id

    def box_texts(self) -> list[tuple[str, bool]]:
        n = self.node
        leader = " ".join(p for p in (n.leader_title, n.leader_name) if p)
        staff = f"{n.headcount} medarb."
        if n.subtree_headcount != n.headcount:
            staff += f" · i alt {n.subtree_headcount}"
        return [
            (n.name, True),
            (n.unit_type, False),
            (leader, False),
            (staff, False),
            (f"Kode {n.code}" if n.code else "", False),
            (self.hidden_text, False),
        ]

    @property
    def hidden_text(self) -> str:
        if not self.hidden_children:
            return ""
        word = "underenhed" if self.hidden_children == 1 else "underenheder"
        return f"+ {self.hidden_children} {word} ikke vist"

    @functools.cached_property
    def box_h(self) -> float:
        return _lines_height(self.box_texts())

    @functools.cached_property
    def stub_h(self) -> float:
        return _lines_height([(self.node.name, True), ("fortsætter på side 000", False),
                              (self.stub_detail, False)])

    @property
    def stub_detail(self) -> str:
        return f"{self.size} enheder · {self.node.subtree_headcount} medarb."

    @functools.cached_property
    def cont_h(self) -> float:
        return _lines_height([(self.node.name, True), ("fortsat fra side 000", False)])

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()


def build_chart(nodes: Sequence[UnitNode], *, badges: dict[int, str] | None = None
                ) -> ChartUnit | None:
    """The chart tree from nodes in tree order (the first is the top)."""
    if not nodes:
        return None
    badges = badges or {}
    by_id: dict[int, ChartUnit] = {}
    top = None
    for n in nodes:
        kind = badges.get(n.id, "")
        unit = ChartUnit(n, badge=ChangeKind.LABELS.get(kind, ""), badge_kind=kind)
        by_id[n.id] = unit
        parent = by_id.get(n.parent_id) if n.parent_id is not None else None
        if parent is not None:
            parent.children.append(unit)
        elif top is None:
            top = unit
    for unit in reversed(list(top.walk())):
        unit.size = 1 + sum(c.size for c in unit.children)
        unit.hidden_children = unit.node.child_count if not unit.children else 0
    return top


# --- layout -------------------------------------------------------------------------


@dataclass
class Item:
    """Something drawn on a page, in mm from the chart area's top left corner."""

    kind: str  # "box", "stub", "cont" or "line"
    x: float
    y: float
    w: float
    h: float
    unit: ChartUnit | None = None
    page_ref: int | None = None  # the page a stub continues on / a "cont" box comes from

    @property
    def style(self) -> str:
        """Inline CSS position (numbers only, never localised: 12.50mm, not 12,50mm)."""
        return (f"left:{self.x:.2f}mm;top:{self.y:.2f}mm;"
                f"width:{self.w:.2f}mm;height:{self.h:.2f}mm")


@dataclass
class Block:
    w: float
    h: float
    items: list[Item]
    anchor: float  # x where a connector from above meets it

    def shifted(self, dx: float, dy: float) -> list[Item]:
        return [Item(i.kind, i.x + dx, i.y + dy, i.w, i.h, i.unit, i.page_ref) for i in self.items]


def _hline(x1: float, x2: float, y: float) -> Item:
    return Item("line", min(x1, x2), y, abs(x2 - x1), 0)


def _vline(x: float, y1: float, y2: float) -> Item:
    return Item("line", x, min(y1, y2), 0, abs(y2 - y1))


class Layout:
    """Lays out one page: the subtree under `top`, with `stubbed` subtrees drawn as
    continuation boxes and, on a "fortsat" page, only `children` of the top."""

    def __init__(self, *, width: float, max_stack_h: float, stub_pages: dict[int, int],
                 index: dict[int, ChartUnit]):
        self.index = index
        self.width = width
        self.max_stack_h = max_stack_h
        self.stub_pages = stub_pages
        # Blocks of whole subtrees (nothing stubbed inside) by (unit, width): pagination
        # measures the same subtrees again and again while it tries continuation boxes.
        self._whole: dict[tuple[int, float], Block] = {}

    def stub(self, unit: ChartUnit) -> Block:
        return Block(BOX_W, unit.stub_h,
                     [Item("stub", 0, 0, BOX_W, unit.stub_h, unit,
                           self.stub_pages.get(unit.id))], BOX_W / 2)

    def subtree(self, unit: ChartUnit, stubbed: set[int], max_w: float, *,
                children: Sequence[ChartUnit] | None = None, head: Item | None = None) -> Block:
        whole = head is None and children is None and not any(
            unit.node.lft < s_lft and s_rght < unit.node.rght
            for s_lft, s_rght in self._stubbed_ranges(stubbed))
        if whole:
            cached = self._whole.get((unit.id, max_w))
            if cached is None:
                cached = self._whole[(unit.id, max_w)] = self._subtree(unit, stubbed, max_w)
            return cached
        return self._subtree(unit, stubbed, max_w, children=children, head=head)

    def _stubbed_ranges(self, stubbed: set[int]) -> list[tuple[int, int]]:
        key = frozenset(stubbed)
        if getattr(self, "_ranges_key", None) != key:
            self._ranges_key = key
            self._ranges = [(u.node.lft, u.node.rght) for u in self.units_by_id(stubbed)]
        return self._ranges

    def units_by_id(self, ids: set[int]) -> list[ChartUnit]:
        return [self.index[i] for i in ids]

    def _subtree(self, unit: ChartUnit, stubbed: set[int], max_w: float, *,
                 children: Sequence[ChartUnit] | None = None, head: Item | None = None
                 ) -> Block:
        head = head or Item("box", 0, 0, BOX_W, unit.box_h, unit)
        kids = unit.children if children is None else children
        if not kids:
            return Block(BOX_W, head.h, [head], BOX_W / 2)
        leaves = [c for c in kids if not c.children]
        branches = [c for c in kids if c.children]
        columns = self._stack_columns(leaves)
        if not branches:
            return self._stacked(head, columns)
        child_w = max(max_w - ROW_INDENT, BOX_W + STACK_INDENT)
        blocks = [self._stack_block(col) for col in columns]
        for child in branches:
            if child.id in stubbed:
                blocks.append(self.stub(child))
            else:
                blocks.append(self.subtree(child, stubbed, child_w))
        return self._rows(head, blocks, max_w)

    # -- stacks of leaves

    def _stack_columns(self, leaves: list[ChartUnit]) -> list[list[ChartUnit]]:
        columns: list[list[ChartUnit]] = []
        height = 0.0
        for leaf in leaves:
            h = leaf.box_h + STACK_GAP
            if not columns or (height + h > self.max_stack_h and columns[-1]):
                columns.append([])
                height = 0.0
            columns[-1].append(leaf)
            height += h
        return columns

    def _stack_block(self, leaves: list[ChartUnit]) -> Block:
        """A column of leaves hanging from a line at its left edge (anchor)."""
        items: list[Item] = []
        y = STACK_GAP
        line_x = STACK_INDENT / 2
        last_mid = 0.0
        for leaf in leaves:
            items.append(Item("box", STACK_INDENT, y, BOX_W, leaf.box_h, leaf))
            last_mid = y + min(leaf.box_h / 2, 4.0)
            items.append(_hline(line_x, STACK_INDENT, last_mid))
            y += leaf.box_h + STACK_GAP
        items.append(_vline(line_x, 0, last_mid))
        return Block(STACK_INDENT + BOX_W, y - STACK_GAP, items, line_x)

    def _stacked(self, head: Item, columns: list[list[ChartUnit]]) -> Block:
        items = [head]
        if len(columns) == 1:
            col = self._stack_block(columns[0])
            # The stack's line starts under the head box, a little in from its left edge.
            items += col.shifted(0, head.h)
            return Block(col.w, head.h + col.h, items, BOX_W / 2)
        blocks = [self._stack_block(c) for c in columns]
        return self._rows(head, blocks, float("inf"))

    # -- children side by side

    def _rows(self, head: Item, blocks: list[Block], max_w: float) -> Block:
        total = sum(b.w for b in blocks) + H_GAP * (len(blocks) - 1)
        if total <= max_w:
            return self._one_row(head, blocks, total)
        return self._wrapped(head, blocks, max_w)

    def _one_row(self, head: Item, blocks: list[Block], total: float) -> Block:
        width = max(total, BOX_W)
        row_x = (width - total) / 2
        anchors = []
        x = row_x
        for b in blocks:
            anchors.append(x + b.anchor)
            x += b.w + H_GAP
        # The head sits over the middle of its children's connectors.
        centre = (anchors[0] + anchors[-1]) / 2
        head_x = min(max(centre - BOX_W / 2, 0), width - BOX_W)
        top = Item(head.kind, head_x, 0, BOX_W, head.h, head.unit, head.page_ref)
        bus_y = head.h + V_GAP / 2
        row_y = head.h + V_GAP
        items = [top, _vline(head_x + BOX_W / 2, head.h, bus_y)]
        bus_from = min(anchors[0], head_x + BOX_W / 2)
        bus_to = max(anchors[-1], head_x + BOX_W / 2)
        items.append(_hline(bus_from, bus_to, bus_y))
        x = row_x
        height = 0.0
        for b, a in zip(blocks, anchors, strict=True):
            items.append(_vline(a, bus_y, row_y))
            items += b.shifted(x, row_y)
            height = max(height, b.h)
            x += b.w + H_GAP
        return Block(width, row_y + height, items, head_x + BOX_W / 2)

    def _wrapped(self, head: Item, blocks: list[Block], max_w: float) -> Block:
        """Rows under a head at the left; a trunk runs down the left margin to each row."""
        rows: list[list[Block]] = [[]]
        used = 0.0
        limit = max_w - ROW_INDENT
        for b in blocks:
            need = b.w if not rows[-1] else used + H_GAP + b.w
            if rows[-1] and need > limit:
                rows.append([])
                need = b.w
            rows[-1].append(b)
            used = need
        trunk_x = ROW_INDENT / 2
        items = [Item(head.kind, 0, 0, BOX_W, head.h, head.unit, head.page_ref)]
        y = head.h + V_GAP
        width = BOX_W
        last_bus = head.h
        for row in rows:
            bus_y = y - V_GAP / 2
            x = ROW_INDENT
            anchors = []
            height = 0.0
            for b in row:
                anchors.append(x + b.anchor)
                items += b.shifted(x, y)
                height = max(height, b.h)
                x += b.w + H_GAP
            width = max(width, x - H_GAP)
            items.append(_hline(trunk_x, anchors[-1], bus_y))
            items += [_vline(a, bus_y, y) for a in anchors]
            last_bus = bus_y
            y += height + V_GAP
        items.append(_vline(trunk_x, head.h, last_bus))
        return Block(width, y - V_GAP, items, BOX_W / 2)


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


# --- footer and stamp ---------------------------------------------------------------


def data_moment(structure: Structure) -> datetime.datetime:
    """The moment of the latest recorded change to the structure or its units: two printouts
    with the same moment show the same data. Two queries."""
    moments = [
        structure.history.aggregate(m=Max("history_date"))["m"],
        Unit.history.model.objects.filter(structure_id=structure.pk)
        .aggregate(m=Max("history_date"))["m"],
    ]
    moments = [m for m in moments if m is not None]
    return max(moments) if moments else structure.created_at


def structure_context(structure: Structure, user, moment: datetime.datetime | None = None, *,
                      status: str | None = None, stamp: str | None = None,
                      page_size_value: str = "A4", orientation_value: str = "portrait",
                      today: datetime.date | None = None) -> dict:
    """The footer and stamp of a PDF about `structure` (see orgreg.pdf.document_context).

    `moment` defaults to the structure's latest recorded change (pass the moment when
    printing the structure as it was recorded in the past); `status` overrides the
    structure's current status (the status it had at that moment); the stamp is the one
    units.lifecycle gives that status unless `stamp` is given."""
    status = status or structure.status
    return pdf_renderer.document_context(
        organisation=structure.organisation.name, title=structure.name,
        status_label=Status(status).label if status in Status.values else "",
        data_moment=moment or data_moment(structure),
        stamp=lifecycle.stamp(status) if stamp is None else stamp,
        confidential_until=structure.confidential_until, user=user,
        page_size_value=page_size_value, orientation_value=orientation_value, today=today,
    )


# --- org chart PDF ------------------------------------------------------------------


@dataclass(frozen=True)
class OrgChartOptions:
    page_size: str = "A4"
    orientation: str = "landscape"
    max_depth: int | None = None
    under: int | None = None  # a unit id: chart of that subtree
    header_text: str = ""
    at: datetime.datetime | None = None  # print the structure as recorded at this moment
    badges: bool = True


def parse_chart_options(data, *, tz=None) -> OrgChartOptions:
    """Options from a GET query or command-line dict; a bad value is a ValidationError with
    a Danish message."""
    errors = []
    size = (data.get("size") or "A4").upper()
    if size not in PAPER:
        errors.append("Papirstørrelsen skal være A4 eller A3.")
    orientation = (data.get("orientation") or "landscape").lower()
    if orientation not in ("portrait", "landscape"):
        errors.append("Retningen skal være stående eller liggende.")
    max_depth = None
    raw_depth = (data.get("depth") or "").strip()
    if raw_depth:
        try:
            max_depth = int(raw_depth)
            if not 0 <= max_depth <= 50:
                raise ValueError
        except ValueError:
            errors.append("Antal niveauer skal være et helt tal fra 0 til 50.")
    under = None
    raw_under = (data.get("unit") or "").strip()
    if raw_under:
        try:
            under = int(raw_under)
        except ValueError:
            errors.append("Enheden findes ikke.")
    header = " ".join((data.get("header") or "").split())
    if len(header) > 160:
        errors.append("Overskriften må højst være 160 tegn.")
    at = None
    try:
        # A date alone means the end of that day, as on the history page.
        at = parse_moment(data.get("at"), tz=tz)
    except ValidationError as error:
        errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return OrgChartOptions(size, orientation, max_depth, under, header, at)


@dataclass
class OrgChart:
    structure: Structure
    context: dict
    pages: list[ChartPage]
    chart: ChartUnit | None


def org_chart(structure: Structure, user, options: OrgChartOptions) -> OrgChart:
    """The org chart of `structure` (or of one subtree of it), paged, with change badges
    against the structure it is based on. With ``options.at`` the structure as history
    recorded it at that moment (no badges: they describe the present)."""
    status = structure.status
    under_node = None
    if options.under is not None:
        unit = Unit.objects.filter(pk=options.under, tree_id=structure.pk).first()
        if unit is None and options.at is None:
            raise ValidationError("Enheden findes ikke i denne organisering.")
        under_node = unit
    if options.at is not None:
        recorded = selectors.structure_as_recorded(structure, options.at)
        if not recorded.units:
            raise ValidationError(
                f"Organiseringen fandtes ikke den {danish_date(options.at)}."
            )
        if user is not None and not policy(user).can_see_as_recorded(structure,
                                                                      recorded.status):
            raise Http404("Ingen organisering fundet.")
        nodes = recorded.units
        if options.under is not None:
            top = next((n for n in nodes if n.id == options.under), None)
            if top is None:
                raise ValidationError("Enheden fandtes ikke i organiseringen på det tidspunkt.")
            nodes = [n for n in nodes if top.lft <= n.lft and n.rght <= top.rght]
        if options.max_depth is not None:
            base = nodes[0].level
            nodes = [n for n in nodes if n.level - base <= options.max_depth]
        badges = {}
        status = recorded.status or status
        moment = options.at
        title = recorded.name
    else:
        nodes = selectors.tree(structure, under=under_node, max_depth=options.max_depth)
        badges = {}
        if options.badges and structure.based_on_id:
            comparison = selectors.compare(structure.based_on, structure)
            badges = {uid: c.kind for uid, c in comparison.new_changes.items() if c.changed}
        moment = data_moment(structure)
        title = structure.name
    chart = build_chart(nodes, badges=badges)
    geometry = PageGeometry.for_paper(options.page_size, options.orientation,
                                      header_text=bool(options.header_text))
    pages = paginate(chart, geometry)
    context = structure_context(
        structure, user, moment, status=status, page_size_value=options.page_size,
        orientation_value=options.orientation,
    )
    first_header = HEADER_FIRST + (HEADER_TEXT if options.header_text else 0)
    kinds_shown = {u.badge_kind for u in chart.walk() if u.badge_kind}
    categories = {u.node.category for u in chart.walk()}
    context.update({
        "structure": structure,
        "title": title,
        "options": options,
        "pages": pages,
        "geometry": geometry,
        "subtree": chart.node if options.under is not None else None,
        "header_text": options.header_text,
        "recorded_at_text": pdf_renderer.moment_text(options.at) if options.at else "",
        "based_on": structure.based_on if badges else None,
        "legend_categories": [(v, label) for v, label in CATEGORY_LEGEND if v in categories],
        "legend_badges": [(k, ChangeKind.LABELS[k]) for k in ChangeKind.PRIORITY
                          if k in kinds_shown],
        "effective_date_text": danish_date(structure.effective_date),
        "unit_count": chart.size,
        "first_header_style": f"height:{first_header:.2f}mm",
    })
    return OrgChart(structure, context, pages, chart)


def org_chart_pdf(structure: Structure, user, options: OrgChartOptions) -> bytes:
    chart = org_chart(structure, user, options)
    return pdf_renderer.render_pdf("units/pdf_org_chart.html", chart.context)


# --- comparison report --------------------------------------------------------------


def compare_context(old: Structure, new: Structure, user) -> dict:
    """The comparison report: counts per change kind and the table old unit → new unit(s)
    with shares and headcount."""
    comparison = selectors.compare(old, new)
    rows = []
    for change in comparison.rows():
        unit = change.unit
        is_new = ChangeKind.NEW in change.kinds and unit.structure_id == new.pk
        links = change.predecessors if is_new else change.successors
        rows.append({
            "old": None if is_new else unit,
            "new_units": [] if is_new else [
                {"unit": link.unit, "share": share_text(link.share), "headcount": people}
                for link, people in zip(links, change.staff_moving(), strict=True)
            ],
            "new_unit": unit if is_new else None,
            "kind": change.kind,
            "labels": change.labels,
            "changed": change.changed,
        })
    # The report speaks of two structures: the older one's stamp first, else the newer one's.
    context = structure_context(new, user, page_size_value="A4", orientation_value="landscape",
                                stamp=lifecycle.stamp(old.status, new.status))
    context.update({
        "old": old, "new": new, "comparison": comparison, "rows": rows,
        "counts": [(ChangeKind.LABELS[k], comparison.counts.get(k, 0), k)
                   for k in ChangeKind.PRIORITY],
        "staff_affected": comparison.staff_affected,
        "old_date_text": danish_date(old.effective_date),
        "new_date_text": danish_date(new.effective_date),
        "old_moment_text": pdf_renderer.moment_text(data_moment(old)),
        "changed_only": False,
    })
    return context


def compare_pdf(old: Structure, new: Structure, user, *, changed_only: bool = False) -> bytes:
    context = compare_context(old, new, user)
    if changed_only:
        context["rows"] = [r for r in context["rows"] if r["changed"]]
        context["changed_only"] = True
    return pdf_renderer.render_pdf("units/pdf_compare.html", context)


# --- placement notices --------------------------------------------------------------


@dataclass(frozen=True)
class Notice:
    """What one unit of the structure in force is told about the new structure."""

    unit: UnitNode
    path: tuple[UnitNode, ...]
    placements: tuple[selectors.Placement, ...]

    @property
    def closed(self) -> bool:
        return not self.placements

    @property
    def split(self) -> bool:
        return len(self.placements) > 1


def check_notices_allowed(structure: Structure, old: Structure | None = None) -> Structure:
    """Notices are sent about a structure that is decided (approved or published) to the
    units of an earlier structure it descends from (its basis by default). Returns that
    earlier structure."""
    if not lifecycle.prints_notices(structure.status):
        raise ValidationError(
            "Orienteringer kan kun laves for en vedtaget eller udmeldt organisering; "
            f"{structure.name} er {structure.get_status_display().lower()}."
        )
    old = old or structure.based_on
    if old is None:
        raise ValidationError(
            "Organiseringen bygger ikke på en tidligere organisering, så der er ingen "
            "enheder at orientere."
        )
    if old.pk == structure.pk or not lineage.structure_chain(structure, old):
        raise ValidationError(
            f"{structure.name} bygger ikke på {old.name}, så enhederne derfra kan ikke "
            "orienteres om den."
        )
    return old


def notices(structure: Structure, *, old: Structure | None = None,
            unit_ids: Sequence[int] | None = None) -> list[Notice]:
    """A notice for every unit of the earlier structure `old` (the basis by default; the
    units may pass through structures in between, as in Aarhus's two steps), or for the
    given ones of them: where it goes in `structure`, with shares when it is split; a closed
    unit gets a notice too. A fixed number of queries: the comparison gives every unit's
    successors at once."""
    old = check_notices_allowed(structure, old)
    comparison = selectors.compare(old, structure)
    new_by_id = {n.id: n for n in comparison.new_tree}
    old_by_id = {n.id: n for n in comparison.old_tree}
    wanted = set(unit_ids) if unit_ids is not None else None
    result = []
    for old_node in comparison.old_tree:
        if wanted is not None and old_node.id not in wanted:
            continue
        change = comparison.old_changes[old_node.id]
        placements = []
        for link, people in zip(change.successors, change.staff_moving(), strict=True):
            new_node = link.unit
            kinds = changes.line_kinds(change.kinds, comparison.new_changes[new_node.id].kinds)
            placements.append(selectors.Placement(
                new_node, link.share.quantize(Decimal("0.01")), _path(new_node, new_by_id),
                kinds, people,
            ))
        result.append(Notice(old_node, _path(old_node, old_by_id), tuple(placements)))
    return result


def _path(node: UnitNode, by_id: dict[int, UnitNode]) -> tuple[UnitNode, ...]:
    path = []
    parent = by_id.get(node.parent_id) if node.parent_id else None
    while parent is not None:
        path.append(parent)
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return tuple(reversed(path))


def notice_context(structure: Structure, user, items: list[Notice], *,
                   old: Structure | None = None) -> dict:
    context = structure_context(structure, user)
    context.update({
        "structure": structure,
        "old": old or structure.based_on,
        "notices": [_notice_view(n) for n in items],
        "effective_date_text": danish_date(structure.effective_date),
        "notice_text_paragraphs": [p.strip() for p in structure.notice_text.split("\n\n")
                                   if p.strip()],
    })
    return context


def _notice_view(notice: Notice) -> dict:
    return {
        "notice": notice,
        "unit": notice.unit,
        "path": " › ".join(p.name for p in notice.path),
        "placements": [
            {
                "unit": p.unit,
                "path": " › ".join(a.name for a in p.path),
                "share": share_text(p.share),
                "headcount": p.staff,
                "kind_label": p.kind_label,
                "leader": " ".join(x for x in (p.unit.leader_title, p.unit.leader_name) if x),
                "parent_leader": (" ".join(x for x in (p.path[-1].leader_title,
                                                       p.path[-1].leader_name) if x)
                                  if p.path else ""),
            }
            for p in notice.placements
        ],
    }


def notices_pdf(structure: Structure, user, *, old: Structure | None = None,
                unit_ids: Sequence[int] | None = None) -> bytes:
    """All notices in one PDF, each starting on a new page."""
    items = notices(structure, old=old, unit_ids=unit_ids)
    if not items:
        raise ValidationError("Der er ingen enheder at orientere.")
    return pdf_renderer.render_pdf("units/pdf_notices.html",
                                   notice_context(structure, user, items, old=old))


def notice_filename(notice: Notice) -> str:
    base = notice.unit.code or str(notice.unit.id)
    name = "".join(ch if ch.isalnum() else "-" for ch in notice.unit.name)[:60].strip("-")
    return f"orientering-{base}-{name}.pdf"


def notices_zip(structure: Structure, user, *, old: Structure | None = None,
                progress: Callable[[int, int, Notice], None] | None = None) -> bytes:
    """A zip with one notice PDF per unit (for mail merge or the intranet), each with its
    own "side 1 af 1". `progress` is called after each PDF with (done, total, notice).

    All notices are laid out once, as one document, and each one-page notice is written out
    as a PDF of its own page: laying out a document has a large fixed cost (the style
    cascade), so this is many times faster than one layout per unit. A notice that runs
    over one page is laid out on its own, so that its footer counts its own pages."""
    items = notices(structure, old=old)
    if not items:
        raise ValidationError("Der er ingen enheder at orientere.")
    context = notice_context(structure, user, items, old=old)
    context["per_notice_paging"] = True
    document = pdf_renderer.render_document("units/pdf_notices.html", context)
    starts: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("notice-"):
                starts.setdefault(int(anchor.removeprefix("notice-")), index)
    firsts = [starts[n.unit.id] for n in items]
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, notice in enumerate(items, start=1):
            first = firsts[done - 1]
            last = firsts[done] if done < len(items) else len(document.pages)
            if last - first == 1:
                data = document.copy([document.pages[first]]).write_pdf()
            else:
                single = {**context, "notices": [_notice_view(notice)],
                          "per_notice_paging": False}
                data = pdf_renderer.render_pdf("units/pdf_notices.html", single)
            name = notice_filename(notice)
            while name in used:
                name = name.removesuffix(".pdf") + "-1.pdf"
            used.add(name)
            archive.writestr(name, data)
            if progress:
                progress(done, len(items), notice)
    return buffer.getvalue()
