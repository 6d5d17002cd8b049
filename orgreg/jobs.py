"""Background jobs, generic: an app registers a job kind (how to run it, who may see it) and
enqueues jobs of it; one Celery task runs any job. orgreg knows no app: units/tasks.py
registers its PDF kinds, and is found the way Django finds admin.py (each app's `tasks`).

A job is run once: the task claims it (queued → running) in one UPDATE, so a message
delivered twice, or a retry, does nothing the second time. Its file is stored with it
(MEDIA_ROOT/jobs/); the download asks the kind again whether the user may see what it is
about, and a job of another user is a 404. A kind whose work is a change rather than a file
(an import) names the page its done job leads to instead (`result`).

Jobs and their files are removed ORGREG_JOB_RETENTION_DAYS after they ended (`purge`, daily
on the scheduler and by `manage.py purge_jobs`), and with them whatever else an app
registered to be purged (`register_purge`: units' pending imports).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from celery import shared_task
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from orgreg import clock
from orgreg.models import Job

log = logging.getLogger(__name__)

NOT_FOUND_MESSAGE = ("Det, dokumentet skulle handle om, findes ikke, eller du har ikke adgang "
                     "til det.")
FAILED_MESSAGE = ("Dokumentet kunne ikke laves på grund af en fejl hos os. Prøv igen senere, "
                  "eller kontakt en administrator.")

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class Output:
    """What a job made: the file's name (as the user downloads it), type and bytes."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Wording:
    """What the job page and a failed job say of a kind's work, in Danish. `counted` is what
    the progress counts ("enhed,enheder", for |antal)."""

    working: str = "Dokumentet laves …"
    done: str = "Dokumentet er færdigt."
    failed: str = "Dokumentet kunne ikke laves."
    crashed: str = FAILED_MESSAGE
    not_found: str = NOT_FOUND_MESSAGE
    counted: str = "enhed,enheder"
    counted_verb: str = "er lavet"


@dataclass(frozen=True)
class JobKind:
    """A kind of job: `run(job, progress)` makes its Output, or None when its work is a change
    rather than a file (a ValidationError is a Danish message for the user); `can_see(user,
    job)` says whether the user may still see what the job is about; `title(job)` names it on
    the job page; `back(job)` is the page it came from; `result(job)`, for a kind that makes no
    file, is where its done job sends the user: (the page, a message to show there)."""

    run: Callable[[Job, Progress], Output | None]
    can_see: Callable[[object, Job], bool]
    title: Callable[[Job], str]
    back: Callable[[Job], str]
    result: Callable[[Job], tuple[str, str] | None] | None = None
    wording: Wording = field(default_factory=Wording)


_KINDS: dict[str, JobKind] = {}
_PURGES: dict[str, Callable[[datetime.datetime], int]] = {}


def register(name: str, kind: JobKind) -> None:
    """Register a job kind under `name` (called when an app's tasks module is imported)."""
    _KINDS[name] = kind


def register_purge(name: str, purge_expired: Callable[[datetime.datetime], int]) -> None:
    """Register `purge_expired(now)`, which removes an app's expired records and files and
    says how many records it removed; run by `purge` after the jobs. `name` is what they are,
    in Danish ("ventende importer"), as `manage.py purge_jobs` reports them."""
    _PURGES[name] = purge_expired


def kind_of(job: Job) -> JobKind:
    """The registered kind of `job` (each app's tasks module imported first)."""
    if job.kind not in _KINDS:
        autodiscover_modules("tasks")
    try:
        return _KINDS[job.kind]
    except KeyError:
        raise LookupError(f"No job kind {job.kind!r} registered.") from None


def enqueue(name: str, user, params: dict, *, total: int = 0) -> Job:
    """A new job of kind `name` for `user`, queued for a worker (run at once, in this process,
    when tasks are eager: the trial and the tests). Sent after the transaction commits, so a
    worker always finds the row."""
    job = Job.objects.create(kind=name, requested_by=user, params=params, total=total)
    send(job)
    return job


def send(job: Job) -> None:
    """Hand queued `job` to a worker once the transaction commits (eager: run it now)."""
    if run_job.app.conf.task_always_eager:
        run_job.delay(job.pk)
        job.refresh_from_db()
    else:
        transaction.on_commit(lambda: run_job.delay(job.pk))


def retry(job: Job) -> Job:
    """Queue failed `job` again (same params, same row: nothing is duplicated); a job not
    failed is left as it is."""
    if Job.objects.filter(pk=job.pk, state=Job.State.FAILED).update(
            state=Job.State.QUEUED, error="", done=0, started=None, finished=None):
        job.refresh_from_db()
        send(job)
    job.refresh_from_db()
    return job


def visible_job_or_404(user, pk: int) -> Job:
    """The user's own job `pk` whose subject the user may still see; else 404 (a job of
    another user, or about a structure since hidden, is not told apart from none)."""
    job = Job.objects.filter(pk=pk, requested_by_id=getattr(user, "pk", None)).first()
    if job is None or not kind_of(job).can_see(user, job):
        raise Http404("Intet job fundet.")
    return job


def _progress(job_id: int) -> Progress:
    def report(done: int, total: int) -> None:
        Job.objects.filter(pk=job_id).update(done=done, total=total)
    return report


def run(job_id: int) -> Job | None:
    """Run queued job `job_id` to done or failed; a job already claimed is left alone."""
    claimed = Job.objects.filter(pk=job_id, state=Job.State.QUEUED).update(
        state=Job.State.RUNNING, started=timezone.now())
    if not claimed:
        log.info("job %s not queued; nothing to do", job_id)
        return None
    job = Job.objects.select_related("requested_by").get(pk=job_id)
    wording = Wording()
    try:
        kind = kind_of(job)
        wording = kind.wording
        output = kind.run(job, _progress(job_id))
    except ValidationError as error:
        _fail(job, " ".join(error.messages))
    except Http404:
        _fail(job, wording.not_found)
    except Exception:
        log.exception("job %s (%s) failed", job.pk, job.kind)
        _fail(job, wording.crashed)
    else:
        job.refresh_from_db(fields=["done", "total"])
        if output is not None:
            job.file.save(output.filename, ContentFile(output.data), save=False)
            job.filename = output.filename
            job.content_type = output.content_type
        job.state = Job.State.DONE
        job.done = job.total = max(job.total, job.done, 1)
        job.finished = timezone.now()
        job.save()
        log.info("job %s (%s) done: %s bytes", job.pk, job.kind,
                 len(output.data) if output is not None else 0)
    return job


def _fail(job: Job, message: str) -> None:
    job.state = Job.State.FAILED
    job.error = message
    job.finished = timezone.now()
    job.save(update_fields=["state", "error", "finished"])


@shared_task(name="orgreg.run_job")
def run_job(job_id: int) -> None:
    """The one Celery task: run job `job_id` (orgreg.jobs.run)."""
    run(job_id)


def sweep_files(directory: str, referenced: set[str], *, older_than: datetime.datetime) -> int:
    """Delete the files under `directory` (a storage path) that no record names and that were
    last changed before `older_than` (a file just saved, its row not yet committed, is
    young); how many were deleted. What a record deleted without its file leaves behind."""
    try:
        folders, files = default_storage.listdir(directory)
    except FileNotFoundError:
        return 0
    deleted = 0
    for name in files:
        path = f"{directory}/{name}"
        if path not in referenced and default_storage.get_modified_time(path) < older_than:
            default_storage.delete(path)
            deleted += 1
    for folder in folders:
        deleted += sweep_files(f"{directory}/{folder}", referenced, older_than=older_than)
    return deleted


def purge(*, now: datetime.datetime | None = None) -> dict[str, int]:
    """Remove the jobs that ended (or, never ended, were created) more than
    ORGREG_JOB_RETENTION_DAYS ago, and their files; then the files under jobs/ that no job
    names; then what each app registered (register_purge). How many of each were removed."""
    now = now or clock.now()
    cutoff = now - datetime.timedelta(days=settings.ORGREG_JOB_RETENTION_DAYS)
    expired = Job.objects.filter(Q(finished__lt=cutoff)
                                 | Q(finished__isnull=True, created__lt=cutoff))
    removed = {"job": 0, "jobfiler": 0}
    for job in expired.iterator():
        if job.file:
            job.file.delete(save=False)
            removed["jobfiler"] += 1
        job.delete()
        removed["job"] += 1
    referenced = set(Job.objects.exclude(file="").values_list("file", flat=True))
    removed["jobfiler"] += sweep_files("jobs", referenced, older_than=cutoff)
    autodiscover_modules("tasks")
    for name, purge_expired in _PURGES.items():
        removed[name] = purge_expired(now)
    log.info("purged %s", ", ".join(f"{key}: {value}" for key, value in removed.items()))
    return removed


@shared_task(name="orgreg.purge_jobs")
def purge_jobs() -> dict[str, int]:
    """The scheduler's daily task: orgreg.jobs.purge."""
    return purge()
