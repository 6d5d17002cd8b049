"""Benchmarks that print figures; nothing here asserts a time.

    manage.py bench [reads] [--sizes 1000,10000] [--repeat 5]
    manage.py bench deep [--levels 10000]
    manage.py bench reliability [--threads 4] [--operations 300]
    manage.py bench load [--workers N] [--readers 20] [--requests 3000] [--seconds 300]
        [--size 10000] [--redis redis://127.0.0.1:6379/14] [--wait 0.5,1.5]
    manage.py bench picker [--sizes 10000] [--repeat 5]
    manage.py bench pptx [--units 300] [--repeat 5]
    manage.py bench figures [--sizes 1000,10000] [--repeat 5]

``reads`` (the default) measures the read and copy paths on large synthetic structures, each
beside a floor measured in the same run on the same rows (a raw SQL fetch for reads, a plain
bulk insert for the copy), with query counts and peak Python memory. ``deep`` builds a chain
``--levels`` deep and measures the org chart PDF, the edit page, the structure as recorded
and the outline on it. Both write inside a transaction that is rolled back, so the database
is left as it was.

``figures`` times the key figures of a published structure of each size beside a raw ORM
fetch of its rows (the issue's floor: within 2×), for a unit scope, as a viewer, warm from the
cache, and from a tree already read; rolled back.

``picker`` times the move form's search-as-you-type picker (the selector and the whole
request) in a draft of each size, for a few kinds of query; rolled back too.

``pptx`` times the org chart as PowerPoint and as SVG of a synthetic forvaltning (300 units
unless ``--units``), A4 and A3 landscape: the chart read and paged as for the PDF, the drawing,
each file written; rolled back too.

``reliability`` runs concurrent editor threads against one draft and then the tree integrity
check, and every hostile import file through the import preview. Editors in threads commit,
so it works in a throwaway test database (created beside the configured one and dropped
afterwards); the concurrent part needs PostgreSQL.

``load`` keeps its data in the configured PostgreSQL database (built on the first run, found
again later), starts gunicorn with N workers and a Celery worker against it and Redis, and
drives them with locust (the ``bench`` extra): readers over the chart, outline, comparison,
Min enhed and API tree of the big structure while an editor edits its draft and a notice job
runs; requests/s, latency percentiles per page, errors and each worker's memory
(units/benchmarks/load.py).
"""

from __future__ import annotations

import importlib.util
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from units import services
from units.benchmarks.deep import measure_deep
from units.benchmarks.exports import measure_exports
from units.benchmarks.figures import measure_figures
from units.benchmarks.hostile import measure_hostile
from units.benchmarks.measure import rolled_back
from units.benchmarks.picker import measure_picker
from units.benchmarks.reads import measure_reads
from units.benchmarks.reliability import measure_reliability


class Command(BaseCommand):
    help = ("Mål læsning og kopiering (reads), dybe træer (deep), pålidelighed (reliability) "
            "flyttefeltets søgning (picker), diagrammet som PowerPoint og SVG (pptx) eller "
            "nøgletal (figures).")

    def add_arguments(self, parser):
        parser.add_argument("case", nargs="?", default="reads",
                            choices=("reads", "deep", "reliability", "load", "picker",
                                     "pptx", "figures"))
        parser.add_argument("--sizes", default="1000,10000",
                            help="reads, picker, figures: antal enheder, kommasepareret "
                                 "(standard 1000,10000).")
        parser.add_argument("--repeat", type=int, default=5,
                            help="reads: gentagelser pr. måling.")
        parser.add_argument("--units", type=int, default=300,
                            help="pptx: enheder i diagrammet (standard 300).")
        parser.add_argument("--levels", type=int, default=10_000,
                            help="deep: kædens dybde (standard 10000).")
        parser.add_argument("--threads", type=int, default=4,
                            help="reliability: samtidige redaktører (standard 4).")
        parser.add_argument("--operations", type=int, default=300,
                            help="reliability: ændringer pr. redaktør (standard 300).")
        parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1),
                            help="load: gunicorns arbejdsprocesser (standard 2 pr. kerne).")
        parser.add_argument("--readers", type=int, default=20,
                            help="load: samtidige læsere (standard 20).")
        parser.add_argument("--requests", type=int, default=3000,
                            help="load: forespørgsler i alt, så stopper den (standard 3000).")
        parser.add_argument("--seconds", type=int, default=300,
                            help="load: højst så mange sekunder (standard 300).")
        parser.add_argument("--size", type=int, default=10_000,
                            help="load: enheder i den store organisering (standard 10000).")
        parser.add_argument("--redis", default="redis://127.0.0.1:6379/14",
                            help="load: Redis til cache og Celery (standard database 14).")
        parser.add_argument("--wait", default="0.5,1.5",
                            help="load: en læsers pause mellem to sider, sekunder fra,til "
                                 "(standard 0.5,1.5; 0,0 for ingen pause).")
        parser.add_argument("--worker-nice", type=int, default=10,
                            help="load: Celery-arbejderens nice-værdi (standard 10: baggrunds"
                                 "arbejde viger for sider, når de deler kerner).")
        parser.add_argument("--job-wait", type=int, default=180,
                            help="load: sekunder at vente på orienteringsjobbet bagefter.")

    def handle(self, *args, case: str, **options):
        getattr(self, f"_{case}")(**options)

    def _reads(self, *, sizes: str, repeat: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            self.stdout.write(f"\n{size} enheder")
            rolled_back(lambda size=size: measure_reads(size, repeat, self.line))

    def _picker(self, *, sizes: str, repeat: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            self.stdout.write(f"\n{size} enheder")
            rolled_back(lambda size=size: measure_picker(size, repeat, self.line))

    def _pptx(self, *, units: int, repeat: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        rolled_back(lambda: measure_exports(units, repeat, self.stdout.write))

    def _figures(self, *, sizes: str, repeat: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler; "
                          "gulv: rå hentning af rækkerne (values_list).")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            self.stdout.write(f"\n{size} enheder")
            rolled_back(lambda size=size: measure_figures(size, repeat, self.line))

    def line(self, label: str, ms: float, queries: int | None = None, floor: float | None = None,
             extra: str = "") -> None:
        text = f"  {label:<28} {ms:9.1f} ms"
        if queries is not None:
            text += f"  {queries:3d} queries"
        if floor:
            text += f"  floor {floor:8.1f} ms  ratio {ms / floor:4.1f}x"
        self.stdout.write(text + (f"  {extra}" if extra else ""))

    def _deep(self, *, levels: int, **options) -> None:
        self.stdout.write(f"Database: {connection.vendor}; en kæde på {levels} niveauer "
                          "(tid af én kørsel, hukommelse af en anden med tracemalloc).")
        rolled_back(lambda: measure_deep(levels, self.deep_line))

    def deep_line(self, label: str, seconds: float | None, peak_mib: float | None,
                  extra: str = "") -> None:
        text = f"  {label:<28}"
        text += f" {seconds:8.2f} s" if seconds is not None else " " * 11
        if peak_mib is not None:
            text += f"  peak {peak_mib:7.1f} MiB"
        self.stdout.write(text + (f"  {extra}" if extra else ""))

    def _reliability(self, *, threads: int, operations: int, **options) -> None:
        vendor = connection.vendor
        old_config = setup_databases(verbosity=0, interactive=False, aliases={"default"},
                                     serialized_aliases=set())
        try:
            self.stdout.write(f"Database: {vendor}, throwaway {connection.settings_dict['NAME']}")
            if vendor == "postgresql":
                self._concurrent(threads, operations)
            else:
                self.stdout.write("Samtidige redaktører: springes over (kræver PostgreSQL).")
            self._hostile()
        finally:
            teardown_databases(old_config, verbosity=0)

    def _concurrent(self, threads: int, operations: int) -> None:
        figure = measure_reliability(threads=threads, operations=operations)
        self.stdout.write(
            f"\nConcurrent editors: {figure.threads} threads × {operations} operations on one "
            f"draft, {figure.seconds:.1f} s")
        self.stdout.write(f"  operations tried     {figure.operations}")
        self.stdout.write(f"  done                 {figure.done}")
        self.stdout.write(f"  refused              {figure.refused}")
        for kind, (done, refused) in figure.by_kind.items():
            self.stdout.write(f"    {kind:<10} done {done:4d}  refused {refused:4d}")
        self.stdout.write(f"  database errors      {len(figure.errors)}")
        for message in figure.errors[:5]:
            self.stdout.write(f"    {message}")
        self.stdout.write(f"  stale-version probes {figure.stale_probes}")
        self.stdout.write(f"  lost updates         {figure.lost_updates}")
        self.stdout.write(f"  tree faults          {len(figure.tree_faults)}")
        for fault in figure.tree_faults[:5]:
            self.stdout.write(f"    {fault}")
        self.stdout.write(f"  units in the draft   {figure.units_after}")

    def _hostile(self) -> None:
        from django.contrib.auth import get_user_model

        user = get_user_model().objects.create_user("fjendtlige-filer")
        organisation = services.create_organisation(name="Fjendtlige filer", user=user)
        figure = measure_hostile(organisation)
        self.stdout.write("\nHostile import files through the preview")
        self.stdout.write(f"  files tried          {figure.tried}")
        self.stdout.write(f"  refused              {figure.refused}")
        self.stdout.write(f"  partial writes       {figure.partial_writes}")
        self.stdout.write(f"  slowest refusal      {figure.slowest[1]:.2f} s ({figure.slowest[0]})")
        self.stdout.write(f"  peak memory (Python) {figure.peak_mib:.1f} MiB")

    def _load(self, *, workers: int, readers: int, requests: int, seconds: int, size: int,
              redis: str, wait: str, job_wait: int, worker_nice: int, **options) -> None:
        # Looked for, not imported: locust patches the standard library for gevent on import,
        # which this process must not be (the driver imports it in a process of its own).
        if importlib.util.find_spec("locust") is None:
            raise CommandError("bench load bruger locust: pip install -e '.[bench]'.")
        from units.benchmarks import load

        if connection.vendor != "postgresql":
            raise CommandError("bench load måler mod PostgreSQL: sæt DATABASE_URL=postgres://…")
        low, high = (float(x) for x in wait.split(","))
        world = load.world(size, self.stdout.write)
        self.stdout.write(
            f"Belastning: {readers} læsere (pause {low:g}–{high:g} s) og 1 redaktør mod "
            f"{world.units} enheder, {requests} forespørgsler eller højst {seconds} s; "
            f"orienteringsjob på en Celery-arbejder (Redis, nice {worker_nice}).")
        run = load.run_load(world, workers=workers, readers=readers, requests=requests,
                            seconds=seconds, redis_url=redis, reader_wait=(low, high),
                            job_wait=job_wait, worker_nice=worker_nice,
                            say=self.stdout.write)
        self._load_report(run)

    def _load_report(self, run) -> None:
        figures = run.figures
        total, seconds = figures["total"], figures["seconds"]
        self.stdout.write(
            f"\n{total['requests']} forespørgsler på {seconds:.0f} s: "
            f"{total['requests'] / seconds:.1f} req/s, {total['failures']} fejl")
        self.stdout.write(f"  {'side':<26} {'antal':>5} {'req/s':>5} {'p50':>5} {'p95':>5} "
                          f"{'p99':>5} {'max':>5} {'KiB':>5}  fejl   i gunicorn: p50  p95")
        for name, e in sorted(figures["pages"].items()):
            if not e["requests"]:
                continue
            inside = sorted(run.server_ms.get(name, []))
            server = (f"{_percentile(inside, 50):5.0f}{_percentile(inside, 95):5.0f}"
                      if inside else "")
            self.stdout.write(
                f"  {name:<26} {e['requests']:5d} {e['requests'] / seconds:5.1f} "
                f"{e['p50']:5.0f} {e['p95']:5.0f} {e['p99']:5.0f} {e['max']:5.0f} "
                f"{e['kib']:5.0f}  {e['failures']:4d}             {server}")
        self.stdout.write("  (ms: hos læserne, locusts percentiler; i gunicorn: fra "
                          "adgangsloggen, uden ventetid på en ledig arbejdsproces)")
        for example in figures["examples"] + figures["server_errors"]:
            self.stdout.write(f"  fejl: {example}")
        if run.cpu:
            cores = os.cpu_count() or 1
            cpu = run.cpu
            ours = cpu["gunicorn"] + cpu["celery"] + cpu["driver"] + cpu["postgres"]
            self.stdout.write(
                f"\nCPU i den målte periode ({cores} kerner × {seconds:.0f} s = "
                f"{cores * seconds:.0f} s): maskinen i alt {cpu['machine']:.0f} s; gunicorn "
                f"{cpu['gunicorn']:.0f} s, PostgreSQL for kørslens database "
                f"{cpu['postgres']:.0f} s, Celery {cpu['celery']:.0f} s, locust "
                f"{cpu['driver']:.0f} s; resten (Redis, andre processer på maskinen) "
                f"{cpu['machine'] - ours:.0f} s.")
        self.stdout.write(f"\nHukommelse (RSS) pr. gunicorn-arbejdsproces, {run.workers} stk.:")
        for pid in sorted(run.rss_peak):
            self.stdout.write(f"  pid {pid:<8} højst {run.rss_peak[pid]:6.0f} MiB, "
                              f"til sidst {run.rss_last.get(pid, 0):6.0f} MiB")
        if run.worker_rss is not None:
            self.stdout.write(f"  Celery-arbejderen til sidst {run.worker_rss:6.0f} MiB")
        if run.job is None:
            self.stdout.write("Orienteringsjobbet blev ikke startet.")
        else:
            state, done, total_units, ran = run.job
            self.stdout.write(f"Orienteringsjobbet: {state}, {done} af {total_units}, "
                              f"{ran:.0f} s")


def _percentile(ordered: list[int], p: int) -> float:
    return ordered[min(len(ordered) - 1, len(ordered) * p // 100)]
