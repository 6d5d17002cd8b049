"""History shared by every app (django-simple-history): stamping who and why on a write,
the "what changed" list of an update, and reading the steps back as field changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils.text import capfirst

T = TypeVar("T")


def stamp(obj: T, user, reason: str | None) -> T:
    """Tell simple-history who makes the next save of `obj` and why; returns `obj`."""
    obj._history_user = user
    obj._change_reason = reason
    return obj


def field_label(model, name: str) -> str:
    """The Danish name of a model's field (its verbose name) as a history line starts with it:
    "Overordnet enhed: A → B". `name` is the field's name or its column attribute
    (``parent_id`` for the foreign key ``parent``)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    field = by_attname.get(name) or model._meta.get_field(name)
    return capfirst(str(getattr(field, "verbose_name", name)))


def apply_changes(obj, fields: Mapping[str, Any]) -> list[str]:
    """Set on `obj` each of `fields` whose value differs from the stored one (a foreign key
    compared by its id) and return the Danish names of the fields that changed, in order:
    what an update service writes into its history reason ("Ændret: navn, periode.")."""
    changed = []
    for name, value in fields.items():
        field = obj._meta.get_field(name)
        if field.many_to_one:
            current, new = getattr(obj, field.attname), getattr(value, "pk", value)
        else:
            current, new = getattr(obj, name), value
        if current != new:
            setattr(obj, name, value)
            changed.append(str(field.verbose_name))
    return changed


# --- reading history back -------------------------------------------------------------

HISTORY_TYPES = {"+": "Oprettet", "~": "Ændret", "-": "Slettet"}


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of one history step: its Danish name, the value before and after."""

    label: str
    old: str
    new: str


def history_user(user) -> str:
    """Who made a recorded change: the user's full name, or "system" when none was set."""
    if user is None:
        return "system"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def field_changes(before, after, fields: Iterable[str], labels: Mapping[str, str],
                  show: Callable[[str, Any], str]) -> tuple[FieldChange, ...]:
    """What changed from history record `before` to `after` among `fields`, each with its
    Danish label and both values as `show(field, value)` writes them."""
    return tuple(
        FieldChange(labels[f], show(f, getattr(before, f)), show(f, getattr(after, f)))
        for f in fields if getattr(before, f) != getattr(after, f)
    )
