"""Template tags the other apps' pages use to show the plan (filled in by the timeline app)."""

from django import template

register = template.Library()


@register.inclusion_tag("timeline/_process_bar.html", takes_context=True)
def process_bar(context, organisation, structure=None):
    """How far the organisation's process is: share of milestones done and the next three."""
    return {"organisation": organisation, "structure": structure, "bar": None}
