"""Writes to MED bodies and their memberships."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from orgreg.history import apply_changes, stamp
from orgreg.text import counted, danish_date, join_danish, quoted
from orgreg.versions import check_version
from units.models import Structure, Unit

from ..models import (
    Level,
    MedBody,
    Membership,
    Role,
    Side,
)
from .common import _lock_body, _overlaps, _period, _period_text, _save, _unknown

BODY_FIELDS = ("name", "level", "parent", "valid_from", "valid_to", "transitional", "description")
MEMBERSHIP_FIELDS = ("person_name", "user", "side", "role", "union", "email", "valid_from",
                     "valid_to")


def _check_body(body: MedBody) -> None:
    """The rules of a body's own fields; its units are checked by _check_units."""
    body.name = (body.name or "").strip()
    if not body.name:
        raise ValidationError({"name": "MED-udvalget skal have et navn."})
    if body.level not in Level.values:
        raise ValidationError({"level": f"Ukendt niveau: {body.level}."})
    _period(body.valid_from, body.valid_to, "udvalget")
    if body.structure.organisation_id != body.organisation_id:
        raise ValidationError({"structure": "Organiseringen hører til en anden organisation."})
    if body.parent_id is not None:
        parent = MedBody.objects.filter(pk=body.parent_id).values(
            "organisation_id", "name").first()
        if parent is None:
            raise ValidationError({"parent": "Det overordnede udvalg findes ikke."})
        if parent["organisation_id"] != body.organisation_id:
            raise ValidationError({"parent": (
                f"{quoted(parent['name'])} hører til en anden organisation."
            )})
        if body.pk is not None:
            parents = dict(MedBody.objects.filter(organisation_id=body.organisation_id)
                           .values_list("pk", "parent_id"))
            seen: set[int] = set()
            current: int | None = body.parent_id
            while current is not None and current not in seen:
                if current == body.pk:
                    raise ValidationError({"parent": (
                        "Et udvalg kan ikke ligge under sig selv eller et af sine egne "
                        "underudvalg."
                    )})
                seen.add(current)
                current = parents.get(current)
    if len(body.description) > 100_000:
        raise ValidationError({"description": "Beskrivelsen er for lang."})


def _check_units(structure: Structure, units: Iterable[Unit]) -> list[Unit]:
    units = list({u.pk: u for u in units}.values())
    wrong = [u for u in units if u.structure_id != structure.pk]
    if wrong:
        raise ValidationError({"units": (
            f"{join_danish(quoted(u.name) for u in wrong)} hører ikke til organiseringen "
            f"{quoted(structure.name)}; et MED-udvalg kan kun dække enheder i den organisering, "
            "det er defineret ud fra."
        )})
    return units


# --- bodies ---------------------------------------------------------------------------


@transaction.atomic
def create_body(structure: Structure, *, name: str, level: str, valid_from: datetime.date, user,
                reason: str | None = None, units: Iterable[Unit] = (),
                valid_to: datetime.date | None = None, parent: MedBody | None = None,
                transitional: bool = False, description: str = "") -> MedBody:
    """A MED body of `structure`'s organisation, defined against `structure`, covering `units`
    (and their subtrees). Refuses an empty name, an unknown level, a period that ends before
    it begins, a parent body of another organisation, and units of another structure."""
    structure = Structure.objects.select_related("organisation").get(pk=structure.pk)
    body = MedBody(
        organisation_id=structure.organisation_id, structure=structure, name=name, level=level,
        valid_from=valid_from, valid_to=valid_to, parent=parent, transitional=transitional,
        description=description or "",
    )
    _check_body(body)
    units = _check_units(structure, units)
    if MedBody.objects.filter(organisation_id=structure.organisation_id, name__iexact=body.name,
                              valid_from=body.valid_from).exists():
        raise ValidationError({"name": (
            f"Der findes allerede et udvalg ved navn {quoted(body.name)} gældende fra "
            f"{danish_date(body.valid_from)}."
        )})
    reason = reason or (
        f"MED-udvalget {quoted(body.name)} oprettet ({_period_text(valid_from, valid_to)})."
    )
    _save(body, user, reason)
    if units:
        stamp(body, user, reason)
        body.units.set(units)
    return body


@transaction.atomic
def update_body(body: MedBody, *, user, reason: str | None = None,
                expected_version: int | None = None, **fields) -> MedBody:
    """Change a body's name, level, parent, period, transitional flag or description. Refuses
    what create_body refuses, a parent that is the body itself or below it, a period that
    no longer holds the body's members or meetings, and — when `expected_version`
    (orgreg.versions.current_version when the form was made) is given — a body saved by
    someone else since then."""
    _unknown(fields, BODY_FIELDS, "body")
    locked = _lock_body(body)
    check_version(locked, expected_version, what=f"MED-udvalget {quoted(locked.name)}")
    for key in ("name", "description"):
        if fields.get(key) is not None:
            fields[key] = str(fields[key])
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    _check_body(locked)
    if "valid_from" in fields or "valid_to" in fields:
        outside = [
            m.person_name for m in locked.memberships.all()
            if m.valid_from < locked.valid_from
            or (locked.valid_to is not None
                and (m.valid_to is None or m.valid_to > locked.valid_to))
        ]
        if outside:
            raise ValidationError({"valid_to": (
                f"Medlemskaberne for {join_danish(outside)} ligger uden for den nye periode; "
                "afslut dem først."
            )})
        meetings = [
            timezone.localtime(at).date() for at in
            locked.meetings.values_list("starts_at", flat=True)
        ]
        if any(not locked.is_valid_on(d) for d in meetings):
            raise ValidationError({"valid_to": "Udvalget har møder uden for den nye periode."})
    return _save(locked, user, reason or f"{quoted(locked.name)}: {join_danish(changed)} ændret.")


@transaction.atomic
def set_body_units(body: MedBody, units: Iterable[Unit], *, user, reason: str | None = None,
                   expected_version: int | None = None) -> MedBody:
    """The units a body covers (each with its subtree), replacing the previous ones. Refuses
    units that are not in the structure the body is defined against, and a body saved by
    someone else since `expected_version`."""
    locked = _lock_body(body)
    check_version(locked, expected_version, what=f"MED-udvalget {quoted(locked.name)}")
    structure = locked.structure
    units = _check_units(structure, units)
    before = set(locked.units.values_list("pk", flat=True))
    after = {u.pk for u in units}
    if before == after:
        return locked
    added = [u.name for u in units if u.pk not in before]
    removed_count = len(before - after)
    parts = []
    if added:
        parts.append(f"dækker nu også {join_danish(quoted(n) for n in added)}")
    if removed_count:
        parts.append(f"{counted(removed_count, 'enhed', 'enheder')} fjernet")
    stamp(locked, user, reason or f"{quoted(locked.name)}: {'; '.join(parts)}.")
    locked.units.set(units)
    return locked


# --- memberships ----------------------------------------------------------------------


def _address(email: str | None) -> str:
    """A member's address, stripped; an address that is not one is refused."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise ValidationError({"email": f"{quoted(email)} er ikke en e-mailadresse."}
                                  ) from None
    return email


def _check_membership(m: Membership, body: MedBody) -> None:
    m.person_name = (m.person_name or "").strip()
    m.union = (m.union or "").strip()
    m.email = _address(m.email)
    if not m.person_name:
        raise ValidationError({"person_name": "Angiv medlemmets navn."})
    if m.side not in Side.values:
        raise ValidationError({"side": "Vælg ledelsessiden eller medarbejdersiden."})
    if m.role not in Role.values:
        raise ValidationError({"role": f"Ukendt rolle: {m.role}."})
    if m.role == Role.FORMAND and m.side != Side.LEDELSE:
        raise ValidationError({"role": "Formanden kommer fra ledelsessiden."})
    if m.role == Role.NAESTFORMAND and m.side != Side.MEDARBEJDER:
        raise ValidationError({"role": "Næstformanden kommer fra medarbejdersiden."})
    _period(m.valid_from, m.valid_to, "medlemskabet")
    if m.valid_from < body.valid_from or (
        body.valid_to is not None and (m.valid_to is None or m.valid_to > body.valid_to)
    ):
        raise ValidationError({"valid_from": (
            f"Medlemskabet skal ligge inden for udvalgets periode "
            f"({_period_text(body.valid_from, body.valid_to)})."
        )})
    if m.role in (Role.FORMAND, Role.NAESTFORMAND):
        rivals = Membership.objects.filter(body=body, role=m.role)
        if m.pk:
            rivals = rivals.exclude(pk=m.pk)
        for rival in rivals:
            if _overlaps(m.valid_from, m.valid_to, rival.valid_from, rival.valid_to):
                title = "formand" if m.role == Role.FORMAND else "næstformand"
                raise ValidationError({"role": (
                    f"{rival.person_name} er allerede {title} for {quoted(body.name)} "
                    f"({_period_text(rival.valid_from, rival.valid_to)}); der kan kun være én "
                    f"{title} ad gangen."
                )})


@transaction.atomic
def add_membership(body: MedBody, *, person_name: str, side: str, valid_from: datetime.date,
                   user, reason: str | None = None, role: str = Role.MEDLEM, union: str = "",
                   valid_to: datetime.date | None = None, person_user=None,
                   email: str = "") -> Membership:
    """A member of `body`. Refuses an empty name, a chair (formand) who is not from the
    management side, a vice-chair (næstformand) not from the employee side, a second chair or
    vice-chair in an overlapping period, a period outside the body's, and an `email` (where
    consultations are mailed) that is not an address."""
    locked = _lock_body(body)
    m = Membership(body=locked, person_name=person_name, side=side, role=role, union=union,
                   valid_from=valid_from, valid_to=valid_to, user=person_user, email=email)
    _check_membership(m, locked)
    return _save(m, user, reason or (
        f"{m.person_name} indtrådt i {quoted(locked.name)} som {m.get_role_display().lower()} "
        f"({m.get_side_display().lower()}) {_period_text(m.valid_from, m.valid_to)}."
    ))


@transaction.atomic
def update_membership(membership: Membership, *, user, reason: str | None = None,
                      expected_version: int | None = None, **fields) -> Membership:
    """Change a membership (role, side, union, period, the linked user). Refuses what
    add_membership refuses, and a membership saved by someone else since `expected_version`."""
    _unknown(fields, MEMBERSHIP_FIELDS, "membership")
    locked = _lock_body(membership.body)
    m = Membership.objects.get(pk=membership.pk)
    check_version(m, expected_version, what=f"Medlemskabet for {m.person_name}")
    changed = apply_changes(m, fields)
    if not changed:
        return m
    _check_membership(m, locked)
    return _save(m, user, reason or f"{m.person_name} i {quoted(locked.name)}: "
                 f"{join_danish(changed)} ændret.")


@transaction.atomic
def end_membership(membership: Membership, *, on: datetime.date, user, reason: str | None = None,
                   expected_version: int | None = None) -> Membership:
    """A member leaves `body` after `on`. Refuses a date before the membership began, and
    what update_membership refuses."""
    return update_membership(membership, valid_to=on, user=user,
                             expected_version=expected_version,
                             reason=reason or f"{membership.person_name} udtrådt af "
                             f"{quoted(membership.body.name)} pr. {danish_date(on)}.")


