"""The cache of a frozen structure's markup: a key that changes with what the markup shows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.cache import cache

from units import lifecycle
from units.models import Structure

CACHE_SECONDS = 24 * 3600


def frozen_key(kind: str, structure: Structure, *parts) -> str | None:
    """A cache key for markup of `structure`, or None when it may still change (a draft, or
    a structure whose basis is still a draft, since badges are read against the basis)."""
    basis = structure.based_on if structure.based_on_id else None
    if lifecycle.is_editable(structure.status) or (
            basis is not None and lifecycle.is_editable(basis.status)):
        return None
    # created_at tells apart two structures that got the same pk in different databases.
    stamp = structure.created_at.timestamp() if structure.created_at else 0
    basis_part = f"{basis.pk}.{basis.status}" if basis is not None else "-"
    extra = ".".join(str(p) for p in parts)
    return f"orgreg:{kind}:{structure.pk}.{structure.status}.{stamp}:{basis_part}:{extra}"


def cached(key: str | None, build: Callable[[], Any]) -> Any:
    """`build()` through the cache when `key` is not None (the value must pickle)."""
    if key is None:
        return build()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found
