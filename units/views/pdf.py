"""PDF exports of the units app: org charts (also as PowerPoint and SVG), comparison reports
and placement notices.

Thin views: parse the options, read every structure and unit through orgreg.roles.policy (404
for what the user may not see, so a draft's existence never leaks), call units.printing and return
the file. A structure of more than ORGREG_PDF_INLINE_MAX_UNITS units is printed by a background
job instead (units/tasks.py): the view starts it and sends the user to its page.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from orgreg import jobs
from orgreg import pdf as pdf_renderer
from orgreg.forms import VersionedForm
from orgreg.roles import editor_required, policy
from orgreg.versions import current_version
from units import lifecycle, printing, services, tasks
from units.lineage import Lineage
from units.models import Structure, Unit

_slug = tasks.slug


def _as_job(request, kind: str, structure: Structure, *, check=None, under: int | None = None):
    """For a big print (the structure, or the subtree of unit `under`): start job `kind` and
    send the user to its page; else None. `check(structure)` raises the ValidationError a
    refused job would end in, before it is started."""
    if tasks.unit_count(structure, under=under) <= settings.ORGREG_PDF_INLINE_MAX_UNITS:
        return None
    if check is not None:
        check(structure)
    job = jobs.enqueue(kind, request.user, {"structure": structure.pk,
                                            "query": request.GET.dict()})
    return redirect(reverse("job-detail", args=[job.pk]))


def _refused(request, error: ValidationError, *, back: str | None = None, status: int = 400):
    """A short Danish page saying why no PDF was made; nothing is changed."""
    return render(request, "units/pdf_error.html",
                  {"errors": error.messages, "back": back}, status=status)


def _chart_answer(request, pk: int, job_kind: str, answer):
    """What a request for the org chart in any format goes through: the structure if the
    user may see it, the options (a Danish refusal when bad), a job for a big structure;
    else `answer(structure, options)`, refused in Danish when the chart cannot be made."""
    structure = policy(request.user).get_structure_or_404(pk)
    back = structure.get_absolute_url()
    try:
        options = printing.parse_chart_options(request.GET)
    except ValidationError as error:
        return _refused(request, error, back=back)
    started = _as_job(request, job_kind, structure, under=options.under)
    if started:
        return started
    try:
        return answer(structure, options)
    except ValidationError as error:
        return _refused(request, error, back=back)


@require_GET
@login_required
def structure_pdf(request, pk: int):
    """The org chart of a structure (or of one unit's subtree) as a paged PDF."""
    def answer(structure, options):
        chart = printing.org_chart(structure, request.user, options)
        data = pdf_renderer.render_pdf("units/pdf_org_chart.html", chart.context,
                                       request=request)
        return pdf_renderer.pdf_response(data, tasks.chart_filename(structure, "pdf"),
                                         inline=request.GET.get("download") != "1")

    return _chart_answer(request, pk, tasks.CHART, answer)


@require_GET
@login_required
def structure_chart_file(request, pk: int, fmt: str):
    """The org chart as PowerPoint or SVG (`fmt`): the PDF's options, pages and visibility,
    drawn as editable shapes; by a job for a big structure, as the PDF."""
    def answer(structure, options):
        data, content_type = printing.chart_export(structure, request.user, options, fmt)
        response = HttpResponse(data, content_type=content_type)
        response["Content-Disposition"] = (
            f'attachment; filename="{tasks.chart_filename(structure, fmt)}"')
        response["Cache-Control"] = "private, no-store"
        return response

    return _chart_answer(request, pk, tasks.CHART_FILES[fmt], answer)


@require_GET
@login_required
def compare_pdf(request, old: int, new: int):
    """The comparison report of two structures: counts per change kind, the key figures
    before → after and old → new; with ?unit= inside one unit's scope."""
    old_structure, new_structure = policy(request.user).get_comparable_pair_or_404(old, new)
    try:
        data = printing.compare_pdf(old_structure, new_structure, request.user,
                                    changed_only=request.GET.get("changed") == "1",
                                    under=request.GET.get("unit") or "")
    except ValidationError as error:
        return _refused(request, error, back=reverse(
            "units:structure-compare", args=[old_structure.pk, new_structure.pk]), status=404)
    name = f"sammenligning-{_slug(old_structure.name)}-{_slug(new_structure.name)}.pdf"
    return pdf_renderer.pdf_response(data, name)


def _notice_target(user, unit: Unit, wanted: str | None) -> Structure | None:
    """The decided structure a unit's notice is about: the one asked for, or the nearest
    later approved or published structure (visible to the user) that descends from the
    unit's structure."""
    candidates = [s for s in Lineage.of(unit.structure.organisation_id)
                  .descendants(unit.structure_id) if lifecycle.prints_notices(s.status)]
    if wanted:
        try:
            wanted_pk = int(wanted)
        except ValueError:
            return None
        candidates = [s for s in candidates if s.pk == wanted_pk]
    rules = policy(user)
    return next((s for s in candidates if rules.can_see_structure(s)), None)


@require_GET
@login_required
def unit_notice_pdf(request, pk: int):
    """"Orientering om ny organisering" for one unit: where it goes, from when, under whom."""
    unit = policy(request.user).get_unit_or_404(pk)
    target = _notice_target(request.user, unit, request.GET.get("structure"))
    if target is None:
        return _refused(request, ValidationError(
            "Der er endnu ingen vedtaget eller udmeldt organisering, som enheden skal over i."
        ), back=unit.get_absolute_url(), status=404)
    try:
        data = printing.notices_pdf(target, request.user, old=unit.structure, unit_ids=[unit.pk])
    except ValidationError as error:
        return _refused(request, error, back=unit.get_absolute_url())
    return pdf_renderer.pdf_response(data, f"orientering-{_slug(unit.name)}.pdf")


def _structure_notices(request, pk: int, kind: str, make, respond):
    """Every notice of a structure as one file (editors): `make(structure, user)` builds it,
    by a job when the structure is big, and `respond(data, structure)` sends it; a refusal
    is the short Danish page, before any job starts."""
    structure = policy(request.user).get_structure_or_404(pk)
    try:
        started = _as_job(request, kind, structure, check=printing.check_notices_allowed)
        if started:
            return started
        data = make(structure, request.user)
    except ValidationError as error:
        return _refused(request, error, back=structure.get_absolute_url())
    return respond(data, structure)


def _notices_pdf_response(data: bytes, structure: Structure):
    return pdf_renderer.pdf_response(data, f"orienteringer-{_slug(structure.name)}.pdf",
                                     inline=False)


def _notices_zip_response(data: bytes, structure: Structure):
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="orienteringer-{_slug(structure.name)}.zip"')
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
@editor_required
def structure_notices_pdf(request, pk: int):
    """Every notice of a structure in one PDF (editors)."""
    return _structure_notices(request, pk, tasks.NOTICES_PDF, printing.notices_pdf,
                              _notices_pdf_response)


@require_GET
@editor_required
def structure_notices_zip(request, pk: int):
    """One notice PDF per unit in a zip (editors)."""
    return _structure_notices(request, pk, tasks.NOTICES_ZIP, printing.notices_zip,
                              _notices_zip_response)


@require_http_methods(["GET", "POST"])
@editor_required
def structure_notice_text(request, pk: int):
    """The free text printed on every notice of a structure (contact, Q&A link); editors
    write it once per structure, at any status. The form carries the structure's version
    (orgreg.versions): a stale one is refused, nothing overwritten."""
    structure = policy(request.user).get_structure_or_404(pk)
    text, sender = structure.notice_text, structure.notice_sender
    version = VersionedForm(request.POST if request.method == "POST" else None,
                            initial={"version": current_version(structure)})
    errors: list[str] = []
    if request.method == "POST":
        text = request.POST.get("notice_text", structure.notice_text)
        sender = request.POST.get("notice_sender", sender)
        if "notice_text" not in request.POST:
            # A post without the field would otherwise clear the text.
            errors.append("Formularen sendte ingen tekst; intet er gemt.")
        elif len(text) > 5000:
            errors.append("Teksten må højst være 5000 tegn.")
        elif len(sender) > 300:
            errors.append("Afsenderen må højst være 300 tegn.")
        elif not version.is_valid():
            errors.append("Formularens version kan ikke læses; indlæs siden igen.")
        else:
            try:
                services.update_structure(structure, user=request.user, notice_text=text.strip(),
                                          notice_sender=" ".join(sender.split()),
                                          reason="Tekst til orienteringsbreve ændret.",
                                          expected_version=version.expected_version())
            except ValidationError as error:
                errors.extend(error.messages)
            else:
                messages.success(request, "Teksten til orienteringerne er gemt.")
                return redirect(reverse("units:structure-notice-text", args=[structure.pk]))
    return render(request, "units/pdf_notice_text.html", {
        "structure": structure, "notice_text": text, "notice_sender": sender, "errors": errors,
        "version": version["version"],
        "can_print": lifecycle.prints_notices(structure.status),
        "now": timezone.now(),
    }, status=400 if errors else 200)
