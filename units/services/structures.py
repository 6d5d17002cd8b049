"""Writes to organisations, unit types and structures as wholes: creating, changing, copying
a structure and moving it through its statuses."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.dates import check_date
from orgreg.history import apply_changes, stamp
from orgreg.text import danish_date, join_danish, quoted
from orgreg.versions import check_version

from .. import lifecycle, signals
from ..lineage import Lineage
from ..markup.cache import forget_frozen_markup
from ..models import Organisation, Status, Structure, Unit, UnitType
from .bulk import copy_units
from .common import _clean_fields, _lock, _validate_unit

# Fields of a structure that may change while it is a draft; the second set may also change
# after it (notices and confidentiality are decided late).
STRUCTURE_DRAFT_FIELDS = ("name", "effective_date", "based_on", "confidential_until",
                          "decision", "description", "notice_text", "notice_sender")
STRUCTURE_LATE_FIELDS = ("confidential_until", "decision", "description", "notice_text",
                         "notice_sender")


# --- organisations and reference data -----------------------------------------------


@transaction.atomic
def create_organisation(*, name: str, user, reason: str | None = None,
                        short_name: str = "", description: str = "") -> Organisation:
    """A new organisation. Refuses an empty or taken name."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Organisationen skal have et navn."})
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(
            {"name": f"Der findes allerede en organisation ved navn {quoted(name)}."}
        )
    org = Organisation(name=name, short_name=short_name, description=description)
    stamp(org, user, reason or f"Organisationen {quoted(name)} oprettet.")
    org.save()
    return org


@transaction.atomic
def get_or_create_unit_type(name: str, *, user, reason: str | None = None) -> UnitType:
    """The unit type of that name (case-insensitive), created when missing."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("En enhedstype skal have et navn.")
    found = UnitType.objects.filter(name__iexact=name).first()
    if found:
        return found
    unit_type = UnitType(name=name)
    stamp(unit_type, user, reason or f"Enhedstypen {quoted(name)} oprettet.")
    unit_type.save()
    return unit_type


@transaction.atomic
def update_unit_type(unit_type: UnitType, *, user, reason: str | None = None,
                     **fields) -> UnitType:
    """Change a unit type's name or description. Every structure's boxes show the name, frozen
    ones too, so a new name makes their cached markup stale (units.markup.cache). Refuses an
    empty name and a name another unit type has (case-insensitive)."""
    unknown = set(fields) - {"name", "description"}
    if unknown:
        raise TypeError(f"Unknown unit type fields: {', '.join(sorted(unknown))}")
    try:
        locked = UnitType.objects.select_for_update().get(pk=unit_type.pk)
    except UnitType.DoesNotExist:
        raise ValidationError("Enhedstypen findes ikke længere.") from None
    if "name" in fields:
        fields["name"] = (fields["name"] or "").strip()
        if not fields["name"]:
            raise ValidationError({"name": "En enhedstype skal have et navn."})
        if UnitType.objects.filter(name__iexact=fields["name"]).exclude(pk=locked.pk).exists():
            raise ValidationError(
                {"name": f"Der findes allerede en enhedstype ved navn {quoted(fields['name'])}."})
    old_name = locked.name
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    renamed = locked.name != old_name
    stamp(locked, user, reason or (
        f"Enhedstypen {quoted(old_name)} omdøbt til {quoted(locked.name)}." if renamed
        else f"Enhedstypen {quoted(locked.name)}: {join_danish(changed)} ændret."))
    locked.save()
    if renamed:
        forget_frozen_markup()
    return locked


# --- structures -----------------------------------------------------------------------


@transaction.atomic
def create_structure(organisation: Organisation, *, name: str, effective_date: datetime.date,
                     user, reason: str | None = None, root_name: str | None = None,
                     root_fields: dict[str, Any] | None = None, **fields) -> Structure:
    """A new, empty draft of `organisation` with its root unit (named after the organisation
    unless `root_name` is given). Refuses an empty name, a missing date and a date outside
    1900–2200 (orgreg.dates)."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Organiseringen skal have et navn."})
    if not effective_date:
        raise ValidationError({"effective_date": "Angiv hvornår organiseringen gælder fra."})
    unknown = set(fields) - set(STRUCTURE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown structure fields: {', '.join(sorted(unknown))}")
    _check_structure_dates(effective_date=effective_date, **fields)
    # Lock the organisation so two structures are not created half-way through each other.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    reason = reason or (
        f"Organiseringen {quoted(name)} oprettet som udkast pr. {danish_date(effective_date)}."
    )
    structure = Structure(organisation=organisation, name=name, effective_date=effective_date,
                          status=Status.DRAFT, **fields)
    structure.full_clean(exclude=["organisation", "based_on"])
    # The root's name: root_name, else a name among root_fields, else the organisation's.
    root_values = _clean_fields(root_fields or {})
    if root_name is not None or "name" not in root_values:
        root_values["name"] = root_name or organisation.name
    root = Unit(**root_values)
    _validate_unit(root)  # before the first write, so a refusal leaves nothing behind
    stamp(structure, user, reason)
    structure.save()
    root.structure = structure
    _insert_root(root, structure, user, reason)
    return structure


def _check_structure_dates(**fields) -> None:
    for name in ("effective_date", "confidential_until"):
        if name in fields:
            check_date(fields[name], name)


def _insert_root(root: Unit, structure: Structure, user, reason: str) -> Unit:
    # The root is inserted directly so that its tree_id is the structure's pk (mptt would
    # pick max(tree_id) + 1, which races between organisations).
    root.tree_id = structure.pk
    root.lft, root.rght, root.level = 1, 2, 0
    root.parent = None
    Unit.objects.bulk_create([root])
    Unit.history.bulk_history_create([root], default_user=user, default_change_reason=reason)
    return root


@transaction.atomic
def update_structure(structure: Structure, *, user, reason: str | None = None,
                     expected_version: int | None = None, **fields) -> Structure:
    """Change a structure's own fields; only the fields given are touched. Name, date and
    basis only while it is a draft; the notice text, decision, description and
    confidentiality also later. With `expected_version` (orgreg.versions.current_version
    when the form was made), refuses a structure saved by someone else since then; refuses a
    date outside 1900–2200."""
    locked = _lock(structure)
    check_version(locked, expected_version, what=f"Organiseringen {quoted(locked.name)}")
    allowed = (STRUCTURE_DRAFT_FIELDS if lifecycle.is_editable(locked.status)
               else STRUCTURE_LATE_FIELDS)
    unknown = set(fields) - set(STRUCTURE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown structure fields: {', '.join(sorted(unknown))}")
    frozen = set(fields) - set(allowed)
    if frozen:
        raise ValidationError(
            f"Organiseringen er {locked.get_status_display().lower()}; "
            "navn, dato og grundlag kan kun ændres i et udkast."
        )
    if "based_on" in fields and fields["based_on"] is not None:
        basis = fields["based_on"]
        if basis.organisation_id != locked.organisation_id:
            raise ValidationError(
                "En organisering kan kun bygge på en organisering i samme organisation."
            )
        if basis.pk == locked.pk or Lineage.of(locked.organisation_id).descends_from(
                basis, locked):
            raise ValidationError("En organisering kan ikke bygge på sig selv.")
    _check_structure_dates(**fields)
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    locked.full_clean(exclude=["organisation", "based_on"])
    stamp(locked, user, reason or f"Ændret: {join_danish(changed)}.")
    locked.save()
    return locked


@transaction.atomic
def copy_structure(structure: Structure, *, name: str, effective_date: datetime.date, user,
                   reason: str | None = None) -> Structure:
    """A new draft based on `structure`: every unit copied with its code and a 1:1 succession
    from the original, with history. Written inside the database (one INSERT … SELECT per
    tree level, see units.services.bulk), so a 10,000-unit copy takes a handful of statements.
    Refuses an empty name and a date missing or outside 1900–2200."""
    source = _lock(structure)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Den nye organisering skal have et navn."})
    if not effective_date:
        raise ValidationError({"effective_date": "Angiv hvornår organiseringen gælder fra."})
    check_date(effective_date, "effective_date")
    reason = reason or f"Kopieret fra {quoted(source.name)}."
    copy = Structure(
        organisation_id=source.organisation_id, name=name, effective_date=effective_date,
        status=Status.DRAFT, based_on=source, description=source.description,
        notice_text=source.notice_text,
        notice_sender=source.notice_sender,
    )
    stamp(copy, user, reason)
    copy.save()
    copy_units(source, copy, user=user, reason=reason)
    return copy


@transaction.atomic
def set_status(structure: Structure, status: str, *, user, reason: str | None = None) -> Structure:
    """Move a structure to a status that may follow its own (units.lifecycle: forward
    only, udkast → i høring → vedtaget → udmeldt, or forkastet from any status before
    udmeldt). Refuses going back, and two structures of one organisation in force from the
    same date."""
    locked = _lock(structure)
    current = Status(locked.status)
    status = lifecycle.check_transition(current, status)
    if status == current:
        return locked
    if lifecycle.counts_in_force(status):
        rival = (
            Structure.objects.filter(
                organisation_id=locked.organisation_id, effective_date=locked.effective_date,
                status__in=lifecycle.IN_FORCE,
            ).exclude(pk=locked.pk).first()
        )
        if rival is not None:
            raise ValidationError(
                f"{quoted(rival.name)} er allerede vedtaget pr. "
                f"{danish_date(locked.effective_date)}; "
                "to organiseringer kan ikke træde i kraft samme dag."
            )
    old_label = current.label
    locked.status = status
    stamp(locked, user, reason or f"Status ændret fra {old_label} til {status.label}.")
    locked.save()
    signals.status_changed.send(sender=Structure, structure=locked, old=current, new=status,
                                user=user)
    return locked
