"""The units app's background jobs (orgreg.jobs): the org chart PDF of a big structure and the
placement notices of a whole structure (one PDF, or a zip of one PDF per unit). Each renders
with units.printing exactly as the inline views do, as the user who asked would see it; the
job's params name the structure, and the download asks orgreg.roles again."""

from __future__ import annotations

from orgreg import jobs
from orgreg import pdf as pdf_renderer
from orgreg.models import Job
from orgreg.roles import policy
from units import printing
from units.models import Structure, Unit

CHART = "units.org_chart"
NOTICES_PDF = "units.notices_pdf"
NOTICES_ZIP = "units.notices_zip"


def slug(text: str) -> str:
    """A file-name part from a name: lower case letters and digits, dashes between."""
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower())[:60].strip("-") or "pdf"


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
    return jobs.Output(f"organisationsdiagram-{slug(structure.name)}.pdf", "application/pdf",
                       data)


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
jobs.register(NOTICES_PDF, jobs.JobKind(run=_run_notices_pdf, can_see=_editor_can_see,
                                        title=_title("Orienteringsbreve (PDF)"), back=_back))
jobs.register(NOTICES_ZIP, jobs.JobKind(run=_run_notices_zip, can_see=_editor_can_see,
                                        title=_title("Orienteringsbreve (zip)"), back=_back))
