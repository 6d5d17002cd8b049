"""``manage.py bench load``: the production set-up under a bounded load, on this machine.

The data stay in the configured PostgreSQL database between runs, under an organisation of
their own ("Belastningstest, N enheder": a structure of N units from 2024, a published 2025
copy with renames and moves, a 2026 draft of that) and a small one whose notices the editor
has printed by a job ("Belastningstest, orienteringer"). A second run reuses them.

Then: collectstatic into a temporary directory, gunicorn with deploy/gunicorn.conf.py and N
workers (DEBUG off) and a Celery worker, both against that database and the Redis at
``--redis`` (cache and broker; the cache's keys under a prefix of the run's own), and the
load of units/benchmarks/load_driver.py in a process of its own. While it runs, the resident
memory of every gunicorn worker is sampled from /proc."""

from __future__ import annotations

import dataclasses
import datetime
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from pathlib import Path

import redis
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone

from orgreg import roles
from orgreg.models import Job
from units import services
from units.models import Organisation, Status, Structure, Unit

from .synthetic import forvaltning_rows

ROOT = Path(settings.BASE_DIR)
READER, EDITOR = "belastning-laeser", "belastning-redaktoer"
NOTICE_UNITS = 400
# Swagger UI's and the admin's files are most of collectstatic's time; no page asked here
# uses them.
COLLECT_IGNORE = ("drf_spectacular_sidecar", "admin", "rest_framework")
D = datetime.date


@dataclasses.dataclass(frozen=True)
class World:
    old: int
    new: int
    draft: int
    notices: int
    units: int


def _structure(org: Organisation, name: str) -> Structure | None:
    return Structure.objects.filter(organisation=org, name=name).first()


def _changed_copy(source: Structure, *, name: str, year: int, user, every: int) -> Structure:
    """A copy of `source` with every `every`-th unit renamed and a few subtrees moved."""
    copy = services.copy_structure(source, name=name, effective_date=D(year, 1, 1), user=user)
    units = list(Unit.objects.filter(tree_id=copy.pk).order_by("lft")
                 .only("pk", "name", "level", "lft", "rght", "parent_id", "structure_id"))
    for unit in units[1::every]:
        services.update_unit(unit, name=f"{unit.name} (ny)", user=user)
    areas = [u for u in units if u.level == 1]
    leaves = [u for u in units if u.rght == u.lft + 1 and u.level >= 3]
    for i, leaf in enumerate(leaves[:: max(1, len(leaves) // 20)][:20]):
        services.move_unit(leaf, areas[i % len(areas)], user=user)
    return copy


def _user(username: str, group: str):
    user, _ = get_user_model().objects.get_or_create(username=username)
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


def world(size: int, say: Callable[[str], None]) -> World:
    """The run's data, built once and found again on later runs, and its two users."""
    editor = _user(EDITOR, roles.EDITOR)
    _user(READER, roles.READER)
    found = []
    for label, n in ((f"{size} enheder", size), ("orienteringer", NOTICE_UNITS)):
        org_name = f"Belastningstest, {label}"
        org = Organisation.objects.filter(name=org_name).first()
        if org is None:
            began = time.perf_counter()
            with transaction.atomic():  # all of it or nothing, for the next run to find
                org = services.create_organisation(name=org_name, user=editor)
                old = services.build_structure(org, name="Organisering 2024",
                                               effective_date=D(2024, 1, 1),
                                               rows=forvaltning_rows(n), user=editor)
                services.set_status(old, Status.PUBLISHED, user=editor)
                new = _changed_copy(old, name="Organisering 2025", year=2025, user=editor,
                                    every=50)
                services.set_status(new, Status.PUBLISHED, user=editor)
                services.copy_structure(new, name="Udkast 2026", effective_date=D(2026, 1, 1),
                                        user=editor)
            say(f"Bygget: {org_name} ({time.perf_counter() - began:.1f} s)")
        else:
            say(f"Genbrugt: {org_name}")
        found.append(org)
    big, small = found
    # Fresh statistics for the planner: a bulk load leaves them behind (a join over 10,000
    # units planned for 76 took 25 ms instead of 0.1).
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE units_unit, units_succession, units_structure")
    old, new, draft = (_structure(big, n) for n in
                       ("Organisering 2024", "Organisering 2025", "Udkast 2026"))
    notices = _structure(small, "Organisering 2025")
    if not (old and new and draft and notices):
        raise RuntimeError("Belastningstestens organiseringer er ufuldstændige; slet "
                           "organisationerne »Belastningstest, …« og kør igen.")
    return World(old.pk, new.pk, draft.pk, notices.pk, old.units.count())


def plan(w: World, *, host: str, password: str, readers: int, requests: int, seconds: int,
         reader_wait: tuple[float, float]) -> dict:
    """What the load driver asks for: URLs of the world's pages and the bounds."""
    new_units = Unit.objects.filter(tree_id=w.new)
    areas = list(new_units.filter(level__in=(1, 2)).order_by("lft")
                 .values_list("pk", flat=True)[:40])
    chart = reverse("units:structure-detail", args=[w.new])
    old_units = list(Unit.objects.filter(tree_id=w.old).order_by("lft")
                     .values_list("pk", flat=True))
    draft_units = Unit.objects.filter(tree_id=w.draft)
    movable = list(draft_units.filter(level__gte=3, rght=F("lft") + 1)
                   .order_by("lft").values_list("pk", flat=True)[:200:10])
    targets = list(draft_units.filter(level=1).values_list("pk", flat=True)[:10])
    return {
        "host": host, "password": password, "reader": READER, "editor": EDITOR,
        "readers": readers, "requests": requests, "seconds": seconds,
        "reader_wait": list(reader_wait),
        "charts": [chart, *[f"{chart}?unit={pk}" for pk in areas]],
        "outline": reverse("units:structure-outline", args=[w.new]),
        "compare": reverse("units:structure-compare", args=[w.old, w.new]),
        "placements": [f"{reverse('units:my-unit')}?unit={pk}" for pk in old_units[1::97]],
        "api_tree": f"/api/structures/{w.new}/tree/",
        "notices": reverse("units:structure-notices-zip", args=[w.notices]),
        "edit": reverse("units:structure-edit", args=[w.draft]),
        "unit_action": f"/structure/{w.draft}/edit/unit/",
        "draft_units": list(draft_units.order_by("lft").values_list("pk", flat=True)[1::53]),
        "movable": movable, "move_targets": targets,
    }


# --- the processes ------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
    return (f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:"
            f"{db['PORT'] or 5432}/{db['NAME']}")


def server_env(tmp: Path, *, redis_url: str, workers: int, port: int) -> dict[str, str]:
    """Production's environment on loopback: DEBUG off, plain HTTP (the proxy's TLS left out:
    no redirect, no Secure cookies), the cache and broker in Redis."""
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "CELERY_TASK_ALWAYS_EAGER"}}
    env.update(
        SECRET_KEY=secrets.token_urlsafe(50), ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=database_url(), STATIC_ROOT=str(tmp / "static"),
        MEDIA_ROOT=str(tmp / "media"), CACHE_URL=redis_url, CELERY_BROKER_URL=redis_url,
        CACHE_KEY_PREFIX=f"orgreg-bench-{secrets.token_hex(4)}",
        SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="0", CSRF_COOKIE_SECURE="0",
        SECURE_HSTS_SECONDS="0", WEB_CONCURRENCY=str(workers),
        GUNICORN_BIND=f"127.0.0.1:{port}", GUNICORN_MAX_REQUESTS="0", LOG_LEVEL="WARNING",
        )
    return env


@contextmanager
def process(command: list[str], env: dict[str, str], log: Path):
    with log.open("w") as out:
        proc = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_for(url: str, proc: subprocess.Popen, log: Path, seconds: int = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError(f"{url}: the process stopped:\n{log.read_text()[-3000:]}")
        time.sleep(0.5)
    raise RuntimeError(f"{url} never answered:\n{log.read_text()[-3000:]}")


def _rss_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _children(pid: int) -> list[int]:
    try:
        return [int(p) for p in
                Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of process `pid` so far."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _machine_cpu() -> tuple[float, float]:
    """(busy, all) CPU seconds of the whole machine since boot, every core."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    tick = os.sysconf("SC_CLK_TCK")
    return (sum(values) - values[3] - values[4]) / tick, sum(values) / tick


class Sampler(threading.Thread):
    """Every second: the resident memory of each child of the gunicorn master (peak and last);
    and, at the marks the load driver leaves in the access log, the CPU time of the workers,
    the Celery worker and the whole machine, so the measured run's CPU can be told apart."""

    def __init__(self, master: int, celery: int, log: Path) -> None:
        super().__init__(daemon=True)
        self.master, self.celery, self.log = master, celery, log
        self.peak: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.cpu: dict[str, dict[str, float]] = {}
        self.stopping = threading.Event()
        # CPU seconds of each PostgreSQL server process serving the run's database, as last
        # seen (the start mark's sum is subtracted from the end mark's).
        self.backends: dict[int, float] = {}

    def _cpu(self) -> dict[str, float]:
        busy, _ = _machine_cpu()
        return {"gunicorn": sum(_cpu_seconds(pid) for pid in _children(self.master)),
                "celery": _cpu_seconds(self.celery), "machine": busy,
                "postgres": sum(self.backends.values())}

    def _track_backends(self) -> None:
        # A backend that ends (its connection past CONN_MAX_AGE) keeps the CPU it was last
        # seen with; one that starts during the run counts from nothing.
        for pid in _backends():
            self.backends[pid] = max(self.backends.get(pid, 0.0), _cpu_seconds(pid))

    def run(self) -> None:
        while not self.stopping.is_set():
            for pid in _children(self.master):
                rss = _rss_mib(pid)
                if rss is not None:
                    self.last[pid] = rss
                    self.peak[pid] = max(rss, self.peak.get(pid, 0.0))
            if len(self.cpu) < 2:
                self._track_backends()
                text = self.log.read_text(errors="replace")
                for mark in ("start", "end"):
                    if mark not in self.cpu and f"/healthz?mark={mark}" in text:
                        self.cpu[mark] = self._cpu()
            self.stopping.wait(1.0)


def _backends() -> list[int]:
    """Process ids of the PostgreSQL backends connected to this database but this thread's."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                           " AND pid <> pg_backend_pid()")
            return [row[0] for row in cursor.fetchall()]
    finally:
        connection.close()


ACCESS = re.compile(r'"(?:GET|POST) (\S+) HTTP/[\d.]+" (\d{3}) \S+ (\d+)ms')


def server_times(log: Path, name_of: Callable[[str], str]) -> dict[str, list[int]]:
    """Milliseconds each request of the measured run took inside gunicorn (its access log,
    between the driver's marks), by page: the server's share of what the readers waited."""
    found: dict[str, list[int]] = {}
    inside = False
    for line in log.read_text(errors="replace").splitlines():
        match = ACCESS.search(line)
        if match is None:
            continue
        path, _status, ms = match.groups()
        if path.startswith("/healthz?mark="):
            inside = path.endswith("start")
            continue
        if inside:
            found.setdefault(name_of(path), []).append(int(ms))
    return found


def page_name(the_plan: dict) -> Callable[[str], str]:
    """The load driver's name of the page at `path`."""
    def name_of(path: str) -> str:
        bare = path.split("?", 1)[0]
        if bare == the_plan["api_tree"]:
            return "api: træ"
        if bare == the_plan["outline"]:
            return "oversigt"
        if bare == the_plan["compare"]:
            return "sammenligning"
        if path in the_plan["charts"]:
            return "diagram"
        if path in the_plan["placements"]:
            return "min enhed"
        if bare == the_plan["edit"]:
            return "redigering"
        if bare.endswith("/update/"):
            return "redigering: omdøb"
        if bare.endswith("/move/"):
            return "redigering: flyt"
        if bare.startswith("/jobs/"):
            return "job"
        return bare
    return name_of


@dataclasses.dataclass
class Run:
    figures: dict
    workers: int
    rss_peak: dict[int, float]
    rss_last: dict[int, float]
    worker_rss: float | None
    job: tuple[str, int, int, float] | None
    server_ms: dict[str, list[int]]
    cpu: dict[str, float]


def run_load(w: World, *, workers: int, readers: int, requests: int, seconds: int,
             redis_url: str, reader_wait: tuple[float, float], job_wait: int,
             worker_nice: int, say: Callable[[str], None]) -> Run:
    """Start the servers, drive the load, stop everything; the figures."""
    password = secrets.token_urlsafe(16)
    for username in (READER, EDITOR):
        user = get_user_model().objects.get(username=username)
        user.set_password(password)
        user.save(update_fields=["password"])
    with ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="orgreg-load-")))
        port = _free_port()
        env = server_env(tmp, redis_url=redis_url, workers=workers, port=port)
        stack.callback(_forget_cache, redis_url, env["CACHE_KEY_PREFIX"])
        manage = [sys.executable, "manage.py"]
        ignore = [a for i in COLLECT_IGNORE for a in ("-i", i)]
        subprocess.run([*manage, "collectstatic", "--no-input", "-v0", *ignore], cwd=ROOT,
                       env=env, check=True)
        gunicorn_log, celery_log = tmp / "gunicorn.log", tmp / "celery.log"
        server = stack.enter_context(process(
            [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py"],
            env, gunicorn_log))
        worker = stack.enter_context(process(
            ["nice", "-n", str(worker_nice), sys.executable, "-m", "celery", "-A", "orgreg",
             "worker", "--pool=solo", "--without-gossip", "--without-mingle",
             "--loglevel=WARNING"], env, celery_log))
        host = f"http://127.0.0.1:{port}"
        _wait_for(f"{host}/healthz", server, gunicorn_log)
        say(f"gunicorn med {workers} arbejdsprocesser svarer på {host}; Celery-arbejder "
            f"startet (pid {worker.pid}).")
        the_plan = plan(w, host=host, password=password, readers=readers, requests=requests,
                        seconds=seconds, reader_wait=reader_wait)
        plan_path = tmp / "plan.json"
        plan_path.write_text(json.dumps(the_plan))
        sampler = Sampler(server.pid, worker.pid, gunicorn_log)
        sampler.start()
        driver = subprocess.run([sys.executable, "-m", "units.benchmarks.load_driver",
                                 str(plan_path)], cwd=ROOT, capture_output=True, text=True,
                                timeout=seconds + 300)
        time.sleep(1.5)  # the sampler reads the end mark
        sampler.stopping.set()
        sampler.join()
        if driver.returncode != 0:
            raise RuntimeError("the load driver failed:\n" + driver.stderr[-3000:])
        figures = json.loads(driver.stdout.strip().splitlines()[-1])
        job = _job(figures.get("job", ""), job_wait)
        errors = [line for line in gunicorn_log.read_text().splitlines()
                  if "Traceback" in line or " ERROR " in line or "[CRITICAL]" in line]
        figures["server_errors"] = errors[:10]
        cpu = {}
        if len(sampler.cpu) == 2:
            cpu = {k: sampler.cpu["end"][k] - sampler.cpu["start"][k]
                   for k in sampler.cpu["end"]}
            cpu["driver"] = figures["cpu"]
        return Run(figures, workers, sampler.peak, sampler.last, _rss_mib(worker.pid), job,
                   server_times(gunicorn_log, page_name(the_plan)), cpu)


def _forget_cache(redis_url: str, prefix: str) -> None:
    """The run's cache keys (its prefix is its own), removed when it ends."""
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def _job(url: str, wait: int) -> tuple[str, int, int, float] | None:
    """The notice job, from its page's address: state, units done and total, and the seconds
    it ran; waited for up to `wait` seconds after the load when still running."""
    try:
        pk = int(url.rstrip("/").rsplit("/", 1)[-1])
    except ValueError:
        return None
    deadline = time.monotonic() + wait
    while True:
        job = Job.objects.filter(pk=pk).first()
        if job is None:
            return None
        if job.state in (Job.State.DONE, Job.State.FAILED) or time.monotonic() > deadline:
            break
        time.sleep(1)
    ran = ((job.finished or timezone.now()) - job.started).total_seconds() if job.started else 0
    return job.state, job.done, job.total, ran
