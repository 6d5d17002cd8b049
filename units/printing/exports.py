"""The org chart as a file other than the PDF: PowerPoint (.pptx) or SVG, from the same
options, visibility checks and pages as the PDF (units.printing.org_chart)."""

from __future__ import annotations

from dataclasses import replace

from ..models import Structure
from .drawing import Drawing, draw
from .org_chart import OrgChartOptions, org_chart
from .slides import CONTENT_TYPE as PPTX_TYPE
from .slides import chart_pptx
from .svg import CONTENT_TYPE as SVG_TYPE
from .svg import chart_svg

# Extension → (writer, content type).
CHART_FORMATS = {
    "pptx": (chart_pptx, PPTX_TYPE),
    "svg": (chart_svg, SVG_TYPE),
}
FORMAT_LABELS = {"pdf": "PDF", "pptx": "PowerPoint", "svg": "SVG"}


def chart_drawing(structure: Structure, user, options: OrgChartOptions) -> Drawing:
    """The chart of `structure` as `user` may see it, paged as the PDF with `options`
    (a ValidationError or Http404 as org_chart raises them). The chart's pages only: the
    PDF's last page of key figures is a table, which these files do not draw, so they are
    not computed either."""
    return draw(org_chart(structure, user, replace(options, figures=False)))


def chart_export(structure: Structure, user, options: OrgChartOptions, fmt: str
                 ) -> tuple[bytes, str]:
    """The chart as a `fmt` file ("pptx" or "svg"): its bytes and content type."""
    write, content_type = CHART_FORMATS[fmt]
    return write(chart_drawing(structure, user, options)), content_type
