"""Org chart and outline markup for the structure pages, built on the server.

Both are built here as strings from the UnitNodes of units.selectors.tree, not with a template
loop: a Django template costs about 20× a plain Python loop per row, and the outline must stay
quick for 10,000 units. Every piece of text from the database goes through ``escape``.

A structure past draft never changes, so the markup of a frozen structure (and of its basis,
which the change badges are read against) is kept in the cache under a key that changes with
anything the markup depends on; a warm outline page then runs no tree query at all.
"""

from .badges import BADGE_LEGEND, CATEGORY_LEGEND, Badge, badges_from, change_badges
from .cache import CACHE_SECONDS, cached, frozen_key
from .chart import render_chart
from .comparison import render_moved
from .comparison import render_rows as render_compare_rows
from .html import children_of, safe
from .outline import render_outline
from .pickers import unit_options

__all__ = [
    "BADGE_LEGEND", "CACHE_SECONDS", "CATEGORY_LEGEND", "Badge", "badges_from", "cached",
    "change_badges", "children_of", "frozen_key", "render_chart", "render_compare_rows",
    "render_moved", "render_outline", "safe", "unit_options",
]
