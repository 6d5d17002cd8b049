"""A unit's page and "Hvor skal min enhed hen?" (/min-enhed/) with its search as you type."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgreg.roles import policy
from orgreg.text import quoted
from units import selectors, services
from units.forms import ManagerLinkForm, RestoreForm
from units.models import Succession, Unit


def answer_for(user, unit: Unit) -> selectors.UnitAnswer:
    return selectors.unit_answer(user, unit)


def managed_unit_answers(user) -> list[selectors.UnitAnswer]:
    """The units a manager is linked to (in structures they may see), each with its future."""
    units = (
        policy(user).units(selectors.managed_units(user))
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
    rules = policy(request.user)
    unit = rules.get_unit_or_404(pk, queryset=Unit.objects.select_related("unit_type"))
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
        "history": selectors.unit_history(unit, viewer=rules),
        **_manager_context(rules, unit),
        "restore_form": RestoreForm(initial={"unit": unit.pk})
        if rules.can_edit_structure(unit.structure) else None,
    })


def _manager_context(rules, unit: Unit) -> dict:
    """For an editor: the unit's managers and the form that links one by hand."""
    if not rules.can_link_managers(unit):
        return {}
    return {"manager_links": selectors.manager_links(unit), "manager_form": ManagerLinkForm()}


@require_POST
@login_required
def unit_managers(request, pk):
    """An editor sets the unit's leader identifier (``leader_identifier``, in any structure)
    or the leader's e-mail for the udmelding (``leader_email``),
    links a manager to the unit by username, or removes a manager's link (``remove`` = the
    manager's user id). 404 for anyone else, as for every editing page."""
    rules = policy(request.user)
    rules.require_editor()
    unit = rules.get_unit_or_404(pk)
    back = f"{unit.get_absolute_url()}#ledere"
    users = get_user_model().objects
    try:
        if "leader_identifier" in request.POST:
            unit = services.set_leader_identifier(unit, request.POST["leader_identifier"],
                                                  user=request.user)
            messages.success(request, "Lederidenten er gemt." if unit.leader_identifier
                             else "Lederidenten er fjernet.")
            return redirect(back)
        if "leader_email" in request.POST:
            unit = services.set_leader_email(unit, request.POST["leader_email"],
                                             user=request.user)
            messages.success(request, "Lederens e-mail er gemt." if unit.leader_email
                             else "Lederens e-mail er fjernet.")
            return redirect(back)
        if "remove" in request.POST:
            manager = users.filter(pk=_int_or_none(request.POST["remove"])).first()
            if manager is None:
                raise ValidationError("Brugeren findes ikke.")
            services.unlink_manager(unit, manager, user=request.user)
            messages.success(request, f"{quoted(manager.get_username())} har ikke længere "
                                      f"adgang til enheden under »Min enhed«.")
            return redirect(back)
        form = ManagerLinkForm(request.POST)
        if form.is_valid():
            services.link_manager(unit, form.cleaned_data["manager"], user=request.user)
            messages.success(request, f"{quoted(form.cleaned_data['username'])} ser nu enheden "
                                      "under »Min enhed«.")
            return redirect(back)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
        return redirect(back)
    messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(back)


def _int_or_none(value: str) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


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
