"""The comparison report: what happens to every unit between two structures, as a PDF."""

from __future__ import annotations

from orgreg import pdf as pdf_renderer
from orgreg.text import danish_date

from .. import lifecycle, selectors
from ..changes import ChangeKind
from ..models import Structure
from ..shares import share_text
from .context import data_moment, structure_context


def compare_context(old: Structure, new: Structure, user) -> dict:
    """The comparison report: counts per change kind and the table old unit → new unit(s)
    with shares and headcount."""
    comparison = selectors.compare(old, new)
    rows = []
    for change in comparison.rows():
        unit = change.unit
        is_new = ChangeKind.NEW in change.kinds and unit.structure_id == new.pk
        links = change.predecessors if is_new else change.successors
        rows.append({
            "old": None if is_new else unit,
            "new_units": [] if is_new else [
                {"unit": link.unit, "share": share_text(link.share), "headcount": people}
                for link, people in zip(links, change.staff_moving(), strict=True)
            ],
            "new_unit": unit if is_new else None,
            "kind": change.kind,
            "labels": change.labels,
            "changed": change.changed,
        })
    # The report speaks of two structures: the older one's stamp first, else the newer one's.
    context = structure_context(new, user, page_size_value="A4", orientation_value="landscape",
                                stamp=lifecycle.stamp(old.status, new.status))
    context.update({
        "old": old, "new": new, "comparison": comparison, "rows": rows,
        "counts": [(ChangeKind.LABELS[k], comparison.counts.get(k, 0), k)
                   for k in ChangeKind.PRIORITY],
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
