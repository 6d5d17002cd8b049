"""History stamping shared by every app's services (django-simple-history)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

T = TypeVar("T")


def stamp(obj: T, user, reason: str | None) -> T:
    """Tell simple-history who makes the next save of `obj` and why; returns `obj`."""
    obj._history_user = user
    obj._change_reason = reason
    return obj


def field_label(model, name: str) -> str:
    """The Danish name of a model's field (its verbose name)."""
    return str(getattr(model._meta.get_field(name), "verbose_name", name))


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
