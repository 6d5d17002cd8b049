"""The comparison page's two tables, built on the server as strings (see the package): the
rows old unit → new unit(s) and the lines that move. Up to 1,000 rows of up to several lines
each; a template loop with filters per cell cost several times the comparison itself."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from orgreg.text import danish_number
from units.selectors import Comparison, Link, UnitChange, UnitNode
from units.shares import share_text

from .badges import badge
from .html import url_maker

DASH = '<span class="muted">–</span>'
COLUMNS = 7


@dataclass(frozen=True)
class ComparisonSummary:
    """What the comparison page shows of a Comparison beside its tables, small enough to keep
    in the cache with them: whether units were paired by successions, the staff affected and
    the size of each tree (the template takes ``old_tree|length``)."""

    by_successions: bool
    staff_affected: int
    old_units: int
    new_units: int

    @classmethod
    def of(cls, comparison: Comparison) -> ComparisonSummary:
        return cls(comparison.by_successions, comparison.staff_affected,
                   len(comparison.old_tree), len(comparison.new_tree))

    @property
    def old_tree(self) -> range:
        return range(self.old_units)

    @property
    def new_tree(self) -> range:
        return range(self.new_units)


def _unit(url, n: UnitNode) -> str:
    code = f' <span class="muted">{escape(n.code)}</span>' if n.code else ""
    return f'<a href="{url(n.id)}">{escape(n.name)}</a>{code}'


def render_rows(comparison: Comparison, rows: list[UnitChange]) -> str:
    """The <tr>s of the table old → new: per row its kinds (one badge each), the old unit and
    its headcount, and per line the new unit, the share, the staff who move along it
    (units.shares.people: they add up to the old unit's headcount) and the new unit's total.
    A new unit has no old unit and no one moving; a closed one no new unit."""
    url = url_maker("units:unit-detail")
    old_pk = comparison.old.pk
    out: list[str] = []
    w = out.append
    number = danish_number
    for r in rows:
        n = r.unit
        badges = badge(r.kinds).html
        if n.structure_id != old_pk:  # a new unit
            w(f"<tr><td>{badges}</td><td>{DASH}</td><td></td><td>{_unit(url, n)}</td><td></td>"
              f'<td class="num">{DASH}</td><td class="num">{number(n.headcount)}</td></tr>')
            continue
        links = r.successors
        if links:
            news = "<br>".join([_unit(url, link.unit) for link in links])
            shares = "<br>".join([share_text(link.share) for link in links])
            moving = "<br>".join([number(p) for p in r.staff_moving()])
            totals = "<br>".join([number(link.unit.headcount) for link in links])
        else:
            news, shares, moving, totals = DASH, "", DASH, ""
        w(f"<tr><td>{badges}</td><td>{_unit(url, n)}</td>"
          f'<td class="num">{number(n.headcount)}</td><td>{news}</td>'
          f'<td class="num">{shares}</td><td class="num">{moving}</td>'
          f'<td class="num">{totals}</td></tr>')
    if not rows:
        w(f'<tr><td colspan="{COLUMNS}">Ingen enheder med den slags ændring.</td></tr>')
    return "".join(out)


def render_moved(comparison: Comparison, moved: list[tuple[UnitChange, Link]]) -> str:
    """The <tr>s of the lines that move: the old unit and its parent, the new unit and its
    parent, and the line's kinds (a merger into a unit elsewhere is moved too)."""
    url = url_maker("units:unit-detail")
    old_names = {n.id: n.name for n in comparison.old_tree}
    new_names = {n.id: n.name for n in comparison.new_tree}
    out = []
    for change, link in moved:
        o, n = change.unit, link.unit
        before = escape(old_names.get(o.parent_id, "")) if o.parent_id else DASH
        after = escape(new_names.get(n.parent_id, "")) if n.parent_id else DASH
        out.append(f"<tr><td>{_unit(url, o)}</td><td>{before}</td><td>{_unit(url, n)}</td>"
                   f"<td>{after}</td><td>{badge(link.kinds).html}</td></tr>")
    return "".join(out)
