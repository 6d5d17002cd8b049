"""Template tags the other apps' pages use to show MED bodies (filled in by the med app)."""

from django import template

register = template.Library()


@register.inclusion_tag("med/_unit_med_bodies.html", takes_context=True)
def unit_med_bodies(context, unit):
    """The MED bodies that cover a unit (a model Unit or a UnitNode)."""
    return {"unit": unit, "bodies": []}
