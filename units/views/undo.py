"""Undoing an operation on a draft and restoring a unit or a draft to a recorded moment: POST
only, editors only, drafts only (orgreg.roles); the service's refusal is shown as a message on
the page the editor came from, and nothing is changed."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from orgreg import flash
from orgreg.roles import editor_required, policy
from orgreg.text import danish_datetime, quoted
from units import services
from units.forms import RestoreForm
from units.models import Operation


def offer_undo(request, structure, operation_id: int | None) -> None:
    """Put a "Fortryd" button for the operation under the next page's messages."""
    if operation_id is not None:
        flash.offer(request, label="Fortryd", url=reverse(
            "units:structure-undo", args=[structure.pk, operation_id]))


def _back(request, structure):
    """Where the editor came from (a page of this site), else the change log. The editing
    page is reopened without a selected unit: the undo may have removed it."""
    target = request.POST.get("next", "")
    history = reverse("units:structure-history", args=[structure.pk])
    if not target or not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(history)
    edit = reverse("units:structure-edit", args=[structure.pk])
    if urlsplit(target).path == edit:
        return redirect(edit)
    return redirect(target)


def _refused(request, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_POST
@editor_required
def structure_undo(request, pk, operation):
    """Undo one operation of a draft (and offer to undo the undo)."""
    structure = policy(request.user).get_editable_structure_or_404(pk)
    op = Operation.objects.filter(pk=operation, structure_id=structure.pk).first()
    if op is None:
        raise Http404("Ændringen findes ikke i denne organisering.")
    try:
        undo = services.undo_operation(op, user=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(request, structure)
    messages.success(request, f"{undo.reason.split(':', 1)[0]}: {quoted(op.reason)}.")
    offer_undo(request, structure, undo.pk)
    return _back(request, structure)


@require_POST
@editor_required
def structure_restore(request, pk):
    """Restore a draft, or one unit of it (`unit`), to how it was recorded at `at`."""
    structure = policy(request.user).get_editable_structure_or_404(pk)
    form = RestoreForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return _back(request, structure)
    at, unit_id = form.cleaned_data["at"], form.cleaned_data["unit"]
    try:
        if unit_id:
            done = services.restore_unit(structure, unit_id, at=at, user=request.user)
        else:
            done = services.restore_structure(structure, at=at, user=request.user)
    except ValidationError as error:
        _refused(request, error)
        return _back(request, structure)
    if done is None:
        what = "enheden" if unit_id else "organiseringen"
        messages.info(request, f"Der er intet at gendanne: {what} er som registreret "
                               f"{danish_datetime(at)}.")
    else:
        messages.success(request, done.reason)
        offer_undo(request, structure, done.pk)
    return _back(request, structure)
