"""Import (editors) and export (anyone who may see the structure) in the browser.

An upload is kept in storage as a pending import (units.imports: its uploader's only,
for ORGREG_IMPORT_RETENTION_HOURS; the session holds nothing of it) and checked; the preview
shows every problem or what would be created. Nothing is written until the editor confirms,
and the same stored bytes are checked again then. A small file is checked and imported in the
request, so the trial feels instant; one over ORGREG_IMPORT_INLINE_MAX_BYTES by a job
(units/tasks.py), the user following it on the job page until it leads on to the preview or
the new draft.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from orgreg.roles import editor_required, policy
from units import imports, interchange, tasks
from units.interchange import ImportForm, ImportPreview, exporters
from units.models import Organisation, PendingImport

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


def _start_over(request, organisation: Organisation, message: str):
    messages.error(request, message)
    return redirect("units:structure-import", pk=organisation.pk)


def _not_pending(request, organisation: Organisation, pending: PendingImport):
    """The answer for a pending import that is no longer waiting, else None: an imported one
    leads to its structure, an expired one is removed and the editor asked to upload again."""
    if pending.state == PendingImport.State.IMPORTED and pending.structure is not None:
        messages.info(request, "Importen er allerede gennemført.")
        return redirect(pending.structure.get_absolute_url())
    if imports.is_expired(pending):
        imports.discard_pending_import(pending)
        return _start_over(request, organisation, imports.expired_message())
    return None


def _job_page(job):
    return redirect(reverse("job-detail", args=[job.pk]))


def _preview(request, organisation: Organisation, pending: PendingImport,
             result: ImportPreview, *, refused: str = ""):
    return render(request, "units/import_preview.html", {
        "organisation": organisation,
        "pending": pending,
        "preview": result,
        "format_label": interchange.FORMATS.get(result.format, result.format),
        "refused": refused,
        "in_background": tasks.runs_as_job(pending),
    }, status=200 if result.ok and not refused else 422)


def _check(request, organisation: Organisation, pending: PendingImport):
    """Check the stored file: in the request for a small one, else by a job whose page leads
    back to the preview."""
    if tasks.runs_as_job(pending):
        return _job_page(tasks.start_import_check(pending))
    try:
        result = imports.check_pending_import(pending)
    except ValidationError as error:
        imports.discard_pending_import(pending)
        return _start_over(request, organisation, " ".join(error.messages))
    return _preview(request, organisation, pending, result)


@editor_required
def structure_import(request, pk):
    """Upload a file for a new draft of the organisation and see the dry run."""
    organisation = policy(request.user).get_organisation_or_404(pk)
    form = ImportForm(request.POST or None, request.FILES or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pending = imports.create_pending_import(
                organisation, user=request.user, upload=data["file"], name=data["name"],
                effective_date=data["effective_date"], fmt=data["format"],
                based_on=data["based_on"], create_unit_types=data["create_unit_types"],
                on_date=data["on_date"], os2mo=form.os2mo_options())
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _check(request, organisation, pending)
    return render(request, "units/import_form.html",
                  {"organisation": organisation, "form": form,
                   "aliases": interchange.COLUMN_ALIASES, "labels": interchange.COLUMN_LABELS},
                  status=422 if form.is_bound else 200)


def _own_pending(request, pk: int, pending: int) -> tuple[Organisation, PendingImport]:
    viewer = policy(request.user)
    organisation = viewer.get_organisation_or_404(pk)
    return organisation, viewer.get_pending_import_or_404(pending, organisation=organisation)


@editor_required
@require_GET
def structure_import_preview(request, pk, pending):
    """The dry run of the editor's own pending import (a job's result for a big file)."""
    organisation, pending = _own_pending(request, pk, pending)
    answer = _not_pending(request, organisation, pending)
    if answer is not None:
        return answer
    if pending.preview is None:
        return _check(request, organisation, pending)
    return _preview(request, organisation, pending, ImportPreview.from_json(pending.preview))


@editor_required
@require_POST
def structure_import_confirm(request, pk, pending):
    """Check the kept file again (optionally now creating missing unit types) or, when the
    editor confirms, import it: in the request for a small file, else by a job. A refusal
    shows the fresh check and writes nothing."""
    organisation, pending = _own_pending(request, pk, pending)
    answer = _not_pending(request, organisation, pending)
    if answer is not None:
        return answer
    if request.POST.get("action") != "confirm":
        imports.recheck_pending_import(
            pending, create_unit_types=bool(request.POST.get("create_unit_types")))
        return _check(request, organisation, pending)
    if tasks.runs_as_job(pending):
        return _job_page(tasks.start_import(pending))
    try:
        structure = imports.import_pending(pending, user=request.user)
    except ValidationError as error:
        pending.refresh_from_db()
        if pending.preview is None:
            return _start_over(request, organisation, " ".join(error.messages))
        result = ImportPreview.from_json(pending.preview)
        return _preview(request, organisation, pending, result,
                        refused=" ".join(error.messages) if result.ok else "")
    pending.refresh_from_db(fields=["preview"])
    messages.success(request, tasks.imported_message(structure, pending))
    return redirect(structure.get_absolute_url())
