"""Key figures set beside each other: a structure before and after (the comparison page and
its PDF), inside a unit's scope too, and alternative models with their basis.

The figures themselves are units.selectors.figures' (one rule, one home); this module only
chooses what is counted on each side and lines the figures up as rows, with the differences,
so that the page, the PDF and the tests read one table.

A scope is one unit of either structure (a forvaltning, a district). On its own side it is
the unit and its subtree. On the other side it is every unit with a line (a succession, or
a code for two models) into that subtree, and beneath those the units with no line at all
(closed before, new after) whose parent is counted: what the scope was made from, or what it
becomes. Each side's depth is counted from its own tops.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from orgreg.roles import Policy, policy
from orgreg.text import danish_number, danish_sort_key

from ..changes import ChangeKind
from ..models import Structure
from .compare import Comparison, UnitChange, compare
from .figures import KeyFigures, figures_from_nodes, med_covered_intervals
from .trees import UnitNode, tree

Value = int | Decimal | None
Intervals = list[tuple[int, int]]


@dataclass(frozen=True)
class Scope:
    """A unit of one of two compared structures and what it covers on each side (see the
    module): `old_nodes` and `new_nodes` in tree order, each node's level counted from its
    side's tops (0)."""

    unit: UnitNode
    in_new: bool
    old_nodes: tuple[UnitNode, ...]
    new_nodes: tuple[UnitNode, ...]

    def inside(self, node: UnitNode) -> bool:
        """Whether `node` is the scope's unit or under it (in its own structure)."""
        unit = self.unit
        return node.structure_id == unit.structure_id and unit.lft <= node.lft <= unit.rght

    def covers(self, change: UnitChange) -> bool:
        """Whether a row of the comparison (a unit's change) belongs in the scope's tables:
        its unit, or a unit at the other end of one of its lines, is inside."""
        links = change.successors or change.predecessors
        return self.inside(change.unit) or any(self.inside(link.unit) for link in links)


def _levelled(nodes: list[UnitNode]) -> tuple[UnitNode, ...]:
    """The nodes (a forest in tree order) with each level counted from its tree's top."""
    depth: dict[int, int] = {}
    out = []
    for n in nodes:
        d = depth[n.parent_id] + 1 if n.parent_id in depth else 0
        depth[n.id] = d
        out.append(n if n.level == d else dataclasses.replace(n, level=d))
    return tuple(out)


def comparison_scope(comparison: Comparison, unit_id: int | str) -> Scope | None:
    """The scope of the unit `unit_id` of either structure of `comparison` (the newer one's
    first), or None when it is in neither. No query."""
    key = str(unit_id)
    unit = next((n for n in comparison.new_tree if str(n.id) == key), None)
    in_new = unit is not None
    if unit is None:
        unit = next((n for n in comparison.old_tree if str(n.id) == key), None)
        if unit is None:
            return None
    own_tree, other_tree = ((comparison.new_tree, comparison.old_tree) if in_new
                            else (comparison.old_tree, comparison.new_tree))
    own_changes, other_changes = ((comparison.new_changes, comparison.old_changes) if in_new
                                  else (comparison.old_changes, comparison.new_changes))
    own = [n for n in own_tree if unit.lft <= n.lft <= unit.rght]
    linked = {link.unit.id for n in own for link in
              (own_changes[n.id].predecessors if in_new else own_changes[n.id].successors)}
    other: list[UnitNode] = []
    counted: set[int] = set()
    for n in other_tree:
        change = other_changes[n.id]
        if n.id in linked or (not change.predecessors and not change.successors
                              and n.parent_id in counted):
            other.append(n)
            counted.add(n.id)
    old, new = (other, own) if in_new else (own, other)
    return Scope(unit, in_new, _levelled(old), _levelled(new))


# --- rows -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FigureRow:
    """One key figure across columns (before and after; the basis and each model): its
    Danish label, its group, the values (None: not counted) and how they are written
    (`decimals`, `suffix`). The first column is what the others are measured against."""

    key: str
    group: str
    label: str
    values: tuple[Value, ...]
    decimals: int | None = None
    suffix: str = ""

    def _text(self, value: Value) -> str:
        if value is None:
            return "–"
        return danish_number(value, self.decimals) + self.suffix

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple(self._text(v) for v in self.values)

    @property
    def differences(self) -> tuple[Value, ...]:
        """Each column's value less the first's (None where either is not counted); the
        first column's own is None."""
        first = self.values[0] if self.values else None
        return (None, *(None if v is None or first is None else v - first
                        for v in self.values[1:]))

    @property
    def difference_texts(self) -> tuple[str, ...]:
        """"+3", "−2,5", "±0" (a true minus sign), "" for the first column or a figure not
        counted."""
        out = []
        for i, d in enumerate(self.differences):
            if i == 0 or d is None:
                out.append("")
            elif d > 0:
                out.append("+" + danish_number(d, self.decimals) + self.suffix)
            elif d < 0:
                out.append("−" + danish_number(-d, self.decimals) + self.suffix)
            else:
                out.append("±0")
        return tuple(out)

    @property
    def differs(self) -> tuple[bool, ...]:
        """Per column, whether its value differs from the first column's."""
        return tuple(bool(d) for d in self.differences)

    @property
    def columns(self) -> tuple[tuple[str, str, bool], ...]:
        """Per column (its value written, its difference from the first written, whether it
        differs): what a table cell shows."""
        return tuple(zip(self.cells, self.difference_texts, self.differs, strict=True))

    @property
    def models_differ(self) -> bool:
        """Whether the columns after the first differ among themselves."""
        return len(set(self.values[1:])) > 1


def _without_med(f: KeyFigures) -> int | None:
    return None if f.without_med_body is None else len(f.without_med_body)


def figure_rows(figures: Sequence[KeyFigures]) -> list[FigureRow]:
    """The key figures of each of `figures` as rows, one column each: units and layers,
    leaders and both spans of control (named as such), staff and FTE per category and the
    administration + stab share, and the units that lack a leader, staff or a MED body."""
    if not figures:
        return []
    first = figures[0]
    people_t, units_t = first.people_per_leader.threshold, first.units_per_leader.threshold

    def row(key: str, group: str, label: str, values, **kw) -> FigureRow:
        return FigureRow(key, group, label, tuple(values), **kw)

    rows = [
        row("units", "Enheder", "Enheder", (f.units for f in figures)),
        row("layers", "Enheder", "Lag (niveauer)", (f.layers for f in figures)),
        row("leaders", "Ledelse", "Ledere (enheder med en leder)",
            (f.leaders for f in figures)),
        row("operating-leaders", "Ledelse", "Ledere af driftsenheder",
            (f.operating_leaders for f in figures)),
        row("people-median", "Ledelse", "Medarbejdere pr. leder, median",
            (f.people_per_leader.median for f in figures)),
        row("people-max", "Ledelse", "Medarbejdere pr. leder, højst",
            (f.people_per_leader.maximum for f in figures)),
        row("people-above", "Ledelse", f"Ledere med over {people_t} medarbejdere",
            (len(f.people_per_leader.above) for f in figures)),
        row("units-median", "Ledelse", "Direkte underenheder pr. leder, median",
            (f.units_per_leader.median for f in figures)),
        row("units-max", "Ledelse", "Direkte underenheder pr. leder, højst",
            (f.units_per_leader.maximum for f in figures)),
        row("units-above", "Ledelse", f"Ledere med over {units_t} direkte underenheder",
            (len(f.units_per_leader.above) for f in figures)),
        row("headcount", "Medarbejdere", "Medarbejdere i alt", (f.headcount for f in figures)),
        row("fte", "Medarbejdere", "Årsværk i alt", (f.fte for f in figures), decimals=1),
    ]
    for staff in first.staff:
        counts = [f.staff_of(staff.category).headcount for f in figures]
        if staff.category or any(counts):
            rows.append(row(f"staff-{staff.category or 'none'}", "Medarbejdere",
                            f"Medarbejdere, {staff.label.lower()}", counts))
    rows += [
        row("overhead", "Medarbejdere", "Administration og stab, andel af medarbejderne",
            (f.overhead_percent for f in figures), decimals=1, suffix=" %"),
        row("without-leader", "Mangler", "Enheder uden leder",
            (len(f.without_leader) for f in figures)),
        row("without-headcount", "Mangler", "Enheder uden medarbejdere",
            (len(f.without_headcount) for f in figures)),
    ]
    if any(f.without_med_body is not None for f in figures):
        rows.append(row("without-med", "Mangler", "Enheder uden MED-udvalg",
                        (_without_med(f) for f in figures)))
    return rows


# --- before and after ---------------------------------------------------------------------


@dataclass(frozen=True)
class BeforeAfter:
    """The key figures of the older and the newer structure of a comparison (of a scope's
    two sides when `scope` is given), and their rows old → new."""

    old: KeyFigures
    new: KeyFigures
    rows: tuple[FigureRow, ...]
    scope: Scope | None = None


def figures_before_after(comparison: Comparison, *, scope: Scope | None = None,
                         old_med: Intervals | None = None,
                         new_med: Intervals | None = None) -> BeforeAfter:
    """The figures of both structures of `comparison`, or of the two sides of `scope`, from
    the trees the comparison read (no query). `old_med` and `new_med` are each structure's
    MED coverage (`med_covered_intervals`, read as the viewer may see it); without them the
    units without a MED body are not counted."""
    old_nodes = scope.old_nodes if scope is not None else comparison.old_tree
    new_nodes = scope.new_nodes if scope is not None else comparison.new_tree
    old = figures_from_nodes(old_nodes, structure_id=comparison.old.pk, med_intervals=old_med)
    new = figures_from_nodes(new_nodes, structure_id=comparison.new.pk, med_intervals=new_med)
    return BeforeAfter(old, new, tuple(figure_rows([old, new])), scope)


# --- alternatives -------------------------------------------------------------------------


@dataclass(frozen=True)
class Alternatives:
    """Alternative models (structures with one basis and one effective date) the viewer may
    see, with their basis when the viewer may see it (`basis` None otherwise, and then no
    change is counted against it): `columns` are the structures shown (the basis first),
    `figures` theirs, `rows` the key figures across them, and `change_counts` per change
    kind the units of each model's comparison with the basis (units.changes.tally)."""

    structure: Structure
    basis: Structure | None
    basis_hidden: bool
    models: tuple[Structure, ...]
    columns: tuple[Structure, ...]
    figures: tuple[KeyFigures, ...]
    rows: tuple[FigureRow, ...]
    change_counts: tuple[tuple[str, str, tuple[int, ...]], ...]
    staff_affected: tuple[int, ...]


def alternative_models(viewer, structure: Structure) -> list[Structure]:
    """The structures of `structure`'s organisation with its basis and effective date that
    `viewer` (a user or a Policy) may see, `structure` among them when visible, in Danish
    order of name. One query."""
    rules = viewer if isinstance(viewer, Policy) else policy(viewer)
    found = rules.structures().filter(
        organisation_id=structure.organisation_id, based_on_id=structure.based_on_id,
        effective_date=structure.effective_date).select_related("organisation", "based_on")
    return sorted(found, key=lambda s: (danish_sort_key(s.name), s.pk))


def alternatives(viewer, structure: Structure) -> Alternatives:
    """`structure` and its alternative models beside their basis, as `viewer` may see them: a
    model the viewer may not see is left out, unnamed; a basis the viewer may not see is not
    shown and nothing is measured against it. One query for the models, then per model a
    comparison with the basis (four queries) or its tree (one), and one query per
    structure for its MED coverage: a fixed number whatever the size of the trees."""
    rules = viewer if isinstance(viewer, Policy) else policy(viewer)
    models = alternative_models(rules, structure)
    basis = structure.based_on if structure.based_on_id else None
    basis_hidden = basis is not None and not rules.can_see_structure(basis)
    if basis_hidden:
        basis = None
    figures: list[KeyFigures] = []
    counts: list[dict[str, int]] = []
    affected: list[int] = []
    basis_figures = None
    for model in models:
        med = med_covered_intervals(model, viewer=rules)
        if basis is not None:
            comparison = compare(basis, model)
            if basis_figures is None:
                basis_figures = figures_from_nodes(
                    comparison.old_tree, structure_id=basis.pk,
                    med_intervals=med_covered_intervals(basis, viewer=rules))
            nodes = comparison.new_tree
            counts.append(comparison.counts)
            affected.append(comparison.staff_affected)
        else:
            nodes = tree(model)
        figures.append(figures_from_nodes(nodes, structure_id=model.pk, med_intervals=med))
    columns = ([basis] if basis is not None else []) + models
    if basis_figures is not None:
        figures.insert(0, basis_figures)
    change_counts = tuple(
        (kind, ChangeKind.LABELS[kind], tuple(c.get(kind, 0) for c in counts))
        for kind in ChangeKind.PRIORITY) if counts else ()
    return Alternatives(structure, basis, basis_hidden, tuple(models), tuple(columns),
                        tuple(figures), tuple(figure_rows(figures)), change_counts,
                        tuple(affected))


def alternative_groups(structures: Sequence[Structure]) -> list[list[Structure]]:
    """Among `structures` (those a viewer may see), the groups of two or more with one basis
    and one effective date: the alternative models to set side by side. No query."""
    groups: dict[tuple, list[Structure]] = {}
    for s in structures:
        if s.based_on_id is not None:
            groups.setdefault((s.based_on_id, s.effective_date), []).append(s)
    found = [sorted(g, key=lambda s: (danish_sort_key(s.name), s.pk))
             for g in groups.values() if len(g) > 1]
    return sorted(found, key=lambda g: (g[0].effective_date, danish_sort_key(g[0].name)))
