"""The chart model: the units as drawn, with the texts of their boxes and their heights."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from orgreg.text import counted, danish_number

from .. import changes
from ..changes import ChangeKind
from ..selectors import UnitNode
from .measure import lines_height


@dataclass
class ChartUnit:
    """A unit as drawn: its node, the texts of its box and the children shown under it."""

    node: UnitNode
    children: list[ChartUnit] = field(default_factory=list)
    badge: str = ""
    badge_kind: str = ""
    badges: tuple[tuple[str, str], ...] = ()  # (kind, label) of every kind of its change
    hidden_children: int = 0
    size: int = 1  # units in the shown subtree, itself included

    @property
    def id(self) -> int:
        return self.node.id

    def box_texts(self) -> list[tuple[str, bool]]:
        n = self.node
        leader = " ".join(p for p in (n.leader_title, n.leader_name) if p)
        staff = f"{danish_number(n.headcount)} medarb."
        if n.subtree_headcount != n.headcount:
            staff += f" · i alt {danish_number(n.subtree_headcount)}"
        return [
            (n.name, True),
            (n.unit_type, False),
            (leader, False),
            (staff, False),
            (f"Kode {n.code}" if n.code else "", False),
            (self.hidden_text, False),
        ]

    @property
    def hidden_text(self) -> str:
        if not self.hidden_children:
            return ""
        return f"+ {counted(self.hidden_children, 'underenhed', 'underenheder')} ikke vist"

    @functools.cached_property
    def box_h(self) -> float:
        return lines_height(self.box_texts())

    @functools.cached_property
    def stub_h(self) -> float:
        return lines_height([(self.node.name, True), ("fortsætter på side 000", False),
                              (self.stub_detail, False)])

    @property
    def stub_detail(self) -> str:
        return (f"{counted(self.size, 'enhed', 'enheder')} · "
                f"{danish_number(self.node.subtree_headcount)} medarb.")

    @functools.cached_property
    def cont_h(self) -> float:
        return lines_height([(self.node.name, True), ("fortsat fra side 000", False)])

    def walk(self) -> Iterator[ChartUnit]:
        """This unit and every unit below it, in tree order; a stack, not recursion, so a
        chain of any depth is walked."""
        stack = [self]
        while stack:
            unit = stack.pop()
            yield unit
            stack.extend(reversed(unit.children))


def build_chart(nodes: Sequence[UnitNode], *,
                badges: dict[int, frozenset[str]] | None = None) -> ChartUnit | None:
    """The chart tree from nodes in tree order (the first is the top), each unit with the
    badges of its change kinds (`badges`: unit id → kinds; none for an unchanged unit)."""
    if not nodes:
        return None
    badges = badges or {}
    by_id: dict[int, ChartUnit] = {}
    top = None
    for n in nodes:
        kinds = badges.get(n.id)
        kind = changes.primary(kinds) if kinds else ""
        unit = ChartUnit(n, badge=ChangeKind.LABELS.get(kind, ""), badge_kind=kind,
                         badges=changes.badges(kinds) if kinds else ())
        by_id[n.id] = unit
        parent = by_id.get(n.parent_id) if n.parent_id is not None else None
        if parent is not None:
            parent.children.append(unit)
        elif top is None:
            top = unit
    for unit in reversed(list(top.walk())):
        unit.size = 1 + sum(c.size for c in unit.children)
        unit.hidden_children = unit.node.child_count if not unit.children else 0
    return top
