"""Two processes, one Redis, one database: the markup one process caches is what the other
reads, and a write in either is seen by both on their next page.

Each process is tests/units/cache_peer.py with the project's own settings, the cache at
CACHE_URL=redis://127.0.0.1:6379/<ORGREG_TEST_REDIS_DB> under a key prefix of this test's own,
and the test's database (on SQLite a file copy of it, as in tests/pdf/test_jobs_worker.py).
Without Redis the test skips, and fails when REQUIRE_REDIS=1 (CI)."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import redis
from django.db import connection

from tests import factories
from units import services

pytestmark = pytest.mark.django_db(transaction=True)

REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
REDIS_DB = int(os.environ.get("ORGREG_TEST_REDIS_DB", "9"))
ROOT = Path(__file__).resolve().parents[2]
PEER_SECONDS = 60


@pytest.fixture
def shared_cache():
    """The Redis cache both processes use, under a key prefix of this test's own; its keys are
    removed afterwards."""
    try:
        socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=2).close()
    except OSError:
        message = f"Redis svarer ikke på {REDIS_HOST}:{REDIS_PORT}"
        if os.environ.get("REQUIRE_REDIS") == "1":
            pytest.fail(f"{message}, men REQUIRE_REDIS=1.")
        pytest.skip(message)
    prefix = f"orgreg-test-{uuid.uuid4().hex[:12]}"
    client = redis.Redis(host=REDIS_HOST, port=REDIS_PORT, db=REDIS_DB)
    yield prefix, client
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def database_url(tmp_path: Path) -> str:
    """The test database as another process reaches it: the database itself on PostgreSQL
    (the test commits, being transactional), a file copy of the in-memory one on SQLite."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
                f"{db['PORT'] or 5432}/{db['NAME']}")
    if connection.is_in_memory_db():
        copy = tmp_path / "shared.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(copy) as target:
            connection.connection.backup(target)
        return f"sqlite:///{copy}"
    return f"sqlite:///{db['NAME']}"


class Peer:
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.units.cache_peer"], cwd=ROOT, env=env, text=True,
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log.open("w"))

    def read(self) -> dict:
        line = self.process.stdout.readline()  # type: ignore[union-attr]
        assert line, "the peer stopped:\n" + self.log.read_text()[-3000:]
        return json.loads(line)

    def ask(self, **request) -> dict:
        self.process.stdin.write(json.dumps(request) + "\n")  # type: ignore[union-attr]
        self.process.stdin.flush()  # type: ignore[union-attr]
        return self.read()

    def page(self, path: str, user: str) -> dict:
        got = self.ask(op="page", path=path, user=user)
        assert got["status"] == 200, got["html"][:2000]
        return got

    def stop(self) -> None:
        self.process.stdin.close()  # type: ignore[union-attr]
        try:
            self.process.wait(timeout=PEER_SECONDS)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def peers(shared_cache, tmp_path):
    """Two processes started at once (each sets Django up in about a second); call it after
    the test's rows are written, which the processes then read."""
    prefix, _ = shared_cache
    started: list[Peer] = []

    def start() -> tuple[Peer, Peer]:
        env = {k: v for k, v in os.environ.items()
               if k not in {"DJANGO_SETTINGS_MODULE", "ORGREG_CODE_VERSION"}}
        env.update(DATABASE_URL=database_url(tmp_path), CONN_MAX_AGE="0",
                   CACHE_URL=f"redis://{REDIS_HOST}:{REDIS_PORT}/{REDIS_DB}",
                   CACHE_KEY_PREFIX=prefix, SECRET_KEY="cache-peer-insecure-key",
                   LOG_STREAM="stderr", ALLOWED_HOSTS="testserver",
                   # Static files where they lie (nothing collected), as in the trial.
                   DEBUG="1")
        started.extend(Peer(env, tmp_path / f"peer-{i}.log") for i in (1, 2))
        for peer in started:
            assert peer.read() == {"ready": True}
        return started[0], started[1]

    yield start
    for peer in started:
        peer.stop()


def chart_keys(shared_cache) -> list[bytes]:
    prefix, client = shared_cache
    return [k for k in client.scan_iter(f"{prefix}:*") if b":chart:" in k]


def test_two_processes_share_chart_markup_and_see_each_others_writes(peers, shared_cache,
                                                                    editor, organisation):
    structure, units = factories.make_structure(
        editor, {"A": ("Afdeling Nord", 12)}, organisation=organisation)
    team = services.get_or_create_unit_type("Sektor", user=editor)
    services.update_unit(units["A"], unit_type=team, user=editor)
    services.set_status(structure, "consultation", user=editor)
    path = f"/structure/{structure.pk}/"
    a, b = peers()

    first = a.page(path, "redaktoer")
    assert "I høring" in first["html"] and "Sektor" in first["html"]
    assert len(chart_keys(shared_cache)) == 1
    # The other process reads what the first one cached: the same markup, fewer queries.
    second = b.page(path, "redaktoer")
    assert second["queries"] < first["queries"]
    assert "Afdeling Nord" in second["html"]
    assert len(chart_keys(shared_cache)) == 1

    # A status change in B is seen by A.
    b.ask(op="set_status", structure=structure.pk, status="approved", user="redaktoer")
    after_status = a.page(path, "redaktoer")
    assert "Vedtaget" in after_status["html"] and "I høring" not in after_status["html"]
    assert len(chart_keys(shared_cache)) == 2

    # A successor structure in force (since 2024, before any day this runs), made in B: A
    # names it.
    successor = b.ask(op="copy", structure=structure.pk, name="Efterfølgeren 2024",
                      effective_date="2024-06-01", user="redaktoer")["pk"]
    b.ask(op="set_status", structure=successor, status="approved", user="redaktoer")
    assert "Afløst af" in a.page(path, "redaktoer")["html"]

    # A unit type renamed in B: the box in A's next chart has the new name.
    b.ask(op="rename_unit_type", unit_type=team.pk, name="Sektion", user="redaktoer")
    renamed = a.page(path, "redaktoer")["html"]
    assert '<span class="oc-type">Sektion</span>' in renamed
    assert "Sektor" not in renamed
    assert "Sektion" in b.page(path, "redaktoer")["html"]

