"""Whole-request figures for the benchmark command: the org chart, outline, compare and
min-enhed pages through the test client (logged in), each next to a floor measured in the same
run: one raw SQL fetch of the same rows rendered to a string with plain Python.

"Cold" clears the cache before every request (the first render of a structure); "warm" reads
the markup a frozen structure keeps in the cache.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from html import escape

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .models import Structure, Unit

FLOOR_SQL = (
    "SELECT u.id, u.parent_id, u.name, u.code, u.headcount, u.level, u.lft, u.rght, t.name "
    "FROM units_unit u LEFT JOIN units_unittype t ON t.id = u.unit_type_id "
    "WHERE u.tree_id = %s ORDER BY u.lft"
)


def floor_render(structure_ids: list[int]) -> str:
    """The floor: fetch the rows with raw SQL and write one escaped line per unit."""
    parts = []
    with connection.cursor() as cursor:
        for sid in structure_ids:
            cursor.execute(FLOOR_SQL, [sid])
            for uid, _parent, name, code, headcount, level, _l, _r, type_name in cursor.fetchall():
                parts.append(f'<li class="l{level}"><a href="/unit/{uid}/">{escape(name)}</a> '
                             f"{escape(type_name or '')} {escape(code)} {headcount}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def _median_ms(fn: Callable[[], object], repeat: int, *, before: Callable[[], None] | None = None
               ) -> tuple[float, int]:
    times = []
    queries = 0
    for _ in range(repeat):
        if before is not None:
            before()
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(ctx.captured_queries)
    return statistics.median(times), queries


def measure_pages(line: Callable[..., None], *, old: Structure, new: Structure, user,
                  repeat: int = 5) -> dict[str, tuple[float, int, float]]:
    """Time the pages for `new` (published, based on `old`) and report each through
    `line(label, ms, queries, floor)`. Returns label -> (ms, queries, floor ms)."""
    client = Client()
    client.force_login(user)
    probe = Unit.objects.filter(tree_id=old.pk).order_by("-level", "-lft").first()

    def get(url: str) -> Callable[[], object]:
        def fetch():
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} svarede {response.status_code}")
            return response.content
        return fetch

    floor_one, _ = _median_ms(lambda: floor_render([new.pk]), repeat)
    floor_two, _ = _median_ms(lambda: floor_render([old.pk, new.pk]), repeat)
    chart = reverse("units:structure-detail", args=[new.pk])
    outline = reverse("units:structure-outline", args=[new.pk])
    compare = reverse("units:structure-compare", args=[old.pk, new.pk])
    my_unit = reverse("units:my-unit")
    cases = [
        ("side: diagram (kold)", chart, True, floor_one),
        ("side: diagram (varm)", chart, False, floor_one),
        ("side: diagram alle niv. (kold)", chart + "?depth=30", True, floor_one),
        ("side: oversigt (kold)", outline, True, floor_one),
        ("side: oversigt (varm)", outline, False, floor_one),
        ("side: sammenligning", compare, True, floor_two),
        ("side: sammenligning alle", compare + "?kind=all", True, floor_two),
        ("side: min enhed, søgning", my_unit + "?q=enhed 99", True, floor_one),
        ("side: min enhed, svar", my_unit + f"?unit={probe.pk}", True, floor_one),
    ]
    results = {}
    for label, url, cold, floor in cases:
        fetch = get(url)
        if not cold:
            cache.clear()
            fetch()  # fill the cache once; the figure is the warm request
        ms, queries = _median_ms(fetch, repeat, before=cache.clear if cold else None)
        line(label, ms, queries, floor)
        results[label] = (ms, queries, floor)
    return results
