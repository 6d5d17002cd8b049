"""Template tags of the project: the slots other apps fill (orgreg/slots.py)."""

from django import template

from orgreg import slots

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, *args):
    """``{% slot "unit" unit %}``: what the installed apps show there."""
    return slots.render(name, context, *args)
