"""The comparison report: what happens to every unit between two structures, as a PDF."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from orgreg import pdf as pdf_renderer
from orgreg.roles import policy, server_policy
from orgreg.text import danish_date

from .. import changes, lifecycle, markup, selectors
from ..changes import ChangeKind
from ..models import Structure
from ..shares import share_text
from .context import data_moment, structure_context


def compare_context(old: Structure, new: Structure, user, *, under: str = "") -> dict:
    """The comparison report: counts per change kind, each saying which structure's units it
    counts, the key figures before → after with their pictures, and the table old unit →
    new unit(s) with shares, the staff who move along each line and the new unit's total, as
    on the page. With `under` (a unit id of either structure) the figures are the scope's
    and the table its rows, as on the page; ValidationError when the unit is in neither."""
    comparison = selectors.compare(old, new)
    scope = None
    if under:
        scope = selectors.comparison_scope(comparison, under)
        if scope is None:
            raise ValidationError("Enheden findes ikke i de to organiseringer.")
    rules = policy(user) if user is not None else server_policy()
    figures = selectors.figures_before_after(
        comparison, scope=scope, old_med=selectors.med_covered_intervals(old, viewer=rules),
        new_med=selectors.med_covered_intervals(new, viewer=rules))
    rows = []
    for change in comparison.rows():
        if scope is not None and not scope.covers(change):
            continue
        lines = comparison.row_lines(change)
        is_new = lines[0].old is None
        rows.append({
            "old": None if is_new else change.unit,
            "new_units": [] if is_new or lines[0].new is None else [
                {"unit": line.new, "share": share_text(line.share), "moving": line.staff_moving,
                 "total": line.new.headcount}
                for line in lines
            ],
            "new_unit": change.unit if is_new else None,
            "badges": change.badges,
            "changed": change.changed,
        })
    counts = [(ChangeKind.LABELS[k], comparison.counts.get(k, 0), k) for k in ChangeKind.PRIORITY]
    # The report speaks of two structures: the older one's stamp first, else the newer one's.
    context = structure_context(new, user, page_size_value="A4", orientation_value="landscape",
                                stamp=lifecycle.stamp(old.status, new.status))
    context.update({
        "old": old, "new": new, "comparison": comparison, "rows": rows,
        "old_counts": [c for c in counts if changes.COUNTED_AMONG[c[2]] == changes.OLDER],
        "new_counts": [c for c in counts if changes.COUNTED_AMONG[c[2]] == changes.NEWER],
        "staff_affected": comparison.staff_affected,
        "old_date_text": danish_date(old.effective_date),
        "new_date_text": danish_date(new.effective_date),
        "old_moment_text": pdf_renderer.moment_text(data_moment(old)),
        "changed_only": False,
        "scope": scope.unit if scope is not None else None, "scope_in_new": bool(
            scope and scope.in_new),
        "figures": figures, "figure_heads": ["Før", "Efter"],
        "pictures": markup.figure_pictures([figures.old, figures.new], ["Før", "Efter"]),
    })
    return context


def compare_pdf(old: Structure, new: Structure, user, *, changed_only: bool = False,
                under: str = "") -> bytes:
    """The comparison report as a PDF; with `changed_only` only the units that change, with
    `under` only a unit's scope (see `compare_context`)."""
    context = compare_context(old, new, user, under=under)
    if changed_only:
        context["rows"] = [r for r in context["rows"] if r["changed"]]
        context["changed_only"] = True
    return pdf_renderer.render_pdf("units/pdf_compare.html", context)
