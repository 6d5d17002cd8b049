"""Browser imports through a pending import kept in storage (units.imports), not the session:
the preview and the import read the stored file, which is its uploader's only and expires; a
big file is checked and imported by jobs (units/tasks.py, tasks run eagerly here); expired job
files and pending imports are purged (orgreg.jobs.purge, `manage.py purge_jobs`, the
scheduler's nightly task)."""

import datetime
import io
import os
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from orgreg import jobs
from orgreg.celery import app as celery_app
from orgreg.models import Job
from tests import factories
from units import imports, tasks
from units.models import PendingImport, Structure, Unit, UnitType

from .conftest import counts
from .test_views import upload


def wide_csv(units: int, *, unit_type: str = "") -> str:
    """A CSV of a root and `units` units under it, 20 to a parent."""
    lines = ["Kode;Navn;Overordnet kode;Enhedstype;Medarbejdere", f"R;Rod;;{unit_type};1"]
    for i in range(units):
        parent = "R" if i < 20 else f"U{i // 20 - 1}"
        lines.append(f"U{i};Enhed nummer {i};{parent};{unit_type};{i % 30}")
    return "\n".join(lines) + "\n"


def stored_path(pending: PendingImport) -> Path:
    return Path(django_settings.MEDIA_ROOT) / pending.file.name


def session_size(client) -> int:
    session = client.session
    return len(session.encode(dict(session.items())))


@pytest.fixture
def big(settings):
    """Every import file is big: checked and imported by a job."""
    settings.ORGREG_IMPORT_INLINE_MAX_BYTES = 10


def follow_job(client, response):
    """The job page the response sent the user to, and where the done job sends them on."""
    assert response.status_code == 302, response.content[:300]
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    return job, client.get(response["Location"])


# --- small files: in the request, through the stored record ----------------------------------

def test_upload_preview_confirm_through_the_stored_file(client, editor, organisation,
                                                         django_capture_on_commit_callbacks):
    client.force_login(editor)
    text = wide_csv(2000)
    before = session_size(client)
    response = upload(client, organisation, text)
    assert response.status_code == 200, response.content.decode()[:500]
    pending = response.context["pending"]
    assert (pending.owner, pending.organisation, pending.filename) == (
        editor, organisation, "enheder.csv")
    assert pending.state == PendingImport.State.CHECKED and pending.preview["unit_count"] == 2001
    # The file is in storage under a name of our own; the session holds none of it.
    path = stored_path(pending)
    assert path.read_bytes() == text.encode("utf-8-sig")
    assert "enheder" not in path.name and path.parent.name == "imports"
    assert len(text) > 50_000 and session_size(client) - before < 200
    assert "imports" not in str(dict(client.session.items()))

    # The preview can be shown again, from the stored result.
    preview_url = reverse("units:structure-import-preview", args=[organisation.pk, pending.pk])
    page = client.get(preview_url)
    assert page.status_code == 200 and "2.001 enheder" in page.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("units:structure-import-confirm",
                                       args=[organisation.pk, pending.pk]), {"action": "confirm"})
    structure = Structure.objects.get(name="Ny organisering")
    assert response["Location"] == structure.get_absolute_url()
    assert Unit.objects.filter(tree_id=structure.pk).count() == 2001
    pending.refresh_from_db()
    assert pending.structure == structure and pending.state == PendingImport.State.IMPORTED
    assert not path.exists() and not pending.file
    assert session_size(client) - before < 400  # the success message, nothing else
    # The preview of an import done leads to its structure.
    assert client.get(preview_url)["Location"] == structure.get_absolute_url()


@pytest.mark.parametrize("who", ["other_editor", "reader"])
def test_only_the_owner_previews_or_confirms(who, client, editor, organisation):
    client.force_login(editor)
    pending = upload(client, organisation, wide_csv(3), filename="hemmelig-plan.csv",
                     name="Hemmelig omorganisering").context["pending"]
    other = (factories.make_user("redaktoer2", "Redaktør") if who == "other_editor"
             else factories.make_user("laeser2", "Læser"))
    client.force_login(other)
    before = counts()
    urls = [("get", reverse("units:structure-import-preview",
                            args=[organisation.pk, pending.pk])),
            ("post", reverse("units:structure-import-confirm",
                             args=[organisation.pk, pending.pk]))]
    for method, url in urls:
        for action in ("confirm", "recheck"):
            response = getattr(client, method)(url, {"action": action, "create_unit_types": "1"})
            assert response.status_code == 404, (method, url)
            html = response.content.decode()
            assert "hemmelig" not in html.lower() and "Hemmelig" not in html
    assert counts() == before
    pending.refresh_from_db()
    assert pending.state == PendingImport.State.CHECKED and not pending.create_unit_types
    assert stored_path(pending).exists()


def test_a_pending_import_of_another_organisation_is_404(client, editor, organisation):
    client.force_login(editor)
    pending = upload(client, organisation, wide_csv(3)).context["pending"]
    other = factories.make_organisation(editor, "Anden kommune")
    response = client.get(reverse("units:structure-import-preview", args=[other.pk, pending.pk]))
    assert response.status_code == 404


def test_an_expired_pending_import_is_refused_in_danish_and_removed(client, editor,
                                                                   organisation, time_machine):
    client.force_login(editor)
    pending = upload(client, organisation, wide_csv(3)).context["pending"]
    path = stored_path(pending)
    time_machine.move_to(timezone.now() + datetime.timedelta(hours=25), tick=False)
    client.force_login(editor)  # the session of the day before has ended
    before = counts()
    response = client.post(reverse("units:structure-import-confirm",
                                   args=[organisation.pk, pending.pk]), {"action": "confirm"},
                           follow=True)
    assert response.redirect_chain[-1][0] == reverse("units:structure-import",
                                                     args=[organisation.pk])
    assert ("Importen er udløbet: en indlæst fil gemmes i 24 timer. Indlæs filen igen."
            in response.content.decode())
    assert counts() == before
    assert not PendingImport.objects.filter(pk=pending.pk).exists() and not path.exists()
    # Gone now: a 404 like any other.
    assert client.get(reverse("units:structure-import-preview",
                              args=[organisation.pk, pending.pk])).status_code == 404


def test_recheck_creating_unit_types_reads_the_stored_file(client, editor, organisation):
    client.force_login(editor)
    response = upload(client, organisation, wide_csv(3, unit_type="Klynge"))
    assert response.status_code == 422 and "Opret de manglende enhedstyper" in (
        response.content.decode())
    pending = response.context["pending"]
    url = reverse("units:structure-import-confirm", args=[organisation.pk, pending.pk])
    response = client.post(url, {"action": "recheck", "create_unit_types": "1"})
    assert response.status_code == 200 and "Nye enhedstyper: Klynge" in response.content.decode()
    assert not UnitType.objects.filter(name="Klynge").exists()
    client.post(url, {"action": "confirm"})
    assert Unit.objects.get(code="U2", structure__name="Ny organisering").unit_type.name == (
        "Klynge")


def test_a_stored_file_gone_from_disk_is_a_danish_message(client, editor, organisation):
    client.force_login(editor)
    pending = upload(client, organisation, wide_csv(3)).context["pending"]
    stored_path(pending).unlink()
    response = client.post(reverse("units:structure-import-confirm",
                                   args=[organisation.pk, pending.pk]), {"action": "recheck"},
                           follow=True)
    assert "Den indlæste fil findes ikke længere. Indlæs filen igen." in (
        response.content.decode())
    assert not PendingImport.objects.exists() and not Structure.objects.filter(
        name="Ny organisering").exists()


# --- big files: by jobs ------------------------------------------------------------------

def test_a_big_file_is_checked_and_imported_by_jobs(client, editor, organisation, big):
    client.force_login(editor)
    job, page = follow_job(client, upload(client, organisation, wide_csv(1200)))
    pending = PendingImport.objects.get()
    assert (job.kind, job.requested_by, job.params) == (
        tasks.IMPORT_CHECK, editor, {"pending_import": pending.pk})
    assert job.state == Job.State.DONE and not job.file
    assert job.done == job.total == 1201  # rows checked of rows in all
    # The done check leads on to the preview, read from what the job stored.
    preview_url = reverse("units:structure-import-preview", args=[organisation.pk, pending.pk])
    assert page.status_code == 302 and page["Location"] == preview_url
    preview = client.get(preview_url)
    html = preview.content.decode()
    assert preview.status_code == 200 and "1.201 enheder" in html
    assert "udkastet oprettes i baggrunden" in html
    assert counts()[0] == 0

    job, page = follow_job(client, client.post(
        reverse("units:structure-import-confirm", args=[organisation.pk, pending.pk]),
        {"action": "confirm"}))
    structure = Structure.objects.get(name="Ny organisering")
    assert (job.kind, job.state) == (tasks.IMPORT, Job.State.DONE)
    assert job.done == job.total and job.total > 1201
    assert page["Location"] == structure.get_absolute_url()
    landed = client.get(page["Location"]).content.decode()
    assert "»Ny organisering« er oprettet som udkast med 1.201 enheder." in landed
    assert structure.units.count() == 1201
    # Confirming again starts nothing new: it leads to the structure made.
    again = client.post(reverse("units:structure-import-confirm",
                                args=[organisation.pk, pending.pk]), {"action": "confirm"})
    assert again["Location"] == structure.get_absolute_url()
    assert Job.objects.filter(kind=tasks.IMPORT).count() == 1


def test_a_running_check_job_page_shows_rows_checked(client, editor, organisation, big):
    client.force_login(editor)
    pending = PendingImport.objects.create(
        owner=editor, organisation=organisation, filename="enheder.csv", name="Ny",
        effective_date=datetime.date(2025, 1, 1), on_date=datetime.date(2025, 1, 1),
        expires_at=timezone.now() + datetime.timedelta(hours=1), size=100)
    job = Job.objects.create(kind=tasks.IMPORT_CHECK, requested_by=editor,
                             params={"pending_import": pending.pk}, state=Job.State.RUNNING,
                             done=500, total=2000)
    html = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Kontrol af »enheder.csv«" in html and "Filen kontrolleres … 25 %" in html
    assert "500 af 2.000 rækker er kontrolleret." in html
    assert '<meta http-equiv="refresh"' in html and "<script>" not in html
    # Another editor: not theirs.
    client.force_login(factories.make_user("redaktoer2", "Redaktør"))
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404


def _pending(editor, organisation, text: str) -> PendingImport:
    return imports.create_pending_import(
        organisation, user=editor, upload=SimpleUploadedFile("enheder.csv", text.encode()),
        name="Ny organisering", effective_date=datetime.date(2025, 1, 1),
        on_date=datetime.date(2025, 1, 1))


def test_an_import_job_run_twice_creates_one_structure(editor, organisation):
    pending = _pending(editor, organisation, wide_csv(30))
    first = Job.objects.create(kind=tasks.IMPORT, requested_by=editor,
                               params={"pending_import": pending.pk})
    # Delivered twice: the claim runs it once.
    celery_app.tasks["orgreg.run_job"].apply(args=[first.pk])
    celery_app.tasks["orgreg.run_job"].apply(args=[first.pk])
    # A second job for the same upload (a double click, a retry from another tab) finds the
    # structure the first made.
    second = jobs.enqueue(tasks.IMPORT, editor, {"pending_import": pending.pk})
    first.refresh_from_db()
    assert first.state == second.state == Job.State.DONE
    assert Structure.objects.filter(name="Ny organisering").count() == 1
    pending.refresh_from_db()
    assert pending.structure.units.count() == 31
    # And the service itself, called again, returns the same structure.
    assert imports.import_pending(pending, user=editor) == pending.structure
    assert Structure.objects.filter(name="Ny organisering").count() == 1


def test_a_failing_import_job_says_why_in_danish_and_is_retried(client, editor, organisation,
                                                                big):
    district = UnitType.objects.get(name="Distrikt")  # reference data
    client.force_login(editor)
    job, _ = follow_job(client, upload(client, organisation, wide_csv(30, unit_type="Distrikt")))
    pending = PendingImport.objects.get()
    assert pending.preview["problem_count"] == 0
    # The unit type disappears between the check and the import (renamed by an administrator).
    UnitType.objects.filter(pk=district.pk).update(name="Distrikt (gammel)")
    before = counts()
    job, page = follow_job(client, client.post(
        reverse("units:structure-import-confirm", args=[organisation.pk, pending.pk]),
        {"action": "confirm"}))
    assert job.state == Job.State.FAILED
    assert job.error.startswith("Importen har fejl og kan ikke gennemføres: Række 2: "
                                "enhedstypen »Distrikt« findes ikke")
    html = page.content.decode()
    assert page.status_code == 200 and "Importen kunne ikke gennemføres." in html
    assert "Prøv igen" in html and "enhedstypen »Distrikt« findes ikke" in html
    assert counts() == before
    # The preview shows the fresh check's problems.
    preview = client.get(reverse("units:structure-import-preview",
                                 args=[organisation.pk, pending.pk]))
    assert preview.status_code == 422 and "»Distrikt« findes ikke" in preview.content.decode()

    # Put right, and retried on the same row.
    UnitType.objects.filter(pk=district.pk).update(name="Distrikt")
    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    structure = Structure.objects.get(name="Ny organisering")
    assert job.state == Job.State.DONE and job.error == ""
    assert client.get(reverse("job-detail", args=[job.pk]))["Location"] == (
        structure.get_absolute_url())
    assert Job.objects.filter(kind=tasks.IMPORT).count() == 1


def test_an_import_job_of_an_upload_gone_fails_as_not_found(editor, organisation):
    pending = _pending(editor, organisation, wide_csv(3))
    job = Job.objects.create(kind=tasks.IMPORT, requested_by=editor,
                             params={"pending_import": pending.pk})
    imports.discard_pending_import(pending)
    jobs.run(job.pk)
    job.refresh_from_db()
    assert (job.state, job.error) == (Job.State.FAILED,
                                      "Importen findes ikke længere. Indlæs filen igen.")


# --- retention ---------------------------------------------------------------------------

def _done_job(user, name: str, *, finished: datetime.datetime) -> Job:
    job = Job.objects.create(kind=tasks.CHART, requested_by=user, params={"structure": 1},
                             state=Job.State.DONE, finished=finished, filename=name,
                             content_type="application/pdf")
    job.file.save(name, ContentFile(b"%PDF-1.4 test"), save=True)
    return job


def test_purge_removes_expired_job_files_and_pending_imports(editor, organisation):
    now = timezone.now()
    old = _done_job(editor, "gammel.pdf", finished=now - datetime.timedelta(days=8))
    recent = _done_job(editor, "ny.pdf", finished=now - datetime.timedelta(days=6))
    stuck = Job.objects.create(kind=tasks.CHART, requested_by=editor, params={})
    Job.objects.filter(pk=stuck.pk).update(created=now - datetime.timedelta(days=9))
    expired = _pending(editor, organisation, wide_csv(3))
    PendingImport.objects.filter(pk=expired.pk).update(expires_at=now - datetime.timedelta(1))
    waiting = _pending(editor, organisation, wide_csv(3))
    # A file no record names (its row deleted without it), old enough to be swept.
    orphan = default_storage.save("imports/forladt.upload", ContentFile(b"x"))
    long_ago = (now - datetime.timedelta(days=3)).timestamp()
    os.utime(default_storage.path(orphan), (long_ago, long_ago))
    paths = {job.pk: Path(job.file.path) for job in (old, recent)}
    expired_path, waiting_path = Path(expired.file.path), Path(waiting.file.path)

    out = io.StringIO()
    call_command("purge_jobs", stdout=out)
    assert out.getvalue().strip() == "Slettet: job 2, jobfiler 1, ventende importer 1"
    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk}
    assert not paths[old.pk].exists() and paths[recent.pk].exists()
    assert list(PendingImport.objects.values_list("pk", flat=True)) == [waiting.pk]
    assert not expired_path.exists() and waiting_path.exists()
    assert not default_storage.exists(orphan)
    # Nothing left to do the second time.
    assert jobs.purge() == {"job": 0, "jobfiler": 0, "ventende importer": 0}


def test_the_scheduler_runs_the_purge_each_night(editor):
    entry = celery_app.conf.beat_schedule["purge-expired-jobs"]
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {3} and entry["schedule"].minute == {15}
    assert celery_app.conf.timezone == "Europe/Copenhagen"
    old = _done_job(editor, "gammel.pdf", finished=timezone.now() - datetime.timedelta(days=30))
    path = Path(old.file.path)
    celery_app.tasks[entry["task"]].delay()
    assert not Job.objects.filter(pk=old.pk).exists() and not path.exists()


def test_a_purged_jobs_file_is_a_danish_expired_page(client, editor):
    job = _done_job(editor, "gammel.pdf", finished=timezone.now() - datetime.timedelta(days=8))
    structure, _ = factories.make_structure(editor, {"A": "A"}, status="published")
    Job.objects.filter(pk=job.pk).update(params={"structure": structure.pk})
    client.force_login(editor)
    url = reverse("job-download", args=[job.pk])
    assert client.get(url).status_code == 200
    # Its file gone from disk (another machine purged it): not a 500.
    Path(job.file.path).unlink()
    response = client.get(url)
    assert response.status_code == 404
    assert "Dokumentet findes ikke længere" in response.content.decode()
    assert "gemmes i 7 dage" in response.content.decode()
    # The job purged altogether: the same page.
    jobs.purge()
    response = client.get(url)
    assert response.status_code == 404 and "Dokumentet findes ikke længere" in (
        response.content.decode())
