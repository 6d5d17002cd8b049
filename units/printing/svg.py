"""The org chart as one SVG file: the PDF's pages one under the other on one tall drawing.

Why pages, and not the whole tree in one drawing: the pages are the PDF's own layout (one
layout, computed once, drawn three ways), so the file shows what the PDF and the PowerPoint
show and every "fortsætter på side N" still points somewhere (here a link to that page's
sheet); a whole forvaltning in one drawing would be metres wide and would need a second,
unbounded layout. A page is a group ``<g class="page" id="side-N">``, a unit's box a group
``<g class="unit" data-unit="…">`` with its texts, and each parent–child edge one
``<path class="edge" data-parent="…" data-child="…">`` along the PDF's lines.

Styling is presentation attributes only (no ``<style>``, no ``style=``, no script), so the file
keeps to the Content-Security-Policy wherever it is opened; every text is escaped.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from .drawing import (
    BORDER_MM,
    FALLBACK_FONT,
    FONT,
    LINE_COLOUR,
    LINE_MM,
    RADIUS_MM,
    STAMP_COLOUR,
    STAMP_OPACITY,
    STAMP_PT,
    Box,
    Drawing,
    Line,
    Mark,
    Sheet,
    Text,
    line_height,
)
from .measure import BOX_BORDER, BOX_PAD, LINE_HEIGHT, MM_PER_PT, WRAP_W, fonts
from .paginate import MARGIN_SIDE, MARGIN_TOP
from .slides import xml_text

CONTENT_TYPE = "image/svg+xml"
SHEET_GAP = 8.0  # mm between two pages
_ASCENT, _CONTENT = 0.928, 1.164  # DejaVu Sans: ascent and ascent + descent, in em
_DASH = {"solid": "", "dashed": "1.2 0.8", "dotted": "0.3 0.6"}


def _n(value: float) -> str:
    """A coordinate: two decimals, never localised, no trailing zeros."""
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def _attr(value: str) -> str:
    return quoteattr(xml_text(value))


def _text(value: str) -> str:
    return escape(xml_text(value))


def chart_svg(drawing: Drawing) -> bytes:
    """The chart of `drawing` as the bytes of one .svg file."""
    total_h = drawing.page_count * drawing.height + (drawing.page_count - 1) * SHEET_GAP
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" version="1.1" '
        f'width="{_n(drawing.width)}mm" height="{_n(total_h)}mm" '
        f'viewBox="0 0 {_n(drawing.width)} {_n(total_h)}" '
        f'font-family={_attr(f"{FONT}, {FALLBACK_FONT}, sans-serif")} '
        f'role="img" aria-labelledby="chart-title">\n',
        f'<title id="chart-title">{_text(drawing.document_title)}</title>\n',
        f"<desc>{_text(drawing.footer[0].text.text)}</desc>\n",
    ]
    for index, sheet in enumerate(drawing.sheets):
        out.append(_sheet(drawing, sheet, index * (drawing.height + SHEET_GAP)))
    out.append("</svg>\n")
    return "".join(out).encode("utf-8")


def _sheet(drawing: Drawing, sheet: Sheet, offset: float) -> str:
    out = [f'<g class="page" id="side-{sheet.number}" data-page="{sheet.number}" '
           f'transform="translate(0 {_n(offset)})">\n',
           f'<rect class="sheet" x="0" y="0" width="{_n(drawing.width)}" '
           f'height="{_n(drawing.height)}" fill="#ffffff" stroke="#c9d0d8" '
           'stroke-width="0.3"/>\n']
    for line in sheet.header:
        out.append(_line(line, MARGIN_SIDE))
    if sheet.number == 1:
        out.append(_legend(drawing))
    out.append('<g class="edges" fill="none" '
               f'stroke="{LINE_COLOUR}" stroke-width="{_n(LINE_MM)}">\n')
    for edge in sheet.edges:
        d = "M" + "L".join(f"{_n(x)} {_n(y)}" for x, y in edge.route.visible)
        out.append(f'<path class="edge" data-parent="{edge.parent.unit_id}" '
                   f'data-child="{edge.child.unit_id}" d="{d}"/>\n')
    out.append("</g>\n")
    for box in sheet.boxes:
        out.append(_box(box))
    for line in drawing.footer:
        out.append(_line(line, MARGIN_SIDE))
    first = drawing.footer[0]
    number = Line(Text(drawing.page_number_text(sheet.number), size=7.5,
                       colour=first.text.colour), first.y, ())
    out.append(_single(number.text, drawing.width - MARGIN_SIDE, first.y, 1.3,
                       anchor="end"))
    if drawing.confidential:
        out.append(_single(Text(drawing.confidential, True, 8.0, STAMP_COLOUR),
                           drawing.width - MARGIN_SIDE, MARGIN_TOP - 8, 1.35, anchor="end"))
    if drawing.stamp:
        size = STAMP_PT * MM_PER_PT
        out.append(f'<text class="stamp" x="{_n(drawing.width / 2)}" '
                   f'y="{_n(drawing.height * 0.4 + _baseline(STAMP_PT, 1.2))}" '
                   f'font-size="{_n(size)}" font-weight="bold" letter-spacing="3" '
                   f'text-anchor="middle" fill="{STAMP_COLOUR}" '
                   f'fill-opacity="{STAMP_OPACITY}">{_text(drawing.stamp)}</text>\n')
    out.append("</g>\n")
    return "".join(out)


def _baseline(size_pt: float, spacing: float) -> float:
    """From a line's top to its baseline (mm), the line box `spacing` em high."""
    size = size_pt * MM_PER_PT
    return (spacing * size - _CONTENT * size) / 2 + _ASCENT * size


def _font(text: Text) -> str:
    bold = ' font-weight="bold"' if text.bold else ""
    return f'font-size="{_n(text.size * MM_PER_PT)}"{bold} fill="{text.colour}"'


def _single(text: Text, x: float, y: float, spacing: float, *, anchor: str = "") -> str:
    anchor_attr = f' text-anchor="{anchor}"' if anchor else ""
    return (f'<text x="{_n(x)}" y="{_n(y + _baseline(text.size, spacing))}" {_font(text)}'
            f"{anchor_attr}>{_text(text.text)}</text>\n")


def _line(line: Line, x: float) -> str:
    step = line_height(line.text.size, 1.35)
    return "".join(_single(Text(part, line.text.bold, line.text.size, line.text.colour),
                           x, line.y + i * step, 1.35) for i, part in enumerate(line.lines))


def _legend(drawing: Drawing) -> str:
    y = drawing.legend_y
    out = ['<g class="legend">\n']
    for entry in drawing.legend:
        if entry.mark is not None:
            m = entry.mark
            out.append(_mark(Mark(m.kind, m.label, entry.x, y, m.w, m.h, m.fill, m.colour),
                             6.5))
            continue
        out.append(f'<rect x="{_n(entry.x)}" y="{_n(y + 0.4)}" width="3" height="2.4" '
                   f'fill="{entry.fill}" stroke="#8a94a3" stroke-width="0.2"/>\n')
        out.append(_single(Text(entry.label, size=8.0), entry.x + 4.0, y - 0.6, 1.35))
    out.append("</g>\n")
    return "".join(out)


def _mark(mark: Mark, size_pt: float = 5.5) -> str:
    return (f'<g class="badge" data-kind="{mark.kind}">'
            f'<rect x="{_n(mark.x)}" y="{_n(mark.y)}" width="{_n(mark.w)}" '
            f'height="{_n(mark.h)}" rx="0.8" fill="{mark.fill}"/>'
            f'<text x="{_n(mark.x + mark.w / 2)}" y="{_n(mark.y + _baseline(size_pt, 1.3))}" '
            f'font-size="{_n(size_pt * MM_PER_PT)}" font-weight="bold" fill="{mark.colour}" '
            f'text-anchor="middle">{_text(mark.label)}</text></g>\n')


def _box(box: Box) -> str:
    dash = _DASH[box.border]
    dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
    out = [f'<g class="unit" data-unit="{box.unit_id}" data-kind="{box.kind}">'
           f"<title>{_text(box.label)}</title>"
           f'<rect x="{_n(box.x)}" y="{_n(box.y)}" width="{_n(box.w)}" height="{_n(box.h)}" '
           f'rx="{_n(RADIUS_MM)}" fill="{box.fill}" stroke="{LINE_COLOUR}" '
           f'stroke-width="{_n(BORDER_MM)}"{dash_attr}/>\n']
    bold, regular = fonts()
    x = box.x + BOX_PAD + BOX_BORDER
    y = box.y + BOX_PAD + BOX_BORDER
    for text in box.texts:
        step = line_height(text.size, LINE_HEIGHT)
        for part in (bold if text.bold else regular).wrap(text.text, text.size, WRAP_W):
            out.append(_single(Text(part, text.bold, text.size, text.colour), x, y,
                               LINE_HEIGHT))
            y += step
    for mark in box.marks:
        out.append(_mark(mark))
    out.append("</g>\n")
    group = "".join(out)
    if box.kind == "stub" and box.page_ref:
        return f'<a href="#side-{box.page_ref}">{group}</a>\n'
    return group
