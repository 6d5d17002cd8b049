"""Import (editors) and export (anyone who may see the structure) in the browser.

An upload is checked at once and the preview shows every problem or what would be created;
the file is kept in the session (base64, at most interchange.MAX_IMPORT_BYTES) until the editor
confirms, so nothing is written before that and the same bytes are checked again on confirm.
"""

from __future__ import annotations

import base64
import datetime
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from orgreg.roles import editor_required, policy
from orgreg.text import counted
from units import interchange
from units.interchange import ImportForm, exporters
from units.models import Organisation, Status, Structure

SESSION_KEY = "orgreg_pending_import"
PREVIEW_UNITS = 500
PREVIEW_PROBLEMS = 300

EXPORTS = {
    "csv": (exporters.structure_csv, "text/csv; charset=utf-8", "csv"),
    "xlsx": (exporters.structure_xlsx,
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "json": (exporters.structure_json, "application/json; charset=utf-8", "json"),
}


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def structure_export(request, pk, fmt):
    """The structure as CSV, XLSX or JSON, for anyone who may see it (404 otherwise)."""
    if fmt not in EXPORTS:
        raise Http404("Ukendt format.")
    viewer = policy(request.user)
    structure = viewer.get_structure_or_404(pk)
    build, content_type, extension = EXPORTS[fmt]
    return _attachment(build(structure, viewer=viewer), content_type,
                       exporters.filename(structure, extension))


@login_required
@require_GET
def compare_export(request, old, new):
    """The comparison of two structures as XLSX; both must be visible to the user and of one
    organisation (404 otherwise, as on the page)."""
    old_structure, new_structure = policy(request.user).get_comparable_pair_or_404(old, new)
    return _attachment(exporters.comparison_xlsx(old_structure, new_structure),
                       EXPORTS["xlsx"][1],
                       exporters.comparison_filename(old_structure, new_structure))


def _pending(request, organisation: Organisation) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    token = request.POST.get("token", "")
    if (not pending or pending.get("organisation") != organisation.pk
            or not secrets.compare_digest(pending.get("token", ""), token)):
        return None
    return pending


def _plan(pending: dict, organisation: Organisation):
    based_on = None
    if pending["based_on"]:
        based_on = Structure.objects.filter(organisation=organisation,
                                            pk=pending["based_on"]).first()
    plan = interchange.prepare(
        base64.b64decode(pending["data"]), organisation=organisation,
        filename=pending["filename"], fmt=pending["format"] or None, based_on=based_on,
        create_unit_types=pending["create_unit_types"],
        on_date=datetime.date.fromisoformat(pending["on_date"]),
    )
    return plan, based_on


def _preview(request, organisation, pending, plan, based_on, *, refused: str = ""):
    units = plan.in_tree_order() if plan.ok else []
    return render(request, "units/import_preview.html", {
        "organisation": organisation,
        "pending": pending,
        "effective_date": datetime.date.fromisoformat(pending["effective_date"]),
        "based_on": based_on,
        "plan": plan,
        "format_label": interchange.FORMATS.get(plan.format, plan.format),
        "problems": plan.problems[:PREVIEW_PROBLEMS],
        "more_problems": max(0, len(plan.problems) - PREVIEW_PROBLEMS),
        "units": units[:PREVIEW_UNITS],
        "more_units": max(0, len(units) - PREVIEW_UNITS),
        "unknown_types": any(p.kind == interchange.Kind.UNKNOWN_UNIT_TYPE for p in plan.problems),
        "refused": refused,
    }, status=200 if plan.ok and not refused else 422)


@editor_required
def structure_import(request, pk):
    """Upload a file for a new draft of the organisation and see the dry run."""
    organisation = policy(request.user).get_organisation_or_404(pk)
    form = ImportForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        data = upload.read(interchange.MAX_IMPORT_BYTES + 1)
        based_on = form.cleaned_data["based_on"]
        pending = {
            "token": secrets.token_urlsafe(16),
            "organisation": organisation.pk,
            "filename": upload.name,
            "format": form.cleaned_data["format"],
            "name": form.cleaned_data["name"],
            "effective_date": form.cleaned_data["effective_date"].isoformat(),
            "based_on": based_on.pk if based_on else None,
            "create_unit_types": form.cleaned_data["create_unit_types"],
            "on_date": form.cleaned_data["on_date"].isoformat(),
        }
        if len(data) <= interchange.MAX_IMPORT_BYTES:
            pending["data"] = base64.b64encode(data).decode("ascii")
            request.session[SESSION_KEY] = pending
        else:
            request.session.pop(SESSION_KEY, None)
            pending["data"] = ""
        plan = interchange.prepare(data, organisation=organisation, filename=upload.name,
                                 fmt=pending["format"] or None, based_on=based_on,
                                 create_unit_types=pending["create_unit_types"],
                                 on_date=form.cleaned_data["on_date"])
        return _preview(request, organisation, pending, plan, based_on)
    return render(request, "units/import_form.html",
                  {"organisation": organisation, "form": form,
                   "aliases": interchange.COLUMN_ALIASES, "labels": interchange.COLUMN_LABELS},
                  status=422 if form.is_bound else 200)


@editor_required
@require_POST
def structure_import_confirm(request, pk):
    """Check the kept file again (optionally now creating missing unit types) and, when the
    editor confirms and nothing is wrong, write the new draft."""
    organisation = policy(request.user).get_organisation_or_404(pk)
    pending = _pending(request, organisation)
    if pending is None:
        messages.error(request, "Importen er udløbet eller allerede gennemført. Indlæs filen igen.")
        return redirect("units:structure-import", pk=organisation.pk)
    if request.POST.get("create_unit_types"):
        pending["create_unit_types"] = True
        request.session[SESSION_KEY] = pending
    plan, based_on = _plan(pending, organisation)
    if request.POST.get("action") != "confirm" or not plan.ok:
        return _preview(request, organisation, pending, plan, based_on)
    if based_on is not None and based_on.status == Status.DISCARDED:
        return _preview(request, organisation, pending, plan, based_on,
                        refused="Organiseringen, importen bygger på, er forkastet.")
    try:
        structure = interchange.import_structure(
            plan, organisation=organisation, name=pending["name"],
            effective_date=datetime.date.fromisoformat(pending["effective_date"]),
            user=request.user, based_on=based_on,
        )
    except ValidationError as exc:
        return _preview(request, organisation, pending, plan, based_on,
                        refused=" ".join(exc.messages))
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"»{structure.name}« er oprettet som udkast med "
                              f"{counted(len(plan.units), 'enhed', 'enheder')}.")
    return redirect(structure.get_absolute_url())
