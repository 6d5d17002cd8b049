"""Writes to organisations, structures, units and successions.

Every function here is one business operation: atomic, serialised per structure (the
structure row is locked before anything is read for validation), validating before the
first write, and recording the acting user and a reason in history. The reason is the
caller's own words, or a generated Danish sentence that says what happened. A refusal is a
``ValidationError`` with a Danish message, and leaves the database as it was.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.history import stamp
from orgreg.text import danish_date, join_danish, quoted

from .. import lifecycle, shares
from ..lineage import Lineage
from ..models import (
    MPTT_FIELDS,
    Organisation,
    Status,
    Structure,
    Succession,
    Unit,
    UnitType,
)
from ..shares import HUNDRED

# Fields of a unit that services may set; everything else is tree bookkeeping.
UNIT_FIELDS = (
    "name", "short_name", "unit_type", "category", "code", "leader_title", "leader_name",
    "headcount", "fte", "location", "description",
)
# Fields of a structure that may change while it is a draft; the second set may also change
# after it (notices and confidentiality are decided late).
STRUCTURE_DRAFT_FIELDS = ("name", "effective_date", "based_on", "confidential_until",
                          "decision", "description", "notice_text")
STRUCTURE_LATE_FIELDS = ("confidential_until", "decision", "description", "notice_text")



# --- small internals ------------------------------------------------------------------


def _lock(structure: Structure) -> Structure:
    """Lock the structure row for the rest of the transaction; writes to one structure queue
    up behind each other so that no two can interleave their tree updates."""
    try:
        return Structure.objects.select_for_update().get(pk=structure.pk)
    except Structure.DoesNotExist:
        raise ValidationError("Organiseringen findes ikke længere.") from None


def _lock_draft(structure: Structure) -> Structure:
    locked = _lock(structure)
    if lifecycle.is_frozen(locked.status):
        raise ValidationError(
            f"Organiseringen {quoted(locked.name)} er {locked.get_status_display().lower()} "
            "og kan ikke ændres. Kopiér den til et nyt udkast for at ændre den."
        )
    return locked


def _fresh(unit: Unit) -> Unit:
    """The unit as the database has it now (tree fields move under other writes)."""
    try:
        return Unit.objects.select_related("parent").get(pk=unit.pk)
    except Unit.DoesNotExist:
        raise ValidationError(f"Enheden {quoted(unit.name)} findes ikke længere.") from None


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown unit fields: {', '.join(sorted(unknown))}")
    cleaned = dict(fields)
    for key in ("name", "short_name", "code", "leader_title", "leader_name", "location"):
        if key in cleaned and cleaned[key] is not None:
            cleaned[key] = str(cleaned[key]).strip()
    for key in ("short_name", "code", "leader_title", "leader_name", "location", "description",
                "category"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    if "headcount" in cleaned and cleaned["headcount"] is None:
        cleaned["headcount"] = 0
    return cleaned


def _validate_unit(unit: Unit) -> None:
    """Field validation with Django's (Danish) messages, then the rules the database also
    holds, so the user gets a sentence rather than an IntegrityError."""
    if not (unit.name or "").strip():
        raise ValidationError({"name": "Enheden skal have et navn."})
    unit.full_clean(exclude=[*MPTT_FIELDS, "parent", "structure"], validate_unique=False,
                    validate_constraints=False)
    if unit.code:
        clash = (
            Unit.objects.filter(structure_id=unit.structure_id, code=unit.code)
            .exclude(pk=unit.pk).values_list("name", flat=True).first()
        )
        if clash is not None:
            raise ValidationError({"code": (
                f"Koden {quoted(unit.code)} bruges allerede af {quoted(clash)} "
                "i denne organisering."
            )})


def _check_parent(parent: Unit, structure: Structure) -> None:
    if parent.structure_id != structure.pk:
        raise ValidationError(
            f"{quoted(parent.name)} hører til en anden organisering; "
            "en enhed kan kun placeres under en enhed i samme organisering."
        )


def _is_same_or_descendant(node: Unit, ancestor: Unit) -> bool:
    return (
        node.tree_id == ancestor.tree_id
        and ancestor.lft <= node.lft
        and node.rght <= ancestor.rght
    )


def _share(value) -> Decimal:
    """A share read by units.shares, refused with its Danish message."""
    try:
        return shares.parse_share(value)
    except shares.ShareError as error:
        raise ValidationError(error.message) from None


def _save(unit: Unit, user, reason: str) -> Unit:
    stamp(unit, user, reason)
    unit.save()
    return unit


def _move(unit: Unit, new_parent: Unit, user, reason: str) -> Unit:
    """Re-parent through save() so that mptt moves the subtree and history records the new
    parent in one step."""
    # mptt refreshes the moving node but computes the move from the parent's tree numbers as
    # held in memory; after an earlier move in the same operation they are stale and the
    # tree would be corrupted, so read them afresh.
    new_parent.refresh_from_db(fields=MPTT_FIELDS)
    unit.parent = new_parent
    return _save(unit, user, reason)


def _set_succession(from_unit_id: int, to_unit: Unit, share: Decimal, user, reason: str,
                    existing: dict[tuple[int, int], Succession]) -> None:
    """Add `share` to the succession from_unit → to_unit, creating it when missing."""
    key = (from_unit_id, to_unit.pk)
    found = existing.get(key)
    if found is None:
        found = Succession(from_unit_id=from_unit_id, to_unit=to_unit, share=min(share, HUNDRED))
        existing[key] = found
    else:
        found.share = min(found.share + share, HUNDRED)
    stamp(found, user, reason)
    found.save()


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


# --- structures -----------------------------------------------------------------------


@transaction.atomic
def create_structure(organisation: Organisation, *, name: str, effective_date: datetime.date,
                     user, reason: str | None = None, root_name: str | None = None,
                     root_fields: dict[str, Any] | None = None, **fields) -> Structure:
    """A new, empty draft of `organisation` with its root unit (named after the organisation
    unless `root_name` is given). Refuses an empty name or a missing date."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Organiseringen skal have et navn."})
    if not effective_date:
        raise ValidationError({"effective_date": "Angiv hvornår organiseringen gælder fra."})
    unknown = set(fields) - set(STRUCTURE_DRAFT_FIELDS)
    if unknown:
        raise TypeError(f"Unknown structure fields: {', '.join(sorted(unknown))}")
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
                     **fields) -> Structure:
    """Change a structure's own fields. Name, date and basis only while it is a draft; the
    notice text, decision, description and confidentiality also later."""
    locked = _lock(structure)
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
    changed = []
    for key, value in fields.items():
        if getattr(locked, key) != value:
            changed.append(str(Structure._meta.get_field(key).verbose_name))
            setattr(locked, key, value)
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
    tree level, see units.bulk), so a 10,000-unit copy takes a handful of statements."""
    source = _lock(structure)
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Den nye organisering skal have et navn."})
    if not effective_date:
        raise ValidationError({"effective_date": "Angiv hvornår organiseringen gælder fra."})
    reason = reason or f"Kopieret fra {quoted(source.name)}."
    copy = Structure(
        organisation_id=source.organisation_id, name=name, effective_date=effective_date,
        status=Status.DRAFT, based_on=source, description=source.description,
        notice_text=source.notice_text,
    )
    stamp(copy, user, reason)
    copy.save()

    from .bulk import copy_units  # bulk builds on this module's helpers

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
    return locked


# --- units ----------------------------------------------------------------------------


@transaction.atomic
def add_unit(parent: Unit, *, name: str, user, reason: str | None = None, **fields) -> Unit:
    """A new unit as the last child of `parent`, in a draft. Refuses an empty name or a code
    already used in the structure."""
    _lock_draft(parent.structure)
    parent = _fresh(parent)
    unit = Unit(structure_id=parent.structure_id, parent=parent,
                **_clean_fields({"name": name, **fields}))
    _validate_unit(unit)
    return _save(unit, user, reason or (
        f"Enheden {quoted(unit.name)} oprettet under {quoted(parent.name)}."
    ))


@transaction.atomic
def update_unit(unit: Unit, *, user, reason: str | None = None, **fields) -> Unit:
    """Change a unit's own fields (not its place: see move_unit). Refuses an empty name and a
    code already used in the structure."""
    _lock_draft(unit.structure)
    unit = _fresh(unit)
    changes = []
    for key, value in _clean_fields(fields).items():
        old = getattr(unit, key)
        if old != value:
            label = Unit._meta.get_field(key).verbose_name
            if key == "name":
                changes.append(f"omdøbt fra {quoted(old)} til {quoted(value)}")
            else:
                changes.append(f"{label} ændret")
            setattr(unit, key, value)
    if not changes:
        return unit
    _validate_unit(unit)
    text = "; ".join(changes)
    return _save(unit, user, reason or f"{quoted(unit.name)}: {text}.")


@transaction.atomic
def move_unit(unit: Unit, new_parent: Unit, *, user, reason: str | None = None) -> Unit:
    """Place `unit` (with its subtree) as the last child of `new_parent`. Refuses a parent in
    another structure, the unit itself or one of its descendants, and moving the root."""
    _lock_draft(unit.structure)
    unit, new_parent = _fresh(unit), _fresh(new_parent)
    _check_parent(new_parent, unit.structure)
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke flyttes.")
    if _is_same_or_descendant(new_parent, unit):
        raise ValidationError(
            f"{quoted(unit.name)} kan ikke flyttes ind under sig selv eller en af sine egne "
            "underenheder."
        )
    if unit.parent_id == new_parent.pk:
        return unit
    old_parent = unit.parent
    return _move(unit, new_parent, user,
                 reason or f"Flyttet fra {quoted(old_parent.name)} til {quoted(new_parent.name)}.")


@transaction.atomic
def merge_units(units: Sequence[Unit], *, into: Unit | str, user, reason: str | None = None,
                **fields) -> Unit:
    """Several units of a draft become one. `into` is one of them, or the name of a new unit
    placed under the first unit's parent. The others are removed; their children move to the
    merged unit, and the successions that led to them (and from them) now lead to it, so the
    comparison shows a merger. Headcounts are added up.

    Refuses fewer than two units, units of different structures, the root, and merging a unit
    into one of its own descendants."""
    units = list({u.pk: u for u in units}.values())
    if len(units) < 2:
        raise ValidationError("Vælg mindst to enheder, der skal lægges sammen.")
    structure = _lock_draft(units[0].structure)
    units = [_fresh(u) for u in units]
    if any(u.structure_id != structure.pk for u in units):
        raise ValidationError("Kun enheder fra samme organisering kan lægges sammen.")
    if any(u.parent_id is None for u in units):
        raise ValidationError("Organiseringens øverste enhed kan ikke lægges sammen med andre.")

    names = [quoted(u.name) for u in units]
    if isinstance(into, Unit):
        target = next((u for u in units if u.pk == into.pk), None)
        if target is None:
            raise ValidationError(
                f"{quoted(into.name)} er ikke blandt de enheder, der lægges sammen."
            )
        for u in units:
            if u.pk != target.pk and _is_same_or_descendant(target, u):
                raise ValidationError(
                    f"{quoted(u.name)} kan ikke lægges ind i sin egen underenhed "
                    f"{quoted(target.name)}."
                )
        new_name = fields.pop("name", None)
        if new_name:
            target.name = new_name
    else:
        new_name = (into or "").strip()
        if not new_name:
            raise ValidationError({"name": "Den sammenlagte enhed skal have et navn."})
        for a in units:
            for b in units:
                if a.pk != b.pk and _is_same_or_descendant(b, a):
                    raise ValidationError(
                        f"{quoted(b.name)} ligger under {quoted(a.name)}; vælg den ene som "
                        "den sammenlagte enhed."
                    )
        target = Unit(structure_id=structure.pk, parent_id=units[0].parent_id, name=new_name,
                      unit_type_id=units[0].unit_type_id, category=units[0].category)
    for key, value in _clean_fields(fields).items():
        setattr(target, key, value)
    others = [u for u in units if u.pk != target.pk]
    if "headcount" not in fields:
        target.headcount = sum(u.headcount for u in units)
    _validate_unit(target)
    reason = reason or f"{join_danish(names)} lagt sammen til {quoted(target.name)}."
    _save(target, user, reason)

    other_ids = [u.pk for u in others]
    existing = {
        (s.from_unit_id, s.to_unit_id): s
        for s in Succession.objects.filter(to_unit=target)
    }
    existing_out = {
        (s.from_unit_id, s.to_unit_id): s
        for s in Succession.objects.filter(from_unit=target)
    }
    for s in list(Succession.objects.filter(to_unit_id__in=other_ids)):
        stamp(s, user, reason)
        s.delete()
        _set_succession(s.from_unit_id, target, s.share, user, reason, existing)
    for s in list(Succession.objects.filter(from_unit_id__in=other_ids)):
        stamp(s, user, reason)
        s.delete()
        key = (target.pk, s.to_unit_id)
        found = existing_out.get(key)
        if found is None:
            found = Succession(from_unit=target, to_unit_id=s.to_unit_id, share=s.share)
            existing_out[key] = found
        else:
            found.share = min(found.share + s.share, HUNDRED)
        stamp(found, user, reason)
        found.save()
    # Children of removed units move to the merged unit; do the deepest removed unit first so
    # that a removed unit is empty when its turn comes.
    for other in sorted(others, key=lambda u: -u.level):
        for child in list(Unit.objects.filter(parent_id=other.pk).order_by("lft")):
            if child.pk != target.pk:
                _move(child, target, user, reason)
        gone = _fresh(other)
        stamp(gone, user, reason)
        gone.delete()
    return _fresh(target)


@transaction.atomic
def split_unit(unit: Unit, parts: Sequence[dict[str, Any]], *, user,
               reason: str | None = None) -> list[Unit]:
    """One unit becomes several. Each part is a dict with ``name`` and ``share`` (percent of
    the staff; the shares add up to 100) and optionally other unit fields and ``children``
    (units among the unit's children that go to that part). The first part is the unit itself
    under its new name; the others are new siblings. The successions that led to the unit are
    divided by the shares, so the comparison shows a split. Children not named stay with the
    first part.

    Refuses fewer than two parts, an empty name, shares that are out of range or do not add
    up to 100, a child named twice or not a child of the unit, and the root."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke deles.")
    if len(parts) < 2:
        raise ValidationError("En enhed deles i mindst to dele.")
    plans = []
    children_seen: set[int] = set()
    child_ids = set(Unit.objects.filter(parent_id=unit.pk).values_list("pk", flat=True))
    for index, raw in enumerate(parts, start=1):
        part = dict(raw)
        name = (part.pop("name", "") or "").strip()
        if not name:
            raise ValidationError(f"Del {index} skal have et navn.")
        share = _share(part.pop("share", None))
        if share <= 0:
            raise ValidationError(f"Del {index} ({quoted(name)}) skal have en andel over 0 %.")
        children = list(part.pop("children", []) or [])
        for child in children:
            if child.pk not in child_ids:
                raise ValidationError(
                    f"{quoted(child.name)} er ikke en underenhed af {quoted(unit.name)}."
                )
            if child.pk in children_seen:
                raise ValidationError(f"{quoted(child.name)} er valgt til mere end én del.")
            children_seen.add(child.pk)
        plans.append((name, share, children, _clean_fields(part)))
    part_shares = [share for _, share, _, _ in plans]
    total = sum(part_shares)
    if not shares.makes_100(total):
        raise ValidationError(
            f"Andelene skal tilsammen give 100 %, ikke {shares.share_text(total)}.")

    # The parts make up the whole unit whatever their shares add up to within the slack.
    headcounts = [int(n) for n in shares.apportion(unit.headcount, part_shares, whole=total)]
    reason = reason or (
        f"{quoted(unit.name)} delt i "
        + join_danish(f"{quoted(n)} ({shares.share_text(s)})" for n, s, _, _ in plans) + "."
    )

    result: list[Unit] = []
    for index, (name, _, _children, extra) in enumerate(plans):
        if index == 0:
            part_unit = unit
        else:
            part_unit = Unit(
                structure_id=structure.pk, parent_id=unit.parent_id, unit_type_id=unit.unit_type_id,
                category=unit.category, location=unit.location,
            )
        part_unit.name = name
        if "headcount" not in extra:
            part_unit.headcount = headcounts[index]
        if index > 0 and "code" not in extra:
            part_unit.code = ""
        for key, value in extra.items():
            setattr(part_unit, key, value)
        result.append(part_unit)
    for part_unit in result:
        _validate_unit(part_unit)
    codes = [u.code for u in result if u.code]
    if len(codes) != len(set(codes)):
        raise ValidationError({"code": "To dele kan ikke have samme kode."})
    for part_unit in result:
        # New parts go last among the siblings, like every insert and move: the order
        # siblings were placed in is then the tree order, which history can rebuild.
        _save(part_unit, user, reason)

    predecessors = list(Succession.objects.filter(to_unit=unit))
    for s in predecessors:
        divided = shares.apportion(s.share, part_shares, step=shares.CENT, whole=total)
        for index, part_unit in enumerate(result):
            share = divided[index]
            if index == 0:
                s.share = share
                stamp(s, user, reason)
                s.save()
            else:
                # Every part comes from the predecessor, even with 0 % of it: the link, not
                # the share, makes each part a split (units.changes).
                stamp(Succession(from_unit_id=s.from_unit_id, to_unit=part_unit, share=share),
                       user, reason).save()
    for index, (_, _, children, _) in enumerate(plans):
        if index == 0:
            continue
        for child in children:
            _move(_fresh(child), result[index], user, reason)
    return [_fresh(u) for u in result]


@transaction.atomic
def close_unit(unit: Unit, *, user, reason: str | None = None,
               transfer_children_to: Unit | None = None) -> None:
    """Remove a unit from a draft: the units it came from then have no successor in this
    structure and show as closed. Its children move to `transfer_children_to`; a unit with
    children and nowhere to put them is refused, as are the root and a target inside the unit."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    if unit.parent_id is None:
        raise ValidationError("Organiseringens øverste enhed kan ikke nedlægges.")
    children = list(Unit.objects.filter(parent_id=unit.pk).order_by("lft"))
    target = None
    if transfer_children_to is not None:
        target = _fresh(transfer_children_to)
        _check_parent(target, structure)
        if _is_same_or_descendant(target, unit):
            raise ValidationError(
                f"Underenhederne kan ikke flyttes til {quoted(target.name)}, "
                f"som selv ligger i {quoted(unit.name)}."
            )
    elif children:
        raise ValidationError(
            f"{quoted(unit.name)} har {len(children)} underenheder. "
            "Vælg hvor de skal flyttes hen, før enheden nedlægges."
        )
    reason = reason or (
        f"Enheden {quoted(unit.name)} nedlagt."
        + (f" Underenhederne flyttet til {quoted(target.name)}." if children else "")
    )
    for child in children:
        _move(child, target, user, reason)
    for s in Succession.objects.filter(to_unit=unit) | Succession.objects.filter(from_unit=unit):
        stamp(s, user, reason)
        s.delete()
    gone = _fresh(unit)
    stamp(gone, user, reason)
    gone.delete()


@transaction.atomic
def set_predecessors(unit: Unit, predecessors: Iterable[tuple[Unit, Any]], *, user,
                     reason: str | None = None) -> Unit:
    """Say where a unit of a draft comes from: replaces its successions with the given
    (older unit, share) pairs. Refuses units that are not in an earlier structure of the same
    organisation, shares out of range, and an older unit whose shares would pass 100 %."""
    structure = _lock_draft(unit.structure)
    unit = _fresh(unit)
    pairs = []
    # Successions lead from an older structure (on this one's based_on line, or earlier in
    # force) to a newer one of the same organisation: the lineage holds only that one's.
    lineage = Lineage.of(structure.organisation_id)
    for old, share in predecessors:
        share = _share(share)
        if not lineage.is_older(old.structure_id, structure):
            raise ValidationError(
                f"{quoted(old.name)} hører ikke til en tidligere organisering i samme organisation."
            )
        pairs.append((old, share))
    old_ids = [o.pk for o, _ in pairs]
    if len(old_ids) != len(set(old_ids)):
        raise ValidationError("Den samme tidligere enhed er angivet to gange.")
    others = defaultdict(Decimal)
    # Shares are divided within this structure; alternative models each take 100 %.
    for s in Succession.objects.filter(from_unit_id__in=old_ids, to_unit__tree_id=structure.pk
                                       ).exclude(to_unit=unit):
        others[s.from_unit_id] += s.share
    for old, share in pairs:
        if shares.passes_100(others[old.pk] + share):
            raise ValidationError(
                f"{quoted(old.name)} ville fordele {shares.share_text(others[old.pk] + share)} "
                "af sine medarbejdere; højst 100 %."
            )
    reason = reason or (
        f"{quoted(unit.name)} kommer fra "
        + join_danish(f"{quoted(o.name)} ({shares.share_text(s)})" for o, s in pairs) + "."
        if pairs else f"{quoted(unit.name)} har ingen forgænger."
    )
    current = {s.from_unit_id: s for s in Succession.objects.filter(to_unit=unit)}
    for from_id, s in current.items():
        if from_id not in old_ids:
            stamp(s, user, reason)
            s.delete()
    for old, share in pairs:
        s = current.get(old.pk) or Succession(from_unit=old, to_unit=unit)
        if s.pk and s.share == share:
            continue
        s.share = share
        stamp(s, user, reason)
        s.save()
    return unit
