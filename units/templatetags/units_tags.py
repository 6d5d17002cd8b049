"""Template filters for the units pages: Danish dates, Danish sorting, shares and badges, and
what a structure's status allows (asked of units.lifecycle)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from orgreg.text import danish_date, danish_datetime, danish_number, danish_sort_key
from units import changes, lifecycle
from units.shares import share_text

register = template.Library()


@register.filter
def dadate(value) -> str:
    """1. januar 2025."""
    return danish_date(value)


@register.filter
def dadatetime(value) -> str:
    """1. januar 2025 kl. 14.05."""
    return danish_datetime(value)


@register.filter
def danish_sort(items, attribute: str = "name"):
    """Items sorted as a Danish dictionary sorts their `attribute` (æ, ø, å after z)."""
    return sorted(items, key=lambda item: danish_sort_key(str(getattr(item, attribute, item))))


@register.filter
def share(value) -> str:
    """A share in percent, Danish style: 33,33 % (whole numbers without decimals)."""
    if value is None or value == "":
        return ""
    return share_text(value)


@register.filter
def number(value) -> str:
    """Thousands separated Danish style: 10.000; decimals after a comma: 9,5."""
    return danish_number(value)


@register.filter
def status_stamp(status) -> str:
    """UDKAST, I HØRING or FORKASTET for a status not decided; empty otherwise."""
    return lifecycle.stamp(str(status))


@register.filter
def is_proposal(status) -> bool:
    """Whether a structure in this status is still a proposal (a draft or in consultation)."""
    return lifecycle.is_proposal(str(status))


@register.filter
def prints_notices(status) -> bool:
    """Whether placement notices can be made about a structure in this status."""
    return lifecycle.prints_notices(str(status))


@register.simple_tag
def placement_sentence(unit, placement=None) -> SafeString:
    """Min enhed's sentence (after "Fra <date>") for `unit` going to `placement`, or closed
    when there is none: the wording of units.changes.sentence, with the units as links."""
    old = format_html("<strong>{}</strong>", unit.name)
    if placement is None:
        return format_html(changes.sentence(changes.CLOSED), old=old)
    new = format_html('<a href="{}"><strong>{}</strong></a>', placement.unit.get_absolute_url(),
                      placement.unit.name)
    parent = placement.parent
    link = (format_html('<a href="{}">{}</a>', parent.get_absolute_url(), parent.name)
            if parent is not None else "")
    return format_html(
        changes.sentence(placement.kinds), old=old, new=new,
        under=format_html(" under {}", link) if link else "",
        to=format_html(" til {}", link) if link else "",
        share=format_html("<strong>{}</strong>", share_text(placement.share)),
    )
