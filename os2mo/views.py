"""Pages of os2mo, editors only (orgreg.roles): the pull page, where an editor reads OS2mo into
a new structure as a background job; and a structure's plan for OS2mo, shown before anyone
pushes it, with the log of what was pushed and the button that pushes it."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgreg import jobs
from orgreg.roles import editor_required, policy
from units.lifecycle import DECIDED

from . import plan as plans
from . import selectors, tasks
from .forms import PullForm


@editor_required
def pull_page(request, pk):
    """The form (date, draft or in force, hierarchy, top unit) and the latest pulls; a valid
    form starts the pull as a job and shows its progress."""
    viewer = policy(request.user)
    organisation = viewer.get_organisation_or_404(pk)
    if not viewer.can_pull_from_os2mo:
        raise Http404("OS2mo er ikke sat op.")
    form = PullForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = tasks.start_pull(request.user, form.params(organisation))
        return redirect(reverse("job-detail", args=[job.pk]))
    return render(request, "os2mo/pull.html", {
        "organisation": organisation, "form": form,
        "pulls": selectors.recent_pulls(request.user, organisation),
    }, status=422 if form.is_bound else 200)


def _plan(structure) -> tuple[plans.Plan | None, str]:
    try:
        return plans.plan(structure, version=settings.OS2MO_GRAPHQL_VERSION), ""
    except ValidationError as exc:
        return None, " ".join(exc.messages)


@editor_required
def structure_plan(request, pk):
    structure = policy(request.user).get_os2mo_plan_structure_or_404(pk)
    plan, refusal = _plan(structure)
    sent = selectors.sent_keys(structure)
    items = [(item, item.key in sent) for item in plan.items] if plan else []
    return render(request, "os2mo/structure_plan.html", {
        "structure": structure, "plan": plan, "refusal": refusal, "items": items,
        "unsent": sum(1 for _, was_sent in items if not was_sent),
        "pushes": selectors.pushes(structure),
        "plan_json": plan.json_text() if plan else "",
        "can_push": bool(plan and not plan.problems and settings.OS2MO_URL),
    })


@require_POST
@editor_required
def structure_push(request, pk):
    """Start a push of the plan the editor saw (its digest) and confirmed, as a job; refused
    with a Danish message, nothing sent, when not confirmed, when the plan has changed since,
    has problems, or OS2mo is not set up."""
    structure = policy(request.user).get_os2mo_plan_structure_or_404(pk)
    back = reverse("os2mo:structure-plan", args=[structure.pk])
    plan, refusal = _plan(structure)
    if plan is None:
        messages.error(request, refusal)
        return redirect(back)
    if not settings.OS2MO_URL:
        messages.error(request, "OS2mo er ikke sat op (OS2MO_URL mangler); intet er sendt.")
    elif request.POST.get("confirm") != "yes":
        messages.error(request, "Sæt kryds ved, at du har læst planen og vil sende den; intet "
                                "er sendt.")
    elif request.POST.get("digest") != plan.digest:
        messages.error(request, "Planen er ændret, siden du så den; læs den igen, før du "
                                "sender den. Intet er sendt.")
    elif plan.problems:
        messages.error(request, "Planen kan ikke sendes: " + " ".join(plan.problems))
    else:
        job = jobs.enqueue(tasks.PUSH, request.user, {"structure": structure.pk},
                           total=len(plan.items))
        return redirect(reverse("job-detail", args=[job.pk]))
    return redirect(back)


@editor_required
def structure_plan_json(request, pk):
    structure = policy(request.user).get_os2mo_plan_structure_or_404(pk)
    plan, refusal = _plan(structure)
    if plan is None:
        raise Http404(refusal)
    response = JsonResponse(plan.as_json(), json_dumps_params={"ensure_ascii": False,
                                                               "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="os2mo-plan-{structure.pk}.json"'
    return response


def plan_link(context, organisation, structure=None) -> dict:
    """The structure page's link to the plan for OS2mo (the slot "organisation", see
    os2mo.apps): for an editor, on a decided structure based on another."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = (structure is not None and structure.status in DECIDED
            and structure.based_on_id is not None
            and policy(user).can_see_os2mo_plan(structure))
    return {"os2mo_plan_structure": structure if show else None}
