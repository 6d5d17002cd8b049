"""Org chart and outline markup for the structure pages, built on the server.

Both are built here as strings from the UnitNodes of units.selectors.tree, not with a template
loop: a Django template costs about 20× a plain Python loop per row, and the outline must stay
quick for 10,000 units. Every piece of text from the database goes through ``escape``.

A structure past draft never changes, so the markup of a frozen structure (and of its basis,
which the change badges are read against), the comparison of two frozen structures, the
API's tree of one and its key figures (``cached_figures``) are kept in the cache shared by
every worker, under keys that change with anything they depend on (units.markup.cache); a
warm outline page runs no tree query at all.
"""

from .badges import BADGE_LEGEND, CATEGORY_LEGEND, Badge, badges_from, change_badges
from .cache import (
    CACHE_SECONDS,
    cached,
    digest,
    forget_frozen_markup,
    frozen_key,
    frozen_line_key,
)
from .chart import render_chart
from .comparison import ComparisonSummary, render_moved
from .comparison import render_rows as render_compare_rows
from .figure_pictures import figure_pictures, span_bins
from .figures import cached_figures
from .html import children_of, safe
from .outline import render_outline
from .pickers import unit_options
from .pictures import CATEGORY_COLOURS, Picture, Series, grouped_bars, histogram, layer_profile

__all__ = [
    "BADGE_LEGEND", "CACHE_SECONDS", "CATEGORY_COLOURS", "CATEGORY_LEGEND", "Badge",
    "ComparisonSummary", "Picture", "Series", "badges_from", "cached", "cached_figures",
    "change_badges", "children_of", "digest", "figure_pictures", "forget_frozen_markup",
    "frozen_key", "frozen_line_key", "grouped_bars", "histogram", "layer_profile",
    "render_chart", "render_compare_rows", "render_moved", "render_outline", "safe",
    "span_bins", "unit_options",
]
