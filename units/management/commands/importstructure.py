"""Import a structure from a file as a new draft: the same checks and report as the browser.

    manage.py importstructure FILE --organisation "Testkommune" --name "Ny organisering"
        --effective-date 2025-01-01 [--based-on ID] [--format csv|xlsx|json|os2mo]
        [--create-unit-types] [--on-date 2024-12-01] [--user USERNAME] [--dry-run] [--bench]
        [--os2mo-version 28|29…] [--hierarchy NAVN|UUID] [--top UUID|USER_KEY|NAVN]

OS2mo answers are read by GraphQL version (the file's `graphql_version`, else
--os2mo-version, else v29+); --hierarchy keeps one org_unit_hierarchy, --top one unit and
what lies under it (units.interchange.read_os2mo).

Progress goes to stderr, the report to stdout. Problems end the command with exit status 1
and nothing written. --bench imports inside a transaction that is rolled back and prints the
seconds and the peak Python memory (tracemalloc, measured in a second run: tracing slows
Python down, so the time comes from an untraced run).
"""

from __future__ import annotations

import datetime
import sys
import time
import tracemalloc
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from orgreg.text import danish_date
from units import interchange, services
from units.benchmarks.measure import rolled_back
from units.models import Organisation, Structure


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Datoen {value!r} skal skrives ÅÅÅÅ-MM-DD.") from None


class ProgressBar:
    """A one-line progress bar on stderr, redrawn in place."""

    def __init__(self, stream, width: int = 30):
        self.stream, self.width, self.last = stream, width, None

    def __call__(self, phase: str, done: int, total: int) -> None:
        filled = int(self.width * done / total) if total else self.width
        percent = int(100 * done / total) if total else 100
        line = (f"\r{phase:<13} [{'#' * filled}{'.' * (self.width - filled)}] {percent:3d} % "
                f"{done:,}/{total:,}".replace(",", "."))
        if line != self.last:
            self.stream.write(line)
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
            self.last = line


class Command(BaseCommand):
    help = ("Indlæs en organisering fra CSV, Excel (xlsx), orgreg-JSON eller OS2mo-JSON "
            "som nyt udkast.")

    def add_arguments(self, parser):
        parser.add_argument("file", help="Filen, der skal indlæses.")
        parser.add_argument("--organisation", required=True,
                            help="Organisationens id eller navn.")
        parser.add_argument("--create-organisation", action="store_true",
                            help="Opret organisationen, hvis den ikke findes.")
        parser.add_argument("--name", help="Navn på den nye organisering (JSON: kan udelades).")
        parser.add_argument("--effective-date",
                            help="Gældende fra, ÅÅÅÅ-MM-DD (JSON: kan udelades).")
        parser.add_argument("--based-on", type=int,
                            help="Id på den organisering, forgængerkoderne henviser til.")
        parser.add_argument("--format", choices=sorted(interchange.FORMATS),
                            help="Filens format (standard: efter filnavn og indhold).")
        parser.add_argument("--create-unit-types", action="store_true",
                            help="Opret enhedstyper, som orgreg ikke kender.")
        parser.add_argument("--on-date",
                            help="OS2mo: enheder gyldige på denne dato (standard i dag).")
        parser.add_argument("--os2mo-version", type=int,
                            help="OS2mo: GraphQL-versionen, svaret kommer fra, når filen ikke "
                                 "siger det (til og med 28: »to« er sidste dag; fra 29: "
                                 "dagen efter).")
        parser.add_argument("--hierarchy", default="",
                            help="OS2mo: kun enheder i dette hierarki (navn eller uuid).")
        parser.add_argument("--top", default="",
                            help="OS2mo: kun denne enhed (uuid, user_key eller navn) og alt "
                                 "under den.")
        parser.add_argument("--user", help="Brugernavn, som historikken skriver ændringen på.")
        parser.add_argument("--dry-run", action="store_true",
                            help="Kontrollér og vis, hvad der ville blive oprettet; gem intet.")
        parser.add_argument("--bench", action="store_true",
                            help="Mål tid og hukommelse; importen rulles tilbage.")

    def handle(self, *args, **options):
        path = self._path(options)
        user = self._user(options)
        organisation = self._organisation(options, user)
        based_on = self._based_on(options, organisation)
        on_date = _date(options["on_date"]) if options["on_date"] else None
        progress = ProgressBar(self.stderr._out)

        def run() -> tuple[interchange.ImportPlan, Structure | None, dict[str, float]]:
            times = {}
            start = time.perf_counter()
            data = path.read_bytes()
            progress("Læser", 0, 1)
            source = interchange.read_file(
                data, filename=path.name, fmt=options["format"], on_date=on_date,
                os2mo=interchange.Os2moOptions(options["os2mo_version"], options["hierarchy"],
                                               options["top"]))
            progress("Læser", 1, 1)
            plan = interchange.check(source, organisation=organisation, based_on=based_on,
                                     create_unit_types=options["create_unit_types"],
                                     progress=progress)
            times["check"] = time.perf_counter() - start
            if not plan.ok or options["dry_run"]:
                return plan, None, times
            name = options["name"] or plan.meta.get("name")
            when = options["effective_date"] or plan.meta.get("effective_date")
            if not name or not when:
                raise CommandError("Angiv --name og --effective-date for den nye organisering.")
            start = time.perf_counter()
            progress("Skriver", 0, len(plan.units))
            try:
                structure = interchange.import_structure(
                    plan, organisation=organisation, name=name, effective_date=_date(str(when)),
                    user=user, based_on=based_on,
                )
            except ValidationError as exc:
                raise CommandError("Importen blev afvist, intet er gemt: "
                                   + " ".join(exc.messages)) from None
            progress("Skriver", len(plan.units), len(plan.units))
            times["write"] = time.perf_counter() - start
            return plan, structure, times

        if options["bench"]:
            self._bench(run)
            return
        plan, structure, _ = run()
        self._report(plan, structure, options["dry_run"], based_on)
        if not plan.ok:
            sys.exit(1)

    def _path(self, options) -> Path:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Filen {path} findes ikke.")
        size = path.stat().st_size
        if size > interchange.MAX_IMPORT_BYTES:
            raise CommandError(
                f"Filen fylder {size / 1024 / 1024:.1f} MB; højst "
                f"{interchange.MAX_IMPORT_BYTES // 1024 // 1024} MB kan indlæses ad gangen. "
                "Intet er gemt."
            )
        return path

    def _user(self, options):
        if not options["user"]:
            return None
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"Brugeren {options['user']!r} findes ikke.")
        return user

    def _based_on(self, options, organisation: Organisation) -> Structure | None:
        if not options["based_on"]:
            return None
        based_on = Structure.objects.filter(pk=options["based_on"],
                                            organisation=organisation).first()
        if based_on is None:
            raise CommandError(f"{organisation.name} har ingen organisering med id "
                               f"{options['based_on']}.")
        return based_on

    def _organisation(self, options, user) -> Organisation:
        value = options["organisation"]
        found = None
        if value.isdigit():
            found = Organisation.objects.filter(pk=int(value)).first()
        found = found or Organisation.objects.filter(name__iexact=value).first()
        if found is None and options["create_organisation"]:
            found = services.create_organisation(name=value, user=user)
        if found is None:
            raise CommandError(f"Organisationen {value!r} findes ikke "
                               "(brug --create-organisation for at oprette den).")
        return found

    def _report(self, plan, structure, dry_run: bool, based_on) -> None:
        out = self.stdout
        for warning in plan.warnings:
            out.write(f"Bemærk: {warning}")
        if not plan.ok:
            out.write(f"{len(plan.problems)} fejl; intet er gemt:")
            for problem in plan.problems:
                out.write(f"  {problem}")
            return
        out.write(f"{len(plan.units)} enheder i {plan.depth} niveauer, "
                  f"{plan.headcount} medarbejdere.")
        if plan.succession_count:
            out.write(f"{plan.succession_count} overgange fra »{based_on.name}«.")
        if plan.new_unit_types:
            out.write("Nye enhedstyper: " + ", ".join(plan.new_unit_types) + ".")
        if dry_run:
            out.write("Prøvekørsel: intet er gemt.")
            for unit in plan.in_tree_order()[:50]:
                out.write(f"  {'  ' * unit.level}{unit.fields['code']} {unit.fields['name']}")
        else:
            out.write(self.style.SUCCESS(
                f"Oprettet: »{structure.name}« (id {structure.pk}), udkast pr. "
                f"{danish_date(structure.effective_date)}."))

    def _bench(self, run) -> None:
        def once():
            return rolled_back(run)

        plan, structure, times = once()
        if not plan.ok:
            self._report(plan, structure, True, None)
            sys.exit(1)
        tracemalloc.start()
        try:
            once()
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
        total = times["check"] + times.get("write", 0.0)
        self.stdout.write(
            f"Database: {connection.vendor}. {len(plan.units)} enheder: "
            f"læst og kontrolleret på {times['check']:.2f} s, skrevet på "
            f"{times.get('write', 0.0):.2f} s, i alt {total:.2f} s. "
            f"Højeste Python-hukommelse (tracemalloc): {peak / 1024 / 1024:.1f} MB. "
            "Intet er gemt."
        )
