"""The org chart as PowerPoint and SVG, timed on a synthetic forvaltning: the chart read and
paged as for the PDF, the drawing (connector routes), and each file written; beside it the
PDF's layout alone, which both share. Medians of `repeat` runs; rolled back by the caller."""

from __future__ import annotations

import datetime
import io
import statistics
import time
import zipfile
from collections.abc import Callable
from typing import TypeVar

from django.contrib.auth import get_user_model

from units import printing, services
from units.printing import drawing, slides, svg
from units.services import bulk

from .measure import timed
from .synthetic import forvaltning_rows

T = TypeVar("T")


def _cpu_timed(fn: Callable[[], T], repeat: int) -> tuple[float, float, T]:
    """Median wall and CPU milliseconds of `repeat` runs, and the last result: on a shared
    machine the wall clock also counts other processes' turns."""
    walls, cpus = [], []
    result = None
    for _ in range(repeat):
        cpu, start = time.process_time(), time.perf_counter()
        result = fn()
        walls.append((time.perf_counter() - start) * 1000)
        cpus.append((time.process_time() - cpu) * 1000)
    return statistics.median(walls), statistics.median(cpus), result  # type: ignore[return-value]


def measure_exports(size: int, repeat: int, say) -> None:
    """Build a `size`-unit structure and time its chart as PowerPoint and SVG on A4 and A3
    landscape; `say(text)` prints a line."""
    user = get_user_model().objects.create_user(f"bench-pptx-{time.time_ns()}")
    organisation = services.create_organisation(name=f"Benchmark pptx {time.time_ns()}",
                                                user=user)
    structure = bulk.build_structure(
        organisation, name=f"Benchmark {size}", effective_date=datetime.date(2025, 1, 1),
        rows=forvaltning_rows(size), user=user)
    for paper in ("A4", "A3"):
        options = printing.parse_chart_options({"size": paper, "orientation": "landscape"})
        _, queries, _ = timed(lambda o=options: printing.org_chart(structure, user, o), 1)
        chart_ms, chart_cpu, chart = _cpu_timed(
            lambda o=options: printing.org_chart(structure, user, o), repeat)
        draw_ms, draw_cpu, picture = _cpu_timed(lambda c=chart: drawing.draw(c), repeat)
        pptx_ms, pptx_cpu, deck = _cpu_timed(lambda p=picture: slides.chart_pptx(p), repeat)
        svg_ms, svg_cpu, sheet = _cpu_timed(lambda p=picture: svg.chart_svg(p), repeat)
        with zipfile.ZipFile(io.BytesIO(deck)) as archive:
            slide_files = [n for n in archive.namelist()
                           if n.startswith("ppt/slides/slide") and n.endswith(".xml")]
        boxes = sum(len(s.boxes) for s in picture.sheets)
        connectors = sum(len(s.edges) for s in picture.sheets)
        say(f"\n{size} enheder, {paper} liggende: {len(chart.pages)} sider "
            f"({len(slide_files)} dias), {boxes} kasser, {connectors} forbindelser")
        rows = [
            ("diagram læst og sideinddelt", chart_ms, chart_cpu, f"{queries} queries"),
            ("tegning (forbindelser)", draw_ms, draw_cpu, ""),
            ("PowerPoint skrevet", pptx_ms, pptx_cpu, f"{len(deck) // 1024} KiB"),
            ("SVG skrevet", svg_ms, svg_cpu, f"{len(sheet) // 1024} KiB"),
            ("PowerPoint i alt", chart_ms + draw_ms + pptx_ms, chart_cpu + draw_cpu + pptx_cpu,
             "mål: under 2000 ms"),
            ("SVG i alt", chart_ms + draw_ms + svg_ms, chart_cpu + draw_cpu + svg_cpu, ""),
        ]
        for label, wall, cpu, extra in rows:
            say(f"  {label:<28} {wall:8.1f} ms  cpu {cpu:8.1f} ms  {extra}")
