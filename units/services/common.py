"""Internals every write shares: locking a structure or draft, reading a unit afresh, cleaning
and validating unit fields, reading a share, and saving or re-parenting a unit with history."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError

from orgreg.history import stamp
from orgreg.text import quoted

from .. import lifecycle, shares
from ..leaders import normalise_identifier
from ..models import MPTT_FIELDS, Structure, Unit

# Fields of a unit that services may set; everything else is tree bookkeeping.
UNIT_FIELDS = (
    "name", "short_name", "unit_type", "category", "code", "leader_title", "leader_name",
    "leader_identifier", "leader_email", "external_id", "org_level", "headcount", "fte",
    "location", "description",
)


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
    for key in ("name", "short_name", "code", "leader_title", "leader_name", "location",
                "leader_email", "external_id", "org_level"):
        if key in cleaned and cleaned[key] is not None:
            cleaned[key] = str(cleaned[key]).strip()
    for key in ("short_name", "code", "leader_title", "leader_name", "leader_identifier",
                "leader_email", "external_id", "org_level", "location", "description",
                "category"):
        if key in cleaned and cleaned[key] is None:
            cleaned[key] = ""
    if "leader_identifier" in cleaned:
        cleaned["leader_identifier"] = normalise_identifier(cleaned["leader_identifier"])
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


def _share(value: object) -> Decimal:
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


# --- reasons --------------------------------------------------------------------------------

REASON_REQUIRED_MESSAGE = "Angiv en begrundelse for ændringen; den står i historikken."


def reason_required() -> bool:
    """Whether a person making a structural change (move, merge, split, close) must give a
    reason: settings.ORGREG_REASON_REQUIRED, on by default. The one home of the rule; the
    forms ask it too, so that the field is marked required."""
    from django.conf import settings

    return bool(getattr(settings, "ORGREG_REASON_REQUIRED", True))


def _check_reason(reason: str | None, *, interactive: bool) -> None:
    """Refuse a structural change by a person (`interactive`: a form, the drag-and-drop
    dialog) without a reason when the setting asks for one. Imports, copies, the demo data and
    undo are not interactive: they pass (or let the service write) a generated reason."""
    if interactive and reason_required() and not (reason or "").strip():
        raise ValidationError({"reason": REASON_REQUIRED_MESSAGE})


def _place_beside(unit: Unit, anchor: Unit, position: str, user, reason: str) -> Unit:
    """Save the new `unit` as the sibling just before (``"left"``) or after (``"right"``)
    `anchor`, recording its place among the siblings so that history rebuilds the order."""
    anchor.refresh_from_db(fields=MPTT_FIELDS)
    index = Unit.objects.filter(parent_id=anchor.parent_id, tree_id=anchor.tree_id,
                                lft__lt=anchor.lft).count()
    unit._sibling_index = index + (1 if position == "right" else 0)
    stamp(unit, user, reason)
    Unit.objects.insert_node(unit, anchor, position, save=True)
    return unit
