"""Building blocks of the server-built markup: fast URLs, the safe marker, the counts line."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from orgreg.text import danish_number
from units.selectors import UnitNode

_ID = 987654321


def url_maker(name: str, *args) -> Callable[[int], str]:
    """A fast `id -> url` for a URL pattern with the unit id last (reverse once, format many)."""
    template = reverse(name, args=[*args, _ID]).replace(str(_ID), "{}")
    return template.format


def children_of(nodes: Iterable[UnitNode]) -> dict[int | None, list[UnitNode]]:
    kids: dict[int | None, list[UnitNode]] = defaultdict(list)
    for n in nodes:
        kids[n.parent_id].append(n)
    return kids


def safe(html: str) -> SafeString:
    """Markup built in this module, where every database text was escaped on the way in."""
    return mark_safe(html)  # noqa: S308


def facts(n: UnitNode) -> str:
    """Headcount line: the unit's own and its subtree's."""
    own = danish_number(n.headcount)
    if n.child_count:
        total = danish_number(n.subtree_headcount)
        return f"{own} medarb. · i alt {total}"
    return f"{own} medarb."
