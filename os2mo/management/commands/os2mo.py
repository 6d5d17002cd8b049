"""OS2mo from the command line, one subcommand each (os2mo/subcommands/):

    manage.py os2mo pull --organisation "Testkommune" --on-date 2025-01-01
        [--draft | --in-force] [--hierarchy NAVN|UUID] [--top UUID|USER_KEY|NAVN]
        [--user USERNAME]
    manage.py os2mo plan STRUCTURE [--version N] [--json FILE] [--json-only]
    manage.py os2mo push STRUCTURE --user USERNAME

A subcommand is a module of os2mo.subcommands named in SUBCOMMANDS with `HELP`,
`add_arguments(parser)` and `run(command, options)`; a refusal is a CommandError in Danish.
"""

from __future__ import annotations

import importlib

from django.core.management.base import BaseCommand, CommandError

SUBCOMMANDS = ["pull", "plan", "push"]


def _module(name: str):
    return importlib.import_module(f"os2mo.subcommands.{name}")


class Command(BaseCommand):
    help = ("OS2mo: hent organisationen fra OS2mo's GraphQL-API (pull), vis planen for at "
            "melde en vedtaget organisering tilbage (plan), og send den (push).")

    def add_arguments(self, parser):
        subparsers = parser.add_subparsers(dest="subcommand", metavar="KOMMANDO")
        subparsers.required = True
        for name in SUBCOMMANDS:
            module = _module(name)
            sub = subparsers.add_parser(name, help=module.HELP, description=module.HELP)
            module.add_arguments(sub)

    def handle(self, *args, **options):
        name = options["subcommand"]
        if name not in SUBCOMMANDS:
            raise CommandError(f"Ukendt kommando {name!r}; brug {', '.join(SUBCOMMANDS)}.")
        _module(name).run(self, options)
