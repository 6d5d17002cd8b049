"""The PDFs of the units app: org charts, comparison reports and placement notices.

Everything here reads through units.selectors and renders through orgreg.pdf; views and the
renderpdf command only parse options, check visibility and call these functions. One module
per task: text measurement (measure), the chart model (chart), the layout of a page in
millimetres (layout), pagination (paginate), the footer and stamp (context), and the
documents (org_chart, comparison, alternatives, notices). The org chart also leaves as
PowerPoint and SVG (exports): the same pages drawn once as shapes and connectors (drawing,
edges) and written by slides and svg.
"""

from .alternatives import alternatives_context, alternatives_pdf
from .chart import ChartUnit, build_chart
from .comparison import compare_context, compare_pdf
from .context import data_moment, structure_context
from .exports import CHART_FORMATS, FORMAT_LABELS, chart_drawing, chart_export
from .layout import Block, Item, Layout
from .measure import BOX_W, MM_PER_PT, NAME_PT, WRAP_W, TextMeasure, fonts, lines_height
from .notices import (
    Notice,
    check_notices_allowed,
    notice_context,
    notice_filename,
    notices,
    notices_pdf,
    notices_zip,
)
from .org_chart import OrgChart, OrgChartOptions, org_chart, parse_chart_options
from .paginate import PAPER, ChartPage, PageGeometry, paginate

__all__ = [
    "BOX_W",
    "CHART_FORMATS",
    "FORMAT_LABELS",
    "MM_PER_PT",
    "NAME_PT",
    "PAPER",
    "WRAP_W",
    "Block",
    "ChartPage",
    "ChartUnit",
    "Item",
    "Layout",
    "Notice",
    "OrgChart",
    "OrgChartOptions",
    "PageGeometry",
    "TextMeasure",
    "alternatives_context",
    "alternatives_pdf",
    "build_chart",
    "chart_drawing",
    "chart_export",
    "check_notices_allowed",
    "compare_context",
    "compare_pdf",
    "data_moment",
    "fonts",
    "lines_height",
    "notice_context",
    "notice_filename",
    "notices",
    "notices_pdf",
    "notices_zip",
    "org_chart",
    "paginate",
    "parse_chart_options",
    "structure_context",
]
