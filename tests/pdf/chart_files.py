"""Reading the org chart's PowerPoint and SVG files back, for the tests: the PowerPoint with
python-pptx (and its connectors' geometry replayed as the OOXML preset definitions draw it),
the SVG with xml.etree."""

from __future__ import annotations

import io
import math
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.shapes.connector import Connector

SVG = "{http://www.w3.org/2000/svg}"


@dataclass
class SlideBox:
    shape_id: int
    kind: str  # Enhed, Fortsætter, Fortsat
    texts: list[str]
    left: int
    top: int
    width: int
    height: int

    def site(self, index: int) -> tuple[float, float]:
        x, y, w, h = self.left, self.top, self.width, self.height
        return [(x + w / 2, y), (x, y + h / 2), (x + w / 2, y + h), (x + w, y + h / 2)][index]


@dataclass
class SlideConnector:
    start: tuple[int, int]  # (shape id, site)
    end: tuple[int, int]
    path: list[tuple[float, float]]  # EMU, as drawn


def deck(data: bytes):
    return Presentation(io.BytesIO(data))


def slide_boxes(slide) -> dict[int, SlideBox]:
    """The unit boxes, continuation boxes and continued heads of a slide, by shape id."""
    boxes = {}
    for shape in slide.shapes:
        kind, _, _name = shape.name.partition(": ")
        if kind in ("Enhed", "Fortsætter", "Fortsat"):
            texts = [p.text for p in shape.text_frame.paragraphs]
            boxes[shape.shape_id] = SlideBox(shape.shape_id, kind, texts, shape.left,
                                             shape.top, shape.width, shape.height)
    return boxes


def slide_text(slide) -> str:
    return "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)


def slide_connectors(slide) -> list[SlideConnector]:
    found = []
    for shape in slide.shapes:
        if not isinstance(shape, Connector):
            continue
        properties = shape._element.nvCxnSpPr.cNvCxnSpPr
        start, end = properties.find(qn("a:stCxn")), properties.find(qn("a:endCxn"))
        found.append(SlideConnector((int(start.get("id")), int(start.get("idx"))),
                                    (int(end.get("id")), int(end.get("idx"))),
                                    connector_path(shape)))
    return found


def connector_path(shape) -> list[tuple[float, float]]:
    """The points a connector is drawn through (EMU on the slide): its preset's path in its
    frame, flipped and then turned about the frame's centre (ECMA-376's a:xfrm)."""
    element = shape._element
    xfrm = element.spPr.find(qn("a:xfrm"))
    off, ext = xfrm.find(qn("a:off")), xfrm.find(qn("a:ext"))
    x, y, w, h = (int(off.get("x")), int(off.get("y")), int(ext.get("cx")), int(ext.get("cy")))
    geometry = element.spPr.find(qn("a:prstGeom"))
    prst = geometry.get("prst")
    adj = [int(g.get("fmla").split()[1]) / 100000
           for g in geometry.findall(f"{qn('a:avLst')}/{qn('a:gd')}")]
    if prst == "line" or prst == "straightConnector1":
        local = [(0, 0), (w, h)]
    elif prst == "bentConnector2":
        local = [(0, 0), (w, 0), (w, h)]
    elif prst == "bentConnector3":
        x1 = w * adj[0]
        local = [(0, 0), (x1, 0), (x1, h), (w, h)]
    elif prst == "bentConnector4":
        x1, y2 = w * adj[0], h * adj[1]
        local = [(0, 0), (x1, 0), (x1, y2), (w, y2), (w, h)]
    elif prst == "bentConnector5":
        x1, y2, x3 = w * adj[0], h * adj[1], w * adj[2]
        local = [(0, 0), (x1, 0), (x1, y2), (x3, y2), (x3, h), (w, h)]
    else:
        raise AssertionError(f"unexpected connector {prst}")
    angle = math.radians(int(xfrm.get("rot", "0")) / 60000)
    flip_h, flip_v = xfrm.get("flipH") == "1", xfrm.get("flipV") == "1"
    cx, cy = x + w / 2, y + h / 2
    points = []
    for px, py in local:
        dx, dy = px - w / 2, py - h / 2
        if flip_h:
            dx = -dx
        if flip_v:
            dy = -dy
        points.append((cx + dx * math.cos(angle) - dy * math.sin(angle),
                       cy + dx * math.sin(angle) + dy * math.cos(angle)))
    return points


def pptx_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@dataclass
class SvgBox:
    unit: int
    kind: str
    page: int
    title: str
    lines: list[str]

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def svg_root(data: bytes) -> ET.Element:
    return ET.fromstring(data)


def svg_pages(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if g.get("class") == "page"]


def svg_boxes(root: ET.Element) -> list[SvgBox]:
    boxes = []
    for page in svg_pages(root):
        for g in page.iter(f"{SVG}g"):
            if g.get("class") != "unit":
                continue
            lines = [t.text or "" for t in g.iter(f"{SVG}text")
                     if not _in_badge(g, t)]
            boxes.append(SvgBox(int(g.get("data-unit")), g.get("data-kind"),
                                int(page.get("data-page")), g.find(f"{SVG}title").text or "",
                                lines))
    return boxes


def _in_badge(group: ET.Element, text: ET.Element) -> bool:
    return any(text in list(b.iter(f"{SVG}text")) for b in group.iter(f"{SVG}g")
               if b.get("class") == "badge")


def svg_edges(root: ET.Element) -> list[tuple[int, int, int]]:
    """(page, parent id, child id) of every connector."""
    edges = []
    for page in svg_pages(root):
        for path in page.iter(f"{SVG}path"):
            if path.get("class") == "edge":
                edges.append((int(page.get("data-page")), int(path.get("data-parent")),
                              int(path.get("data-child"))))
    return edges


def svg_text(root: ET.Element) -> str:
    return "\n".join(t.text or "" for t in root.iter(f"{SVG}text"))
