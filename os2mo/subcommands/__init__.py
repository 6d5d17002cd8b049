"""The subcommands of `manage.py os2mo` (os2mo/management/commands/os2mo.py), and what they
share: finding the organisation and the user, reading a date."""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model
from django.core.management.base import CommandError

from units.models import Organisation, Structure


def date_argument(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"Datoen {value!r} skal skrives ÅÅÅÅ-MM-DD.") from None


def organisation_argument(value: str) -> Organisation:
    found = None
    if value.isdigit():
        found = Organisation.objects.filter(pk=int(value)).first()
    found = found or Organisation.objects.filter(name__iexact=value).first()
    if found is None:
        raise CommandError(f"Organisationen {value!r} findes ikke.")
    return found


def user_argument(username: str | None):
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(f"Brugeren {username!r} findes ikke.")
    return user


def structure_argument(value: str) -> Structure:
    structure = Structure.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if structure is None:
        raise CommandError(f"Organiseringen {value!r} findes ikke (angiv dens id).")
    return structure
