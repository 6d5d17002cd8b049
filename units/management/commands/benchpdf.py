"""Benchmark the PDF exports on synthetic structures, and headless Chromium beside them.

    manage.py benchpdf                       # org chart of 300 and 2,000 units, notices of 300
    manage.py benchpdf --sizes 300 2000 --notices 300 --paper A3 --no-chromium

Each case runs in a fresh process (so its peak memory is its own): it builds the structure in
a transaction, measures, and rolls everything back - the database is left as it was. For the
org charts the same HTML is also printed by ``chromium --headless --print-to-pdf`` (static
files copied beside it), for comparison of time and pages.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from units.benchmarks.printing import run_case


class Command(BaseCommand):
    help = "Benchmark org chart and notice PDFs (seconds, pages, peak memory) vs. Chromium."

    def add_arguments(self, parser):
        parser.add_argument("--sizes", nargs="*", type=int, default=[300, 2000],
                            help="org chart sizes in units")
        parser.add_argument("--notices", nargs="*", type=int, default=[300],
                            help="structure sizes for the bulk notices")
        parser.add_argument("--paper", default="A3", help="A4 or A3 (landscape)")
        parser.add_argument("--no-chromium", action="store_true")
        parser.add_argument("--case", help=argparse.SUPPRESS)

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
        result = run_case(kind, int(n), paper=opts["paper"], chromium=not opts["no_chromium"])
        self.stdout.write(json.dumps(result))
