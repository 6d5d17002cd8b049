"""The comparison report: what happens to every unit between two structures, as a PDF."""

from __future__ import annotations

from orgreg import pdf as pdf_renderer
from orgreg.text import danish_date

from .. import changes, lifecycle, selectors
from ..changes import ChangeKind
from ..models import Structure
from ..shares import share_text
from .context import data_moment, structure_context


def compare_context(old: Structure, new: Structure, user) -> dict:
    """The comparison report: counts per change kind, each saying which structure's units it
    counts, and the table old unit → new unit(s) with shares, the staff who move along each
    line and the new unit's total, as on the page."""
    comparison = selectors.compare(old, new)
    rows = []
    for change in comparison.rows():
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
    })
    return context


def compare_pdf(old: Structure, new: Structure, user, *, changed_only: bool = False) -> bytes:
    """The comparison report as a PDF; with `changed_only` only the units that change."""
    context = compare_context(old, new, user)
    if changed_only:
        context["rows"] = [r for r in context["rows"] if r["changed"]]
        context["changed_only"] = True
    return pdf_renderer.render_pdf("units/pdf_compare.html", context)
