"""The result of checking an import: the units it would create, or the problems that stop it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .problems import Problem


@dataclass
class PlannedUnit:
    row: int
    key: str
    parent_key: str | None
    fields: dict[str, Any]
    unit_type: str
    predecessors: list[tuple[str, Decimal]]
    level: int = 0


@dataclass
class ImportPlan:
    """What an import would create, or the problems that stop it."""

    format: str
    units: list[PlannedUnit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_unit_types: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # Resolved against the database when checked: unit type names → ids, old codes → ids.
    unit_type_ids: dict[str, int] = field(default_factory=dict)
    predecessor_ids: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def succession_count(self) -> int:
        return sum(len(u.predecessors) for u in self.units)

    @property
    def headcount(self) -> int:
        return sum(u.fields.get("headcount") or 0 for u in self.units)

    @property
    def depth(self) -> int:
        return max((u.level for u in self.units), default=0) + 1 if self.units else 0

    def in_tree_order(self) -> list[PlannedUnit]:
        children: dict[str | None, list[PlannedUnit]] = defaultdict(list)
        for unit in self.units:
            children[unit.parent_key].append(unit)
        result: list[PlannedUnit] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            unit = stack.pop()
            result.append(unit)
            stack.extend(reversed(children.get(unit.key, [])))
        return result
