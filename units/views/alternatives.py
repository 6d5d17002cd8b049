"""Alternative models side by side: the structures with one basis and one effective date
(Randers' Model A and Model B), their key figures in columns beside the basis, the units per
change kind of each, and the pictures; as a page and as a PDF. Only what the user may see
appears (orgreg.roles): a hidden model is not named, a hidden basis neither."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from orgreg import pdf as pdf_renderer
from orgreg.roles import policy
from units import printing, tasks


@require_GET
@login_required
def structure_alternatives(request, pk: int):
    """The page: `pk` is any of the models (or a structure with no alternative yet)."""
    structure = policy(request.user).get_structure_or_404(pk)
    context = printing.alternatives_context(structure, request.user, paper=False)
    return render(request, "units/structure_alternatives.html", context)


@require_GET
@login_required
def structure_alternatives_pdf(request, pk: int):
    """The same as a PDF, A4 landscape."""
    structure = policy(request.user).get_structure_or_404(pk)
    data = printing.alternatives_pdf(structure, request.user)
    return pdf_renderer.pdf_response(data, f"alternative-modeller-{tasks.slug(structure.name)}.pdf")
