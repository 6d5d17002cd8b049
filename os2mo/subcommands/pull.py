"""`manage.py os2mo pull`: read OS2mo's structure valid on a date into a new structure
(os2mo.pulling), with a progress line on stderr and the change since the previous pull on
stdout."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError

from orgreg import clock

from ..client import Os2moError
from ..pulling import describe, pull
from . import date_argument, organisation_argument, user_argument

HELP = ("Hent enhederne, der er gyldige på en dato, fra OS2mo som en ny organisering "
        "(udkast eller i kraft) og vis, hvad der er ændret siden sidste hentning.")


def add_arguments(parser) -> None:
    parser.add_argument("--organisation", required=True, help="Organisationens id eller navn.")
    parser.add_argument("--on-date", help="Enheder gyldige på denne dato, ÅÅÅÅ-MM-DD "
                                          "(standard: i dag).")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--draft", action="store_true",
                      help="Opret organiseringen som udkast (standard).")
    mode.add_argument("--in-force", action="store_true",
                      help="Opret organiseringen som vedtaget: den er i kraft fra datoen.")
    parser.add_argument("--hierarchy", default="",
                        help="Kun enheder i dette hierarki (navn eller uuid), fx "
                             "»Linjeorganisation«.")
    parser.add_argument("--top", default="",
                        help="Kun denne enhed (uuid, user_key eller navn) og alt under den.")
    parser.add_argument("--user", help="Brugernavn, som historikken skriver hentningen på.")


def run(command, options) -> None:
    organisation = organisation_argument(options["organisation"])
    user = user_argument(options["user"])
    on_date = date_argument(options["on_date"]) if options["on_date"] else clock.today()
    err = command.stderr

    def progress(done: int, _total: int) -> None:
        err.write(f"\rHenter fra OS2mo: {done} enheder", ending="")
        err.flush()

    try:
        result = pull(organisation, on_date=on_date, user=user, in_force=options["in_force"],
                      hierarchy=options["hierarchy"], top=options["top"], progress=progress)
    except Os2moError as exc:
        err.write("")
        raise CommandError(str(exc)) from None
    except ValidationError as exc:
        err.write("")
        raise CommandError(" ".join(exc.messages)) from None
    err.write("")
    for line in describe(result):
        command.stdout.write(line)
