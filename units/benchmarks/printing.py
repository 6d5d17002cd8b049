"""The PDF exports measured on a synthetic structure (org chart, notices), and headless
Chromium printing the same HTML beside them for comparison."""

from __future__ import annotations

import datetime
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders

from orgreg import pdf as renderer
from units import printing, services
from units.services import bulk

from .measure import peak_rss_mb, rolled_back
from .synthetic import forvaltning_rows

CHROMIUM = "/usr/bin/chromium"


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    return 0


def chromium_print(html: str, workdir: Path) -> tuple[float, int] | None:
    """Seconds and pages for headless Chromium printing the same HTML (static files copied
    next to it, so it fetches nothing from the network either)."""
    if not Path(CHROMIUM).exists():
        return None
    static = workdir / "static"
    for rel in ("css/pdf.css", "fonts/DejaVuSans.ttf", "fonts/DejaVuSans-Bold.ttf"):
        target = static / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(finders.find(rel), target)
    page = workdir / "chart.html"
    page.write_text(html.replace(f'"{settings.STATIC_URL}', '"static/'), encoding="utf-8")
    out = workdir / "chromium.pdf"
    started = time.perf_counter()
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
                    "--no-pdf-header-footer", f"--print-to-pdf={out}", page.as_uri()],
                   capture_output=True, timeout=600)
    seconds = time.perf_counter() - started
    return (seconds, pdf_pages(out)) if out.exists() else None


def chart_case(structure, user, n: int, *, paper: str, chromium: bool) -> dict:
    """Seconds (wall and CPU), pages and size of the org chart PDF of `structure`."""
    cpu = time.process_time()
    started = time.perf_counter()
    options = printing.parse_chart_options({"size": paper, "orientation": "landscape"})
    chart = printing.org_chart(structure, user, options)
    laid_out = time.perf_counter()
    html = renderer.render_html("units/pdf_org_chart.html", chart.context)
    document = renderer.render_document("units/pdf_org_chart.html", chart.context)
    data = document.write_pdf()
    seconds = time.perf_counter() - started
    result = {"units": n, "seconds": seconds, "cpu": time.process_time() - cpu,
              "pages": len(document.pages),
              "detail": f"layout {laid_out - started:.2f} s, WeasyPrint "
                        f"{seconds - (laid_out - started):.2f} s, {len(data) // 1024} KiB"}
    if chromium:
        with tempfile.TemporaryDirectory() as tmp:
            result["chromium"] = chromium_print(html, Path(tmp))
    return result


def notices_case(structure, user, n: int) -> dict:
    """Seconds for every unit's placement notice in one PDF, and as a zip of one PDF each."""
    new = services.copy_structure(structure, name="Ny", user=user,
                                  effective_date=datetime.date(2026, 1, 1))
    new = services.set_status(new, "approved", user=user)
    cpu = time.process_time()
    started = time.perf_counter()
    document = renderer.render_document(
        "units/pdf_notices.html", printing.notice_context(new, user, printing.notices(new)))
    document.write_pdf()
    one_pdf = time.perf_counter() - started
    one_cpu = time.process_time() - cpu
    started = time.perf_counter()
    archive = printing.notices_zip(new, user)
    zipped = time.perf_counter() - started
    return {"units": n, "seconds": one_pdf, "cpu": one_cpu, "pages": len(document.pages),
            "detail": f"zip of {n} PDFs: {zipped:.2f} s, {len(archive) // 1024} KiB"}


def run_case(kind: str, n: int, *, paper: str, chromium: bool) -> dict:
    """One case ("chart" or "notices") on a structure of `n` units, rolled back, with this
    process's peak memory. CPU seconds stand beside wall-clock seconds: on a shared machine
    the wall clock also counts other processes' turns."""
    def case() -> dict:
        user = get_user_model().objects.create_user(f"benchpdf-{time.time_ns()}")
        organisation = services.create_organisation(name=f"Benchmark {time.time_ns()}",
                                                    user=user)
        structure = bulk.build_structure(
            organisation, name=f"Benchmark {n}", effective_date=datetime.date(2025, 1, 1),
            rows=forvaltning_rows(n), user=user)
        if kind == "chart":
            return chart_case(structure, user, n, paper=paper, chromium=chromium)
        return notices_case(structure, user, n)

    result = rolled_back(case)
    result["peak_mb"] = peak_rss_mb()
    return result
