"""A real Celery worker (tests/celery_worker.py: `celery -A orgreg worker`, a process of its
own, against the Redis on 127.0.0.1:6379) runs an org chart job of the test's database to
done, and the PDF it stored is read back. Without Redis the test skips, and fails when
REQUIRE_REDIS=1 (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from orgreg import jobs
from orgreg.models import Job
from tests import factories
from tests.celery_worker import ROOT
from units import tasks


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_chart_job(worker, editor, organisation, read_pdf):
    structure, _ = factories.make_structure(editor, factories.wide_spec(40),
                                            organisation=organisation, name="Stor struktur",
                                            status="published")
    job = Job.objects.create(kind=tasks.CHART, requested_by=editor,
                             params={"structure": structure.pk, "query": {"header": "Bilag 7"}})
    worker.db.push()
    started = time.monotonic()
    worker.start()
    jobs.send(job)
    state = worker.wait(job.pk)
    print(f"\nreal worker: chart job of {structure.units.count()} units {state} after "
          f"{time.monotonic() - started:.1f} s (worker start included)")
    assert state == "done", f"job {state}:\n" + worker.log()
    worker.db.pull()
    job.refresh_from_db()
    assert job.filename.startswith("organisationsdiagram-stor-struktur")
    with job.file.open("rb") as f:
        text = "\n".join(read_pdf(f.read()))
    assert "Bilag 7" in text and "Stor struktur" in text
    assert f"job {job.pk} (units.org_chart) done" in worker.log()


@pytest.mark.parametrize("require,outcome", [("1", "1 error"), ("", "1 skipped")])
def test_no_redis_fails_under_require_redis(require, outcome):
    """CI sets REQUIRE_REDIS=1: a Redis that does not answer fails the worker test there, and
    skips it elsewhere."""
    env = {**os.environ, "ORGREG_TEST_REDIS_PORT": "1", "REQUIRE_REDIS": require}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-p", "no:xdist",
         f"{__file__}::test_a_real_worker_runs_a_chart_job"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert outcome in result.stdout, result.stdout[-3000:]
    assert (result.returncode != 0) == bool(require)
    if require:
        assert "Redis svarer ikke på 127.0.0.1:1, men REQUIRE_REDIS=1." in result.stdout
