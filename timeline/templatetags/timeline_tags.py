"""Template tags the other apps' pages use to show the plan, and the timeline's own filters."""

from django import template

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
def late(item, today) -> bool:
    """Whether a milestone, plan entry or deliverable is late ("Forsinket") on `today`:
    timeline.selectors.is_late."""
    from timeline import selectors

    return today is not None and selectors.is_late(item, today)
