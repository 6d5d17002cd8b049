"""The cache of frozen structures' markup, shared by every worker and machine through the
configured cache (CACHE_URL): the one home of what a cached page depends on and of what makes
it stale.

A key names everything the markup is built from that can differ between two requests:

- the code version (``code_version``): a deployment never reads markup an older release wrote;
- the generation (a token kept in the cache itself): ``forget_frozen_markup`` replaces it when
  a write changes markup of frozen structures that the key does not otherwise name;
- the script prefix, since the markup holds absolute links;
- each structure the markup is read from: pk, status and created_at (two structures that got
  the same pk, in a restored or another database, are told apart). For a chart or outline
  that is the structure and its basis (the badges are read against the basis), for a
  comparison both ends and every structure between; markup that reads a draft is never
  cached;
- the page's own parameters.

What can change the markup of a frozen structure, and how each is met (the audit behind the
list above; tests/units/test_markup_cache.py holds each one):

- its status (``services.set_status``) or its basis's: in the key;
- its units and successions: none can change, the services refuse every write to a structure
  past draft (``services.common._lock_draft``); its basis cannot change after the draft
  either (``services.update_structure``);
- a successor structure (``copy_structure``, ``set_predecessors`` in a later draft): the
  badges of a structure are read against its basis, never against its successors, and what
  the page says about them ("erstattet af …") is read on every request, outside the markup;
- the notice text and sender, the decision, description and confidentiality
  (``update_structure``'s late fields) and the organisation's name: not in the markup; who may
  see the structure is asked before the cache is;
- the name of a unit type, shown on every box: ``services.update_unit_type`` calls
  ``forget_frozen_markup``;
- anything changed behind the services' back (SQL by hand, a data migration): set a new
  ORGREG_CODE_VERSION, which is part of the code version.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import os
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import django
from django.core.cache import cache
from django.db import transaction
from django.urls import get_script_prefix

from units import lifecycle
from units.models import Structure

CACHE_SECONDS = 24 * 3600
GENERATION_KEY = "markup:generation"
# The packages the cached values are computed in: units builds the markup (it imports neither
# med nor timeline, tests/orgreg/test_architecture.py) from orgreg's text helpers.
SOURCE_PACKAGES = ("units", "orgreg")


@functools.cache
def code_version() -> str:
    """A short digest of what the markup is made by: ORGREG_CODE_VERSION (an operator's own
    release name or a number to bump), orgreg's package version, Django's, and the Python
    source of SOURCE_PACKAGES, so even an edit that forgot to change a version makes new keys.
    Computed once per process (a few milliseconds, at start: units.apps)."""
    digest = hashlib.blake2b(digest_size=8)
    try:
        package = importlib.metadata.version("orgreg")
    except importlib.metadata.PackageNotFoundError:
        package = "-"
    for part in (os.environ.get("ORGREG_CODE_VERSION", ""), package, django.__version__):
        digest.update(part.encode() + b"\0")
    for name in SOURCE_PACKAGES:
        root = Path(__import__(name).__file__).parent
        for path in sorted(root.rglob("*.py")):
            digest.update(path.relative_to(root.parent).as_posix().encode() + b"\0")
            digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _generation() -> str:
    """The current generation token. A missing token (never set, evicted, the cache flushed)
    is replaced by a new random one, never by a counter starting again, so no key of an earlier
    generation can come back into use."""
    found = cache.get(GENERATION_KEY)
    if found is None:
        cache.add(GENERATION_KEY, uuid.uuid4().hex[:12], timeout=None)
        found = cache.get(GENERATION_KEY, "-")
    return found


def forget_frozen_markup() -> None:
    """Make every cached markup stale, for a write that changes what frozen structures show
    beyond what their keys name (a unit type's name). Done when the write's transaction
    commits: a worker that filled the cache before then filled it under the old generation."""
    transaction.on_commit(
        lambda: cache.set(GENERATION_KEY, uuid.uuid4().hex[:12], timeout=None))


def frozen_key(kind: str, structure: Structure, *parts) -> str | None:
    """A cache key for markup of `structure`, or None when it may still change (a draft, or
    a structure whose basis is still a draft, since badges are read against the basis)."""
    basis = structure.based_on if structure.based_on_id else None
    return _key(kind, [structure] if basis is None else [structure, basis], parts)


def frozen_line_key(kind: str, line: Sequence[Structure], *parts) -> str | None:
    """A cache key for markup read from every structure of `line` (a comparison: both ends
    and each structure between), or None when one of them is a draft."""
    return _key(kind, line, parts)


def _key(kind: str, structures: Sequence[Structure], parts: Sequence) -> str | None:
    if any(lifecycle.is_editable(s.status) for s in structures):
        return None
    # created_at tells apart two structures that got the same pk (another or a restored
    # database).
    names = ":".join(
        f"{s.pk}.{s.status}.{s.created_at.timestamp() if s.created_at else 0}"
        for s in structures)
    extra = ".".join(str(p) for p in parts)
    return (f"markup:{code_version()}:{_generation()}:{get_script_prefix()}:{kind}:"
            f"{names}:{extra}")


def digest(value: Any) -> str:
    """A short digest of data read on every request that cached markup is built from (a
    structure's MED coverage): a part of its key, so the markup is built again when the data
    change."""
    return hashlib.blake2b(repr(value).encode(), digest_size=8).hexdigest()


def cached(key: str | None, build: Callable[[], Any]) -> Any:
    """`build()` through the cache when `key` is not None (the value must pickle)."""
    if key is None:
        return build()
    found = cache.get(key)
    if found is None:
        found = build()
        cache.set(key, found, CACHE_SECONDS)
    return found
