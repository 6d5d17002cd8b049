"""Benchmarks that print figures; nothing here asserts a time.

    manage.py bench [reads] [--sizes 1000,10000] [--repeat 5]
    manage.py bench deep [--levels 10000]
    manage.py bench reliability [--threads 4] [--operations 300]
    manage.py bench picker [--sizes 10000] [--repeat 5]

``reads`` (the default) measures the read and copy paths on large synthetic structures, each
beside a floor measured in the same run on the same rows (a raw SQL fetch for reads, a plain
bulk insert for the copy), with query counts and peak Python memory. ``deep`` builds a chain
``--levels`` deep and measures the org chart PDF, the edit page, the structure as recorded
and the outline on it. Both write inside a transaction that is rolled back, so the database
is left as it was.

``picker`` times the move form's search-as-you-type picker (the selector and the whole
request) in a draft of each size, for a few kinds of query; rolled back too.

``reliability`` runs concurrent editor threads against one draft and then the tree integrity
check, and every hostile import file through the import preview. Editors in threads commit,
so it works in a throwaway test database (created beside the configured one and dropped
afterwards); the concurrent part needs PostgreSQL.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_databases, teardown_databases

from units import services
from units.benchmarks.deep import measure_deep
from units.benchmarks.hostile import measure_hostile
from units.benchmarks.measure import rolled_back
from units.benchmarks.picker import measure_picker
from units.benchmarks.reads import measure_reads
from units.benchmarks.reliability import measure_reliability


class Command(BaseCommand):
    help = ("Mål læsning og kopiering (reads), dybe træer (deep), pålidelighed (reliability) "
            "eller flyttefeltets søgning (picker).")

    def add_arguments(self, parser):
        parser.add_argument("case", nargs="?", default="reads",
                            choices=("reads", "deep", "reliability", "picker"))
        parser.add_argument("--sizes", default="1000,10000",
                            help="reads: antal enheder, kommasepareret (standard 1000,10000).")
        parser.add_argument("--repeat", type=int, default=5,
                            help="reads: gentagelser pr. måling.")
        parser.add_argument("--levels", type=int, default=10_000,
                            help="deep: kædens dybde (standard 10000).")
        parser.add_argument("--threads", type=int, default=4,
                            help="reliability: samtidige redaktører (standard 4).")
        parser.add_argument("--operations", type=int, default=300,
                            help="reliability: ændringer pr. redaktør (standard 300).")

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
            self.stdout.write(f"    {kind:<8} done {done:4d}  refused {refused:4d}")
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
