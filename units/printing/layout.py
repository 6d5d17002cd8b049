"""The org chart laid out in millimetres: items (boxes and lines), blocks of subtrees, and the
layout of one page.

WeasyPrint cannot split a tree drawing across pages by itself, so the chart is laid out here,
and the template only places absolutely positioned boxes and lines. A subtree is drawn in one
of two ways:

* a unit whose shown children are all leaves gets them *stacked* under it in one narrow
  column (several columns side by side when the stack would be taller than a page);
* otherwise its children (the leaves gathered into a stack column first) stand *side by side*
  under it, wrapping into further rows when they are wider than the page.

Staff units (units.staff) hang beside the line, in a band between the unit and the rest of
its children: a short side branch off its vertical connector, right and left in turn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..staff import beside_the_line
from .chart import ChartUnit
from .measure import BOX_W

# Gaps and indents between boxes (mm); the box itself is sized in .measure.
H_GAP = 5.0
V_GAP = 8.0
STACK_INDENT = 5.0
STACK_GAP = 2.5
ROW_INDENT = 5.0
# A staff box's side branch off its parent's connector, and the gaps around the staff band.
SIDE_BRANCH = 4.0
STAFF_GAP = 3.0


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
    """A laid-out subtree: its size, its items relative to its top left corner, and where a
    connector from above meets it."""

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
        """The block of `unit`'s subtree at most `max_w` wide, with `stubbed` subtrees drawn as
        continuation boxes; on a "fortsat" page only `children` of it under `head`.

        Built bottom-up with an explicit stack, not by recursion: a chain thousands of levels
        deep must not reach Python's recursion limit."""
        ranges = self._stubbed_ranges(stubbed)

        def whole(u: ChartUnit) -> bool:
            return not any(u.node.lft < s_lft and s_rght < u.node.rght for s_lft, s_rght in ranges)

        top_whole = head is None and children is None and whole(unit)
        if top_whole and (unit.id, max_w) in self._whole:
            return self._whole[(unit.id, max_w)]
        blocks: dict[int, Block] = {}
        # (unit, width, its children are laid out already)
        stack: list[tuple[ChartUnit, float, bool]] = [(unit, max_w, False)]
        while stack:
            u, width, ready = stack.pop()
            is_top = u is unit
            kids = children if is_top and children is not None else u.children
            if not ready:
                stack.append((u, width, True))
                child_w = max(width - ROW_INDENT, BOX_W + STACK_INDENT)
                for c in kids:
                    if not c.children or c.id in stubbed:
                        continue
                    cached = self._whole.get((c.id, child_w)) if whole(c) else None
                    if cached is not None:
                        blocks[c.id] = cached
                    else:
                        stack.append((c, child_w, False))
                continue
            block = self._combine(u, stubbed, width, kids, head if is_top else None, blocks)
            if (top_whole if is_top else whole(u)):
                self._whole[(u.id, width)] = block
            blocks[u.id] = block
        return blocks[unit.id]

    def _stubbed_ranges(self, stubbed: set[int]) -> list[tuple[int, int]]:
        key = frozenset(stubbed)
        if getattr(self, "_ranges_key", None) != key:
            self._ranges_key = key
            self._ranges = [(u.node.lft, u.node.rght) for u in self.units_by_id(stubbed)]
        return self._ranges

    def units_by_id(self, ids: set[int]) -> list[ChartUnit]:
        return [self.index[i] for i in ids]

    def _combine(self, unit: ChartUnit, stubbed: set[int], max_w: float,
                 kids: Sequence[ChartUnit], head: Item | None, blocks: dict[int, Block]
                 ) -> Block:
        """One unit's block from its children's blocks (`blocks`, by unit id)."""
        head = head or Item("box", 0, 0, BOX_W, unit.box_h, unit)
        staff = [c for c in kids if c.id not in stubbed
                 and beside_the_line(c.node.category, bool(c.children))]
        if staff:
            line = [c for c in kids if c not in staff]
            block = self._line_block(head, stubbed, max_w, line, blocks)
            return self._with_staff(block, staff, has_line=bool(line))
        return self._line_block(head, stubbed, max_w, kids, blocks)

    def _line_block(self, head: Item, stubbed: set[int], max_w: float,
                    kids: Sequence[ChartUnit], blocks: dict[int, Block]) -> Block:
        """The head over the children in its line (everything but the staff beside it)."""
        if not kids:
            return Block(BOX_W, head.h, [head], BOX_W / 2)
        leaves = [c for c in kids if not c.children]
        branches = [c for c in kids if c.children]
        columns = self._stack_columns(leaves)
        if not branches:
            return self._stacked(head, columns)
        parts = [self._stack_block(col) for col in columns]
        for child in branches:
            parts.append(self.stub(child) if child.id in stubbed else blocks[child.id])
        return self._rows(head, parts, max_w)

    # -- staff beside the line

    def _with_staff(self, block: Block, staff: list[ChartUnit], *, has_line: bool) -> Block:
        """`block` (its head first) with a band of staff boxes under the head, each on a side
        branch off the connector that runs from the head down to the line below."""
        head = block.items[0]
        trunk_x = head.x + BOX_W / 2
        if has_line:
            # The line's connector leaves the head's bottom edge: a bus from its middle, or
            # a trunk near its left edge (stacks and wrapped rows).
            trunk_x = next(i.x for i in block.items
                           if i.kind == "line" and i.w == 0 and abs(i.y - head.h) < 0.01
                           and head.x <= i.x <= head.x + BOX_W)
        # Under a bus from the head's middle, right and left in turn; beside a trunk at the
        # head's left edge (whose line is a column under it), in one column right of the
        # head, so a staff box is not read as one of the column.
        centred = abs(trunk_x - (head.x + BOX_W / 2)) < 0.01
        right_x = trunk_x + SIDE_BRANCH if centred else head.x + BOX_W + SIDE_BRANCH
        per_row = 2 if centred else 1
        items: list[Item] = []
        y = head.h + STAFF_GAP
        last_branch = y
        for first in range(0, len(staff), per_row):
            pair = staff[first:first + per_row]
            height = max(u.box_h for u in pair)
            for side, unit in zip((1, -1), pair, strict=False):
                x = right_x if side > 0 else trunk_x - SIDE_BRANCH - BOX_W
                items.append(Item("box", x, y, BOX_W, unit.box_h, unit))
                last_branch = y + min(unit.box_h / 2, 4.0)
                items.append(_hline(trunk_x, x if side > 0 else x + BOX_W, last_branch))
            y += height + STACK_GAP
        band = y - STACK_GAP + STAFF_GAP - head.h
        items.append(_vline(trunk_x, head.h, head.h + band if has_line else last_branch))
        moved = [head] + [Item(i.kind, i.x, i.y + band, i.w, i.h, i.unit, i.page_ref)
                          for i in block.items[1:]]
        everything = moved + items
        shift = max(0.0, -min(i.x for i in everything))
        if shift:
            everything = [Item(i.kind, i.x + shift, i.y, i.w, i.h, i.unit, i.page_ref)
                          for i in everything]
        width = max(block.w + shift, max(i.x + i.w for i in everything))
        height = block.h + band if has_line else max(i.y + i.h for i in everything)
        return Block(width, height, everything, block.anchor + shift)

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
