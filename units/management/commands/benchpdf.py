"""Benchmark the PDF exports on synthetic structures, and headless Chromium beside them.

    manage.py benchpdf                       # org chart of 300 and 2,000 units, notices of 300
    manage.py benchpdf --sizes 300 2000 --notices 300 --paper A3 --no-chromium

Each case runs in a fresh process (so its peak memory is its own): it builds the structure in
a transaction, measures, and rolls everything back - the database is left as it was. For the
org charts the same HTML is also printed by ``chromium --headless --print-to-pdf`` (static
files copied beside it), for comparison of time and pages.
"""

from __future__ import annotations

import datetime
import json
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.staticfiles import finders
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from orgreg import pdf as renderer
from units import pdf, services
from units.services import bulk

CHROMIUM = "/usr/bin/chromium"


def synthetic_rows(n: int, *, seed: int = 7) -> list[bulk.UnitRow]:
    """A forvaltning-like tree of `n` units: ~10 areas, departments, teams; Danish names of
    varying length."""
    rnd = random.Random(seed)
    words = ["Borgercenter", "Område", "Socialpsykiatri", "Børn og Unge", "Ældre", "Sundhed",
             "Hjemmepleje", "Rehabilitering", "Myndighed", "Bofællesskab", "Aktivitetscenter",
             "Udviklingshæmmede", "Åbenrå", "Ørestad", "Østerbro", "Sekretariat"]
    rows = [bulk.UnitRow("R", None, {"name": "Socialforvaltningen", "code": "R",
                                     "leader_title": "Administrerende direktør"})]
    fanout = (10, 6, 5, 6)
    level = {"R": 0}
    queue = ["R"]
    i = 0
    while len(rows) < n and queue:
        parent = queue.pop(0)
        k = fanout[min(level[parent], len(fanout) - 1)]
        for _ in range(rnd.randint(max(1, k - 3), k + 2)):
            if len(rows) >= n:
                break
            i += 1
            key = f"B{i}"
            name = " ".join(rnd.sample(words, rnd.randint(1, 3))) + f" {i}"
            rows.append(bulk.UnitRow(key, parent, {
                "name": name, "code": key, "headcount": rnd.randint(0, 40),
                "category": rnd.choice(["drift", "administration", "stab", "myndighed", ""]),
                "leader_title": rnd.choice(["Centerchef", "Afdelingsleder", "Teamleder", ""]),
                "leader_name": rnd.choice(["Søren Østergaard", "Birgitte Åberg", ""]),
            }))
            level[key] = level[parent] + 1
            queue.append(key)
    return rows


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


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


class Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Benchmark org chart and notice PDFs (seconds, pages, peak memory) vs. Chromium."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", nargs="*", type=int, default=[300, 2000],
                            help="org chart sizes in units")
        parser.add_argument("--notices", nargs="*", type=int, default=[300],
                            help="structure sizes for the bulk notices")
        parser.add_argument("--paper", default="A3", help="A4 or A3 (landscape)")
        parser.add_argument("--no-chromium", action="store_true")
        parser.add_argument("--case", help=argparse_hidden())

    def handle(self, *args, **opts):
        if opts["case"]:
            self._run_case(opts["case"], opts)
            return
        cases = [f"chart:{n}" for n in opts["sizes"]] + [f"notices:{n}" for n in opts["notices"]]
        self.stdout.write(f"{'case':<16}{'units':>7}{'seconds':>10}{'cpu s':>8}{'pages':>7}"
                          f"{'peak MB':>9}{'chromium s':>12}{'pages':>7}")
        for case in cases:
            manage = str(Path(settings.BASE_DIR) / "manage.py")
            cmd = [sys.executable, manage, "benchpdf", "--case", case, "--paper", opts["paper"]]
            if opts["no_chromium"]:
                cmd.append("--no-chromium")
            done = subprocess.run(cmd, capture_output=True, text=True)
            if done.returncode != 0:
                raise CommandError(f"{case} failed:\n{done.stderr[-3000:]}")
            result = json.loads(done.stdout.strip().splitlines()[-1])
            chromium = result.get("chromium") or ["–", "–"]
            chromium_s = f"{chromium[0]:.2f}" if isinstance(chromium[0], float) else "–"
            self.stdout.write(
                f"{case:<16}{result['units']:>7}{result['seconds']:>10.2f}{result['cpu']:>8.2f}"
                f"{result['pages']:>7}"
                f"{result['peak_mb']:>9.0f}{chromium_s:>12}{chromium[1]:>7}"
            )
            if result.get("detail"):
                self.stdout.write(f"{'':<16}{result['detail']}")

    def _run_case(self, case: str, opts) -> None:
        kind, n = case.split(":")
        n = int(n)
        result: dict = {}
        # CPU seconds of the measured part beside wall-clock seconds: on a shared machine
        # the wall clock also counts other processes' turns.
        try:
            with transaction.atomic():
                user = get_user_model().objects.create_user(f"benchpdf-{time.time_ns()}")
                organisation = services.create_organisation(name=f"Benchmark {time.time_ns()}",
                                                            user=user)
                structure = bulk.build_structure(
                    organisation, name=f"Benchmark {n}", effective_date=datetime.date(2025, 1, 1),
                    rows=synthetic_rows(n), user=user)
                if kind == "chart":
                    result = self._chart(structure, user, n, opts)
                else:
                    result = self._notices(structure, user, n)
                raise Rollback
        except Rollback:
            pass
        result["peak_mb"] = peak_rss_mb()
        self.stdout.write(json.dumps(result))

    def _chart(self, structure, user, n, opts) -> dict:
        cpu = time.process_time()
        started = time.perf_counter()
        options = pdf.parse_chart_options({"size": opts["paper"], "orientation": "landscape"})
        chart = pdf.org_chart(structure, user, options)
        laid_out = time.perf_counter()
        html = renderer.render_html("units/pdf_org_chart.html", chart.context)
        document = renderer.render_document("units/pdf_org_chart.html", chart.context)
        data = document.write_pdf()
        seconds = time.perf_counter() - started
        result = {"units": n, "seconds": seconds, "cpu": time.process_time() - cpu,
                  "pages": len(document.pages),
                  "detail": f"layout {laid_out - started:.2f} s, WeasyPrint "
                            f"{seconds - (laid_out - started):.2f} s, {len(data) // 1024} KiB"}
        if not opts["no_chromium"]:
            with tempfile.TemporaryDirectory() as tmp:
                result["chromium"] = chromium_print(html, Path(tmp))
        return result

    def _notices(self, structure, user, n) -> dict:
        new = services.copy_structure(structure, name="Ny", user=user,
                                      effective_date=datetime.date(2026, 1, 1))
        new = services.set_status(new, "approved", user=user)
        cpu = time.process_time()
        started = time.perf_counter()
        document = renderer.render_document(
            "units/pdf_notices.html",
            pdf.notice_context(new, user, pdf.notices(new)))
        document.write_pdf()
        one_pdf = time.perf_counter() - started
        one_cpu = time.process_time() - cpu
        started = time.perf_counter()
        archive = pdf.notices_zip(new, user)
        zipped = time.perf_counter() - started
        return {"units": n, "seconds": one_pdf, "cpu": one_cpu, "pages": len(document.pages),
                "detail": f"zip of {n} PDFs: {zipped:.2f} s, {len(archive) // 1024} KiB"}


def argparse_hidden():
    import argparse

    return argparse.SUPPRESS
