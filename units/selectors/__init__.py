"""Reads of the versioned tree (transitional: everything still lives in .compare)."""

from .compare import (  # noqa: F401
    HISTORY_TYPES, INTEGRITY_RULES, ChangeGroup, ChangeKind, Comparison, FieldChange,
    HistoryEntry, Link, Placement, RecordedStructure, UnitChange, UnitNode, ancestors, compare,
    node, placement, structure_as_recorded, structure_chain, structure_changelog,
    structure_in_force, tree, tree_faults, unit_history,
)
