"""Reads of the versioned tree: trees, comparisons, placements, history, integrity, the
organisation overview, search and key figures.

Each selector runs a fixed number of queries whatever the size of the tree: a tree is one
query in (tree_id, lft) order, and everything derived from it (depth, subtree headcount,
change kinds) is computed in Python from those rows. Results are small frozen dataclasses,
cheap to build for 10,000 units and safe to hand to templates, PDFs and the API alike.
One module per question; this package re-exports their public names.
"""

from ..changes import ChangeKind  # its home is units.changes; callers may keep this name
from ..lineage import structure_chain, structure_in_force  # the rules live in units.lineage
from .compare import Comparison, Line, Link, UnitChange, compare
from .figure_compare import (
    Alternatives,
    BeforeAfter,
    FigureRow,
    Scope,
    alternative_groups,
    alternative_models,
    alternatives,
    comparison_scope,
    figure_rows,
    figures_before_after,
)
from .figures import (
    CategoryStaff,
    Count,
    KeyFigures,
    Span,
    UnitRef,
    figures_from_nodes,
    med_covered_intervals,
    span_thresholds,
    structure_figures,
)
from .history import (
    RECORDED_FIELDS,
    ChangeGroup,
    HistoryEntry,
    RecordedStructure,
    RecordedUnits,
    recorded_units,
    structure_as_recorded,
    structure_changelog,
    unit_history,
)
from .integrity import INTEGRITY_RULES, tree_faults
from .managers import managed_units, manager_links
from .overview import (
    FuturePlacement,
    OrganisationOverview,
    SubUnitPlacement,
    UnitAnswer,
    future_placements,
    later_structures,
    organisation_overview,
    organisation_overviews,
    replaced_by,
    unit_answer,
)
from .placement import Placement, placement, placements
from .search import Hit, OrganisationHits, SearchResult, fold, search_units
from .targets import Target, Targets, move_targets
from .trees import UnitNode, ancestors, node, tree, unit_versions
from .undo import UndoOffer, latest_operation_id, undo_offers

__all__ = [
    "Alternatives",
    "BeforeAfter",
    "FigureRow",
    "Scope",
    "alternative_groups",
    "alternative_models",
    "alternatives",
    "comparison_scope",
    "figure_rows",
    "figures_before_after",
    "INTEGRITY_RULES",
    "RECORDED_FIELDS",
    "CategoryStaff",
    "ChangeGroup",
    "ChangeKind",
    "Comparison",
    "Count",
    "FuturePlacement",
    "HistoryEntry",
    "Hit",
    "KeyFigures",
    "Line",
    "Link",
    "OrganisationHits",
    "OrganisationOverview",
    "Placement",
    "SubUnitPlacement",
    "UnitAnswer",
    "RecordedStructure",
    "RecordedUnits",
    "SearchResult",
    "Span",
    "Target",
    "Targets",
    "UndoOffer",
    "UnitChange",
    "UnitRef",
    "UnitNode",
    "ancestors",
    "compare",
    "figures_from_nodes",
    "fold",
    "future_placements",
    "later_structures",
    "latest_operation_id",
    "managed_units",
    "move_targets",
    "manager_links",
    "med_covered_intervals",
    "node",
    "organisation_overview",
    "organisation_overviews",
    "placement",
    "placements",
    "recorded_units",
    "replaced_by",
    "search_units",
    "span_thresholds",
    "structure_as_recorded",
    "structure_chain",
    "structure_changelog",
    "structure_figures",
    "structure_in_force",
    "tree",
    "unit_versions",
    "tree_faults",
    "undo_offers",
    "unit_answer",
    "unit_history",
]
