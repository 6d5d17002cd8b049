"""`manage.py os2mo push STRUCTURE --user EDITOR`: send the plan for OS2mo of a structure
(os2mo.push) and print the report. What was sent before is not sent again; a refusal by
OS2mo stops the push, prints what was sent and exits with an error."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from .. import push as pushing
from ..client import Os2moError
from . import structure_argument, user_argument

HELP = ("Send planen for en vedtaget eller udmeldt organisering til OS2mo som redaktøren "
        "--user. Det, der er sendt før, sendes ikke igen; afviser OS2mo en ændring, stopper "
        "afsendelsen dér.")


def add_arguments(parser) -> None:
    parser.add_argument("structure", help="Organiseringens id.")
    parser.add_argument("--user", required=True,
                        help="Redaktøren, der sender (står i loggen og i historikken).")


def run(command, options) -> None:
    structure = structure_argument(options["structure"])
    user = user_argument(options["user"])
    try:
        report = pushing.push(structure, user=user)
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from None
    except ValidationError as exc:
        raise CommandError(" ".join(exc.messages)) from None
    except Os2moError as exc:
        raise CommandError(str(exc)) from None
    command.stdout.write(report.text())
    if not report.complete:
        raise CommandError("Afsendelsen til OS2mo stoppede; se rapporten ovenfor.")
