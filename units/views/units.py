"""A unit's page and "Hvor skal min enhed hen?" (/min-enhed/) with its search as you type."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse

from orgreg.roles import policy
from units import selectors
from units.forms import RestoreForm
from units.models import Succession, Unit


def answer_for(user, unit: Unit) -> selectors.UnitAnswer:
    return selectors.unit_answer(user, unit)


def managed_unit_answers(user) -> list[selectors.UnitAnswer]:
    """The units a manager is linked to (in structures they may see), each with its future."""
    units = (
        policy(user).units(Unit.objects.filter(managers=user))
        .select_related("structure", "structure__organisation", "unit_type")
        .order_by("-structure__effective_date", "lft")
    )
    return [answer_for(user, u) for u in units]


def _links(user, successions, attr: str) -> list[tuple[Unit, object]]:
    """(unit, share) of successions whose other end the user may see."""
    rules = policy(user)
    found = []
    for s in successions:
        other = getattr(s, attr)
        if rules.can_see_unit(other):
            found.append((other, s.share))
    return found


@login_required
def unit_detail(request, pk):
    """A unit: path, children, details, where it comes from and goes to, its placement in
    every later structure, and its history."""
    unit = policy(request.user).get_unit_or_404(pk, queryset=Unit.objects.select_related(
        "unit_type"))
    here_and_children = selectors.tree(unit.tree_id, under=unit, max_depth=1)
    here, children = here_and_children[0], here_and_children[1:]
    predecessors = _links(
        request.user,
        Succession.objects.filter(to_unit=unit).select_related(
            "from_unit__structure", "from_unit__structure__organisation"),
        "from_unit")
    successors = _links(
        request.user,
        Succession.objects.filter(from_unit=unit).select_related(
            "to_unit__structure", "to_unit__structure__organisation"),
        "to_unit")
    return render(request, "units/unit_detail.html", {
        "unit": unit, "node": here, "structure": unit.structure,
        "organisation": unit.structure.organisation,
        "path": selectors.ancestors(unit), "children": children,
        "predecessors": predecessors, "successors": successors,
        "futures": selectors.future_placements(request.user, unit),
        "history": selectors.unit_history(unit, viewer=policy(request.user)),
        "restore_form": RestoreForm(initial={"unit": unit.pk})
        if policy(request.user).can_edit_structure(unit.structure) else None,
    })


@login_required
def my_unit(request):
    """Hvor skal min enhed hen? Search by name or code, pick a unit, get one clear answer per
    later structure. A manager sees their own units first. ``?tidligere=1`` shows the hits in
    older structures too (the script reveals them in place)."""
    query = (request.GET.get("q") or "").strip()[:100]
    result = selectors.search_units(request.user, query) if query else None
    chosen = None
    if request.GET.get("unit"):
        chosen = answer_for(request.user, policy(request.user).get_unit_or_404(
            request.GET["unit"], queryset=Unit.objects.select_related("unit_type")))
    mine = managed_unit_answers(request.user) if chosen is None and not query else []
    return render(request, "units/my_unit.html", {
        "query": query, "result": result, "show_earlier": request.GET.get("tidligere") == "1",
        "chosen": chosen, "mine": mine,
    })


@login_required
def unit_search(request):
    """JSON for search as you type on /min-enhed/: the hits, and the same results as the page
    renders them (``html``), so the script shows what the page would."""
    query = (request.GET.get("q") or "").strip()[:100]
    result = selectors.search_units(request.user, query) if query else None
    base = reverse("units:my-unit")
    hits = result.hits if result else []
    results = [
        {"id": h.id, "name": h.name, "code": h.code, "path": list(h.path),
         "organisation": h.organisation_name, "structure": h.structure_name,
         "status": h.structure_status_label, "when": h.when, "current": h.current,
         "url": f"{base}?unit={h.id}"}
        for h in hits
    ]
    html = render_to_string("units/_search_results.html", {
        "query": query, "result": result, "show_earlier": False}, request=request)
    return JsonResponse({"query": query, "results": results, "html": html})
