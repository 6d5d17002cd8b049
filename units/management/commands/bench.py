"""Benchmark the read and copy paths on large synthetic structures.

Prints, for each size, the time of each operation next to a floor measured in the same run on
the same rows (a raw SQL fetch for reads, a plain bulk insert for the copy), with query counts
and peak Python memory. Everything is written inside a transaction that is rolled back, so the
database is left as it was. Not a test: it asserts nothing, it prints figures.
"""

from __future__ import annotations

import datetime
import statistics
import time
import tracemalloc
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from units import selectors, services
from units.models import Organisation, Unit
from units.services.bulk import UnitRow, build_structure


class Rollback(Exception):
    pass


def synthetic_rows(n_units: int, fanout: int = 8) -> list[UnitRow]:
    """A balanced tree of n_units units, `fanout` children each, codes B1..Bn."""
    rows = [UnitRow("B1", None, {"name": "Kommunen", "code": "B1"})]
    for i in range(2, n_units + 1):
        parent = (i - 2) // fanout + 1
        rows.append(UnitRow(f"B{i}", f"B{parent}", {
            "name": f"Enhed {i}", "code": f"B{i}", "headcount": i % 37,
            "category": ("drift", "administration", "stab", "myndighed")[i % 4],
            "leader_title": "Leder", "leader_name": f"Leder {i}",
        }))
    return rows


def timed(fn: Callable, repeat: int) -> tuple[float, int, object]:
    """Median wall time in ms over `repeat` runs, the queries of one run, the last result."""
    times = []
    result = None
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, result


def peak_kib(fn: Callable) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


class Command(BaseCommand):
    help = "Mål tree, compare, placement og copy_structure på syntetiske organiseringer."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", default="1000,10000",
                            help="Antal enheder, kommasepareret (standard 1000,10000).")
        parser.add_argument("--repeat", type=int, default=5, help="Gentagelser pr. måling.")

    def handle(self, *args, sizes: str, repeat: int, **options):
        self.stdout.write(f"Database: {connection.vendor}; median af {repeat} kørsler.")
        for size in [int(s) for s in sizes.split(",") if s.strip()]:
            try:
                with transaction.atomic():
                    self.run_size(size, repeat)
                    raise Rollback
            except Rollback:
                pass

    def line(self, label: str, ms: float, queries: int | None = None, floor: float | None = None,
             extra: str = "") -> None:
        text = f"  {label:<28} {ms:9.1f} ms"
        if queries is not None:
            text += f"  {queries:3d} queries"
        if floor:
            text += f"  floor {floor:8.1f} ms  ratio {ms / floor:4.1f}x"
        self.stdout.write(text + (f"  {extra}" if extra else ""))

    def run_size(self, size: int, repeat: int) -> None:
        user, _ = get_user_model().objects.get_or_create(username="bench")
        org = Organisation.objects.create(name=f"Benchmark {size} {time.time_ns()}")
        rows = synthetic_rows(size)
        self.stdout.write(f"\n{size} enheder")

        start = time.perf_counter()
        old = build_structure(org, name="Gammel", effective_date=datetime.date(2024, 1, 1),
                              rows=rows, user=user)
        self.line("build_structure (bulk)", (time.perf_counter() - start) * 1000)
        services.set_status(old, "published", user=user)

        # tree: one query and Python, against the raw fetch of the same rows.
        columns = ", ".join(f"u.{c}" for c in (
            "id", "parent_id", "structure_id", "name", "short_name", "code", "category",
            "leader_title", "leader_name", "headcount", "fte", "location", "level", "lft", "rght",
        ))
        raw_sql = (f"SELECT {columns}, t.name FROM units_unit u LEFT JOIN units_unittype t "
                   "ON t.id = u.unit_type_id WHERE u.tree_id = %s ORDER BY u.lft")

        def raw_fetch(structure_id: int):
            with connection.cursor() as cursor:
                cursor.execute(raw_sql, [structure_id])
                return cursor.fetchall()

        floor_tree, _, _ = timed(lambda: raw_fetch(old.pk), repeat)
        t_tree, q_tree, nodes = timed(lambda: selectors.tree(old), repeat)
        self.line("tree", t_tree, q_tree, floor_tree,
                  f"peak {peak_kib(lambda: selectors.tree(old)):,.0f} KiB")

        # copy_structure against a bulk insert of the same rows.
        def bulk_floor() -> float:
            """ms for one bulk insert of the same unit rows into a throwaway tree."""
            elapsed = 0.0
            try:
                with transaction.atomic():
                    floor_org = Organisation.objects.create(name=f"Floor {time.time_ns()}")
                    target = services.create_structure(
                        floor_org, name="Floor", effective_date=datetime.date(2025, 1, 1),
                        user=user)
                    Unit.objects.filter(tree_id=target.pk).delete()
                    units = [
                        Unit(structure_id=target.pk, tree_id=target.pk, parent_id=n.parent_id,
                             lft=n.lft, rght=n.rght,
                             level=n.level, name=n.name, code=n.code, headcount=n.headcount,
                             category=n.category, leader_title=n.leader_title,
                             leader_name=n.leader_name)
                        for n in nodes
                    ]
                    begin = time.perf_counter()
                    Unit.objects.bulk_create(units, batch_size=2000)
                    elapsed = (time.perf_counter() - begin) * 1000
                    raise Rollback
            except Rollback:
                pass
            return elapsed

        floor_copy = statistics.median(bulk_floor() for _ in range(max(1, repeat // 2)))

        copies = []

        def do_copy():
            copies.append(services.copy_structure(
                old, name=f"Kopi {len(copies)}", effective_date=datetime.date(2025, 1, 1),
                user=user))
            return copies[-1]

        t_copy, q_copy, new = timed(do_copy, max(1, repeat // 2))
        self.line("copy_structure", t_copy, q_copy, floor_copy)

        # Make the copy differ a little so compare has work to do.
        deep = Unit.objects.filter(tree_id=new.pk).order_by("-level", "lft").first()
        target = Unit.objects.filter(tree_id=new.pk, level=1).order_by("-lft").first()
        services.move_unit(deep, target, user=user)
        floor_cmp, _, _ = timed(lambda: (raw_fetch(old.pk), raw_fetch(new.pk)), repeat)
        t_cmp, q_cmp, result = timed(lambda: selectors.compare(old, new), repeat)
        self.line("compare", t_cmp, q_cmp, floor_cmp, f"moved={result.counts['moved']}")

        # placement through two steps: old → new → newer.
        services.set_status(new, "published", user=user)
        newer = services.copy_structure(new, name="Nyere", effective_date=datetime.date(2026, 1, 1),
                                        user=user)
        probe = Unit.objects.filter(tree_id=old.pk).order_by("-level", "-lft").first()
        t_pl, q_pl, placed = timed(lambda: selectors.placement(probe, newer), repeat)
        self.line("placement (2 trin)", t_pl, q_pl, extra=f"{len(placed)} resultat")
        t_pl1, q_pl1, _ = timed(lambda: selectors.placement(probe, new), repeat)
        self.line("placement (1 trin)", t_pl1, q_pl1)
