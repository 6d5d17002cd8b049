"""History stamping shared by every app's services (django-simple-history)."""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")


def stamp(obj: T, user, reason: str | None) -> T:
    """Tell simple-history who makes the next save of `obj` and why; returns `obj`."""
    obj._history_user = user
    obj._change_reason = reason
    return obj
