"""The pull as a background job (orgreg.jobs): started from the organisation page by an
editor, it reads OS2mo with a progress bar and leads to the structure it made (or to the
comparison with the previous pull's)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import Http404
from django.urls import reverse

from orgreg import jobs
from orgreg.models import Job
from orgreg.roles import policy
from orgreg.text import counted, danish_date, quoted
from units.models import Organisation

from .client import Os2moError
from .models import Pull
from .pulling import pull

PULL = "os2mo_pull"


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
