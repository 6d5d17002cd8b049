"""Edit versions, against lost updates: an edit form carries the version of the object it was
made from, and the service refuses to save over a newer one.

The version is the id of the object's newest history record (django-simple-history writes
one on every save, and history ids only grow), so no field or migration is needed; 0 when the
object has no history yet."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .history import history_user
from .text import danish_datetime, quoted

STALE_CODE = "stale"


def _newest(obj):
    return obj.history.order_by("-history_id").select_related("history_user").first()


def current_version(obj) -> int:
    """The version an edit form of `obj` carries: its newest history id, 0 without history."""
    newest = obj.history.order_by("-history_id").values_list("history_id", flat=True).first()
    return newest or 0


def check_version(obj, expected: int | None, *, what: str) -> None:
    """Refuse (ValidationError, code "stale") to save `obj` when `expected` — the version the
    editor's form was made from — is no longer its newest: someone saved it in between, and
    saving would silently overwrite their change. `expected` None means the caller does not
    track versions (imports, demo data, scripts) and is always accepted. Call it inside the
    transaction, after locking the row, so that no save slips in between the check and the
    write. `what` names the object in the Danish message ("Enheden »Team Nord«")."""
    if expected is None:
        return
    newest = _newest(obj)
    if (newest.history_id if newest is not None else 0) == int(expected):
        return
    when = ""
    if newest is not None:
        when = (f" (senest {danish_datetime(newest.history_date)} af "
                f"{history_user(newest.history_user)})")
    changed = changes_since(obj, int(expected))
    listed = f" Ændret: {'; '.join(changed)}." if changed else ""
    raise ValidationError(
        f"{what} er ændret, siden du åbnede formularen{when}.{listed} "
        "Indlæs siden igen og gentag din ændring; intet er gemt.",
        code=STALE_CODE,
    )


# Tree bookkeeping (django-mptt) and history's own columns: not what an editor changed.
_NOT_SHOWN = {"lft", "rght", "tree_id", "level", "id", "history_id", "history_date",
              "history_user", "history_type", "history_change_reason"}


def _shown(field, value) -> str:
    if value in (None, ""):
        return "(tom)"
    if field.is_relation and field.related_model is not None:
        related = field.related_model._base_manager.filter(pk=value).first()
        return quoted(str(related)) if related is not None else "(findes ikke længere)"
    if field.choices:
        return quoted(str(dict(field.flatchoices).get(value, value)))
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return quoted(str(value))


def changes_since(obj, expected: int) -> list[str]:
    """What the history records newer than version `expected` changed, one "field: old → new"
    per field (old as of the version the editor saw, new as it is now), in field order."""
    records = list(obj.history.filter(history_id__gt=expected).order_by("history_id"))
    if not records:
        return []
    base = obj.history.filter(history_id__lte=expected).order_by("-history_id").first()
    if base is None:
        base = records[0].prev_record
    if base is None:
        return []
    newest = records[-1]
    fields = [f for f in obj._meta.concrete_fields if f.attname not in _NOT_SHOWN
              and f.name not in _NOT_SHOWN]
    out = []
    for field in fields:
        old, new = getattr(base, field.attname, None), getattr(newest, field.attname, None)
        if old != new:
            label = str(field.verbose_name)
            label = label[:1].upper() + label[1:]
            out.append(f"{label}: {_shown(field, old)} → {_shown(field, new)}")
    return out
