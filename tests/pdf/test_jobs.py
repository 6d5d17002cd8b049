"""Big PDFs as background jobs (orgreg.jobs, units/tasks.py), tasks run eagerly: the PDF link
of a structure over ORGREG_PDF_INLINE_MAX_UNITS starts a job and sends the user to its page,
which offers the file; the file is the owner's only, and only while the structure is still
visible to them."""

import datetime
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from orgreg import jobs
from orgreg.models import Job
from tests import factories
from units import services, tasks
from units.models import Structure


@pytest.fixture
def small_inline_limit(settings):
    """Structures of more than three units are printed by a job."""
    settings.ORGREG_PDF_INLINE_MAX_UNITS = 3


def _start(client, url, **query):
    response = client.get(url, query)
    assert response.status_code == 302, response.content[:300]
    job = Job.objects.latest("pk")
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    return job


def test_big_chart_goes_through_a_job_and_downloads(client, reader, small, small_inline_limit,
                                                    read_pdf):
    structure, _ = small
    client.force_login(reader)
    job = _start(client, reverse("units:structure-pdf", args=[structure.pk]),
                 header="Bilag til HovedMED")
    assert (job.kind, job.requested_by, job.params["structure"]) == (
        tasks.CHART, reader, structure.pk)
    page = client.get(reverse("job-detail", args=[job.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and "Dokumentet er færdigt." in html
    assert 'http-equiv="refresh"' not in html and "<script>" not in html
    download = client.get(reverse("job-download", args=[job.pk]))
    assert download.status_code == 200
    assert download["Content-Type"] == "application/pdf"
    assert download["Cache-Control"] == "private, no-store"
    assert "organisationsdiagram-" in download["Content-Disposition"]
    text = "\n".join(read_pdf(b"".join(download.streaming_content)))
    assert "Bilag til HovedMED" in text and "Team A1" in text


def test_small_chart_is_still_inline(client, reader, small):
    structure, _ = small
    client.force_login(reader)
    response = client.get(reverse("units:structure-pdf", args=[structure.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not Job.objects.exists()


def test_a_small_subtree_of_a_big_structure_is_still_inline(client, reader, small,
                                                            small_inline_limit):
    # The print, not the structure, decides: Team A1 alone is one unit.
    structure, units = small
    client.force_login(reader)
    response = client.get(reverse("units:structure-pdf", args=[structure.pk]),
                          {"unit": units["A1"].pk})
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert not Job.objects.exists()
    # The whole structure still goes through a job.
    _start(client, reverse("units:structure-pdf", args=[structure.pk]))


def test_download_asks_visibility_again(client, editor, reader, small, small_inline_limit):
    structure, _ = small
    client.force_login(reader)
    job = _start(client, reverse("units:structure-pdf", args=[structure.pk]))
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 200
    services.update_structure(structure, user=editor,
                              confidential_until=timezone.localdate() + datetime.timedelta(9))
    for name in ("job-detail", "job-download"):
        response = client.get(reverse(name, args=[job.pk]))
        assert response.status_code == 404
        assert structure.name not in response.content.decode()


def test_a_job_of_another_user_is_404(client, reader, med_member, small, small_inline_limit):
    structure, _ = small
    client.force_login(reader)
    job = _start(client, reverse("units:structure-pdf", args=[structure.pk]))
    client.force_login(med_member)  # may see the structure, but the job is not theirs
    assert client.get(reverse("job-detail", args=[job.pk])).status_code == 404
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404
    client.logout()
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 302


def test_pending_job_page_reloads_itself_without_script(client, reader, small):
    structure, _ = small
    job = Job.objects.create(kind=tasks.CHART, requested_by=reader,
                             params={"structure": structure.pk}, state=Job.State.RUNNING,
                             done=1, total=2)
    client.force_login(reader)
    html = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Dokumentet laves" in html and "50 %" in html
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "<script>" not in html
    # Not done: no file to download yet.
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_a_refused_chart_job_fails_in_danish(client, reader, small, small_inline_limit):
    structure, _ = small
    client.force_login(reader)
    job = _start(client, reverse("units:structure-pdf", args=[structure.pk]), unit="999999")
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and not job.file
    html = client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert "Dokumentet kunne ikke laves." in html
    assert "Enheden findes ikke i denne organisering." in html
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_bad_options_are_refused_before_a_job(client, reader, small, small_inline_limit):
    structure, _ = small
    client.force_login(reader)
    response = client.get(reverse("units:structure-pdf", args=[structure.pk]), {"size": "A5"})
    assert response.status_code == 400
    assert not Job.objects.exists()


def test_a_job_runs_once(reader, small):
    structure, _ = small
    job = jobs.enqueue(tasks.CHART, reader, {"structure": structure.pk, "query": {}})
    assert job.state == Job.State.DONE
    name, finished = job.file.name, job.finished
    assert jobs.run(job.pk) is None  # delivered twice: the second run does nothing
    job.refresh_from_db()
    assert (job.file.name, job.finished) == (name, finished)
    assert Job.objects.count() == 1


@pytest.fixture
def decided(reorg, editor):
    old, new, old_units = reorg
    services.set_status(new, "approved", user=editor)
    return old, Structure.objects.get(pk=new.pk), old_units


def test_bulk_notices_zip_job_with_progress(client, decided, editor, small_inline_limit):
    old, new, old_units = decided
    client.force_login(editor)
    job = _start(client, reverse("units:structure-notices-zip", args=[new.pk]))
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert job.done == job.total == len(old_units)
    response = client.get(reverse("job-download", args=[job.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert len(archive.namelist()) == len(old_units)


def test_bulk_notices_pdf_job_for_editors_only(client, decided, editor, manager, read_pdf,
                                               small_inline_limit):
    old, new, old_units = decided
    client.force_login(editor)
    job = _start(client, reverse("units:structure-notices-pdf", args=[new.pk]))
    response = client.get(reverse("job-download", args=[job.pk]))
    assert len(read_pdf(b"".join(response.streaming_content))) == len(old_units)
    # An editor who is no longer one may not fetch it.
    editor.groups.clear()
    assert client.get(reverse("job-download", args=[job.pk])).status_code == 404


def test_notices_of_a_draft_refused_before_a_job(client, reorg, editor, small_inline_limit):
    old, new, _ = reorg
    client.force_login(editor)
    response = client.get(reverse("units:structure-notices-zip", args=[new.pk]))
    assert response.status_code == 400 and "vedtaget eller udmeldt" in response.content.decode()
    assert not Job.objects.exists()


def test_a_crashing_job_fails_with_a_danish_message(reader, organisation, editor):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"},
                                            organisation=organisation, status="published")
    # The structure is gone when the worker comes to it: an unexpected error, told in Danish.
    job = Job.objects.create(kind=tasks.CHART, requested_by=reader,
                             params={"structure": structure.pk + 1000, "query": {}})
    jobs.run(job.pk)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == jobs.FAILED_MESSAGE


def test_a_failed_job_is_retried_on_its_own_row(client, reader, editor, small):
    structure, units = small
    job = Job.objects.create(kind=tasks.CHART, requested_by=reader,
                             params={"structure": structure.pk, "query": {}},
                             state=Job.State.FAILED, error=jobs.FAILED_MESSAGE)
    client.force_login(reader)
    assert "Prøv igen" in client.get(reverse("job-detail", args=[job.pk])).content.decode()
    assert client.get(reverse("job-retry", args=[job.pk])).status_code == 405
    response = client.post(reverse("job-retry", args=[job.pk]))
    assert response["Location"] == reverse("job-detail", args=[job.pk])
    job.refresh_from_db()
    assert job.state == Job.State.DONE and job.error == "" and job.file
    # Retrying a done job does nothing; nor may another user retry it.
    name = job.file.name
    client.post(reverse("job-retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.file.name == name and Job.objects.count() == 1
    client.force_login(editor)
    assert client.post(reverse("job-retry", args=[job.pk])).status_code == 404


def test_a_moment_the_user_may_not_see_fails_without_telling(client, editor, reader, draft_days,
                                                             small_inline_limit):
    structure, at = draft_days
    client.force_login(reader)
    job = _start(client, reverse("units:structure-pdf", args=[structure.pk]),
                 at=at.isoformat())
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.error == jobs.NOT_FOUND_MESSAGE


@pytest.fixture
def draft_days(editor, organisation):
    """A structure published now, which was a draft (hidden from readers) a moment ago."""
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A", "B": "Afdeling B",
                                                     "C": "Afdeling C"},
                                            organisation=organisation, name="Nyt udkast")
    at = timezone.now()
    services.set_status(structure, "published", user=editor)
    return structure, at
