"""The Udmeldinger pages (editors): a structure's record, a letter's preview, holding,
releasing and resending, the CSV. Thin: notify.udmelding writes, notify.selectors reads."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from orgreg.roles import editor_required, policy
from units.models import Structure

from . import selectors, udmelding
from .models import Udmelding


def structure_slot(context, structure: Structure) -> dict:
    """The structure page's link to its Udmeldinger, for editors, once it has one."""
    request = context.get("request")
    user = getattr(request, "user", None)
    show = (user is not None and policy(user).is_editor
            and Udmelding.objects.filter(structure=structure).exists())
    return {"structure": structure, "show_udmeldinger": show}


def _structure(request, pk: int) -> Structure:
    return policy(request.user).get_structure_or_404(pk)


def _back(structure: Structure) -> str:
    return reverse("notify:record", args=[structure.pk])


@editor_required
def record(request, pk: int):
    """Udmeldinger: every message about the structure, and what is still to be sent."""
    structure = _structure(request, pk)
    return render(request, "notify/record.html", {
        "structure": structure, "record": selectors.structure_record(structure)})


@editor_required
def record_csv(request, pk: int):
    structure = _structure(request, pk)
    data = selectors.record_csv(selectors.structure_record(structure))
    response = HttpResponse(data, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="udmeldinger-{structure.pk}.csv"'
    return response


@editor_required
def preview(request, pk: int, unit_pk: int):
    """The letter a unit's leader gets, as it reads today; nothing is sent."""
    structure = _structure(request, pk)
    try:
        letter = udmelding.preview(structure, unit_pk)
    except ValidationError as error:
        raise Http404(" ".join(error.messages)) from None
    return render(request, "notify/preview.html", {
        "structure": structure, "letter": letter,
        "waiting": udmelding.may_send(
            structure, Udmelding.objects.filter(structure=structure).first())})


def _act(request, structure: Structure, action, done: str):
    try:
        action()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, done)
    return redirect(_back(structure))


@require_POST
@editor_required
def hold(request, pk: int):
    structure = _structure(request, pk)
    return _act(request, structure, lambda: udmelding.hold(
        structure, user=request.user, reason=request.POST.get("reason", "")),
        "Udmeldingen er tilbageholdt: der sendes intet, før den frigives.")


@require_POST
@editor_required
def release(request, pk: int):
    structure = _structure(request, pk)
    return _act(request, structure, lambda: udmelding.release(structure, user=request.user),
                "Udmeldingen er frigivet og sendes, når organiseringen må udmeldes.")


@require_POST
@editor_required
def resend(request, pk: int, unit_pk: int):
    structure = _structure(request, pk)
    return _act(request, structure,
                lambda: udmelding.resend(structure, unit_pk, user=request.user),
                "Udmeldingen sendes igen til enheden.")
