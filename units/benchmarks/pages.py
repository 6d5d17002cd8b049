"""Whole requests through the test client (logged in): the org chart, the outline and the
comparison page, each beside a floor measured in the same run on the same rows: one raw SQL
fetch of the tree(s) the page shows, written out as one escaped line per unit with plain
Python. "Cold" clears the cache before every request (the first render of a structure);
"warm" reads the markup a frozen structure keeps in the cache."""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from units.models import Structure

from .floors import raw_fetch
from .measure import timed_against

Line = Callable[..., None]


def plain_render(structure_ids: list[int]) -> str:
    """The floor of a page: the rows of each tree by one raw query, one escaped line each."""
    parts = []
    for sid in structure_ids:
        for row in raw_fetch(sid):
            uid, name, code, headcount, level, type_name = (row[0], row[3], row[5], row[9],
                                                            row[12], row[15])
            parts.append(f'<li class="l{level}"><a href="/unit/{uid}/">{escape(name)}</a> '
                         f"{escape(type_name or '')} {escape(code)} {headcount}</li>")
    return "<ul>" + "".join(parts) + "</ul>"


def measure_pages(old: Structure, new: Structure, user, repeat: int, line: Line) -> None:
    """Time the pages of `new` (based on `old`) and print each through `line` beside its
    floor, measured by turns with it: one tree for the outline, both trees for the chart (its
    badges read the basis) and the comparison; the ratio of CPU times is printed beside."""
    client = Client()
    client.force_login(user)

    def get(url: str) -> Callable[[], bytes]:
        def fetch() -> bytes:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} svarede {response.status_code}")
            return response.content
        return fetch

    chart = reverse("units:structure-detail", args=[new.pk])
    outline = reverse("units:structure-outline", args=[new.pk])
    compare = reverse("units:structure-compare", args=[old.pk, new.pk])
    one, two = (lambda: plain_render([new.pk])), (lambda: plain_render([old.pk, new.pk]))
    cases = [
        # The chart's badges read the basis too: its floor is both trees (as the comparison's).
        ("side: diagram (kold)", chart, True, two),
        ("side: diagram (varm)", chart, False, two),
        ("side: diagram alle niv. (kold)", chart + "?depth=30", True, two),
        ("side: oversigt (kold)", outline, True, one),
        ("side: oversigt (varm)", outline, False, one),
        ("side: sammenligning", compare, True, two),
        ("side: sammenligning alle", compare + "?kind=all", True, two),
    ]
    for label, url, cold, floor in cases:
        fetch = get(url)
        if not cold:
            cache.clear()
            fetch()  # fill the cache once; the figure is the warm request
        got = timed_against(fetch, floor, repeat, before=cache.clear if cold else None)
        line(label, got.ms, got.queries, got.floor_ms,
             f"cpu {got.cpu_ratio:4.1f}x; {len(got.result) // 1024:,} KiB")  # type: ignore[arg-type]
