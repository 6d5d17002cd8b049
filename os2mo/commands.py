"""The ``plan`` and ``push`` subcommands of ``manage.py os2mo``:

    manage.py os2mo plan STRUCTURE [--version N] [--json FILE] [--json-only]
    manage.py os2mo push STRUCTURE --user USERNAME

``plan`` prints the plan for OS2mo of a decided structure (Danish text; ``--json FILE``
also writes the GraphQL mutations as JSON, ``--json-only`` prints only the JSON) and sends
nothing. ``push`` sends it as the named editor and prints the report; it exits with an error
when OS2mo refused a change or could not be reached (what was sent stays sent).
"""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from units.models import Structure

from . import plan as plans
from . import push as pushing
from .client import Os2moError


def add_plan_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("structure", type=int, help="Organiseringens id.")
    parser.add_argument("--version", type=int, default=None,
                        help="GraphQL-versionen datoerne skrives til (standard "
                             "OS2MO_GRAPHQL_VERSION).")
    parser.add_argument("--json", dest="json_file", help="Skriv mutationerne som JSON i filen.")
    parser.add_argument("--json-only", action="store_true", help="Udskriv kun JSON.")


def add_push_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("structure", type=int, help="Organiseringens id.")
    parser.add_argument("--user", required=True,
                        help="Redaktøren, der sender (skrives i loggen og historikken).")


def _structure(pk: int) -> Structure:
    structure = Structure.objects.filter(pk=pk).first()
    if structure is None:
        raise CommandError(f"Organisering {pk} findes ikke.")
    return structure


def handle_plan(options: dict[str, Any], stdout) -> None:
    structure = _structure(options["structure"])
    version = options.get("version") or settings.OS2MO_GRAPHQL_VERSION
    try:
        plan = plans.plan(structure, version=version)
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    if options.get("json_file"):
        Path(options["json_file"]).write_text(plan.json_text() + "\n", encoding="utf-8")
    stdout.write(plan.json_text() if options.get("json_only") else plan.text())


def handle_push(options: dict[str, Any], stdout) -> None:
    structure = _structure(options["structure"])
    user = get_user_model().objects.filter(username=options["user"]).first()
    if user is None:
        raise CommandError(f"Brugeren {options['user']!r} findes ikke.")
    try:
        report = pushing.push(structure, user=user)
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    except Os2moError as exc:
        raise CommandError(str(exc)) from None
    stdout.write(report.text())
    if not report.complete:
        raise CommandError("Afsendelsen til OS2mo stoppede; se rapporten ovenfor.")
