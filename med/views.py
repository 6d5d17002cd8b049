"""MED pages: thin views that check permissions, call med.selectors / med.services and render.

Every object is read through orgreg.roles.policy: read pages answer 404 for what the user may
not see (a body defined against a draft, the meetings of a body the user is not a member of),
so that nothing's existence leaks, and editing pages answer 404 to anyone but an editor.
Edit pages carry the object's version (orgreg.versions) and send only the fields posted.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from orgreg import clock
from orgreg.dates import local_moment
from orgreg.forms import apply_refusal
from orgreg.roles import editor_required, policy
from orgreg.versions import current_version
from units.models import Organisation

from . import forms, selectors, services

# --- helpers ----------------------------------------------------------------------------


def _run(form, call) -> object | None:
    """Call the service with the form's data; None (and errors on the form) on refusal."""
    try:
        return call(form.cleaned_data)
    except ValidationError as error:
        apply_refusal(form, error)
        return None


def _data(request):
    """The posted data, or None for a GET (an empty POST still binds the form)."""
    return request.POST if request.method == "POST" else None


def _reason(data) -> str | None:
    return (data.get("reason") or "").strip() or None


def structure_history_url(structure_id: int, at) -> str:
    """The structure as recorded at a moment (the units app's history page)."""
    try:
        base = reverse("units:structure-history", args=[structure_id])
    except NoReverseMatch:
        base = f"/structure/{structure_id}/history/"
    # The history page reads a local date-time without an offset.
    local = timezone.localtime(at).replace(tzinfo=None).isoformat()
    return f"{base}?{urlencode({'at': local})}"


def _initial(obj, names, **extra) -> dict:
    """An edit form's initial values: the object's fields and its current version."""
    return {**{f: getattr(obj, f) for f in names}, **extra, "version": current_version(obj)}


def _form_page(request, form, *, title: str, back: str, submit: str = "Gem", intro: str = ""):
    return render(request, "med/form.html", {
        "form": form, "title": title, "back": back, "submit": submit, "intro": intro,
    })


# --- reading --------------------------------------------------------------------------


@login_required
def index(request):
    """The MED structure of one organisation as a tree, with an organisation switcher."""
    organisations = list(
        Organisation.objects.filter(
            med_bodies__in=policy(request.user).med_bodies()).distinct().order_by("name")
    )
    chosen = None
    wanted = request.GET.get("organisation")
    if wanted:
        chosen = next((o for o in organisations if str(o.pk) == wanted), None)
        if chosen is None:
            raise Http404("Ingen organisation med MED-udvalg fundet.")
    elif organisations:
        chosen = organisations[0]
    nodes = selectors.body_tree(chosen, request.user) if chosen else []
    tracker = selectors.consultation_tracker(request.user, organisation=chosen) if chosen else None
    return render(request, "med/index.html", {
        "organisations": organisations, "organisation": chosen, "nodes": nodes,
        "tracker": tracker,
    })


@login_required
def body_detail(request, pk):
    rules = policy(request.user)
    body = rules.get_med_body_or_404(pk)
    page = selectors.body_page(body, request.user)
    return render(request, "med/body_detail.html", {
        "body": body, "page": page, "today": clock.today(),
        "can_see_meetings": rules.can_see_meetings_of(body),
    })


@login_required
def meeting_detail(request, pk):
    rules = policy(request.user)
    meeting = rules.get_meeting_or_404(pk)
    items = selectors.meeting_items(meeting)
    rows = []
    for item in items:
        link = None
        shown = item.structure is not None and rules.can_see_structure(item.structure)
        if shown:
            at = item.structure_at or meeting.agenda_sent_at
            link = structure_history_url(item.structure_id, at) if at else \
                item.structure.get_absolute_url()
        rows.append({"item": item, "structure_shown": shown, "link": link})
    return render(request, "med/meeting_detail.html", {
        "meeting": meeting, "body": meeting.body, "rows": rows,
    })


@login_required
def consultation_list(request):
    tracker = selectors.consultation_tracker(request.user)
    return render(request, "med/consultation_list.html", {"tracker": tracker,
                                                          "today": clock.today()})


@login_required
def consultation_detail(request, pk):
    c = policy(request.user).get_consultation_or_404(pk)
    return render(request, "med/consultation_detail.html", {"c": c})


@login_required
def coverage(request, structure_id):
    """The coverage report of a structure: gaps, local gaps, double coverage, the proposal
    carried from the structure it was based on, and transitional bodies."""
    rules = policy(request.user)
    structure = rules.get_structure_or_404(structure_id)
    report = selectors.coverage(structure, viewer=rules)
    # The proposal and the transitional bodies come from the basis: only a visible one.
    basis = structure.based_on if structure.based_on_id and rules.can_see_structure(
        structure.based_on) else None
    proposal = selectors.propose_med_structure(structure) if basis else []
    transitional = selectors.transitional_bodies(structure.based_on, structure) \
        if basis else []
    visible_ids = set(rules.med_bodies().filter(
        pk__in=[b.id for b in report.bodies]).values_list("pk", flat=True))
    return render(request, "med/coverage.html", {
        "structure": structure, "report": report, "proposal": proposal,
        "transitional": transitional, "visible_ids": visible_ids, "basis": basis,
    })


# --- editing: bodies --------------------------------------------------------------------


@editor_required
def body_create(request):
    initial = {}
    structure = None
    if request.GET.get("structure"):
        structure = policy(request.user).structures().filter(pk=request.GET["structure"]).first()
        if structure:
            initial["structure"] = structure
    organisation = structure.organisation if structure else None
    form = forms.BodyCreateForm(_data(request), initial=initial, organisation=organisation)
    if request.method == "POST":
        if form.is_valid():
            body = _run(form, lambda d: services.create_body(
                d["structure"], name=d["name"], level=d["level"], valid_from=d["valid_from"],
                valid_to=d["valid_to"], parent=d["parent"], transitional=d["transitional"],
                description=d["description"], user=request.user, reason=_reason(d)))
            if body:
                messages.success(request, f"{body.name} er oprettet. Vælg de enheder, det dækker.")
                return redirect("med:body-units", pk=body.pk)
    return _form_page(request, form, title="Nyt MED-udvalg", back=reverse("med:index"),
                      submit="Opret")


@editor_required
def body_edit(request, pk):
    body = policy(request.user).get_med_body_or_404(pk)
    form = forms.BodyEditForm(_data(request), initial=_initial(body, forms.BodyEditForm.FIELDS),
                              organisation=body.organisation, exclude_pk=body.pk)
    if request.method == "POST" and form.is_valid():
        fields = form.sent_fields(form.FIELDS)
        if _run(form, lambda d: services.update_body(body, user=request.user, reason=_reason(d),
                                                     expected_version=form.expected_version(),
                                                     **fields)):
            messages.success(request, "Udvalget er gemt.")
            return redirect(body)
    return _form_page(request, form, title=f"Ret {body.name}", back=body.get_absolute_url())


@editor_required
def body_units(request, pk):
    body = policy(request.user).get_med_body_or_404(pk)
    form = forms.BodyUnitsForm(_data(request), structure=body.structure,
                               initial={"units": list(body.units.all()),
                                        "version": current_version(body)})
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.set_body_units(body, d["units"], user=request.user,
                                                        reason=_reason(d),
                                                        expected_version=d["version"])):
            messages.success(request, "Dækningen er gemt.")
            return redirect(body)
    return _form_page(request, form, title=f"Enheder som {body.name} dækker",
                      back=body.get_absolute_url(),
                      intro=f"Organisering: {body.structure.name}. Et udvalg dækker de valgte "
                            "enheder og alt under dem.")


# --- editing: members -------------------------------------------------------------------


@editor_required
def membership_create(request, pk):
    body = policy(request.user).get_med_body_or_404(pk)
    form = forms.MembershipForm(_data(request),
                                initial={"valid_from": max(body.valid_from, clock.today())
                                         if body.is_valid_on(clock.today())
                                         else body.valid_from})
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.add_membership(
                body, person_name=d["person_name"], side=d["side"], role=d["role"],
                union=d["union"], email=d["email"], valid_from=d["valid_from"],
                valid_to=d["valid_to"], person_user=d["person_user"], user=request.user,
                reason=_reason(d))):
            messages.success(request, "Medlemmet er tilføjet.")
            return redirect(body)
    return _form_page(request, form, title=f"Nyt medlem af {body.name}",
                      back=body.get_absolute_url(), submit="Tilføj")


@editor_required
def membership_edit(request, pk):
    m = policy(request.user).get_membership_or_404(pk)
    initial = _initial(m, forms.MembershipEditForm.FIELDS[:-1], person_user=m.user)
    form = forms.MembershipEditForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = form.sent_fields(form.FIELDS)
        if "person_user" in fields:
            fields["user"] = fields.pop("person_user")
        if _run(form, lambda d: services.update_membership(
                m, user=request.user, reason=_reason(d),
                expected_version=form.expected_version(), **fields)):
            messages.success(request, "Medlemskabet er gemt.")
            return redirect(m.body)
    return _form_page(request, form, title=f"Ret medlemskab: {m.person_name}",
                      back=m.body.get_absolute_url(),
                      intro="Et medlem, der udtræder, får en slutdato; historikken bevares.")


# --- editing: meetings and agendas ------------------------------------------------------


@editor_required
def meeting_create(request, pk):
    body = policy(request.user).get_med_body_or_404(pk)
    form = forms.MeetingForm(_data(request))
    if request.method == "POST" and form.is_valid():
        meeting = _run(form, lambda d: services.create_meeting(
            body, starts_at=d["starts_at"], title=d["title"], place=d["place"],
            user=request.user, reason=_reason(d)))
        if meeting:
            messages.success(request, "Mødet er oprettet.")
            return redirect(meeting)
    return _form_page(request, form, title=f"Nyt møde i {body.name}",
                      back=body.get_absolute_url(), submit="Opret")


@editor_required
def meeting_edit(request, pk):
    meeting = policy(request.user).get_meeting_or_404(pk)
    form = forms.MeetingEditForm(_data(request), initial=_initial(
        meeting, ("title", "place"),
        # Naive local time, which the picker shows as is (and a moment at the calendar's
        # very end, stored before orgreg.dates' rule, cannot overflow).
        starts_at=local_moment(meeting.starts_at).replace(tzinfo=None)))
    if request.method == "POST" and form.is_valid():
        fields = form.sent_fields(form.FIELDS)
        if _run(form, lambda d: services.update_meeting(
                meeting, user=request.user, reason=_reason(d),
                expected_version=form.expected_version(), **fields)):
            messages.success(request, "Mødet er gemt.")
            return redirect(meeting)
    return _form_page(request, form, title=f"Ret mødet {meeting}", back=meeting.get_absolute_url())


@editor_required
def meeting_send(request, pk):
    meeting = policy(request.user).get_meeting_or_404(pk)
    form = forms.SendAgendaForm(_data(request))
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.send_agenda(meeting, at=d["at"], user=request.user,
                                                     reason=_reason(d))):
            messages.success(request, "Dagsordenen er registreret som udsendt; punkterne viser "
                                      "organiseringen, som den stod da.")
            return redirect(meeting)
    return _form_page(request, form, title=f"Udsend dagsordenen til {meeting}",
                      back=meeting.get_absolute_url(), submit="Registrér udsendelse",
                      intro="Punkternes organiseringer fastholdes, som de står i dette øjeblik.")


@editor_required
def item_create(request, pk):
    meeting = policy(request.user).get_meeting_or_404(pk)
    form = forms.AgendaItemForm(_data(request), organisation=meeting.body.organisation)
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.add_agenda_item(
                meeting, title=d["title"], treatment=d["treatment"], structure=d["structure"],
                description=d["description"], minutes=d["minutes"], number=d["number"],
                user=request.user, reason=_reason(d))):
            messages.success(request, "Punktet er sat på dagsordenen.")
            return redirect(meeting)
    return _form_page(request, form, title=f"Nyt punkt til {meeting}",
                      back=meeting.get_absolute_url(), submit="Tilføj")


@editor_required
def item_edit(request, pk):
    item = policy(request.user).get_agenda_item_or_404(pk)
    form = forms.AgendaItemEditForm(_data(request),
                                    initial=_initial(item, forms.AgendaItemEditForm.FIELDS),
                                    organisation=item.meeting.body.organisation)
    if request.method == "POST" and form.is_valid():
        fields = form.sent_fields(form.FIELDS)
        if fields.get("number", 0) is None:
            fields.pop("number")
        if _run(form, lambda d: services.update_agenda_item(
                item, user=request.user, reason=_reason(d),
                expected_version=form.expected_version(), **fields)):
            messages.success(request, "Punktet er gemt.")
            return redirect(item.meeting)
    return _form_page(request, form, title=f"Ret punkt {item.number}",
                      back=item.meeting.get_absolute_url())


@editor_required
@require_POST
def item_remove(request, pk):
    item = policy(request.user).get_agenda_item_or_404(pk)
    meeting = item.meeting
    try:
        services.remove_agenda_item(item, user=request.user)
        messages.success(request, "Punktet er fjernet.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect(meeting)


# --- editing: consultations -------------------------------------------------------------


@editor_required
def consultation_create(request):
    initial = {}
    if request.GET.get("structure"):
        initial["structure"] = policy(request.user).structures().filter(
            pk=request.GET["structure"]).first()
    if request.GET.get("body"):
        initial["body"] = policy(request.user).med_bodies().filter(pk=request.GET["body"]).first()
    form = forms.ConsultationForm(_data(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        c = _run(form, lambda d: services.create_consultation(
            d["structure"], body=d["body"], council=d["council"], title=d["title"],
            sent_on=d["sent_on"], deadline=d["deadline"], user=request.user, reason=_reason(d)))
        if c:
            messages.success(request, "Høringen er registreret.")
            return redirect("med:consultation-list")
    return _form_page(request, form, title="Ny høring", back=reverse("med:consultation-list"),
                      submit="Registrér")


@editor_required
def consultation_edit(request, pk):
    c = policy(request.user).get_consultation_or_404(pk)
    initial = _initial(c, ("structure", *forms.ConsultationEditForm.FIELDS))
    form = forms.ConsultationEditForm(_data(request), initial=initial)
    form.fields["structure"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = form.sent_fields(form.FIELDS)
        if _run(form, lambda d: services.update_consultation(
                c, user=request.user, reason=_reason(d),
                expected_version=form.expected_version(), **fields)):
            messages.success(request, "Høringen er gemt.")
            return redirect(c)
    return _form_page(request, form, title="Ret høring", back=c.get_absolute_url())


@editor_required
def consultation_response(request, pk):
    c = policy(request.user).get_consultation_or_404(pk)
    form = forms.ResponseForm(_data(request), initial={
        "response": c.response, "responded_on": c.responded_on or clock.today(),
        "version": current_version(c)})
    if request.method == "POST" and form.is_valid():
        if _run(form, lambda d: services.record_response(
                c, response=d["response"], responded_on=d["responded_on"], user=request.user,
                reason=_reason(d), expected_version=d["version"])):
            messages.success(request, "Høringssvaret er registreret.")
            return redirect(c)
    return _form_page(request, form, title=f"Høringssvar fra {c.consulted}",
                      back=c.get_absolute_url(), submit="Registrér svar")
