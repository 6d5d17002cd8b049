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

