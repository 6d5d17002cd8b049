"""The job kind of os2mo (orgreg.jobs): a push started by an editor's button on the plan page,
run by a worker so the page does not wait for OS2mo. It is the same push as ``manage.py os2mo
push`` (os2mo.push), as the editor who pressed the button."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from orgreg import jobs
from orgreg.models import Job
from orgreg.roles import policy
from orgreg.text import quoted
from units.models import Structure

from . import push as pushing
from .client import Os2moError

PUSH = "os2mo-push"


def _structure(job: Job) -> Structure:
    structure = Structure.objects.filter(pk=job.params.get("structure")).first()
    if structure is None:
        raise Http404("Ingen organisering fundet.")
    return structure


def _run_push(job: Job, progress: jobs.Progress) -> None:
    structure = _structure(job)
    if not policy(job.requested_by).can_see_os2mo_plan(structure):
        raise Http404("Ingen organisering fundet.")
    try:
        report = pushing.push(structure, user=job.requested_by)
    except Os2moError as exc:
        raise ValidationError(str(exc)) from None
    if not report.complete:
        raise ValidationError(report.text())
    progress(len(report.plan.items), len(report.plan.items))
    return None


def _can_see(user, job: Job) -> bool:
    structure = Structure.objects.filter(pk=job.params.get("structure")).first()
    return structure is not None and policy(user).can_see_os2mo_plan(structure)


def _title(job: Job) -> str:
    structure = Structure.objects.filter(pk=job.params.get("structure")).first()
    if structure is None:
        return "Afsendelse til OS2mo"
    return f"Afsendelse til OS2mo: {quoted(structure.name)}"


def _back(job: Job) -> str:
    return reverse("os2mo:structure-plan", args=[job.params.get("structure")])


def _result(job: Job) -> tuple[str, str]:
    return _back(job), "Planen er sendt til OS2mo. Afsendelsen står nederst på siden."


jobs.register(PUSH, jobs.JobKind(
    run=_run_push, can_see=_can_see, title=_title, back=_back, result=_result,
    wording=jobs.Wording(working="Planen sendes til OS2mo …", done="Planen er sendt til OS2mo.",
                         failed="Afsendelsen til OS2mo stoppede.", counted="ændring,ændringer",
                         counted_verb="er sendt")))
