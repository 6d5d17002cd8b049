"""Render an org chart, a comparison report or placement notices to a file, for scripting.

    manage.py renderpdf chart 12 -o diagram.pdf --size A3 --orientation landscape --depth 2 \
        --header "Bilag 2.1 til HovedMED 13. november 2024" [--unit 345] [--at 2024-11-08T12:00]
    manage.py renderpdf chart 12 -o diagram.pptx --format pptx [the chart options above]
    manage.py renderpdf chart 12 -o diagram.svg --format svg [the chart options above]
    manage.py renderpdf compare 11 12 -o sammenligning.pdf [--changed-only]
    manage.py renderpdf notices 12 -o orienteringer.pdf [--from 11] [--unit 345 --unit 346]
    manage.py renderpdf notices-zip 12 -o orienteringer.zip [--from 11]

Runs with the server's full view (every structure); ``--user NAME`` renders as that user
would see it, and refuses what that user may not see.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from orgreg import pdf as pdf_renderer
from orgreg.roles import NOT_COMPARABLE, comparable, policy, server_policy
from units import printing
from units.models import Structure


class Command(BaseCommand):
    help = ("Render an org chart (PDF, PowerPoint or SVG), comparison report or placement notices "
            "(PDF or zip) to a file.")

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["chart", "compare", "notices", "notices-zip"])
        parser.add_argument("structures", nargs="+", type=int,
                            help="structure id (compare: old id and new id)")
        parser.add_argument("-o", "--output", required=True, help="file to write ('-': stdout)")
        parser.add_argument("--format", dest="fmt", default="pdf",
                            choices=["pdf", *printing.CHART_FORMATS],
                            help="chart: pdf, pptx (PowerPoint) or svg; the same pages")
        parser.add_argument("--size", default="A4", help="A4 or A3")
        parser.add_argument("--orientation", default="landscape", help="portrait or landscape")
        parser.add_argument("--depth", default="", help="levels below the top to show")
        parser.add_argument("--unit", action="append", type=int, default=[],
                            help="chart: the subtree's top unit; notices: only these units")
        parser.add_argument("--header", default="", help="chart: header text for the meeting")
        parser.add_argument("--at", default="",
                            help="chart: the structure as recorded at this moment (ISO 8601; "
                                 "a date alone is the end of that day)")
        parser.add_argument("--from", dest="old", type=int,
                            help="notices: the earlier structure (default: the basis)")
        parser.add_argument("--changed-only", action="store_true",
                            help="compare: only units that change")
        parser.add_argument("--no-figures", action="store_true",
                            help="chart: leave out the key figures page")
        parser.add_argument("--user", help="render as this user would see it")

    def handle(self, *args, **opts):
        user = None
        if opts["user"]:
            user = get_user_model().objects.filter(username=opts["user"]).first()
            if user is None:
                raise CommandError(f"Brugeren {opts['user']} findes ikke.")
        rules = policy(user) if user is not None else server_policy()
        structures = [self._structure(pk, rules) for pk in opts["structures"]]
        kind = opts["kind"]
        if opts["fmt"] != "pdf" and kind != "chart":
            raise CommandError("--format pptx og svg gælder kun organisationsdiagrammet (chart).")
        started = time.perf_counter()
        try:
            if kind == "compare":
                if len(structures) != 2:
                    raise CommandError("compare tager to organiseringer: den gamle og den nye.")
                if not comparable(*structures):
                    raise CommandError(NOT_COMPARABLE)
                data = printing.compare_pdf(*structures, user, changed_only=opts["changed_only"])
            else:
                if len(structures) != 1:
                    raise CommandError(f"{kind} tager én organisering.")
                structure = structures[0]
                old = self._structure(opts["old"], rules) if opts["old"] else None
                if kind == "chart":
                    data = self._chart(structure, user, opts)
                elif kind == "notices":
                    data = printing.notices_pdf(structure, user, old=old,
                                                unit_ids=opts["unit"] or None)
                else:
                    data = printing.notices_zip(structure, user, old=old, progress=self._progress)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        except Http404:
            raise CommandError("Ingen organisering fundet.") from None
        self._write(opts["output"], data)
        self.stderr.write(f"{kind}: {len(data):,} bytes på {time.perf_counter() - started:.1f} s"
                          f" → {opts['output']}")

    def _chart(self, structure: Structure, user, opts) -> bytes:
        """The org chart in the format asked for (PDF, PowerPoint or SVG)."""
        options = printing.parse_chart_options({
            "size": opts["size"], "orientation": opts["orientation"],
            "depth": opts["depth"], "header": opts["header"], "at": opts["at"],
            "unit": str(opts["unit"][0]) if opts["unit"] else "",
            "figures": "0" if opts["no_figures"] else "",
        })
        if opts["fmt"] == "pdf":
            chart = printing.org_chart(structure, user, options)
            return pdf_renderer.render_pdf("units/pdf_org_chart.html", chart.context)
        data, _ = printing.chart_export(structure, user, options, opts["fmt"])
        return data

    def _structure(self, pk: int, rules) -> Structure:
        try:
            return rules.get_structure_or_404(pk)
        except Http404:
            raise CommandError(f"Ingen organisering med id {pk}.") from None

    def _progress(self, done: int, total: int, notice) -> None:
        if done == total or done % 10 == 0 or sys.stderr.isatty():
            self.stderr.write(f"  {done}/{total} {notice.unit.name}")

    def _write(self, output: str, data: bytes) -> None:
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(output)
        try:
            path.write_bytes(data)
        except OSError as error:
            raise CommandError(f"Kunne ikke skrive {output}: {error.strerror}") from None
