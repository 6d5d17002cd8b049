"""The org chart drawn once for the formats that place every shape themselves (PowerPoint,
SVG): each page of the PDF's pagination as boxes with their texts, colours and badges, one
connector per parent–child edge, the header, legend, stamp and footer, all in millimetres on
the sheet.

Positions come from units.printing.paginate and layout, exactly as the PDF's; nothing here
lays out the tree again. The PDF (an HTML template) draws the same pages, so the texts here
say what the template says (tests hold the three together).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from orgreg import pdf as pdf_renderer
from orgreg.text import counted, danish_date

from ..changes import PALETTE
from .chart import ChartUnit
from .edges import PageLines, Route, route
from .layout import Item
from .measure import META_PT, NAME_PT, fonts
from .org_chart import OrgChart
from .paginate import (
    HEADER_CONT,
    HEADER_FIRST,
    HEADER_TEXT,
    MARGIN_BOTTOM,
    MARGIN_SIDE,
    MARGIN_TOP,
    PAPER,
)

# The box colours of static/css/pdf.css (.cat-*, .box-stub, .box-cont; a test holds them
# together), the lines' and the muted text's colour.
CATEGORY_FILL = {"drift": "#e3f0e6", "administration": "#e7ecf8", "stab": "#f7ecd9",
                 "myndighed": "#f3e3ee", "": "#ffffff"}
REFERENCE_FILL = "#f6f8fa"
LINE_COLOUR = "#5b6572"
TEXT_COLOUR = "#1d2530"
MUTED = "#5b6572"
FOOTER_COLOUR = "#444444"
STAMP_COLOUR = "#a3261b"
STAMP_OPACITY = 0.13
# The font the PDF embeds, and what PowerPoint and a browser fall back to without it: both
# have the Danish letters.
FONT = "DejaVu Sans"
FALLBACK_FONT = "Arial"
# Sizes of the sheet's texts (pt), as in pdf.css.
TITLE_PT, HEADER_TEXT_PT, SMALL_PT, CONT_PT = 13.0, 10.0, 8.0, 9.0
FOOTER_PT, PAGE_NUMBER_PT, CONFIDENTIAL_PT, STAMP_PT = 7.0, 7.5, 8.0, 72.0
BADGE_PT = 5.5
LINE_MM = 0.25  # connectors
BORDER_MM = 0.3  # box edges
RADIUS_MM = 0.8


@dataclass(frozen=True)
class Text:
    """A run of text: what it says, bold or not, its size (pt) and colour."""

    text: str
    bold: bool = False
    size: float = META_PT
    colour: str = TEXT_COLOUR


@dataclass(frozen=True)
class Line:
    """A text placed on the sheet: its top (mm) and its lines as wrapped to the width."""

    text: Text
    y: float
    lines: tuple[str, ...]

    @property
    def height(self) -> float:
        return len(self.lines) * line_height(self.text.size, 1.35)


@dataclass(frozen=True)
class Mark:
    """A change badge: a small pill in the kind's colour (units.changes.PALETTE)."""

    kind: str
    label: str
    x: float
    y: float
    w: float
    h: float
    fill: str
    colour: str


@dataclass
class Box:
    """A box on a sheet, in mm from the sheet's top left corner: a unit drawn in full
    (`kind` "box"), a continuation box for a subtree on a later page ("stub") or the head of
    a continued page ("cont")."""

    kind: str
    unit: ChartUnit
    x: float
    y: float
    w: float
    h: float
    texts: list[Text]
    fill: str
    border: str  # "solid", "dashed" or "dotted"
    marks: list[Mark] = field(default_factory=list)
    page_ref: int | None = None  # the page a stub continues on, a "cont" box comes from

    @property
    def unit_id(self) -> int:
        return self.unit.id

    @property
    def label(self) -> str:
        """The box's text as one string (a shape's name, an SVG title)."""
        return " · ".join(t.text for t in self.texts)


@dataclass
class Edge:
    """The connector from a parent's box to a child's box, on a sheet (mm)."""

    parent: Box
    child: Box
    route: Route  # in sheet millimetres


@dataclass
class Sheet:
    """One page of the chart: its header texts, boxes and connectors."""

    number: int
    header: list[Line]
    boxes: list[Box]
    edges: list[Edge]


@dataclass(frozen=True)
class Swatch:
    """A legend entry: a category's colour (`fill`) or a badge (`mark`), and its label."""

    label: str
    fill: str = ""
    mark: Mark | None = None
    x: float = 0.0
    w: float = 0.0


@dataclass
class Drawing:
    """The whole chart as the non-HTML formats draw it (sizes in mm)."""

    width: float
    height: float
    document_title: str
    sheets: list[Sheet]
    legend: list[Swatch]
    legend_y: float
    footer: list[Line]
    stamp: str
    confidential: str

    @property
    def page_count(self) -> int:
        return len(self.sheets)

    def page_number_text(self, number: int) -> str:
        return f"side {number} af {self.page_count}"

    @property
    def content_w(self) -> float:
        return self.width - 2 * MARGIN_SIDE


def line_height(size_pt: float, spacing: float = 1.25) -> float:
    return size_pt * spacing * 25.4 / 72


def text_width(text: Text) -> float:
    bold, regular = fonts()
    return (bold if text.bold else regular).width(text.text, text.size)


def draw(chart: OrgChart) -> Drawing:
    """The Drawing of a paged chart (units.printing.org_chart's answer)."""
    ctx = chart.context
    width, height = PAPER[ctx["options"].page_size]
    if ctx["options"].orientation == "landscape":
        width, height = height, width
    first_header = HEADER_FIRST + (HEADER_TEXT if ctx["header_text"] else 0)
    total = len(chart.pages)
    content_w = width - 2 * MARGIN_SIDE
    first = _stack(_first_header(ctx, total), MARGIN_TOP, content_w)
    sheets = []
    for page in chart.pages:
        top = MARGIN_TOP + (first_header if page.number == 1 else HEADER_CONT)
        header = first if page.number == 1 else _stack(_cont_header(page), MARGIN_TOP,
                                                       content_w, max_lines=1)
        boxes = {id(i): _box(i, MARGIN_SIDE, top) for i in page.items if i.kind != "line"}
        sheets.append(Sheet(page.number, header, list(boxes.values()),
                            _edges(page.items, boxes, MARGIN_SIDE, top)))
    legend_y = first[-1].y + first[-1].height + 1.0
    footer_y = height - MARGIN_BOTTOM + 2.0
    footer = _stack(_footer(ctx), footer_y, content_w * 0.8, gap=0.0, spacing=1.3)
    return Drawing(
        width=width, height=height, document_title=_title(ctx), sheets=sheets,
        legend=_legend(ctx, legend_y), legend_y=legend_y, footer=footer,
        stamp=ctx.get("pdf_stamp", ""),
        confidential=(f"Fortroligt indtil {danish_date(ctx['pdf_confidential_until'])}"
                      if ctx.get("pdf_confidential_until") else ""),
    )


def _stack(texts: list[Text], y: float, width: float, *, gap: float = 1.0,
           spacing: float = 1.35, max_lines: int = 2) -> list[Line]:
    """Texts one under the other from `y`, each wrapped to `width` (at most `max_lines`
    lines: the PDF's header cuts off what does not fit, too)."""
    bold, regular = fonts()
    placed = []
    for text in texts:
        lines = (bold if text.bold else regular).wrap(text.text, text.size, width)[:max_lines]
        line = Line(text, y, tuple(lines))
        placed.append(line)
        y += len(lines) * line_height(text.size, spacing) + gap
    return placed


def _title(ctx: dict) -> str:
    subtree = ctx["subtree"]
    return "Organisationsdiagram: " + (f"{subtree.name} · " if subtree else "") + ctx["title"]


def _first_header(ctx: dict, pages: int) -> list[Text]:
    """The first page's header, as templates/units/pdf_org_chart.html writes it."""
    options = ctx["options"]
    meta = [f"Gældende fra {ctx['effective_date_text']}",
            f"{counted(ctx['unit_count'], 'enhed', 'enheder')} vist"]
    if options.max_depth is not None:
        meta.append(f"{counted(options.max_depth, 'niveau', 'niveauer')} under toppen")
    if ctx["recorded_at_text"]:
        meta.append(f"Som registreret {ctx['recorded_at_text']}")
    if ctx["based_on"]:
        meta.append(f"Mærker viser ændringer i forhold til {ctx['based_on'].name}")
    if pages > 1:
        meta.append(counted(pages, "side", "sider"))
    if ctx["left_out_count"]:
        meta.append(f"{counted(ctx['left_out_count'], 'enhed', 'enheder')} ikke med "
                    f"(højst {counted(ctx['max_pages'], 'side', 'sider')})")
    texts = [Text(_title(ctx), True, TITLE_PT)]
    if ctx["header_text"]:
        texts.append(Text(ctx["header_text"], True, HEADER_TEXT_PT))
    texts.append(Text(" · ".join(meta), False, SMALL_PT, MUTED))
    return texts


def _cont_header(page) -> list[Text]:
    """A later page's header: its top unit, where it came from, the path above it."""
    parts = [page.top.node.name]
    if page.continued_from:
        parts.append(f"fortsat fra side {page.continued_from}")
    if page.left_out:
        parts.append(f"{counted(page.left_out, 'enhed', 'enheder')} herunder ikke med i "
                     "udskriften")
    texts = [Text(" · ".join(parts), True, CONT_PT)]
    if page.path:
        texts.append(Text(" › ".join(page.path), False, SMALL_PT, MUTED))
    return texts


def _footer(ctx: dict) -> list[Text]:
    """The PDF's footer (templates/pdf/_footer.html): whose, which, the data moment, who
    printed it when."""
    first = ctx["pdf_organisation"]
    if ctx["pdf_structure"]:
        first += f" · {ctx['pdf_structure']}"
        if ctx["pdf_structure_status"]:
            first += f" ({ctx['pdf_structure_status'].lower()})"
    moment = pdf_renderer.moment_text(ctx.get("pdf_data_moment"))
    if moment:
        first += f" · Data pr. {moment}"
    second = f"Udskrevet {pdf_renderer.moment_text(ctx.get('pdf_generated_at'))}"
    if ctx.get("pdf_generated_by"):
        second += f" af {ctx['pdf_generated_by']}"
    if ctx.get("pdf_confidential_until"):
        second += (" · Fortroligt indtil "
                   f"{danish_date(ctx['pdf_confidential_until'])}")
    return [Text(first, False, FOOTER_PT, FOOTER_COLOUR),
            Text(second, False, FOOTER_PT, FOOTER_COLOUR)]


def _legend(ctx: dict, y: float) -> list[Swatch]:
    """The categories shown and the badges used, placed in a row from the left margin."""
    entries: list[Swatch] = []
    x = MARGIN_SIDE
    gap = 2.0
    for value, label in ctx["legend_categories"]:
        w = 3.0 + 1.0 + text_width(Text(label, size=SMALL_PT))
        entries.append(Swatch(label, fill=CATEGORY_FILL.get(value or "", "#ffffff"), x=x, w=w))
        x += w + gap
    for kind, label in ctx["legend_badges"]:
        mark = _mark(kind, label, x, y, META_PT)
        entries.append(Swatch(label, mark=mark, x=x, w=mark.w))
        x += mark.w + gap
    return entries


def _mark(kind: str, label: str, x: float, y: float, size: float = BADGE_PT) -> Mark:
    fill, colour = PALETTE.get(kind, PALETTE["continued"])
    w = text_width(Text(label, True, size)) + 2.0
    return Mark(kind, label, x, y, w, line_height(size, 1.3), fill, colour)


def _box(item: Item, dx: float, dy: float) -> Box:
    unit = item.unit
    assert unit is not None
    n = unit.node
    x, y = item.x + dx, item.y + dy
    if item.kind == "stub":
        where = (f"fortsætter på side {item.page_ref}" if item.page_ref
                 else "ikke med i udskriften")
        texts = [Text(n.name, True, NAME_PT), Text(where, True), Text(unit.stub_detail)]
        return Box("stub", unit, x, y, item.w, item.h, texts, REFERENCE_FILL, "dashed",
                   page_ref=item.page_ref)
    if item.kind == "cont":
        texts = [Text(n.name, True, NAME_PT), Text(f"fortsat fra side {item.page_ref}")]
        return Box("cont", unit, x, y, item.w, item.h, texts, REFERENCE_FILL, "dotted",
                   page_ref=item.page_ref)
    texts = []
    for index, (text, is_name) in enumerate(unit.box_texts()):
        if text:
            texts.append(Text(text, is_name, NAME_PT if is_name else META_PT,
                              MUTED if index == 4 else TEXT_COLOUR))
    box = Box("box", unit, x, y, item.w, item.h, texts,
              CATEGORY_FILL.get(n.category or "", "#ffffff"), "solid")
    # The badges overlap the box's top edge at its right, as in the PDF.
    right = x + item.w - 1.5
    for kind, label in reversed(unit.badges):
        mark = _mark(kind, label, 0.0, y - 1.9)
        mark = Mark(kind, label, right - mark.w, mark.y, mark.w, mark.h, mark.fill, mark.colour)
        box.marks.insert(0, mark)
        right -= mark.w + 0.6
    return box


def _edges(items: list[Item], boxes: dict[int, Box], dx: float, dy: float) -> list[Edge]:
    """A connector for every unit on the page whose parent is on the page too (the head of a
    continued page stands for its unit)."""
    lines = PageLines(items)
    heads = {i.unit.id: i for i in items if i.kind in ("box", "cont") and i.unit is not None}
    exits: dict[int, float | None] = {}
    result = []
    for item in items:
        if item.kind not in ("box", "stub") or item.unit is None:
            continue
        parent = heads.get(item.unit.node.parent_id) if item.unit.node.parent_id else None
        if parent is None:
            continue
        if id(parent) not in exits:
            exits[id(parent)] = lines.leaving(parent)
        path = route(parent, item, lines, exit_x=exits[id(parent)])
        moved = Route(tuple((px + dx, py + dy) for px, py in path.points),
                            path.start_site, path.end_site, path.hidden,
                            path.parent_bottom + dy)
        result.append(Edge(boxes[id(parent)], boxes[id(item)], moved))
    return result
