"""The key figures of a frozen structure kept in the markup cache (units.markup.cache): a
published structure's page and API answer are read far more often than it changes."""

from __future__ import annotations

import hashlib

from orgreg.roles import Policy

from .. import selectors
from ..models import Structure, Unit
from ..selectors import KeyFigures, UnitNode
from .cache import cached, frozen_line_key


def cached_figures(structure: Structure, *, under: Unit | UnitNode | None = None,
                   viewer: Policy | None = None) -> KeyFigures:
    """units.selectors.structure_figures, through the cache for a structure past draft. A
    frozen structure's units never change; its MED coverage may (bodies are edited after the
    structure is decided) and depends on what the viewer may see, so the key names it: the
    coverage is read first (one query) and the units only on a miss."""
    if viewer is not None and not viewer.can_see_structure(structure):
        return selectors.structure_figures(structure, under=under, viewer=viewer)
    med = selectors.med_covered_intervals(structure, viewer=viewer)
    coverage = hashlib.blake2b(repr(med).encode(), digest_size=8).hexdigest()
    scope = 0 if under is None else (under.id if isinstance(under, UnitNode) else under.pk)
    key = frozen_line_key("figures", [structure], scope, *selectors.span_thresholds(), coverage)
    return cached(key, lambda: selectors.structure_figures(structure, under=under,
                                                           viewer=viewer, med_intervals=med))
