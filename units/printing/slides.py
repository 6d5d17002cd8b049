"""The org chart as a PowerPoint deck (python-pptx): one slide per page of the PDF, each unit a
rounded rectangle with its text, each parent–child edge an elbow connector fixed to the two
boxes' connection sites, so a consultant can move, restyle and retype the chart in
PowerPoint. Everything is placed from a units.printing.drawing.Drawing: the PDF's positions.

python-pptx writes a connector's end points but knows no rotation; an elbow that leaves a box
downwards is PowerPoint's bent connector turned a quarter (that is how PowerPoint itself
stores one), so the geometry is written here: `_bent`.
"""

from __future__ import annotations

import io
import re

from django.utils import timezone
from lxml import etree
from pptx import Presentation
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu

from .drawing import (
    BORDER_MM,
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
    Text,
    line_height,
)
from .edges import EPS
from .measure import BOX_BORDER, BOX_PAD, LINE_HEIGHT
from .paginate import MARGIN_SIDE, MARGIN_TOP

EMU_PER_MM = 36000
CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# DejaVu Sans's PANOSE number and "swiss, variable pitch": where DejaVu Sans is not installed,
# PowerPoint substitutes a font of the same family and pitch (Arial).
_PANOSE, _PITCH_FAMILY = "020B0603030804020204", "34"
_BLANK_LAYOUT = 6
# Characters XML 1.0 cannot hold (C0 controls but tab, newline, carriage return; lone
# surrogates; U+FFFE/U+FFFF): dropped, so a name with one still makes a file that opens.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(text: str) -> str:
    return _NOT_XML.sub("", text)


def emu(mm: float) -> Emu:
    return Emu(round(mm * EMU_PER_MM))


def chart_pptx(drawing: Drawing) -> bytes:
    """The deck of `drawing`, as the bytes of a .pptx file."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = emu(drawing.width), emu(drawing.height)
    properties = deck.core_properties
    properties.title = xml_text(drawing.document_title)
    properties.author = properties.last_modified_by = "orgreg"
    properties.subject = xml_text(drawing.footer[0].text.text)
    properties.created = properties.modified = timezone.now().replace(tzinfo=None)
    properties.revision = 1
    layout = deck.slide_layouts[_BLANK_LAYOUT]
    slides = [deck.slides.add_slide(layout) for _ in drawing.sheets]
    for sheet, slide in zip(drawing.sheets, slides, strict=True):
        shapes = slide.shapes
        for line in sheet.header:
            _text_box(shapes, line, MARGIN_SIDE, drawing.content_w, name="Overskrift")
        if sheet.number == 1:
            _legend(shapes, drawing)
        ids = {}
        for box in sheet.boxes:
            shape = _box(shapes, box)
            ids[id(box)] = shape.shape_id
            if box.kind == "stub" and box.page_ref:
                shape.click_action.target_slide = slides[box.page_ref - 1]
            for mark in box.marks:
                _mark(shapes, mark)
        connectors = [_connector(shapes, edge.route.points, ids[id(edge.parent)],
                                 edge.route.start_site, ids[id(edge.child)],
                                 edge.route.end_site,
                                 f"Forbindelse: {edge.parent.unit.node.name} → "
                                 f"{edge.child.unit.node.name}")
                      for edge in sheet.edges]
        # Connectors under the boxes: a lead-in behind its parent stays hidden there.
        tree = shapes._spTree
        for position, connector in enumerate(connectors, start=2):
            tree.insert(position, connector._element)
        for line in drawing.footer:
            _text_box(shapes, line, MARGIN_SIDE, drawing.content_w * 0.8, name="Sidefod")
        page = Line(Text(drawing.page_number_text(sheet.number), size=7.5,
                         colour=drawing.footer[0].text.colour),
                    drawing.footer[0].y, (drawing.page_number_text(sheet.number),))
        _text_box(shapes, page, MARGIN_SIDE + drawing.content_w * 0.8,
                  drawing.content_w * 0.2, name="Sidetal", align=PP_ALIGN.RIGHT)
        if drawing.confidential:
            secret = Line(Text(drawing.confidential, True, 8.0, STAMP_COLOUR), MARGIN_TOP - 8,
                          (drawing.confidential,))
            _text_box(shapes, secret, MARGIN_SIDE, drawing.content_w, name="Fortroligt",
                      align=PP_ALIGN.RIGHT)
        if drawing.stamp:
            _stamp(shapes, drawing)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


# Tags, qualified once: python-pptx's own setters look each up per call, which is most of the
# time of a deck with a thousand boxes.
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_P, _PPR, _LNSPC, _SPCPTS, _R, _RPR, _T = (f"{_A}{t}" for t in
                                          ("p", "pPr", "lnSpc", "spcPts", "r", "rPr", "t"))
_SOLID, _SRGB, _LATIN, _CS, _LN, _DASH_TAG, _NOFILL = (
    f"{_A}{t}" for t in ("solidFill", "srgbClr", "latin", "cs", "ln", "prstDash", "noFill"))
_BODY, _NOAUTOFIT = f"{_A}bodyPr", f"{_A}noAutofit"
_ALIGN = {PP_ALIGN.LEFT: "l", PP_ALIGN.CENTER: "ctr", PP_ALIGN.RIGHT: "r"}
_ANCHOR = {MSO_ANCHOR.TOP: "t", MSO_ANCHOR.MIDDLE: "ctr"}


def _solid(parent, colour: str):
    fill = etree.SubElement(parent, _SOLID)
    etree.SubElement(fill, _SRGB).set("val", colour.lstrip("#").upper())
    return fill


def _paragraphs(shape, texts: list[Text], *, spacing: float = LINE_HEIGHT,
                align=None) -> None:
    """`texts` as the shape's paragraphs, one each, in Danish (for the spelling checker)."""
    body = shape._element.txBody
    for old in body.findall(_P):
        body.remove(old)
    for text in texts:
        paragraph = etree.SubElement(body, _P)
        properties = etree.SubElement(paragraph, _PPR)
        if align is not None:
            properties.set("algn", _ALIGN[align])
        line_spacing = etree.SubElement(properties, _LNSPC)
        etree.SubElement(line_spacing, _SPCPTS).set("val", str(round(text.size * spacing * 100)))
        run = etree.SubElement(paragraph, _R)
        rpr = etree.SubElement(run, _RPR)
        rpr.set("lang", "da-DK")
        rpr.set("sz", str(round(text.size * 100)))
        rpr.set("b", "1" if text.bold else "0")
        rpr.set("dirty", "0")
        _solid(rpr, text.colour)
        latin = etree.SubElement(rpr, _LATIN)
        latin.set("typeface", FONT)
        latin.set("panose", _PANOSE)
        latin.set("pitchFamily", _PITCH_FAMILY)
        latin.set("charset", "0")
        etree.SubElement(rpr, _CS).set("typeface", FONT)
        etree.SubElement(run, _T).text = xml_text(text.text)


def _frame(shape, *, pad: float = 0.0, wrap: bool = True, anchor=MSO_ANCHOR.TOP):
    """The shape's text frame: fixed size (text never shrinks or grows the box), inset by
    `pad` mm."""
    body = shape._element.txBody.find(_BODY)
    body.attrib.clear()
    inset = str(emu(pad))
    for key, value in (("wrap", "square" if wrap else "none"), ("lIns", inset),
                       ("tIns", inset), ("rIns", inset), ("bIns", inset),
                       ("anchor", _ANCHOR[anchor]), ("rtlCol", "0")):
        body.set(key, value)
    for child in list(body):
        body.remove(child)
    etree.SubElement(body, _NOAUTOFIT)
    return shape


def _text_box(shapes, line: Line, x: float, w: float, *, name: str, align=None):
    shape = shapes.add_textbox(emu(x), emu(line.y), emu(w),
                               emu(max(line.height, line_height(line.text.size, 1.35))))
    shape.name = name
    _paragraphs(_frame(shape), [line.text], spacing=1.35, align=align)
    return shape


def _fill(shape, colour: str) -> None:
    _solid(shape._element.spPr, colour)


def _outline(shape, colour: str | None, width_mm: float = 0.0, dash: str = "") -> None:
    """The shape's edge: `colour` and width, dashed ("dash", "sysDot") or solid; none
    without a colour."""
    line = etree.SubElement(shape._element.spPr, _LN)
    if colour is None:
        etree.SubElement(line, _NOFILL)
        return
    line.set("w", str(emu(width_mm)))
    _solid(line, colour)
    if dash:
        etree.SubElement(line, _DASH_TAG).set("val", dash)


def _plain(shape):
    """`shape` without the theme's style (its shadow, white text): everything it looks like is
    set here."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)
    return shape


def _rounded(shapes, x: float, y: float, w: float, h: float, *, fill: str, radius: float):
    shape = _plain(shapes.add_shape(MSO_SHAPE.ROUNDED_RECTANGLE, emu(x), emu(y), emu(w),
                                    emu(h)))
    shape.adjustments[0] = min(0.5, radius / max(min(w, h), 0.01))
    _fill(shape, fill)
    return shape


_DASH = {"solid": "", "dashed": "dash", "dotted": "sysDot"}
_KIND_NAME = {"box": "Enhed", "stub": "Fortsætter", "cont": "Fortsat"}


def _box(shapes, box: Box):
    shape = _rounded(shapes, box.x, box.y, box.w, box.h, fill=box.fill, radius=RADIUS_MM)
    shape.name = xml_text(f"{_KIND_NAME[box.kind]}: {box.unit.node.name}")
    # The alternative text a screen reader reads for the box: all of it.
    shape._element.nvSpPr.cNvPr.set("descr", xml_text(box.label))
    _outline(shape, LINE_COLOUR, BORDER_MM, _DASH[box.border])
    _paragraphs(_frame(shape, pad=BOX_PAD + BOX_BORDER), box.texts, align=PP_ALIGN.LEFT)
    return shape


def _mark(shapes, mark: Mark, size: float = 5.5):
    shape = _rounded(shapes, mark.x, mark.y, mark.w, mark.h, fill=mark.fill, radius=0.8)
    shape.name = xml_text(f"Mærke: {mark.label}")
    _outline(shape, None)
    _paragraphs(_frame(shape, anchor=MSO_ANCHOR.MIDDLE),
                [Text(mark.label, True, size, mark.colour)], spacing=1.0,
                align=PP_ALIGN.CENTER)
    return shape


def _legend(shapes, drawing: Drawing) -> None:
    y = drawing.legend_y
    for entry in drawing.legend:
        if entry.mark is not None:
            mark = entry.mark
            _mark(shapes, Mark(mark.kind, mark.label, entry.x, y, mark.w, mark.h, mark.fill,
                               mark.colour), 6.5)
            continue
        swatch = _plain(shapes.add_shape(MSO_SHAPE.RECTANGLE, emu(entry.x), emu(y + 0.4),
                                         emu(3.0), emu(2.4)))
        swatch.name = xml_text(f"Farve: {entry.label}")
        _fill(swatch, entry.fill)
        _outline(swatch, "#8a94a3", 0.2)
        label = Line(Text(entry.label, size=8.0), y - 0.6, (entry.label,))
        _text_box(shapes, label, entry.x + 4.0, entry.w - 4.0 + 2.0, name="Forklaring")


def _stamp(shapes, drawing: Drawing) -> None:
    """UDKAST (or I HØRING, FORKASTET) across the slide, faint, as on every PDF page."""
    h = line_height(STAMP_PT, 1.2)
    line = Line(Text(drawing.stamp, True, STAMP_PT, STAMP_COLOUR), drawing.height * 0.4,
                (drawing.stamp,))
    shape = shapes.add_textbox(emu(0), emu(line.y), emu(drawing.width), emu(h))
    shape.name = "Stempel"
    _paragraphs(_frame(shape, wrap=False), [line.text], spacing=1.2, align=PP_ALIGN.CENTER)
    colour = shape._element.txBody.find(f".//{_SRGB}")
    alpha = etree.SubElement(colour, f"{_A}alpha")
    alpha.set("val", str(round(STAMP_OPACITY * 100000)))


def _connector(shapes, points, start_id: int, start_site: int, end_id: int, end_site: int,
               name: str):
    """A connector along `points` (mm) from site `start_site` of shape `start_id` to site
    `end_site` of shape `end_id`."""
    (x0, y0), (xn, yn) = points[0], points[-1]
    connector = _plain(shapes.add_connector(MSO_CONNECTOR.STRAIGHT, emu(x0), emu(y0),
                                            emu(xn), emu(yn)))
    if 3 <= len(points) <= 6:
        _bent(connector, points)
    connector.name = xml_text(name)
    _outline(connector, LINE_COLOUR, LINE_MM)
    properties = connector._element.nvCxnSpPr.cNvCxnSpPr
    start = properties.get_or_add_stCxn()
    start.id, start.idx = start_id, start_site
    end = properties.get_or_add_endCxn()
    end.id, end.idx = end_id, end_site
    return connector


def _bent(connector, points) -> None:
    """Make `connector` PowerPoint's bent connector of len(points) - 1 segments along
    `points`. Its geometry is drawn in a frame whose x axis runs along the first segment: a
    path that starts downwards is the frame turned a quarter clockwise, flipped so that the
    path's ends land on the first and last point; each bend is an adjustment, a fraction of
    the frame (1/100,000) along the axis it moves on."""
    frame = _elbow_frame(points)
    if frame is None:
        return  # no frame to bend in: stays straight between its ends
    rot, flip_h, flip_v, (x, y, w, h), adjustments = frame
    xfrm = connector._element.spPr.get_or_add_xfrm()
    for attribute in ("rot", "flipH", "flipV"):
        xfrm.attrib.pop(attribute, None)
    if rot:
        xfrm.set("rot", str(rot))
    if flip_h:
        xfrm.set("flipH", "1")
    if flip_v:
        xfrm.set("flipV", "1")
    xfrm.off.x, xfrm.off.y = emu(x), emu(y)
    xfrm.ext.cx, xfrm.ext.cy = emu(w), emu(h)
    geometry = connector._element.spPr.find(qn("a:prstGeom"))
    geometry.set("prst", f"bentConnector{len(points) - 1}")
    av = geometry.find(qn("a:avLst"))
    if av is None:
        av = etree.SubElement(geometry, qn("a:avLst"))
    for child in list(av):
        av.remove(child)
    for index, value in enumerate(adjustments, start=1):
        guide = etree.SubElement(av, qn("a:gd"))
        guide.set("name", f"adj{index}")
        guide.set("fmla", f"val {round(value * 100000)}")


def _elbow_frame(points):
    """(rotation, flip H, flip V, (x, y, w, h) of the unturned frame in mm, adjustments) of an
    elbow along `points`, or None when its ends are level on either axis."""
    (x0, y0), (xn, yn) = points[0], points[-1]
    dx, dy = xn - x0, yn - y0
    horizontal_first = abs(points[1][1] - y0) < EPS
    # The frame's x axis (0: the sheet's x) runs along the first segment, its y across.
    along, across = (0, 1) if horizontal_first else (1, 0)
    if abs(points[-1][along] - points[0][along]) < EPS or abs(
            points[-1][across] - points[0][across]) < EPS:
        return None

    def fraction(point, axis: int) -> float:
        return (point[axis] - points[0][axis]) / (points[-1][axis] - points[0][axis])

    # bentConnector3: the x of the middle run; 4: and the y of the second bend; 5: and the x
    # of the third; each in the frame.
    adjustments = [fraction(points[i], along if i % 2 else across)
                   for i in range(1, len(points) - 2)]
    if horizontal_first:
        w, h = abs(dx), abs(dy)
        rot, flip_h, flip_v = 0, dx < 0, dy < 0
    else:
        w, h = abs(dy), abs(dx)
        rot, flip_h, flip_v = 5400000, dy < 0, dx > 0
    cx, cy = (x0 + xn) / 2, (y0 + yn) / 2
    return rot, flip_h, flip_v, (cx - w / 2, cy - h / 2, w, h), adjustments
