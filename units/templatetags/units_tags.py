"""Template filters for the units pages: Danish dates, Danish sorting, shares and badges, and
what a structure's status allows (asked of units.lifecycle)."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

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
def figure(value) -> str:
    """A cell of a key figures table (units.figure_tables): a number Danish style, a text as
    it is, a dash where there is nothing to count."""
    if value is None or value == "":
        return "–"
    if isinstance(value, str):
        return value
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


def _html_mark(links: dict[str, str]):
    """units.changes' `mark` for a page: the units bold, the newer unit and its parent as
    links (`links`: role → url), every piece escaped."""
    def mark(role: str, text: str) -> str:
        if role in ("old", "new", "share", "date"):
            inner = format_html("<strong>{}</strong>", text)
        else:
            inner = conditional_escape(text)
        if links.get(role):
            return format_html('<a href="{}">{}</a>', links[role], inner)
        return inner
    return mark


@register.simple_tag
def placement_sentence(unit, placement, structure, today, sub_units=False) -> SafeString:
    """Min enhed's sentence for `unit` going to `placement` in `structure` (closed when
    `placement` is None), in the tense `today` calls for: units.changes.sentence, with the
    units as links."""
    decided = lifecycle.counts_in_force(str(structure.status))
    if placement is None:
        return mark_safe(changes.sentence(  # noqa: S308 - every piece escaped by the mark
            changes.CLOSED, effective_date=structure.effective_date, today=today,
            decided=decided, old=unit.name, sub_units=bool(sub_units), mark=_html_mark({})))
    parent = placement.parent
    mark = _html_mark({"new": placement.unit.get_absolute_url(),
                       "parent": parent.get_absolute_url() if parent is not None else ""})
    return mark_safe(changes.sentence(  # noqa: S308 - every piece escaped by the mark
        placement.kinds, effective_date=structure.effective_date, today=today,
        decided=decided, old=unit.name, new=placement.unit.name,
        parent=parent.name if parent is not None else "", share=share_text(placement.share),
        others=placement.partners, mark=mark))


@register.simple_tag
def sub_unit_sentence(sub_unit, structure, today) -> SafeString:
    """Where one sub-unit of a closed unit goes (units.changes.sub_unit_sentence), the units
    it goes to as links."""
    targets = [changes.Target(p.unit.name, p.parent.name if p.parent is not None else "",
                              share_text(p.share) if len(sub_unit.placements) > 1 else "")
               for p in sub_unit.placements]
    urls = {p.unit.name: p.unit.get_absolute_url() for p in sub_unit.placements}

    def mark(role: str, text: str) -> str:
        if role == "new" and text in urls:
            return format_html('<a href="{}">{}</a>', urls[text], text)
        return conditional_escape(text)

    return mark_safe(changes.sub_unit_sentence(  # noqa: S308 - every piece escaped by the mark
        sub_unit.unit.name, targets, effective_date=structure.effective_date, today=today,
        decided=lifecycle.counts_in_force(str(structure.status)), mark=mark))
