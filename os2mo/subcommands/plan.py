"""`manage.py os2mo plan STRUCTURE`: the plan for OS2mo of a decided structure (os2mo.plan),
as Danish text, or the JSON of its GraphQL mutations; nothing is sent."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from .. import plan as plans
from . import structure_argument

HELP = ("Vis de daterede ændringer, OS2mo skal have for at følge en vedtaget eller udmeldt "
        "organisering (dansk tekst eller JSON med GraphQL-mutationerne). Intet sendes.")


def add_arguments(parser) -> None:
    parser.add_argument("structure", help="Organiseringens id.")
    parser.add_argument("--version", type=int, default=None,
                        help="GraphQL-versionen, datoerne skrives til (standard "
                             "OS2MO_GRAPHQL_VERSION): til og med v28 er »to« sidste dag, fra "
                             "v29 første dag uden.")
    parser.add_argument("--json", dest="json_file", help="Skriv også mutationerne som JSON i "
                                                         "denne fil.")
    parser.add_argument("--json-only", action="store_true",
                        help="Udskriv kun JSON, ikke teksten.")


def run(command, options) -> None:
    structure = structure_argument(options["structure"])
    version = options["version"] or settings.OS2MO_GRAPHQL_VERSION
    try:
        plan = plans.plan(structure, version=version)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    if options["json_file"]:
        Path(options["json_file"]).write_text(plan.json_text() + "\n", encoding="utf-8")
    command.stdout.write(plan.json_text() if options["json_only"] else plan.text())
