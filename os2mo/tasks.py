"""The job kinds of os2mo (orgreg.jobs), each started by an editor's button and run by a
worker so the page does not wait for OS2mo:

- the pull, started from the organisation page: it reads OS2mo with a progress bar and leads
  to the structure it made (or to the comparison with the previous pull's);
- the push, started from a structure's plan page: the same push as ``manage.py os2mo push``
  (os2mo.push), as the editor who pressed the button, leading back to the plan page."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from orgreg import jobs
from orgreg.models import Job
from orgreg.roles import policy
from orgreg.text import counted, danish_date, quoted
from units.models import Organisation, Structure

from . import push as pushing
from .client import Os2moError
from .models import Pull
from .pulling import pull

PULL = "os2mo_pull"
PUSH = "os2mo-push"


def start_pull(user, params: dict) -> Job:
    return jobs.enqueue(PULL, user, params)


def _organisation(job: Job) -> Organisation | None:
    return Organisation.objects.filter(pk=job.params.get("organisation")).first()


def _run(job: Job, progress: jobs.Progress) -> None:
    if not policy(job.requested_by).can_pull_from_os2mo:
        raise Http404("Ingen adgang.")
    organisation = policy(job.requested_by).get_organisation_or_404(
        job.params.get("organisation"))
    try:
        result = pull(organisation, on_date=datetime.date.fromisoformat(job.params["on_date"]),
                      user=job.requested_by, in_force=bool(job.params.get("in_force")),
                      hierarchy=job.params.get("hierarchy") or "",
                      top=job.params.get("top") or "", progress=progress)
    except Os2moError as exc:
        raise ValidationError(str(exc)) from None
    job.params = {**job.params, "pull": result.pull.pk}


def _can_see(user, job: Job) -> bool:
    return policy(user).can_pull_from_os2mo


def _title(job: Job) -> str:
    on_date = job.params.get("on_date")
    when = danish_date(datetime.date.fromisoformat(on_date)) if on_date else ""
    return f"Hentning fra OS2mo pr. {when}".strip()


def _back(job: Job) -> str:
    organisation = _organisation(job)
    return organisation.get_absolute_url() if organisation else "/"


def _result(job: Job) -> tuple[str, str] | None:
    record = (Pull.objects.filter(pk=job.params.get("pull")).select_related("structure")
              .first())
    if record is None or record.structure is None:
        return None
    structure = record.structure
    made = "sat i kraft" if record.in_force else "oprettet som udkast"
    message = (f"{quoted(structure.name)} er {made} med "
               f"{counted(record.unit_count, 'enhed', 'enheder')}.")
    if record.based_on_id is None:
        return structure.get_absolute_url(), message
    changed = sum(n for kind, n in record.counts.items() if kind != "continued")
    return (reverse("units:structure-compare", args=[record.based_on_id, structure.pk]),
            message + f" Sammenlignet med sidste hentning: "
                      f"{counted(changed, 'ændret enhed', 'ændrede enheder')}.")


jobs.register(PULL, jobs.JobKind(
    run=_run, can_see=_can_see, title=_title, back=_back, result=_result,
    wording=jobs.Wording(
        working="Enhederne hentes fra OS2mo …", done="Organiseringen er hentet fra OS2mo.",
        failed="Organiseringen kunne ikke hentes fra OS2mo.",
        crashed=("Hentningen fra OS2mo mislykkedes på grund af en fejl hos os. Prøv igen "
                 "senere, eller kontakt en administrator."),
        not_found="Organisationen findes ikke, eller du har ikke længere adgang.",
        counted="enhed,enheder", counted_verb="er hentet")))


# --- the push -------------------------------------------------------------------------

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


def _push_can_see(user, job: Job) -> bool:
    structure = Structure.objects.filter(pk=job.params.get("structure")).first()
    return structure is not None and policy(user).can_see_os2mo_plan(structure)


def _push_title(job: Job) -> str:
    structure = Structure.objects.filter(pk=job.params.get("structure")).first()
    if structure is None:
        return "Afsendelse til OS2mo"
    return f"Afsendelse til OS2mo: {quoted(structure.name)}"


def _push_back(job: Job) -> str:
    return reverse("os2mo:structure-plan", args=[job.params.get("structure")])


def _push_result(job: Job) -> tuple[str, str]:
    return _push_back(job), "Planen er sendt til OS2mo. Afsendelsen står nederst på siden."


jobs.register(PUSH, jobs.JobKind(
    run=_run_push, can_see=_push_can_see, title=_push_title, back=_push_back,
    result=_push_result,
    wording=jobs.Wording(working="Planen sendes til OS2mo …", done="Planen er sendt til OS2mo.",
                         failed="Afsendelsen til OS2mo stoppede.", counted="ændring,ændringer",
                         counted_verb="er sendt")))
