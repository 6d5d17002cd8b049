from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from orgreg.roles import can_see_structure, get_visible_structure_or_404, visible_structures

from units import selectors
from units.models import Organisation, Unit


@login_required
def home(request):
    organisations = Organisation.objects.all()
    structures = visible_structures(request.user).select_related("organisation")
    return render(request, "units/home.html", {"organisations": organisations,
                                               "structures": structures})


@login_required
def organisation_detail(request, pk):
    organisation = get_object_or_404(Organisation, pk=pk)
    structures = visible_structures(request.user).filter(organisation=organisation)
    return render(request, "units/organisation_detail.html",
                  {"organisation": organisation, "structures": structures,
                   "in_force": selectors.structure_in_force(organisation)})


@login_required
def structure_detail(request, pk):
    structure = get_visible_structure_or_404(request.user, pk)
    return render(request, "units/structure_detail.html",
                  {"structure": structure, "nodes": selectors.tree(structure)})


@login_required
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("structure"), pk=pk)
    if not can_see_structure(request.user, unit.structure):
        raise Http404("Ingen enhed fundet.")
    return render(request, "units/unit_detail.html",
                  {"unit": unit, "structure": unit.structure,
                   "path": selectors.ancestors(unit), "history": selectors.unit_history(unit)})
