"""Benchmark the read and copy paths on large synthetic structures.

Prints, for each size, the time of each operation next to a floor measured in the same run on
the same rows (a raw SQL fetch for reads, a plain bulk insert for the copy), with query counts
and peak Python memory. Everything is written inside a transaction that is rolled back, so the
database is left as it was. Not a test: it asserts nothing, it prints figures.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import connection

from units.benchmarks.measure import rolled_back
from units.benchmarks.reads import measure_reads


class Command(BaseCommand):
    help = "Mål tree, compare, placement og copy_structure på syntetiske organiseringer."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000",
                            help="Antal enheder, kommasepareret (standard 1000,10000).")
        parser.add_argument("--repeat", type=int, default=5, help="Gentagelser pr. måling.")

    def handle(self, *args, sizes: str, repeat: int, **options):
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            self.stdout.write(f"\n{size} enheder")
            rolled_back(lambda size=size: measure_reads(size, repeat, self.line))

    def line(self, label: str, ms: float, queries: int | None = None, floor: float | None = None,
             extra: str = "") -> None:
        text = f"  {label:<28} {ms:9.1f} ms"
        if queries is not None:
            text += f"  {queries:3d} queries"
        if floor:
            text += f"  floor {floor:8.1f} ms  ratio {ms / floor:4.1f}x"
        self.stdout.write(text + (f"  {extra}" if extra else ""))
