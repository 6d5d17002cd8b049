"""Key figures of a structure [nøgletal]: the few numbers decision makers compare alternatives
on — units per level and type, layers, leaders, span of control, staff per category, and the
units that lack a leader, staff or a MED body.

Public API (stable; later additions add fields, never rename):

- ``structure_figures(structure, *, under=None, viewer=None, on_date=None,
  people_threshold=None, units_threshold=None, med_intervals=None) -> KeyFigures`` — the
  figures of a structure, or of one unit and its subtree (``under``), counting only what
  ``viewer`` (an ``orgreg.roles.Policy``) may see: a viewer who may not see the structure
  gets empty figures (``KeyFigures.visible`` False) and no query is run; MED bodies of
  structures the viewer may not see cover nothing. Two queries whatever the size (the units,
  the MED coverage; one when ``med_intervals`` are given). Pages and the API read a frozen
  structure's figures through ``units.markup.cached_figures``: one query when warm.
- ``figures_from_nodes(nodes, *, structure_id, med_intervals=None, people_threshold=None,
  units_threshold=None) -> KeyFigures`` — the same from UnitNodes already read in tree order
  (``units.selectors.tree`` or a ``Comparison``'s trees), no query; ``med_intervals`` are
  what ``med_covered_intervals`` returns (None: MED coverage not counted,
  ``without_med_body`` is None).
- ``med_covered_intervals(structure, *, viewer=None, on_date=None) -> list[tuple[int, int]]``
  — (lft, rght) of every unit of the structure a MED body valid on the date covers
  directly; one query.
- ``span_thresholds() -> tuple[int, int]`` — the default thresholds (people, units) from
  settings ``ORGREG_SPAN_THRESHOLD_PEOPLE`` and ``ORGREG_SPAN_THRESHOLD_UNITS``.
- Results: ``KeyFigures``, ``Count``, ``UnitRef``, ``Span``, ``CategoryStaff`` (frozen
  dataclasses; see their docstrings for what each figure counts).

The rules:

- Depth is counted from the top of what is counted (the structure's root, or ``under``):
  the top is at depth 0, level 1 [niveau 1]; ``layers`` is the number of levels.
- A unit has a leader [leder] when it names one (``leader_name``); a vacant post with only a
  title counts as without a leader. ``leaders_by_level`` says where the leaders are and
  ``operating_leaders`` how many lead an operating (drift) unit: leadership close to
  operations.
- *People per leader* [medarbejdere pr. leder]: the headcount a leader leads — their own
  unit's plus that of every sub-unit below it with no leader of its own (those staff answer
  to the nearest leader above them). Staff with no leader above them are counted nowhere.
- *Direct sub-units per leader* [direkte underenheder pr. leder]: the number of units
  directly under a leader's unit, over the leaders who have at least one.
- Headcount and FTE per category are each unit's own figures (not subtree sums), so they add
  up to the totals; the administration + stab share is their headcount over all headcount.
- MED coverage: a unit is covered when a body valid on the date (the structure's effective
  date by default) covers it or an ancestor through ``MedBody.units``, as
  ``med.selectors.bodies_covering`` reads it. Coverage carried from an older structure's
  bodies through successions is the coverage page's finer answer (``med.selectors.coverage``).
"""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from operator import itemgetter

from django.conf import settings
from django.db.models import Q, Subquery, Value
from django.db.models.functions import Coalesce

from orgreg.roles import Policy

from ..models import Category, Structure, Unit
from .trees import UnitNode, _collector_paused, _stored

PEOPLE_PER_LEADER = "Medarbejdere pr. leder"
UNITS_PER_LEADER = "Direkte underenheder pr. leder"
UNCATEGORISED = ""
UNCATEGORISED_LABEL = "Uden kategori"
NO_TYPE_LABEL = "Uden enhedstype"
NO_TITLE_LABEL = "Uden ledertitel"
# The order categories are told in, the uncategorised last.
CATEGORY_ORDER = (*Category.values, UNCATEGORISED)
OVERHEAD_CATEGORIES = frozenset({Category.ADMINISTRATION.value, Category.STAB.value})


def span_thresholds() -> tuple[int, int]:
    """(people per leader, direct sub-units per leader) above which a leader is listed."""
    return (int(getattr(settings, "ORGREG_SPAN_THRESHOLD_PEOPLE", 40)),
            int(getattr(settings, "ORGREG_SPAN_THRESHOLD_UNITS", 8)))


@dataclass(frozen=True, slots=True)
class Count:
    """One line of a distribution: what is counted (a depth, a type's name, a title; the
    key), how it is told in Danish (label), and how many."""

    key: str | int
    label: str
    count: int


# Not frozen, as UnitNode (units.selectors.trees): a structure can name thousands (every unit
# without a leader), and a frozen dataclass's __init__ costs as much again. Read-only by
# convention; hashable and compared by value.
@dataclass(slots=True, unsafe_hash=True)
class UnitRef:
    """A unit named by a figure (above a threshold, without a leader …), with the figure's
    value for it where there is one."""

    id: int
    name: str
    depth: int
    value: int | None = None
    code: str = ""

    def __reduce__(self):
        # Pickled (the markup cache) as its constructor's arguments: the slots dataclass's
        # own state methods made loading thousands of units three times as slow.
        return (UnitRef, (self.id, self.name, self.depth, self.value, self.code))


@dataclass(frozen=True, slots=True)
class Span:
    """Span of control measured one way (``label``): over the leaders it counts, the lowest,
    median and highest value (None when there is no leader to count), how many leaders have
    each value (``distribution``, ascending by value), and the leaders above ``threshold``
    (highest first)."""

    label: str
    threshold: int
    leaders: int
    minimum: int | None
    median: Decimal | None
    maximum: int | None
    distribution: tuple[Count, ...]
    above: tuple[UnitRef, ...]


@dataclass(frozen=True, slots=True)
class CategoryStaff:
    """Units, headcount and FTE of one category (``""``: units without a category). FTE sums
    the units that give one; ``fte_missing`` counts those that do not."""

    category: str
    label: str
    units: int
    headcount: int
    fte: Decimal
    fte_missing: int


@dataclass(frozen=True)
class KeyFigures:
    """The key figures of a structure or of one unit's subtree (``scope_id``/``scope_name``);
    see the module docstring for what each counts."""

    structure_id: int
    scope_id: int | None
    scope_name: str
    visible: bool
    units: int
    by_level: tuple[Count, ...]
    by_type: tuple[Count, ...]
    layers: int
    operating_depths: tuple[Count, ...]
    leaders: int
    by_leader_title: tuple[Count, ...]
    people_per_leader: Span
    units_per_leader: Span
    staff: tuple[CategoryStaff, ...]
    headcount: int
    fte: Decimal
    overhead_headcount: int
    overhead_share: Decimal | None
    without_leader: tuple[UnitRef, ...]
    without_headcount: tuple[UnitRef, ...]
    without_med_body: tuple[UnitRef, ...] | None
    # Added after the first commit (the API only grows):
    # units with a leader per depth, as by_level: where the leaders are;
    leaders_by_level: tuple[Count, ...] = ()
    # leaders of operating (drift) units: leadership close to operations.
    operating_leaders: int = 0

    @property
    def overhead_percent(self) -> Decimal | None:
        """The administration + stab share in percent, one decimal."""
        if self.overhead_share is None:
            return None
        return (self.overhead_share * 100).quantize(Decimal("0.1"))

    @property
    def leader_share(self) -> Decimal | None:
        """Units with a leader over all units, in percent with one decimal."""
        if not self.units:
            return None
        return (Decimal(self.leaders * 100) / self.units).quantize(Decimal("0.1"))

    def staff_of(self, category: str) -> CategoryStaff:
        return next(s for s in self.staff if s.category == category)


# The columns read, in the order _figures takes them.
_COLUMNS = ("id", "parent_id", "name", "level", Coalesce("unit_type__name", Value("")),
            "category", "leader_title", "leader_name", "headcount", "fte", "lft", "rght",
            "code")
_Row = tuple[int, int | None, str, int, str, str, str, str, int, Decimal | None, int, int,
             str]


def _visible(structure: Structure, viewer: Policy | None) -> bool:
    return viewer is None or viewer.can_see_structure(structure)


def med_covered_intervals(structure: Structure, *, viewer: Policy | None = None,
                          on_date: datetime.date | None = None) -> list[tuple[int, int]]:
    """(lft, rght) of every unit of `structure` that a MED body valid on `on_date` (the
    structure's effective date) covers directly, bodies of structures `viewer` may not see
    left out; a unit whose own or an ancestor's interval holds its lft is covered. One
    query."""
    on_date = on_date or structure.effective_date
    # Reached from the unit's side, so units needs no import of med (which builds on units).
    through = Unit.med_bodies.through
    qs = through.objects.filter(unit__tree_id=structure.pk,
                                medbody__valid_from__lte=on_date).filter(
        Q(medbody__valid_to__isnull=True) | Q(medbody__valid_to__gte=on_date))
    if viewer is not None and not viewer.sees_everything:
        qs = qs.filter(viewer.structure_q("medbody__structure__"))
    return sorted(set(qs.values_list("unit__lft", "unit__rght")))


def structure_figures(structure: Structure, *, under: Unit | UnitNode | None = None,
                      viewer: Policy | None = None, on_date: datetime.date | None = None,
                      people_threshold: int | None = None,
                      units_threshold: int | None = None,
                      med_intervals: Sequence[tuple[int, int]] | None = None) -> KeyFigures:
    """The key figures of `structure`, or of `under` and its subtree, as `viewer` may see
    them (empty figures, and no query, for a structure the viewer may not see). MED
    coverage as of `on_date` (the structure's effective date), or as `med_intervals` already
    read by `med_covered_intervals` for this viewer. Two queries whatever the size (one with
    `med_intervals`). `under` must be a unit of `structure` (ValueError otherwise)."""
    if under is not None and under.structure_id != structure.pk:
        raise ValueError("The scope is not a unit of the structure.")
    thresholds = _thresholds(people_threshold, units_threshold)
    if not _visible(structure, viewer):
        return _figures([], structure_id=structure.pk, scope=None, med=None,
                        thresholds=thresholds, visible=False)
    scope = None if under is None else (under.id if isinstance(under, UnitNode) else under.pk)
    med = (med_covered_intervals(structure, viewer=viewer, on_date=on_date)
           if med_intervals is None else list(med_intervals))
    qs = Unit.objects.filter(tree_id=structure.pk)
    if under is not None:
        bounds = _stored(under)
        qs = qs.filter(lft__gte=Subquery(bounds.values("lft")),
                       rght__lte=Subquery(bounds.values("rght")))
    with _collector_paused():
        rows: list[_Row] = list(qs.order_by("lft").values_list(*_COLUMNS))
        return _figures(rows, structure_id=structure.pk, scope=scope, med=med,
                        thresholds=thresholds)


def figures_from_nodes(nodes: Sequence[UnitNode], *, structure_id: int,
                       med_intervals: Sequence[tuple[int, int]] | None = None,
                       people_threshold: int | None = None,
                       units_threshold: int | None = None) -> KeyFigures:
    """The key figures of UnitNodes already read, in tree order, whose first is the top
    counted (a whole tree, or a subtree from ``tree(…, under=…)``); no query. The caller
    has read them as a viewer may see them. `med_intervals` from `med_covered_intervals`
    (None: coverage not counted)."""
    scope = nodes[0].id if nodes and nodes[0].parent_id is not None else None
    with _collector_paused():
        rows: list[_Row] = [
            (n.id, n.parent_id, n.name, n.level, n.unit_type, n.category, n.leader_title,
             n.leader_name, n.headcount, n.fte, n.lft, n.rght, n.code) for n in nodes]
        return _figures(rows, structure_id=structure_id, scope=scope,
                        med=None if med_intervals is None else list(med_intervals),
                        thresholds=_thresholds(people_threshold, units_threshold))


def _thresholds(people: int | None, units: int | None) -> tuple[int, int]:
    default_people, default_units = span_thresholds()
    return (default_people if people is None else people,
            default_units if units is None else units)


def _median(values: list[int]) -> Decimal | None:
    if not values:
        return None
    return Decimal(str(statistics.median(values)))


def _span(label: str, threshold: int, values: dict[int, int],
          ref: Callable[[int, int | None], UnitRef]) -> Span:
    """A Span over leader unit id → value; `ref` names a unit."""
    numbers = sorted(values.values())
    distribution = tuple(Count(v, str(v), c) for v, c in sorted(Counter(numbers).items()))
    above = sorted((ref(uid, v) for uid, v in values.items() if v > threshold),
                   key=lambda r: (-(r.value or 0), r.depth, r.name))
    return Span(
        label=label, threshold=threshold, leaders=len(numbers),
        minimum=numbers[0] if numbers else None, median=_median(numbers),
        maximum=numbers[-1] if numbers else None, distribution=distribution,
        above=tuple(above))


def _covered_ids(rows: Iterable[_Row], intervals: list[tuple[int, int]]) -> set[int]:
    """Ids of the rows (in lft order) whose lft lies in one of the (nested or disjoint)
    intervals: a walk keeping the farthest end of the intervals opened so far."""
    covered: set[int] = set()
    i, reach, n = 0, -1, len(intervals)
    for row in rows:
        lft = row[10]
        while i < n and intervals[i][0] <= lft:
            reach = max(reach, intervals[i][1])
            i += 1
        if lft <= reach:
            covered.add(row[0])
    return covered


@dataclass
class _Tally:
    """What one walk over the rows counts (see _walk); units by their index in the rows."""

    index_of: dict[int, int]
    children: dict[int, int]
    leaders: list[int]
    people: dict[int, int]
    head_cat: dict[str, int]
    fte_cat: dict[str, Decimal]
    fte_missing: dict[str, int]
    without_leader: list[int]
    without_headcount: list[int]


def _walk(rows: list[_Row]) -> _Tally:
    """One pass over the rows of a (sub)tree in lft order: a parent comes before its
    children, so the leader above is known when a unit is reached. Locals only in the loop:
    it runs once per unit of a 10,000-unit structure."""
    index_of: dict[int, int] = {}
    children: dict[int, int] = {}
    # The leader each unit's staff answer to: its own, or the nearest above it (None).
    led_by: dict[int, int | None] = {}
    leaders: list[int] = []
    people: dict[int, int] = {}
    head_cat = dict.fromkeys(CATEGORY_ORDER, 0)
    fte_cat = {c: Decimal(0) for c in CATEGORY_ORDER}
    fte_missing = dict.fromkeys(CATEGORY_ORDER, 0)
    without_leader: list[int] = []
    without_headcount: list[int] = []
    for i, (uid, parent, _name, _level, _type, category, _title, leader, headcount, fte,
            _lft, _rght, _code) in enumerate(rows):
        index_of[uid] = i
        # The parent of the scope's top lies outside what is counted.
        if parent in index_of:
            children[parent] = children.get(parent, 0) + 1
            boss = led_by[parent]
        else:
            boss = None
        if leader:
            led_by[uid] = uid
            leaders.append(uid)
            people[uid] = headcount or 0
        else:
            without_leader.append(i)
            led_by[uid] = boss
            if boss is not None and headcount:
                people[boss] += headcount
        if headcount:
            head_cat[category] += headcount
        else:
            without_headcount.append(i)
        if fte is None:
            fte_missing[category] += 1
        else:
            fte_cat[category] += fte
    return _Tally(index_of, children, leaders, people, head_cat, fte_cat, fte_missing,
                  without_leader, without_headcount)


def _by_count(counter: Counter[str], empty_label: str) -> tuple[Count, ...]:
    """Most first, then by name."""
    return tuple(Count(k, k or empty_label, c)
                 for k, c in sorted(counter.items(), key=lambda kc: (-kc[1], kc[0])))


def _figures(rows: list[_Row], *, structure_id: int, scope: int | None,
             med: list[tuple[int, int]] | None, thresholds: tuple[int, int],
             visible: bool = True) -> KeyFigures:
    """Every figure from the rows of one (sub)tree in lft order: one walk for what needs
    the tree (leaders above, children), C-speed counts for the rest."""
    t = _walk(rows)
    top_level = rows[0][3] if rows else 0

    def ref(i: int, value: int | None = None) -> UnitRef:
        r = rows[i]
        return UnitRef(r[0], r[2], r[3] - top_level, value, r[12])

    def ref_of(uid: int, value: int | None = None) -> UnitRef:
        return ref(t.index_of[uid], value)

    by_level = Counter(map(itemgetter(3), rows))
    by_type = Counter(map(itemgetter(4), rows))
    units_cat = Counter(map(itemgetter(5), rows))
    operating = Counter(r[3] for r in rows if r[5] == Category.DRIFT)
    leader_rows = [rows[t.index_of[u]] for u in t.leaders]
    titles = Counter(r[6].strip() for r in leader_rows)
    leader_levels = Counter(map(itemgetter(3), leader_rows))
    staff = tuple(
        CategoryStaff(c, Category(c).label if c else UNCATEGORISED_LABEL, units_cat[c],
                      t.head_cat[c], t.fte_cat[c], t.fte_missing[c]) for c in CATEGORY_ORDER)
    headcount = sum(t.head_cat.values())
    overhead = sum(t.head_cat[c] for c in OVERHEAD_CATEGORIES)
    without_med = None
    if med is not None:
        covered = _covered_ids(rows, med)
        without_med = tuple(ref(i) for i, r in enumerate(rows) if r[0] not in covered)
    children = t.children
    return KeyFigures(
        structure_id=structure_id, scope_id=scope,
        scope_name=ref_of(scope).name if scope is not None and scope in t.index_of else "",
        visible=visible, units=len(rows),
        by_level=tuple(Count(lv - top_level, f"Niveau {lv - top_level + 1}", c)
                       for lv, c in sorted(by_level.items())),
        by_type=_by_count(by_type, NO_TYPE_LABEL),
        layers=(max(by_level) - top_level + 1) if by_level else 0,
        operating_depths=tuple(Count(lv - top_level, f"Niveau {lv - top_level + 1}", c)
                               for lv, c in sorted(operating.items())),
        leaders=len(t.leaders),
        by_leader_title=_by_count(titles, NO_TITLE_LABEL),
        people_per_leader=_span(PEOPLE_PER_LEADER, thresholds[0], t.people, ref_of),
        units_per_leader=_span(UNITS_PER_LEADER, thresholds[1],
                               {u: children[u] for u in t.leaders if u in children}, ref_of),
        staff=staff, headcount=headcount, fte=sum(t.fte_cat.values(), Decimal(0)),
        overhead_headcount=overhead,
        overhead_share=(Decimal(overhead) / headcount).quantize(Decimal("0.0001"))
        if headcount else None,
        without_leader=tuple(map(ref, t.without_leader)),
        without_headcount=tuple(map(ref, t.without_headcount)),
        without_med_body=without_med,
        leaders_by_level=tuple(Count(lv - top_level, f"Niveau {lv - top_level + 1}", c)
                               for lv, c in sorted(leader_levels.items())),
        operating_leaders=sum(1 for r in leader_rows if r[5] == Category.DRIFT),
    )
