"""Reads of the versioned tree: trees, comparisons, placements and history.

Each selector runs a fixed number of queries whatever the size of the tree: a tree is one
query in (tree_id, lft) order, and everything derived from it (depth, subtree headcount,
change kinds) is computed in Python from those rows. Results are small frozen dataclasses,
cheap to build for 10,000 units and safe to hand to templates, PDFs and the API alike.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Exists, OuterRef, Q, Subquery, Value
from django.urls import reverse

from .. import changes, lifecycle, lineage, shares
from ..changes import ChangeKind  # its home is units.changes; callers may keep this name
from ..models import Category, Structure, Succession, Unit, UnitType
from ..shares import HUNDRED

# --- trees ------------------------------------------------------------------------------


# Not frozen: a frozen dataclass sets each field through object.__setattr__, which made
# building 10,000 nodes take most of tree()'s time. Treat it as read-only; it stays
# hashable and comparable by value.
@dataclass(slots=True, unsafe_hash=True)
class UnitNode:
    """One unit of a tree as read for display: its fields, its depth and what lies below."""

    id: int
    parent_id: int | None
    structure_id: int
    name: str
    short_name: str
    code: str
    unit_type: str
    category: str
    leader_title: str
    leader_name: str
    headcount: int
    fte: Decimal | None
    location: str
    level: int
    lft: int
    rght: int
    subtree_headcount: int
    child_count: int
    exists: bool = True

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else ""

    @property
    def descendant_count(self) -> int:
        return (self.rght - self.lft - 1) // 2

    def get_absolute_url(self) -> str:
        return reverse("units:unit-detail", args=[self.id])


_NODE_COLUMNS = (
    "id", "parent_id", "structure_id", "name", "short_name", "code", "unit_type__name",
    "category", "leader_title", "leader_name", "headcount", "fte", "location", "level",
    "lft", "rght",
)


def _nodes(rows: Sequence[tuple]) -> list[UnitNode]:
    """UnitNodes from rows in tree (pre-)order shaped like _NODE_COLUMNS."""
    subtree: dict[int, int] = {}
    children: dict[int, int] = defaultdict(int)
    for row in reversed(rows):
        uid, parent_id, headcount = row[0], row[1], row[10]
        subtree[uid] = subtree.get(uid, 0) + (headcount or 0)
        if parent_id is not None:
            subtree[parent_id] = subtree.get(parent_id, 0) + subtree[uid]
            children[parent_id] += 1
    # Positional construction: the columns are the first fields of UnitNode, in order, and
    # keyword arguments cost as much again for 10,000 nodes.
    nodes = []
    append = nodes.append
    for r in rows:
        if r[6] is None or r[10] is None:
            r = (*r[:6], r[6] or "", *r[7:10], r[10] or 0, *r[11:])
        append(UnitNode(*r, subtree[r[0]], children.get(r[0], 0)))
    return nodes


def tree(structure: Structure | int, *, under: Unit | UnitNode | None = None,
         max_depth: int | None = None) -> list[UnitNode]:
    """All units of a structure in tree order with type, depth and subtree headcount; one
    query. `under` limits it to a subtree (the unit and its descendants) and `max_depth` to
    that many levels below the top shown (0: the top alone)."""
    structure_id = structure if isinstance(structure, int) else structure.pk
    qs = Unit.objects.filter(tree_id=structure_id)
    if under is not None:
        # The subtree's bounds as stored now: a Unit held by the caller may carry tree
        # numbers from before later inserts and moves.
        bounds = _stored(under)
        qs = qs.filter(lft__gte=Subquery(bounds.values("lft")),
                       rght__lte=Subquery(bounds.values("rght")))
    rows = list(qs.order_by("lft").values_list(*_NODE_COLUMNS))
    nodes = _nodes(rows)
    if max_depth is not None and nodes:
        top_level = nodes[0].level
        nodes = [n for n in nodes if n.level - top_level <= max_depth]
    return nodes


def _stored(unit: Unit | UnitNode):
    """A queryset of the one stored row of `unit`, for subqueries on its current tree
    numbers."""
    return Unit.objects.filter(pk=unit.id if isinstance(unit, UnitNode) else unit.pk)


def node(unit: Unit) -> UnitNode:
    """The UnitNode of one unit (no subtree sums: the unit's own headcount); one query."""
    return tree(unit.tree_id, under=unit, max_depth=0)[0]


def ancestors(unit: Unit | UnitNode, *, include_self: bool = False) -> list[UnitNode]:
    """The path from the root down to the unit's parent (or the unit); one query."""
    bounds = _stored(unit)
    qs = Unit.objects.filter(tree_id=unit.structure_id,
                             lft__lte=Subquery(bounds.values("lft")),
                             rght__gte=Subquery(bounds.values("rght")))
    if not include_self:
        qs = qs.exclude(pk=unit.id if isinstance(unit, UnitNode) else unit.pk)
    rows = list(qs.order_by("lft").values_list(*_NODE_COLUMNS))
    return [_bare_node(r) for r in rows]


def _bare_node(r: tuple) -> UnitNode:
    """A UnitNode read on its own, without its subtree: sums are the unit's own."""
    return UnitNode(
        id=r[0], parent_id=r[1], structure_id=r[2], name=r[3], short_name=r[4], code=r[5],
        unit_type=r[6] or "", category=r[7], leader_title=r[8], leader_name=r[9],
        headcount=r[10] or 0, fte=r[11], location=r[12], level=r[13], lft=r[14], rght=r[15],
        subtree_headcount=r[10] or 0, child_count=0,
    )


# --- structures in force and chains: the rules live in units.lineage ------------------


# Kept here for the callers that read through selectors.
structure_in_force = lineage.structure_in_force
structure_chain = lineage.structure_chain


# --- comparison -------------------------------------------------------------------------


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention; see UnitNode
class Link:
    unit: UnitNode
    share: Decimal


@dataclass(slots=True, unsafe_hash=True)  # read-only by convention; see UnitNode
class UnitChange:
    unit: UnitNode
    kinds: frozenset[str]
    predecessors: tuple[Link, ...] = ()
    successors: tuple[Link, ...] = ()

    @property
    def kind(self) -> str:
        return changes.primary(self.kinds)

    @property
    def kind_label(self) -> str:
        return ChangeKind.LABELS[self.kind]

    @property
    def labels(self) -> list[str]:
        return changes.labels(self.kinds)

    @property
    def changed(self) -> bool:
        return self.kinds != changes.CONTINUED

    def staff_moving(self) -> list[int]:
        """How many of an older unit's staff go along each of its successors, in their
        order: whole people adding up to its headcount (units.shares.people)."""
        return shares.people(self.unit.headcount, [link.share for link in self.successors])


@dataclass(frozen=True)
class Comparison:
    old: Structure
    new: Structure
    old_tree: list[UnitNode]
    new_tree: list[UnitNode]
    old_changes: dict[int, UnitChange]
    new_changes: dict[int, UnitChange]
    by_successions: bool
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def staff_affected(self) -> int:
        """Headcount of the old units whose staff change unit, name or place."""
        return sum(c.unit.headcount for c in self.old_changes.values() if c.changed)

    def rows(self) -> list[UnitChange]:
        """The table old unit → new unit(s): every old unit in tree order, then the new units
        that have no predecessor."""
        rows = [self.old_changes[n.id] for n in self.old_tree]
        rows += [self.new_changes[n.id] for n in self.new_tree
                 if ChangeKind.NEW in self.new_changes[n.id].kinds]
        return rows

    def moved(self) -> list[UnitChange]:
        return [self.new_changes[n.id] for n in self.new_tree
                if ChangeKind.MOVED in self.new_changes[n.id].kinds]


def _composed_successions(chain: list[int]) -> dict[int, dict[int, Decimal]]:
    """old unit id → {new unit id: share} through every structure of the chain; one query."""
    # Only the target side is joined; an edge whose origin is not in the step before is
    # dropped below, when composing, because no path reaches it.
    rows = Succession.objects.filter(to_unit__tree_id__in=chain[1:]).values_list(
        "from_unit_id", "to_unit_id", "share", "to_unit__tree_id"
    )
    step_of = {sid: i for i, sid in enumerate(chain)}
    by_step: dict[int, dict[int, list[tuple[int, Decimal]]]] = defaultdict(
        lambda: defaultdict(list)
    )
    for from_id, to_id, share, to_tree in rows:
        by_step[step_of[to_tree]][from_id].append((to_id, share))
    current: dict[int, dict[int, Decimal]] | None = None
    for step in range(1, len(chain)):
        edges = by_step[step]
        if current is None:
            current = {f: {t: s for t, s in targets} for f, targets in edges.items()}
            continue
        nxt: dict[int, dict[int, Decimal]] = {}
        for origin, targets in current.items():
            composed: dict[int, Decimal] = defaultdict(Decimal)
            for mid, share in targets.items():
                for to_id, s in edges.get(mid, ()):
                    composed[to_id] += share * s / HUNDRED
            nxt[origin] = dict(composed)
        current = nxt
    return current or {}


def _successions_by_code(old_tree: list[UnitNode], new_tree: list[UnitNode]
                         ) -> dict[int, dict[int, Decimal]]:
    new_by_code = {n.code: n.id for n in new_tree if n.code}
    matched = {o.id: {new_by_code[o.code]: HUNDRED} for o in old_tree if o.code in new_by_code}
    # The tops of two models of one organisation are the same unit even without a code.
    if old_tree and new_tree and old_tree[0].id not in matched and not any(
        new_tree[0].id in targets for targets in matched.values()
    ):
        matched[old_tree[0].id] = {new_tree[0].id: HUNDRED}
    return matched


def compare(old: Structure, new: Structure) -> Comparison:
    """Every unit of both structures with its change kind: continued, renamed, moved, merged,
    split, new (no predecessor) or closed (no successor), as units.changes.classify decides
    from the successions (0 % ones too), followed through the structures between the two
    when `new` descends from `old` over several steps; structures that are not on one line
    (two alternative models) are matched by unit code. `counts` are of the rows: each kind
    with the number of rows (old units, then new ones) that carry it. Four queries whatever
    the size."""
    old_tree, new_tree = tree(old), tree(new)
    chain = structure_chain(new, old) if old.pk != new.pk else None
    if chain:
        forward = _composed_successions(chain)
    else:
        forward = _successions_by_code(old_tree, new_tree)
    old_by_id = {n.id: n for n in old_tree}
    new_by_id = {n.id: n for n in new_tree}
    succ: dict[int, list[Link]] = defaultdict(list)
    pred: dict[int, list[Link]] = defaultdict(list)
    # Every succession counts, 0 % ones too (units.changes says why).
    for o_id, targets in forward.items():
        if o_id not in old_by_id:
            continue
        for n_id, share in targets.items():
            if n_id in new_by_id:
                succ[o_id].append(Link(new_by_id[n_id], share))
                pred[n_id].append(Link(old_by_id[o_id], share))

    # The new parents each old unit went to, to tell a move with one set lookup.
    # Only parents are asked about: about one unit in eight in a real tree.
    old_parents = {o.parent_id for o in old_tree if o.parent_id is not None}
    went_to = {o_id: {link.unit.id for link in succ[o_id]} for o_id in old_parents if o_id in succ}
    classify, is_moved, nowhere = changes.classify, changes.is_moved, ()

    def by_lft(link: Link) -> int:
        return link.unit.lft

    # (renamed, moved) of each new unit with one predecessor, for its pair's other end.
    pair: dict[int, tuple[bool, bool]] = {}
    new_changes: dict[int, UnitChange] = {}
    for n in new_tree:
        preds = pred.get(n.id, ())
        if len(preds) == 1:
            o = preds[0].unit
            renamed, moved = pair[n.id] = (o.name != n.name, is_moved(
                o.parent_id, n.parent_id, went_to.get(o.parent_id, nowhere)))
            kinds = classify(newer=True, came_from=1, went_to=len(succ[o.id]), renamed=renamed,
                             moved=moved)
        else:
            kinds = classify(newer=True, came_from=len(preds), went_to=0)
            if preds:
                preds.sort(key=by_lft)
        new_changes[n.id] = UnitChange(n, kinds, predecessors=tuple(preds))
    old_changes: dict[int, UnitChange] = {}
    for o in old_tree:
        succs = succ.get(o.id, ())
        if len(succs) == 1:
            n_id = succs[0].unit.id
            renamed, moved = pair.get(n_id, (False, False))
            kinds = classify(newer=False, came_from=len(pred[n_id]), went_to=1, renamed=renamed,
                             moved=moved)
        else:
            kinds = classify(newer=False, came_from=0, went_to=len(succs))
            if succs:
                succs.sort(key=by_lft)
        old_changes[o.id] = UnitChange(o, kinds, successors=tuple(succs))
    # The counts are of the rows (every old unit, then the new units): what the rows show
    # and what filtering them by a kind finds.
    counts = changes.tally([*(c.kinds for c in old_changes.values()),
                            *(c.kinds for c in new_changes.values() if ChangeKind.NEW in c.kinds)])
    return Comparison(old, new, old_tree, new_tree, old_changes, new_changes,
                      by_successions=bool(chain), counts=counts)


# --- placement --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Placement:
    """Where (part of) a unit's staff ends up in a later structure: the share of its staff
    and how many people that is (`staff`, units.shares.people)."""

    unit: UnitNode
    share: Decimal
    path: tuple[UnitNode, ...]
    kinds: frozenset[str]
    staff: int = 0

    @property
    def parent(self) -> UnitNode | None:
        return self.path[-1] if self.path else None

    @property
    def kind(self) -> str:
        return changes.primary(self.kinds)

    @property
    def kind_label(self) -> str:
        return ChangeKind.LABELS[self.kind]


def _reaches_source(chain: list[int], step: int, outer: str):
    """Whether the unit named by `outer` (a field of the enclosing query), a unit of
    structure chain[step], is reached by successions from the first structure of the chain,
    step by step: a nested EXISTS, as deep as the chain is long."""
    if step == 0:
        return Value(True)
    inner = Succession.objects.filter(to_unit_id=OuterRef(outer),
                                      from_unit__tree_id=chain[step - 1])
    if step > 1:
        inner = inner.filter(_reaches_source(chain, step - 1, "from_unit_id"))
    return Exists(inner)


def placement(unit: Unit, target: Structure) -> list[Placement]:
    """The units of `target` where the staff of `unit` end up, with the share of its staff
    that goes to each and how many people that is, followed through every structure between
    (Aarhus went through two steps). Empty when `target` does not descend from the unit's
    structure or the unit was closed on the way. Each placement has the kinds of the line
    from the unit, net over all steps, as the comparison of the two structures gives them
    (units.changes): a 0 % succession leads on like any other. One query per step between
    the structures plus three."""
    source = Structure(pk=unit.structure_id, organisation_id=target.organisation_id)
    if unit.structure_id == target.pk:
        here = tree(target.pk, under=unit, max_depth=0)[0]
        kinds = changes.classify(newer=False, came_from=1, went_to=1)
        return [Placement(here, HUNDRED, tuple(ancestors(unit)), kinds, here.headcount)]
    chain = structure_chain(target, source)
    if not chain:
        return []
    # Step by step: the units the unit's staff reach (with the share of its staff), the
    # units its old parent reached (to tell a move), and the reached units that other units
    # of the first structure reach too (to tell a merger).
    frontier: dict[int, Decimal] = {unit.pk: HUNDRED}
    parent_frontier: set[int] = {unit.parent_id} if unit.parent_id else set()
    mixed: set[int] = set()
    for index in range(1, len(chain)):
        step, before = chain[index], chain[index - 1]
        ahead = list(frontier)
        from_source = _reaches_source(chain, index - 1, "from_unit_id")
        columns = ("from_unit_id", "to_unit_id", "share", "from_unit__tree_id", "from_source")
        # Two index-driven halves in one query: the links out of the frontier and the old
        # parent's, and the other links into the units the frontier reaches.
        out = (Succession.objects.filter(from_unit_id__in=[*ahead, *parent_frontier],
                                         to_unit__tree_id=step)
               .annotate(from_source=from_source).values_list(*columns))
        into = (Succession.objects.filter(to_unit_id__in=Subquery(
                    Succession.objects.filter(from_unit_id__in=ahead, to_unit__tree_id=step)
                    .values("to_unit_id")))
                .exclude(from_unit_id__in=[*ahead, *parent_frontier])
                .annotate(from_source=from_source).values_list(*columns))
        rows = list(out.union(into, all=True))
        nxt: dict[int, Decimal] = defaultdict(Decimal)
        next_mixed: set[int] = set()
        next_parents: set[int] = set()
        joined: set[int] = set()
        for from_id, to_id, share, from_tree, reaches in rows:
            if from_tree != before:
                continue  # from a structure off the chain: no path from the first one
            if from_id in frontier:
                nxt[to_id] += frontier[from_id] * share / HUNDRED
                if from_id in mixed:
                    next_mixed.add(to_id)
            elif reaches:
                joined.add(to_id)
            if from_id in parent_frontier:
                next_parents.add(to_id)
        frontier = dict(nxt)
        mixed = (next_mixed | joined) & set(frontier)
        parent_frontier = next_parents
        if not frontier:
            return []
    units = list(
        Unit.objects.filter(pk__in=list(frontier)).order_by("lft").values_list(*_NODE_COLUMNS)
    )
    paths_q = Q()
    for r in units:
        paths_q |= Q(lft__lt=r[14], rght__gt=r[15])
    ancestor_rows = list(
        Unit.objects.filter(tree_id=target.pk).filter(paths_q).order_by("lft")
        .values_list(*_NODE_COLUMNS)
    )
    staff = shares.people(unit.headcount, [frontier[r[0]] for r in units])
    result = []
    for r, people in zip(units, staff, strict=True):
        here = _bare_node(r)
        path = tuple(_bare_node(a) for a in ancestor_rows if a[14] < r[14] and a[15] > r[15])
        new_parent = path[-1].id if path else None
        kinds = changes.classify(
            newer=False, came_from=2 if here.id in mixed else 1, went_to=len(units),
            renamed=here.name != unit.name,
            moved=changes.is_moved(unit.parent_id, new_parent, parent_frontier),
        )
        result.append(Placement(here, frontier[here.id].quantize(Decimal("0.01")), path, kinds,
                                people))
    return result


# --- history ----------------------------------------------------------------------------


HISTORY_TYPES = {"+": "Oprettet", "~": "Ændret", "-": "Slettet"}
_UNIT_DIFF_FIELDS = ("name", "short_name", "parent_id", "unit_type_id", "category", "code",
                     "leader_title", "leader_name", "headcount", "fte", "location", "description")


@dataclass(frozen=True, slots=True)
class FieldChange:
    label: str
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    when: datetime.datetime
    user: str
    type: str
    reason: str
    object_kind: str
    object_name: str
    object_id: int
    changes: tuple[FieldChange, ...] = ()

    @property
    def type_label(self) -> str:
        return HISTORY_TYPES.get(self.type, self.type)


def _user_label(user) -> str:
    if user is None:
        return "system"
    full = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return full or user.get_username()


def _unit_entries(records: Iterable, *, names: dict[int, str]) -> list[HistoryEntry]:
    """Entries with field diffs from unit history records ordered oldest first per unit."""
    type_names = dict(UnitType.objects.values_list("pk", "name"))
    labels = {f: str(Unit._meta.get_field(f.removesuffix("_id")).verbose_name)
              for f in _UNIT_DIFF_FIELDS}
    category_labels = dict(Category.choices)

    def show(f: str, value) -> str:
        if value in (None, ""):
            return "–"
        if f == "parent_id":
            return names.get(value, f"enhed {value}")
        if f == "unit_type_id":
            return type_names.get(value, str(value))
        if f == "category":
            return str(category_labels.get(value, value))
        return str(value)

    previous: dict[int, object] = {}
    entries = []
    for rec in records:
        before = previous.get(rec.id)
        changes = ()
        if before is not None and rec.history_type == "~":
            changes = tuple(
                FieldChange(labels[f], show(f, getattr(before, f)), show(f, getattr(rec, f)))
                for f in _UNIT_DIFF_FIELDS if getattr(before, f) != getattr(rec, f)
            )
        previous[rec.id] = rec
        entries.append(HistoryEntry(
            when=rec.history_date, user=_user_label(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Enhed", object_name=rec.name,
            object_id=rec.id, changes=changes,
        ))
    return entries


def unit_history(unit: Unit) -> list[HistoryEntry]:
    """Who changed the unit, when, what and why, newest first; includes the successions
    that lead to or from it. Four queries."""
    records = list(
        unit.history.select_related("history_user").order_by("history_date", "history_id")
    )
    parent_ids = {r.parent_id for r in records if r.parent_id}
    names = dict(Unit.objects.filter(pk__in=parent_ids).values_list("pk", "name"))
    entries = _unit_entries(records, names=names)
    successions = Succession.history.filter(Q(to_unit_id=unit.pk) | Q(from_unit_id=unit.pk)) \
        .select_related("history_user")
    for rec in successions:
        entries.append(HistoryEntry(
            when=rec.history_date, user=_user_label(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Overgang",
            object_name=shares.share_text(rec.share), object_id=rec.id,
        ))
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries


@dataclass(frozen=True)
class ChangeGroup:
    """History records written by one operation: same user and reason, moments apart."""

    when: datetime.datetime
    user: str
    reason: str
    entries: tuple[HistoryEntry, ...]


def structure_changelog(structure: Structure, *, limit: int | None = None) -> list[ChangeGroup]:
    """The structure's change log, newest first: changes to the structure itself and to its
    units, grouped by the operation that made them. Four queries."""
    HistoricalUnit = Unit.history.model
    structure_records = list(structure.history.select_related("history_user")
                             .order_by("history_date"))
    unit_records = list(
        HistoricalUnit.objects.filter(structure_id=structure.pk)
        .select_related("history_user").order_by("history_date", "history_id")
    )
    names = {r.id: r.name for r in unit_records}
    entries = _unit_entries(unit_records, names=names)
    for rec in structure_records:
        entries.append(HistoryEntry(
            when=rec.history_date, user=_user_label(rec.history_user), type=rec.history_type,
            reason=rec.history_change_reason or "", object_kind="Organisering",
            object_name=rec.name, object_id=rec.id,
        ))
    entries.sort(key=lambda e: e.when)
    groups: list[list[HistoryEntry]] = []
    for entry in entries:
        last = groups[-1][-1] if groups else None
        if (last is not None and last.user == entry.user and last.reason == entry.reason
                and (entry.when - last.when).total_seconds() < 5):
            groups[-1].append(entry)
        else:
            groups.append([entry])
    result = [ChangeGroup(g[0].when, g[0].user, g[0].reason, tuple(g)) for g in reversed(groups)]
    return result[:limit] if limit else result


@dataclass(frozen=True)
class RecordedStructure:
    """A structure as history recorded it at a moment."""

    at: datetime.datetime
    name: str
    status: str
    status_label: str
    effective_date: datetime.date | None
    units: list[UnitNode]


def structure_as_recorded(structure: Structure, at: datetime.datetime) -> RecordedStructure:
    """The structure's fields and tree as they stood at moment `at`, rebuilt from history
    (siblings in the order they were placed). Three queries."""
    from ..models import Status

    srec = structure.history.filter(history_date__lte=at).order_by("-history_date").first()
    HistoricalUnit = Unit.history.model
    records = HistoricalUnit.objects.filter(structure_id=structure.pk, history_date__lte=at) \
        .order_by("history_date", "history_id") \
        .values_list("id", "history_type", "history_id", "parent_id", "name", "short_name",
                     "code", "unit_type_id", "category", "leader_title", "leader_name",
                     "headcount", "fte", "location", "history_date")
    latest: dict[int, tuple] = {}
    placed_at: dict[int, tuple] = {}
    for rec in records:
        uid = rec[0]
        previous = latest.get(uid)
        if previous is None or previous[3] != rec[3]:
            # Siblings go last where they are placed, so the order of placing is the tree
            # order. Within one moment: units created by one bulk write (a copy, an import)
            # were inserted in tree order, so their ids tell it (their history ids need
            # not); units moved one by one are told by their history ids.
            placed_at[uid] = (rec[14], 0, uid) if rec[1] == "+" else (rec[14], 1, rec[2])
        latest[uid] = rec
    alive = {uid: rec for uid, rec in latest.items() if rec[1] != "-"}
    type_names = dict(UnitType.objects.values_list("pk", "name"))
    kids: dict[int | None, list[int]] = defaultdict(list)
    for uid, rec in alive.items():
        parent = rec[3] if rec[3] in alive else None
        kids[parent].append(uid)
    for siblings in kids.values():
        siblings.sort(key=lambda u: placed_at[u])
    rows: list[tuple] = []
    counter = 0

    def visit(uid: int, level: int) -> None:
        # Iterative would be longer; trees are a handful of levels deep.
        nonlocal counter
        counter += 1
        lft = counter
        index = len(rows)
        rows.append(None)
        for child in kids.get(uid, ()):
            visit(child, level + 1)
        counter += 1
        r = alive[uid]
        rows[index] = (uid, r[3] if r[3] in alive else None, structure.pk, r[4], r[5], r[6],
                       type_names.get(r[7], ""), r[8], r[9], r[10], r[11], r[12], r[13],
                       level, lft, counter)

    for root in kids.get(None, ()):
        visit(root, 0)
    if srec is not None:
        return RecordedStructure(at, srec.name, srec.status, Status(srec.status).label,
                                 srec.effective_date, _nodes(rows))
    return RecordedStructure(at, structure.name, "", "", None, [])


# --- integrity ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Stored:
    """What the integrity rules read: structures, units and successions as stored rows."""

    structures: dict[int, tuple]  # pk → (pk, name, organisation, effective, based_on, status)
    wanted: set[int]  # the structures whose trees are checked
    units: list[tuple]  # (pk, parent, structure, tree, lft, rght, level, name, code)
    successions: list[tuple]  # (pk, from, to, share, from structure, to structure, names…)

    def label(self, sid: int) -> str:
        row = self.structures.get(sid)
        return f"»{row[1]}« (id {sid})" if row else f"organisering {sid}"

    def trees(self) -> dict[int, list[tuple]]:
        by_tree: dict[int, list[tuple]] = defaultdict(list)
        for row in self.units:
            by_tree[row[3]].append(row)
        return by_tree


def _stored_rows(only: int | None) -> _Stored:
    structures = {
        row[0]: row for row in Structure.objects.values_list(
            "pk", "name", "organisation_id", "effective_date", "based_on_id", "status"
        )
    }
    if only is not None:
        wanted = {only} if only in structures else set()
        unit_rows = Unit.objects.filter(Q(tree_id=only) | Q(structure_id=only))
        succ_rows = Succession.objects.filter(
            Q(from_unit__structure_id=only) | Q(to_unit__structure_id=only)
        )
    else:
        wanted = set(structures)
        unit_rows = Unit.objects.all()
        succ_rows = Succession.objects.all()
    units = sorted(
        unit_rows.values_list("pk", "parent_id", "structure_id", "tree_id", "lft", "rght",
                              "level", "name", "code"),
        key=lambda r: (r[3], r[4], r[0]),
    )
    successions = list(succ_rows.values_list(
        "pk", "from_unit_id", "to_unit_id", "share", "from_unit__structure_id",
        "to_unit__structure_id", "from_unit__name", "to_unit__name",
    ))
    return _Stored(structures, wanted, units, successions)


def _units_in_their_structure_tree(stored: _Stored) -> Iterator[str]:
    for uid, _p, structure_id, tree_id, _l, _r, _lv, name, _c in stored.units:
        if structure_id != tree_id:
            yield (f"Enheden »{name}« (id {uid}) hører til {stored.label(structure_id)}, "
                   f"men ligger i træ {tree_id}.")


def _structure_rows_valid(where: str, status: str, rows: list[tuple]) -> Iterator[str]:
    """A known status, one root, tree numbers 1..2n, codes unique."""
    from ..models import Status

    if status not in Status.values:
        yield f"{where} har en ukendt status: {status!r}."
    roots = [r for r in rows if r[1] is None]
    if len(roots) != 1:
        yield f"{where} har {len(roots)} øverste enheder; der skal være præcis én."
    numbers = sorted([r[4] for r in rows] + [r[5] for r in rows])
    if numbers != list(range(1, 2 * len(rows) + 1)):
        yield (f"{where}: træets venstre- og højrenumre er ikke 1 til {2 * len(rows)} "
               "uden huller og gentagelser.")
    codes: dict[str, str] = {}
    for row in rows:
        if row[8] and row[8] in codes:
            yield f"{where}: koden »{row[8]}« bruges af både »{codes[row[8]]}« og »{row[7]}«."
        codes.setdefault(row[8], row[7])


def _tree_nests(where: str, rows: list[tuple]) -> Iterator[str]:
    """lft < rght with an odd difference, intervals nest, parent and level as the nesting
    says."""
    stack: list[tuple] = []
    for row in rows:
        uid, parent_id, _s, _t, lft, rght, level, name, _code = row
        unit = f"{where}: enheden »{name}« (id {uid})"
        if lft >= rght or (rght - lft) % 2 == 0:
            yield f"{unit} har ugyldige trænumre ({lft}, {rght})."
        while stack and stack[-1][5] < lft:
            stack.pop()
        above = stack[-1] if stack else None
        if above is not None and rght > above[5]:
            yield f"{unit} ligger delvis uden for »{above[7]}« (id {above[0]})."
        expected_parent = above[0] if above is not None else None
        if parent_id != expected_parent:
            yield (f"{unit} har overordnet enhed id {parent_id}, "
                   f"men træet placerer den under id {expected_parent}.")
        if level != len(stack):
            yield f"{unit} har niveau {level}, men ligger i dybde {len(stack)}."
        stack.append(row)


def _one_in_force_per_date(stored: _Stored, sid: int) -> Iterator[str]:
    _pk, _name, org_id, effective, _basis, status = stored.structures[sid]
    if not lifecycle.counts_in_force(status):
        return
    for other in stored.structures.values():
        if (other[0] < sid and other[2] == org_id and other[3] == effective
                and lifecycle.counts_in_force(other[5])):
            yield (f"{stored.label(sid)} og {stored.label(other[0])} er begge gældende fra "
                   f"{effective:%d.%m.%Y}.")


def _trees_valid(stored: _Stored) -> Iterator[str]:
    by_tree = stored.trees()
    for sid in sorted(stored.wanted):
        where, rows = stored.label(sid), by_tree.get(sid, [])
        yield from _structure_rows_valid(where, stored.structures[sid][5], rows)
        yield from _tree_nests(where, rows)
        yield from _one_in_force_per_date(stored, sid)


def _successions_valid(stored: _Stored) -> Iterator[str]:
    """Shares 0-100 %, an old unit's shares in one newer structure at most 100 % in all, and
    each succession from an older structure to a newer one of the same organisation."""
    by_org: dict[int, list[Structure]] = defaultdict(list)
    for pk, _n, org_id, effective, basis, st in stored.structures.values():
        by_org[org_id].append(Structure(pk=pk, organisation_id=org_id, effective_date=effective,
                                        based_on_id=basis, status=st))
    lineages = {org_id: lineage.Lineage.among(rows) for org_id, rows in by_org.items()}
    # An old unit's staff are divided within each newer structure: alternative models
    # based on one structure each take all of it.
    outgoing: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    from_names: dict[int, tuple[str, int]] = {}
    for _pk, from_id, to_id, share, from_sid, to_sid, from_name, to_name in stored.successions:
        what = f"Overgangen fra »{from_name}« (id {from_id}) til »{to_name}« (id {to_id})"
        if share < 0 or share > HUNDRED:
            yield (f"{what} har andelen {shares.share_text(share)}; den skal være "
                   "mellem 0 og 100 %.")
        outgoing[from_id, to_sid] += share
        from_names[from_id] = (from_name, from_sid)
        old, new = stored.structures[from_sid], stored.structures[to_sid]
        if old[2] != new[2]:
            yield f"{what} går mellem to organisationer."
        elif not lineages[old[2]].is_older(old[0], new[0]):
            yield (f"{what} går ikke fra en ældre til en nyere organisering "
                   f"({stored.label(from_sid)} → {stored.label(to_sid)}).")
    for (from_id, to_sid), total in outgoing.items():
        if shares.passes_100(total):
            name, sid = from_names[from_id]
            yield (f"Enheden »{name}« (id {from_id}) i {stored.label(sid)} fordeler "
                   f"{shares.share_text(total)} af sine medarbejdere i {stored.label(to_sid)}; "
                   "højst 100 %.")


# Each rule reads the stored rows and yields its faults as Danish sentences.
INTEGRITY_RULES = (_units_in_their_structure_tree, _trees_valid, _successions_valid)


def tree_faults(structure: Structure | int | None = None) -> list[str]:
    """Every broken rule of the stored trees and successions, as Danish sentences; empty when
    all is well. Checks one structure, or every structure when none is given.

    Per structure: exactly one root; every unit's lft < rght with rght - lft odd; lft and
    rght together number 1..2n; intervals nest; level is the depth; parent_id is the unit
    the nesting puts above it; tree_id is the structure; codes unique; a valid status; no
    two structures in force from the same date. Per succession touching it: share 0-100 %,
    an old unit's shares in one newer structure summing to at most 100 % (alternative
    models each take all), and the direction from an older
    structure to a newer one of the same organisation. Three queries."""
    only = structure if isinstance(structure, int) or structure is None else structure.pk
    stored = _stored_rows(only)
    return [fault for rule in INTEGRITY_RULES for fault in rule(stored)]
