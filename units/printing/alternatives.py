"""Alternative models side by side, for the page and the PDF alike: one context, so what is
shown and what is printed are the same numbers (units.selectors.figure_compare)."""

from __future__ import annotations

from orgreg import pdf as pdf_renderer
from orgreg.roles import policy

from .. import lifecycle, markup, selectors
from ..models import Structure
from .context import structure_context


def alternatives_context(structure: Structure, user, *, paper: bool = True) -> dict:
    """`structure` and its alternative models beside their basis as `user` may see them: the
    column heads, the key figures' rows, the units per change kind against the basis, and the
    pictures. With `paper`, the PDF's footer and stamp as well (the stamp of the least
    decided model: a draft among them makes the printout a draft's)."""
    result = selectors.alternatives(policy(user), structure)
    heads = ([f"{result.basis.name} (grundlag)"] if result.basis is not None else []) + [
        s.name for s in result.models]
    names = ([result.basis.name] if result.basis is not None else []) + [
        s.name for s in result.models]
    context = {
        "structure": structure, "organisation": structure.organisation, "result": result,
        "heads": heads, "model_heads": [s.name for s in result.models],
        "models_compared": len(result.models) > 1,
        "pictures": markup.figure_pictures(result.figures, names) if result.figures else [],
    }
    if paper:
        statuses = [s.status for s in result.models]
        context.update(structure_context(structure, user, page_size_value="A4",
                                         orientation_value="landscape",
                                         stamp=lifecycle.stamp(*statuses)))
    return context


def alternatives_pdf(structure: Structure, user) -> bytes:
    """The alternatives side by side as a PDF."""
    return pdf_renderer.render_pdf("units/pdf_alternatives.html",
                                   alternatives_context(structure, user))
