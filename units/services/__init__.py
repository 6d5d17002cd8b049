"""Writes to organisations, structures, units and successions, one module per kind of object.

Every function here is one business operation: atomic, serialised per structure (the
structure row is locked before anything is read for validation), validating before the
first write, and recording the acting user and a reason in history. The reason is the
caller's own words, or a generated Danish sentence that says what happened. A refusal is a
``ValidationError`` with a Danish message, and leaves the database as it was.

- ``structures``: organisations, unit types, creating, changing, copying a structure and its
  status;
- ``units``: adding, changing, moving and closing a unit;
- ``merge`` and ``split``: several units become one, one unit becomes several;
- ``order``: a unit's place among its siblings;
- ``successions``: where a unit comes from;
- ``managers``: who sees a unit under Min enhed, linked by hand or by the leader identifier
  at sign-in;
- ``undo``: undoing an operation, restoring a unit or a draft to a recorded moment (with
  ``reconcile``, the writes they share, and ``recording``, the operation record every
  operation on a draft's units writes: units.operations);
- ``bulk``: a whole structure at once (imports, copies, demo data, benchmarks);
- ``common``: the internals they share (locking, fresh reads, field cleaning, saving).
"""

from .bulk import UnitRow, build_structure, copy_units, record_created
from .common import REASON_REQUIRED_MESSAGE, UNIT_FIELDS, reason_required
from .managers import (
    link_leader_units,
    link_manager,
    set_leader_email,
    set_leader_identifier,
    structures_that_matter,
    unlink_manager,
)
from .merge import merge_units
from .order import reorder_unit
from .split import split_unit
from .structures import (
    STRUCTURE_DRAFT_FIELDS,
    STRUCTURE_LATE_FIELDS,
    copy_structure,
    create_organisation,
    create_structure,
    get_or_create_unit_type,
    set_status,
    update_structure,
    update_unit_type,
)
from .successions import set_predecessors
from .undo import restore_structure, restore_unit, undo_operation
from .units import add_unit, close_unit, move_unit, update_unit

__all__ = [
    "REASON_REQUIRED_MESSAGE",
    "STRUCTURE_DRAFT_FIELDS",
    "STRUCTURE_LATE_FIELDS",
    "UNIT_FIELDS",
    "UnitRow",
    "add_unit",
    "build_structure",
    "close_unit",
    "copy_structure",
    "copy_units",
    "create_organisation",
    "create_structure",
    "get_or_create_unit_type",
    "link_leader_units",
    "link_manager",
    "merge_units",
    "move_unit",
    "reason_required",
    "record_created",
    "reorder_unit",
    "restore_structure",
    "restore_unit",
    "set_leader_email",
    "set_leader_identifier",
    "set_predecessors",
    "set_status",
    "split_unit",
    "structures_that_matter",
    "undo_operation",
    "unlink_manager",
    "update_structure",
    "update_unit_type",
    "update_unit",
]
