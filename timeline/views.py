"""Pages of the plan: thin views that parse, check permission, call a selector or service and
render. Every object is read through orgreg.roles.policy: milestones of a structure a user may
not see are 404 to that user, and editing pages are 404 to anyone but an editor. Edit pages
carry the object's version (orgreg.versions) and send only the fields posted."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgreg import clock
from orgreg.forms import apply_refusal
from orgreg.roles import editor_required, policy
from orgreg.versions import current_version
from units.models import Organisation

from . import selectors, services
from .forms import (
    DeliverableEditForm,
    DeliverableForm,
    MilestoneEditForm,
    MilestoneForm,
    PlanFilterForm,
    StatusForm,
    WorkstreamEditForm,
    WorkstreamForm,
)
from .ics import plan_calendar
from .models import FeedToken, Milestone, MilestoneStatus


def _organisation(user, pk) -> Organisation:
    return policy(user).get_organisation_or_404(pk)


def _visible_milestone(user, pk) -> Milestone:
    return policy(user).get_milestone_or_404(pk)


def _initial(obj, names) -> dict:
    """An edit form's initial values: the object's fields and its current version."""
    return {**{f: getattr(obj, f) for f in names}, "version": current_version(obj)}


def _filters(request, organisation) -> tuple[PlanFilterForm, selectors.PlanFilter]:
    forums = selectors.forums(organisation, user=request.user)
    streams = selectors.workstreams(organisation)
    form = PlanFilterForm(request.GET or None, forums=forums, workstreams=streams)
    if not form.is_bound:
        return form, selectors.PlanFilter()
    form.is_valid()
    data = form.cleaned_data
    return form, selectors.PlanFilter(
        start=data.get("start"), end=data.get("end"), kinds=tuple(data.get("kind") or ()),
        forum=data.get("forum") or "", workstream_id=data.get("workstream"),
    )


# --- reading ----------------------------------------------------------------------------


@login_required
def index(request):
    organisations = policy(request.user).organisations().order_by("name")
    return render(request, "timeline/index.html", {"organisations": organisations})


@login_required
def plan_list(request, organisation_id):
    organisation = _organisation(request.user, organisation_id)
    today = clock.today()
    form, filters = _filters(request, organisation)
    entries = selectors.plan(organisation, user=request.user, filters=filters, today=today)
    show_today = (not filters.start or filters.start <= today) and (
        not filters.end or today <= filters.end)
    return render(request, "timeline/plan.html", {
        "organisation": organisation, "form": form, "today": today,
        "months": selectors.by_month(entries, today, show_today=show_today),
        "count": len(entries),
        "overdue": selectors.overdue(organisation, user=request.user, today=today),
        "filtered": any([filters.start, filters.end, filters.kinds, filters.forum,
                         filters.workstream_id]),
    })


@login_required
def gantt(request, organisation_id):
    organisation = _organisation(request.user, organisation_id)
    return render(request, "timeline/gantt.html", {
        "organisation": organisation,
        "chart": selectors.gantt(organisation, today=clock.today()),
    })


@login_required
def milestone_detail(request, pk):
    milestone = _visible_milestone(request.user, pk)
    viewer = policy(request.user)
    return render(request, "timeline/milestone_detail.html", {
        "milestone": milestone, "organisation": milestone.organisation,
        "forum": selectors.milestone_forum(milestone, viewer),
        "history": selectors.milestone_history(milestone, viewer=viewer),
        # A MED body is defined against a structure; its name is shown only to those who may
        # see that structure.
        "show_med": milestone.med_body is None or policy(request.user).can_see_med_body(
            milestone.med_body),
        "status_choices": MilestoneStatus.choices, "today": clock.today(),
        "version": current_version(milestone),
    })


# --- editing ----------------------------------------------------------------------------


@editor_required
def milestone_create(request, organisation_id):
    organisation = _organisation(request.user, organisation_id)
    form = MilestoneForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            milestone = services.create_milestone(
                organisation, user=request.user, title=data["title"], date=data["date"],
                end_date=data["end_date"], kind=data["kind"], status=data["status"],
                forum=data["forum"], structure=data["structure"],
                workstream=data["workstream"], description=data["description"],
                med_body=data["med_body"], meeting=data["meeting"],
                reason=data["reason"] or None,
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, f"Milepælen »{milestone.title}« er oprettet.")
            return redirect("timeline:plan", organisation.pk)
    return render(request, "timeline/milestone_form.html",
                  {"organisation": organisation, "form": form, "milestone": None})


@editor_required
def milestone_edit(request, pk):
    milestone = _visible_milestone(request.user, pk)
    organisation = milestone.organisation
    form = MilestoneEditForm(request.POST or None,
                             initial=_initial(milestone, MilestoneEditForm.FIELDS),
                             organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            services.edit_milestone(
                milestone, user=request.user, reason=form.cleaned_data["reason"] or "",
                expected_version=form.expected_version(),
                **form.sent_fields(MilestoneEditForm.FIELDS),
            )
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, "Milepælen er gemt.")
            return redirect("timeline:milestone-detail", milestone.pk)
    return render(request, "timeline/milestone_form.html",
                  {"organisation": organisation, "form": form, "milestone": milestone})


@require_POST
@editor_required
def milestone_status(request, pk):
    milestone = _visible_milestone(request.user, pk)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Ukendt status.")
    else:
        try:
            services.set_milestone_status(milestone, form.cleaned_data["status"],
                                          user=request.user,
                                          reason=form.cleaned_data["reason"] or None,
                                          expected_version=form.expected_version())
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Status er ændret.")
    return redirect("timeline:milestone-detail", milestone.pk)


@require_POST
@editor_required
def milestone_delete(request, pk):
    milestone = _visible_milestone(request.user, pk)
    organisation_id = milestone.organisation_id
    services.delete_milestone(milestone, user=request.user,
                              reason=(request.POST.get("reason") or "").strip() or None)
    messages.success(request, f"Milepælen »{milestone.title}« er slettet.")
    return redirect("timeline:plan", organisation_id)


@editor_required
def workstream_form(request, organisation_id=None, pk=None):
    workstream = policy(request.user).get_workstream_or_404(pk) if pk else None
    organisation = (workstream.organisation if workstream
                    else _organisation(request.user, organisation_id))
    if workstream:
        form: WorkstreamForm = WorkstreamEditForm(
            request.POST or None, initial=_initial(workstream, WorkstreamEditForm.FIELDS))
    else:
        form = WorkstreamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, WorkstreamEditForm):
                fields = form.sent_fields(form.FIELDS)
                if fields.get("order", 0) is None:
                    fields.pop("order")
                services.update_workstream(workstream, user=request.user,
                                           reason=data["reason"] or None,
                                           expected_version=form.expected_version(), **fields)
            else:
                services.create_workstream(organisation, user=request.user, name=data["name"],
                                           description=data["description"],
                                           order=data["order"], reason=data["reason"] or None)
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, "Indsatsområdet er gemt.")
            return redirect("timeline:gantt", organisation.pk)
    return render(request, "timeline/form.html", {
        "organisation": organisation, "form": form,
        "heading": f"Ret indsatsområde: {workstream.name}" if workstream else "Nyt indsatsområde",
        "back": reverse("timeline:gantt", args=[organisation.pk]),
    })


@editor_required
def deliverable_form(request, workstream_id=None, pk=None):
    rules = policy(request.user)
    deliverable = rules.get_deliverable_or_404(pk) if pk else None
    workstream = (deliverable.workstream if deliverable
                  else rules.get_workstream_or_404(workstream_id))
    if deliverable:
        form: DeliverableForm = DeliverableEditForm(
            request.POST or None, initial=_initial(deliverable, DeliverableForm.FIELDS))
    else:
        form = DeliverableForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if isinstance(form, DeliverableEditForm):
                services.update_deliverable(deliverable, user=request.user,
                                            reason=data["reason"] or None,
                                            expected_version=form.expected_version(),
                                            **form.sent_fields(form.FIELDS))
            else:
                services.create_deliverable(workstream, user=request.user,
                                            reason=data["reason"] or None,
                                            **{f: data[f] for f in form.FIELDS})
        except ValidationError as error:
            apply_refusal(form, error)
        else:
            messages.success(request, "Leverancen er gemt.")
            return redirect("timeline:gantt", workstream.organisation_id)
    return render(request, "timeline/form.html", {
        "organisation": workstream.organisation, "form": form,
        "heading": (f"Ret leverance: {deliverable.title}" if deliverable
                    else f"Ny leverance i {workstream.name}"),
        "back": reverse("timeline:gantt", args=[workstream.organisation_id]),
    })


# --- calendar ---------------------------------------------------------------------------


@login_required
def calendar(request, organisation_id):
    """The user's subscription address; POST makes a new one and retires the old."""
    organisation = _organisation(request.user, organisation_id)
    if request.method == "POST":
        token = services.regenerate_feed_token(request.user)
        messages.success(request, "Du har fået en ny kalenderadresse. Den gamle virker ikke "
                                  "længere.")
        return redirect("timeline:calendar", organisation.pk)
    token = services.feed_token(request.user)
    path = reverse("timeline:feed", args=[organisation.pk, token.token])
    url = request.build_absolute_uri(path)
    return render(request, "timeline/calendar.html", {
        "organisation": organisation, "feed_url": url,
        "webcal_url": "webcal://" + url.split("://", 1)[1],
    })


def feed(request, organisation_id, token):
    """The iCalendar feed: no session (calendar clients cannot log in); the token names the
    user, and the feed shows what that user may see."""
    found = (FeedToken.objects.select_related("user").filter(token=token).first()
             if token else None)
    if found is None or not found.user.is_active:
        raise Http404("Ukendt kalenderadresse.")
    organisation = _organisation(found.user, organisation_id)
    entries = selectors.plan(organisation, user=found.user)
    data = plan_calendar(organisation, entries, host=request.get_host().split(":")[0],
                         base_url=request.build_absolute_uri("/"))
    response = HttpResponse(data, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="tidsplan-{organisation.pk}.ics"'
    response["Cache-Control"] = "private, max-age=900"
    return response
