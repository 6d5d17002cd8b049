"""Measuring helpers: work rolled back, median wall time with query counts, peak memory."""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

T = TypeVar("T")


class _Rollback(Exception):
    pass


def rolled_back(fn: Callable[[], T]) -> T:
    """`fn()` inside a transaction that is rolled back: the database is left as it was."""
    result: list[T] = []
    try:
        with transaction.atomic():
            result.append(fn())
            raise _Rollback
    except _Rollback:
        pass
    return result[0]


def timed(fn: Callable[[], T], repeat: int) -> tuple[float, int, T]:
    """Median wall time in ms over `repeat` runs, the queries of one run, the last result."""
    times = []
    queries = 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            result = fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries, result


@dataclass(frozen=True)
class Against:
    """An operation timed against its floor, run by turns so both meet the same load: the
    medians of wall time (ms) and of CPU time (ms, this process) of each, the operation's
    queries of one run and its last result."""

    ms: float
    cpu_ms: float
    floor_ms: float
    floor_cpu_ms: float
    queries: int
    result: object

    @property
    def cpu_ratio(self) -> float:
        return self.cpu_ms / self.floor_cpu_ms if self.floor_cpu_ms else 0.0


def timed_against(fn: Callable[[], object], floor: Callable[[], object], repeat: int, *,
                  before: Callable[[], None] | None = None) -> Against:
    """`fn` and `floor` by turns, `repeat` times each (`before` runs untimed before each
    `fn`); on a shared machine the ratio of the two stays put when the load moves."""
    walls: list[float] = []
    cpus: list[float] = []
    floor_walls: list[float] = []
    floor_cpus: list[float] = []
    queries = 0
    result: object = None
    for _ in range(repeat):
        cpu, wall = time.process_time(), time.perf_counter()
        floor()
        floor_walls.append((time.perf_counter() - wall) * 1000)
        floor_cpus.append((time.process_time() - cpu) * 1000)
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            cpu, wall = time.process_time(), time.perf_counter()
            result = fn()
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        queries = len(ctx.captured_queries)
    median = statistics.median
    return Against(median(walls), median(cpus), median(floor_walls), median(floor_cpus),
                   queries, result)


def peak_kib(fn: Callable[[], object]) -> float:
    """Peak Python memory (tracemalloc) while `fn()` runs, in KiB."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1024
    finally:
        tracemalloc.stop()


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
