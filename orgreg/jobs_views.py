"""The job page ("Dokumentet laves …", reloading itself until done) and the download of the
job's file. Both are the requesting user's only, and both ask the job's kind again whether the
user may still see what the job is about (orgreg.jobs.visible_job_or_404). A done job of a
kind that makes no file (an import) sends its user on to the page it leads to."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from orgreg import jobs
from orgreg.models import Job

# Seconds between the job page's reloads while the job is queued or running.
REFRESH_SECONDS = 2


@require_GET
@login_required
def job_detail(request, pk: int):
    """Where a job stands: queued or running (the page reloads itself), done (the file to
    download, or the page the job leads to) or failed (the Danish reason)."""
    job = jobs.visible_job_or_404(request.user, pk)
    kind = jobs.kind_of(job)
    if job.state == Job.State.DONE and kind.result is not None:
        result = kind.result(job)
        if result is not None:
            url, message = result
            if message:
                messages.success(request, message)
            return redirect(url)
    pending = job.state in (Job.State.QUEUED, Job.State.RUNNING)
    return render(request, "orgreg/job.html", {
        "job": job, "title": kind.title(job), "back": kind.back(job), "pending": pending,
        "refresh_seconds": REFRESH_SECONDS, "wording": kind.wording,
    })


def _gone(request):
    """The file is not there (any more): jobs and their files are kept for a while only."""
    return render(request, "orgreg/job_expired.html",
                  {"retention_days": settings.ORGREG_JOB_RETENTION_DAYS}, status=404)


@require_GET
@login_required
def job_download(request, pk: int):
    """The job's file, for its owner while the subject is still visible to them; a job or file
    that is gone (removed after the retention period) is a Danish page saying so."""
    try:
        job = jobs.visible_job_or_404(request.user, pk)
    except Http404:
        return _gone(request)
    if job.state != Job.State.DONE or not job.file:
        raise Http404("Dokumentet er ikke færdigt.")
    try:
        handle = job.file.open("rb")
    except FileNotFoundError:
        return _gone(request)
    response = FileResponse(handle, content_type=job.content_type,
                            as_attachment=request.GET.get("download") == "1"
                            or job.content_type != "application/pdf",
                            filename=job.filename)
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def job_retry(request, pk: int):
    """Run a failed job again (its owner, while the subject is still visible to them)."""
    job = jobs.retry(jobs.visible_job_or_404(request.user, pk))
    return redirect(reverse("job-detail", args=[job.pk]))
