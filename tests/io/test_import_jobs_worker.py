"""A big browser import through the real Celery worker (tests/celery_worker.py, against the
Redis on 127.0.0.1:6379): the check job and then the import job of a pending import, the file
read from the storage the web process wrote it to, and the structure made once."""

from __future__ import annotations

import datetime
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from orgreg import jobs
from orgreg.models import Job
from units import imports, tasks
from units.models import PendingImport, Structure

from .test_import_jobs import wide_csv


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_and_imports_a_big_file(worker, editor, organisation):
    pending = imports.create_pending_import(
        organisation, user=editor,
        upload=SimpleUploadedFile("stor.csv", wide_csv(3000).encode()),
        name="Importeret af arbejderen", effective_date=datetime.date(2025, 1, 1),
        on_date=datetime.date(2025, 1, 1))
    stored = Path(pending.file.path)
    params = {"pending_import": pending.pk}
    check = Job.objects.create(kind=tasks.IMPORT_CHECK, requested_by=editor, params=params)
    run = Job.objects.create(kind=tasks.IMPORT, requested_by=editor, params=params)
    worker.db.push()
    started = time.monotonic()
    worker.start()
    jobs.send(check)
    assert worker.wait(check.pk) == "done", worker.log()
    jobs.send(run)
    state = worker.wait(run.pk)
    print(f"\nreal worker: check and import of 3,001 rows {state} after "
          f"{time.monotonic() - started:.1f} s (worker start included)")
    assert state == "done", worker.log()
    worker.db.pull()
    check.refresh_from_db()
    run.refresh_from_db()
    assert check.done == check.total == 3001
    assert run.done == run.total > 3001
    pending.refresh_from_db()
    assert pending.state == PendingImport.State.IMPORTED
    assert pending.preview["unit_count"] == 3001
    structure = Structure.objects.get(name="Importeret af arbejderen")
    assert pending.structure == structure and structure.units.count() == 3001
    # The worker removed the uploaded file once the import was committed.
    assert not pending.file and not stored.exists()
    assert f"job {run.pk} (units.import) done" in worker.log()
