"""Template tags the other apps' pages use to show the plan, and the timeline's own filters."""

from django import template

from orgreg.text import danish_date as _danish_date
from orgreg.text import danish_datetime as _danish_datetime

register = template.Library()


@register.inclusion_tag("timeline/_process_bar.html", takes_context=True)
def process_bar(context, organisation, structure=None):
    """How far the organisation's process is: share of milestones done and the next three."""
    from timeline import selectors

    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    bar = None
    if organisation is not None and getattr(user, "is_authenticated", False):
        bar = selectors.progress(organisation, user=user, structure=structure)
    return {"organisation": organisation, "structure": structure, "bar": bar}


@register.filter
def danish_date(value):
    """1. januar 2025."""
    return _danish_date(value)


@register.filter
def danish_datetime(value):
    """1. januar 2025 kl. 14.05."""
    return _danish_datetime(value)
