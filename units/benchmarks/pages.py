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
from .measure import timed

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
    floor: one tree for the outline, both trees for the chart (its badges read the basis)
    and the comparison; the ratio to one tree is printed beside."""
    client = Client()
    client.force_login(user)

    def get(url: str) -> Callable[[], bytes]:
        def fetch() -> bytes:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} svarede {response.status_code}")
            return response.content
        return fetch

    floor_one, _, _ = timed(lambda: plain_render([new.pk]), repeat)
    floor_two, _, _ = timed(lambda: plain_render([old.pk, new.pk]), repeat)
    line("floor: rå hentning + gengivelse (1 træ)", floor_one)
    line("floor: rå hentning + gengivelse (2 træer)", floor_two)
    chart = reverse("units:structure-detail", args=[new.pk])
    outline = reverse("units:structure-outline", args=[new.pk])
    compare = reverse("units:structure-compare", args=[old.pk, new.pk])
    cases = [
        # The chart's badges read the basis too: its floor is both trees (as the comparison's).
        ("side: diagram (kold)", chart, True, floor_two),
        ("side: diagram (varm)", chart, False, floor_two),
        ("side: diagram alle niv. (kold)", chart + "?depth=30", True, floor_two),
        ("side: oversigt (kold)", outline, True, floor_one),
        ("side: oversigt (varm)", outline, False, floor_one),
        ("side: sammenligning", compare, True, floor_two),
        ("side: sammenligning alle", compare + "?kind=all", True, floor_two),
    ]
    for label, url, cold, floor in cases:
        fetch = get(url)
        if cold:
            def run(fetch=fetch) -> bytes:
                cache.clear()
                return fetch()
        else:
            cache.clear()
            fetch()  # fill the cache once; the figure is the warm request
            run = fetch
        ms, queries, body = timed(run, repeat)
        line(label, ms, queries, floor,
             f"{len(body) // 1024:,} KiB; ratio mod 1 træ {ms / floor_one:4.1f}x")
