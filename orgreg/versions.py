"""Edit versions, against lost updates: an edit form carries the version of the object it was
made from, and the service refuses to save over a newer one.

The version is the id of the object's newest history record (django-simple-history writes
one on every save, and history ids only grow), so no field or migration is needed; 0 when the
object has no history yet."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .history import history_user
from .text import danish_datetime

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
    raise ValidationError(
        f"{what} er ændret, siden du åbnede formularen{when}. "
        "Indlæs siden igen og gentag din ændring; intet er gemt.",
        code=STALE_CODE,
    )
