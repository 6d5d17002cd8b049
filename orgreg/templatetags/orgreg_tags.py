"""Template tags of the project: the slots other apps fill (orgreg/slots.py) and the counts
every app's templates write in Danish (orgreg/text.py)."""

from collections.abc import Sized

from django import template

from orgreg import slots
from orgreg.text import counted

register = template.Library()


@register.simple_tag(takes_context=True)
def slot(context, name: str, *args):
    """``{% slot "unit" unit %}``: what the installed apps show there."""
    return slots.render(name, context, *args)


@register.filter
def antal(value, nouns: str) -> str:
    """``{{ n|antal:"enhed,enheder" }}`` → "1 enhed", "5.734 enheder": the count (a number,
    or a list whose length is counted) with thousands separated and the noun in singular or
    plural. The nouns may hold spaces ("ændret enhed,ændrede enheder")."""
    one, _, many = nouns.partition(",")
    count = len(value) if isinstance(value, Sized) and not isinstance(value, str) else value
    return counted(count, one.strip(), (many or one).strip())



# static/css/orgreg.css defines .indent-0 … .indent-{INDENT_LEVELS}.
INDENT_LEVELS = 30


@register.filter
def indent(level) -> str:
    """``class="{{ unit.level|indent }}"`` → "indent-3": the class that gives a row of a tree
    its depth as the CSS variable --indent, for a page's style sheet to turn into a margin or a
    padding (the CSP allows no style attribute). Deeper rows share the deepest class."""
    try:
        depth = int(level)
    except (TypeError, ValueError):
        depth = 0
    return f"indent-{min(max(depth, 0), INDENT_LEVELS)}"
