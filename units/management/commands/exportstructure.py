"""Export a structure as CSV, XLSX or JSON, or a comparison of two structures as XLSX.

    manage.py exportstructure ID [--format csv|xlsx|json] [-o FILE]
    manage.py exportstructure OLD_ID --compare NEW_ID -o sammenligning.xlsx

Run on the server by an administrator, so every structure can be exported (the browser and
API exports keep the visibility rules).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from orgreg.roles import NOT_COMPARABLE, comparable
from units.interchange import exporters
from units.models import Structure

BUILDERS = {"csv": exporters.structure_csv, "xlsx": exporters.structure_xlsx,
            "json": exporters.structure_json}


class Command(BaseCommand):
    help = "Gem en organisering som CSV, Excel (xlsx) eller JSON, eller en sammenligning som xlsx."

    def add_arguments(self, parser):
        parser.add_argument("structure", type=int, help="Organiseringens id.")
        parser.add_argument("--format", choices=sorted(BUILDERS),
                            help="Standard: efter filendelsen på -o, ellers csv.")
        parser.add_argument("--compare", type=int, metavar="NEW_ID",
                            help="Sammenlign med denne (nyere) organisering; giver xlsx.")
        parser.add_argument("-o", "--output", help="Filnavn (standard: standardoutput).")

    def _structure(self, pk: int) -> Structure:
        found = Structure.objects.select_related("organisation", "based_on").filter(pk=pk).first()
        if found is None:
            raise CommandError(f"Der findes ingen organisering med id {pk}.")
        return found

    def handle(self, *args, structure: int, output=None, compare=None, **options):
        source = self._structure(structure)
        if compare is not None:
            target = self._structure(compare)
            if not comparable(source, target):
                raise CommandError(NOT_COMPARABLE)
            data = exporters.comparison_xlsx(source, target)
            fmt = "xlsx"
        else:
            fmt = options["format"]
            if fmt is None and output:
                fmt = Path(output).suffix.lstrip(".").lower()
            fmt = fmt or "csv"
            if fmt not in BUILDERS:
                raise CommandError(f"Ukendt format {fmt!r}; brug csv, xlsx eller json.")
            data = BUILDERS[fmt](source)
        if output:
            Path(output).write_bytes(data)
            self.stderr.write(f"Gemt: {output} ({len(data):,} bytes).".replace(",", "."))
        elif fmt == "xlsx":
            raise CommandError("Angiv en fil med -o for xlsx.")
        else:
            stream = self.stdout._out
            if hasattr(stream, "buffer"):
                stream.flush()
                stream.buffer.write(data)
                stream.buffer.flush()
            else:
                stream.write(data.decode("utf-8"))
