"""Measuring helpers: work rolled back, median wall time with query counts, peak memory."""

from __future__ import annotations

import resource
import statistics
import time
import tracemalloc
from collections.abc import Callable
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
