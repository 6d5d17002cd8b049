"""Writes to organisations, structures, units and successions (being split into modules)."""

from .bulk import UnitRow, build_structure, copy_units, record_created  # noqa: F401
from .structures import *  # noqa: F403 -- temporary, until the modules are split out
