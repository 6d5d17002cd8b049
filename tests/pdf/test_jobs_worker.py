"""A real Celery worker (`celery -A orgreg worker --pool=solo`, a process of its own) against
the Redis on 127.0.0.1:6379 (database 9, a queue of this run's own) runs an org chart job of
the test's database to done, and the PDF it stored is read back.

The worker must read the test's database: on PostgreSQL it is given the test database itself;
on SQLite (the suite's database lives in memory) it is given a file copy, made after the test
wrote its rows, and its writes are copied back before the test reads them. Without Redis the
test skips, and fails when REQUIRE_REDIS=1 (CI)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection

from orgreg import jobs
from orgreg.celery import app as celery_app
from orgreg.models import Job
from tests import factories
from units import tasks

REDIS_HOST = "127.0.0.1"
# Another database number lets two checkouts on one machine run this test at the same time.
REDIS_DB = int(os.environ.get("ORGREG_TEST_REDIS_DB", "9"))
# Another port only to prove the test fails when Redis does not answer (below).
REDIS_PORT = int(os.environ.get("ORGREG_TEST_REDIS_PORT", "6379"))
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
ROOT = Path(__file__).resolve().parents[2]
WAIT_SECONDS = 120


def _redis_answers() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2).close()
    except OSError:
        return False
    return True


@pytest.fixture
def broker():
    """The real broker, and the Celery app sending to it (not eager) on a queue of this test's
    own, so no other worker on the machine takes the job."""
    if not _redis_answers():
        message = f"Redis svarer ikke på {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"{message}, men REQUIRE_REDIS=1.")
        pytest.skip(message)
    queue = f"orgreg-test-{uuid.uuid4().hex[:12]}"
    saved = {key: celery_app.conf[key] for key in
             ("broker_url", "task_always_eager", "task_default_queue")}

    def fresh_connections():
        # Connections and producers made earlier in this process (to memory://) are dropped.
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None

    celery_app.conf.update(broker_url=BROKER_URL, task_always_eager=False,
                           task_default_queue=queue)
    fresh_connections()
    try:
        yield queue
    finally:
        celery_app.conf.update(saved)
        fresh_connections()
        redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB).delete(queue)


class WorkerDatabase:
    """The test database as the worker process reaches it (see the module's docstring)."""

    def __init__(self, tmp_path: Path) -> None:
        db = connection.settings_dict
        self.copy: Path | None = None
        if connection.vendor == "postgresql":
            password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
            self.url = (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                        f"{db['PORT'] or 5432}/{db['NAME']}")
        elif connection.vendor == "sqlite" and connection.is_in_memory_db():
            self.copy = tmp_path / "worker.sqlite3"
            self.url = f"sqlite:///{self.copy}"
        else:
            self.url = f"sqlite:///{db['NAME']}"

    def push(self) -> None:
        """What the test wrote, to where the worker reads it."""
        if self.copy is not None:
            connection.ensure_connection()
            with sqlite3.connect(self.copy) as target:
                connection.connection.backup(target)

    def state(self, job_id: int) -> str:
        if self.copy is None:
            return Job.objects.values_list("state", flat=True).get(pk=job_id)
        with sqlite3.connect(self.copy, timeout=20) as db:
            return db.execute("SELECT state FROM orgreg_job WHERE id = ?", (job_id,)).fetchone()[0]

    def pull(self) -> None:
        """What the worker wrote, back into the test's database."""
        if self.copy is not None:
            with sqlite3.connect(self.copy) as source:
                source.backup(connection.connection)


@pytest.fixture
def worker(broker, tmp_path):
    """A Celery worker process (solo pool, one at a time) on the test's queue and database,
    storing files in the test run's MEDIA_ROOT."""
    database = WorkerDatabase(tmp_path)
    log = tmp_path / "worker.log"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "orgreg.settings",
           "SECRET_KEY": "worker-test-insecure-key", "DATABASE_URL": database.url,
           "CONN_MAX_AGE": "0", "MEDIA_ROOT": str(settings.MEDIA_ROOT),
           "CELERY_BROKER_URL": BROKER_URL, "LOG_STREAM": "stderr",
           # Static files where they lie (nothing collected), as in the trial and the suite.
           "DEBUG": "1"}
    env.pop("CELERY_TASK_ALWAYS_EAGER", None)

    class Worker:
        db = database

        def start(self):
            self.process = subprocess.Popen(
                [sys.executable, "-m", "celery", "-A", "orgreg", "worker", "--pool=solo",
                 "-c", "1", "-Q", broker, "-n", f"{broker}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "--loglevel=INFO"],
                cwd=ROOT, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
            # Redis routes a message through the bindings the worker declares: one sent before
            # the worker has declared its queue would be dropped.
            deadline = time.monotonic() + WAIT_SECONDS
            while " ready." not in log.read_text():
                assert self.process.poll() is None, "the worker stopped:\n" + self.log()
                assert time.monotonic() < deadline, "the worker never got ready:\n" + self.log()
                time.sleep(0.2)

        def log(self) -> str:
            return log.read_text()[-4000:]

    w = Worker()
    yield w
    process = getattr(w, "process", None)
    if process is not None:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
    state = "queued"
    while time.monotonic() - started < WAIT_SECONDS:
        state = worker.db.state(job.pk)
        if state in ("done", "failed"):
            break
        assert worker.process.poll() is None, "the worker stopped:\n" + worker.log()
        time.sleep(0.3)
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
