"""The units app's background jobs (orgreg.jobs): the org chart of a big structure (PDF,
PowerPoint or SVG) and the placement notices of a whole structure (one PDF, or a zip of one
PDF per unit). Each renders with units.printing exactly as the inline views do, as the user
who asked would see it; the job's params name the structure, and the download asks
orgreg.roles again.

And the check and the import of a big uploaded file (a PendingImport over
ORGREG_IMPORT_INLINE_MAX_BYTES), through units.imports exactly as the inline import page;
their params name the pending import, which is its owner's only. Expired pending imports are
purged with the jobs (orgreg.jobs.register_purge)."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404

from orgreg import jobs
from orgreg import pdf as pdf_renderer
from orgreg.models import Job
from orgreg.roles import policy
from orgreg.text import counted, quoted
from units import imports, printing
from units.models import PendingImport, Structure, Unit

CHART = "units.org_chart"
CHART_FILES = {"pptx": "units.org_chart_pptx", "svg": "units.org_chart_svg"}
NOTICES_PDF = "units.notices_pdf"
NOTICES_ZIP = "units.notices_zip"
IMPORT_CHECK = "units.import_check"
IMPORT = "units.import"


def slug(text: str) -> str:
    """A file-name part from a name: lower case letters and digits, dashes between."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())[:60].strip("-") or "pdf"


def chart_filename(structure: Structure, fmt: str) -> str:
    """The org chart's file name in format `fmt` (pdf, pptx, svg)."""
    return f"organisationsdiagram-{slug(structure.name)}.{fmt}"


def unit_count(structure: Structure, *, under: int | None = None) -> int:
    """How many units a print of the structure holds (one query): the whole tree, or the
    subtree of unit `under` when that is one of its units. What decides job or inline."""
    if under is not None:
        bounds = Unit.objects.filter(pk=under, tree_id=structure.pk).values_list(
            "lft", "rght").first()
        if bounds is not None:
            return (bounds[1] - bounds[0] + 1) // 2
    return Unit.objects.filter(tree_id=structure.pk).count()


def _structure(job: Job) -> Structure:
    return Structure.objects.select_related("organisation").get(pk=job.params["structure"])


def _can_see(user, job: Job) -> bool:
    return policy(user).can_see_structure_id(job.params.get("structure"))


def _editor_can_see(user, job: Job) -> bool:
    return policy(user).is_editor and _can_see(user, job)


def _back(job: Job) -> str:
    return f"/structure/{job.params['structure']}/"


def _run_chart(job: Job, progress: jobs.Progress) -> jobs.Output:
    structure = _structure(job)
    options = printing.parse_chart_options(job.params.get("query", {}))
    progress(0, 2)
    chart = printing.org_chart(structure, job.requested_by, options)
    progress(1, 2)
    data = pdf_renderer.render_pdf("units/pdf_org_chart.html", chart.context)
    return jobs.Output(chart_filename(structure, "pdf"), "application/pdf", data)


def _run_chart_file(fmt: str):
    def run(job: Job, progress: jobs.Progress) -> jobs.Output:
        structure = _structure(job)
        options = printing.parse_chart_options(job.params.get("query", {}))
        progress(0, 1)
        data, content_type = printing.chart_export(structure, job.requested_by, options, fmt)
        return jobs.Output(chart_filename(structure, fmt), content_type, data)
    return run


def _run_notices_pdf(job: Job, progress: jobs.Progress) -> jobs.Output:
    structure = _structure(job)
    progress(0, 1)
    data = printing.notices_pdf(structure, job.requested_by)
    return jobs.Output(f"orienteringer-{slug(structure.name)}.pdf", "application/pdf", data)


def _run_notices_zip(job: Job, progress: jobs.Progress) -> jobs.Output:
    structure = _structure(job)
    data = printing.notices_zip(structure, job.requested_by,
                                progress=lambda done, total, _notice: progress(done, total))
    return jobs.Output(f"orienteringer-{slug(structure.name)}.zip", "application/zip", data)


def _title(label: str):
    def title(job: Job) -> str:
        name = Structure.objects.filter(pk=job.params.get("structure")).values_list(
            "name", flat=True).first()
        return f"{label} for {name}" if name else label
    return title


jobs.register(CHART, jobs.JobKind(run=_run_chart, can_see=_can_see,
                                  title=_title("Organisationsdiagram"), back=_back))
for _fmt, _kind in CHART_FILES.items():
    jobs.register(_kind, jobs.JobKind(
        run=_run_chart_file(_fmt), can_see=_can_see,
        title=_title(f"Organisationsdiagram ({printing.FORMAT_LABELS[_fmt]})"), back=_back))
jobs.register(NOTICES_PDF, jobs.JobKind(run=_run_notices_pdf, can_see=_editor_can_see,
                                        title=_title("Orienteringsbreve (PDF)"), back=_back))
jobs.register(NOTICES_ZIP, jobs.JobKind(run=_run_notices_zip, can_see=_editor_can_see,
                                        title=_title("Orienteringsbreve (zip)"), back=_back))


# --- imports ---------------------------------------------------------------------------

def runs_as_job(pending: PendingImport) -> bool:
    """A file over ORGREG_IMPORT_INLINE_MAX_BYTES is checked and imported by a job."""
    return pending.size > settings.ORGREG_IMPORT_INLINE_MAX_BYTES


def _latest(kind: str, pending: PendingImport) -> Job | None:
    return (Job.objects.filter(kind=kind, params__pending_import=pending.pk)
            .order_by("-pk").first())


def start_import_check(pending: PendingImport) -> Job:
    """The check job of `pending`: the one queued or running, else a new one."""
    job = _latest(IMPORT_CHECK, pending)
    if job is not None and job.state in (Job.State.QUEUED, Job.State.RUNNING):
        return job
    return jobs.enqueue(IMPORT_CHECK, pending.owner, {"pending_import": pending.pk})


def start_import(pending: PendingImport) -> Job:
    """The import job of `pending`: the one started already (a failed one retried), else a
    new one. However many there are, the structure is created once
    (units.imports.import_pending)."""
    job = _latest(IMPORT, pending)
    if job is None:
        return jobs.enqueue(IMPORT, pending.owner, {"pending_import": pending.pk})
    return jobs.retry(job) if job.state == Job.State.FAILED else job


def _pending(job: Job) -> PendingImport:
    """The job's pending import, while it is its owner's to see (an import gone, or an owner
    no longer an editor, ends the job as not found)."""
    pending = (policy(job.requested_by).pending_imports()
               .select_related("organisation", "based_on")
               .filter(pk=job.params.get("pending_import")).first())
    if pending is None:
        raise Http404("Ingen import fundet.")
    return pending


def _run_import_check(job: Job, progress: jobs.Progress) -> None:
    imports.check_pending_import(_pending(job), progress=progress)


def _run_import(job: Job, progress: jobs.Progress) -> None:
    imports.import_pending(_pending(job), user=job.requested_by, progress=progress)


def _owns_pending(user, job: Job) -> bool:
    return policy(user).pending_imports().filter(pk=job.params.get("pending_import")).exists()


def _job_pending(job: Job) -> PendingImport | None:
    """The pending import a job is about, whoever may see it (for the job page's title and
    links; the work itself asks `_pending`, which checks the owner)."""
    return (PendingImport.objects.filter(pk=job.params.get("pending_import"))
            .select_related("structure").first())


def _import_title(label: str):
    def title(job: Job) -> str:
        pending = _job_pending(job)
        return f"{label} af {quoted(pending.filename)}" if pending else label
    return title


def _import_back(job: Job) -> str:
    pending = _job_pending(job)
    return pending.get_absolute_url() if pending else "/"


def _check_result(job: Job) -> tuple[str, str] | None:
    pending = _job_pending(job)
    return (pending.get_absolute_url(), "") if pending else None


def _import_result(job: Job) -> tuple[str, str] | None:
    pending = _job_pending(job)
    if pending is None or pending.structure is None:
        return None
    return pending.structure.get_absolute_url(), imported_message(pending.structure, pending)


def imported_message(structure: Structure, pending: PendingImport) -> str:
    """What the editor is told when the import is done (inline or by a job)."""
    units = (pending.preview or {}).get("unit_count", 0)
    return (f"{quoted(structure.name)} er oprettet som udkast med "
            f"{counted(units, 'enhed', 'enheder')}.")


_IMPORT_WORDING = dict(
    crashed=("Importen kunne ikke gennemføres på grund af en fejl hos os. Prøv igen senere, "
             "eller kontakt en administrator."),
    not_found="Importen findes ikke længere. Indlæs filen igen.",
    counted="række,rækker", counted_verb="er kontrolleret",
)
jobs.register(IMPORT_CHECK, jobs.JobKind(
    run=_run_import_check, can_see=_owns_pending, title=_import_title("Kontrol"),
    back=_import_back, result=_check_result,
    wording=jobs.Wording(working="Filen kontrolleres …", done="Filen er kontrolleret.",
                         failed="Filen kunne ikke kontrolleres.", **_IMPORT_WORDING)))
jobs.register(IMPORT, jobs.JobKind(
    run=_run_import, can_see=_owns_pending, title=_import_title("Import"),
    back=_import_back, result=_import_result,
    wording=jobs.Wording(working="Organiseringen oprettes …",
                         done="Organiseringen er oprettet.",
                         failed="Importen kunne ikke gennemføres.", **_IMPORT_WORDING)))
jobs.register_purge("ventende importer", imports.purge_pending_imports)
