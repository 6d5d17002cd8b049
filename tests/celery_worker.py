"""A real Celery worker for the tests (`celery -A orgreg worker --pool=solo`, a process of its
own) against the Redis on 127.0.0.1:6379 (database ORGREG_TEST_REDIS_DB, default 9, a queue of
the test's own): the `broker` and `worker` fixtures of tests/conftest.py, shared by the PDF
job test (tests/pdf/test_jobs_worker.py) and the import job test
(tests/io/test_import_jobs_worker.py).

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

import kombu.pools
import pytest
import redis
from django.conf import settings
from django.db import connection

from orgreg.celery import app as celery_app
from orgreg.models import Job
from tests.processes import stop

REDIS_HOST = "127.0.0.1"
# Another database number lets two checkouts on one machine run this test at the same time.
REDIS_DB = int(os.environ.get("ORGREG_TEST_REDIS_DB", "9"))
# Another port only to prove the test fails when Redis does not answer
# (tests/pdf/test_jobs_worker.py).
REDIS_PORT = int(os.environ.get("ORGREG_TEST_REDIS_PORT", "6379"))
BROKER_URL = f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}"
ROOT = Path(__file__).resolve().parents[1]
WAIT_SECONDS = 120


def _redis_answers() -> bool:
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2).close()
    except OSError:
        return False
    return True


def redis_queue():
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
        # Connections and producers made earlier in this process (to memory://, or to Redis
        # by an earlier worker test) are dropped, kombu's shared producer pools with them:
        # a pool closed by the last test would otherwise be handed out again.
        if celery_app._pool is not None:
            celery_app._pool.force_close_all()
        celery_app._pool = None
        celery_app.amqp._producer_pool = None
        kombu.pools.reset()

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


def worker_process(broker: str, tmp_path: Path):
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

        def wait(self, job_id: int) -> str:
            """The job's state once it is done or failed (or the wait is over)."""
            started = time.monotonic()
            state = "queued"
            while time.monotonic() - started < WAIT_SECONDS:
                state = database.state(job_id)
                if state in ("done", "failed"):
                    break
                assert self.process.poll() is None, "the worker stopped:\n" + self.log()
                time.sleep(0.3)
            return state

    w = Worker()
    yield w
    process = getattr(w, "process", None)
    if process is not None:
        stop(process, timeout=20)
