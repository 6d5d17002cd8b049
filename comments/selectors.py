"""Reads of comments and høringssvar, always narrowed by orgreg.roles (`Policy.comments`), in a
fixed number of queries whatever the number of comments or units."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from med.models import Consultation, Membership
from orgreg.roles import policy
from orgreg.text import danish_sort_key
from units.models import Structure, Unit

from .models import Comment


def _visible(user) -> QuerySet:
    # A unit's name, not its place in the tree: reading a comment is not reading the tree
    # (whose reads the chart and compare caches spare).
    return (policy(user).comments().select_related("unit", "body", "handled_by")
            .defer("unit__lft", "unit__rght", "unit__level", "unit__tree_id"))


@dataclass(frozen=True)
class UnitComments:
    """The comments about one unit (None: about the whole structure), oldest first."""

    unit: Unit | None
    comments: list[Comment]

    @property
    def open_count(self) -> int:
        return sum(1 for c in self.comments if not c.is_handled)


def _grouped(comments: list[Comment]) -> list[UnitComments]:
    """Structure-level first, then per unit: the older structure's first, by name."""
    groups: dict[int | None, list[Comment]] = {}
    units: dict[int | None, Unit | None] = {None: None}
    for c in comments:
        groups.setdefault(c.unit_id, []).append(c)
        units[c.unit_id] = c.unit
    def place(key: int | None) -> tuple[bool, int, str]:
        unit = units[key]
        return (False, 0, "") if unit is None else (True, unit.structure_id,
                                                     danish_sort_key(unit.name))

    order = sorted(groups, key=place)
    return [UnitComments(units[k], groups[k]) for k in order]


@dataclass(frozen=True)
class Answerable:
    """A consultation the user may answer on its body's behalf, and the signing membership."""

    consultation: Consultation
    membership: Membership


@dataclass(frozen=True)
class StructureComments:
    structure: Structure
    groups: list[UnitComments]
    can_comment: bool
    answerable: list[Answerable] = field(default_factory=list)
    units: list[tuple[int, str]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return sum(len(g.comments) for g in self.groups)


def structure_comments(structure: Structure, user) -> StructureComments:
    """The comments page of a structure: what the user may see of its comments, grouped by
    unit; whether they may comment; the consultations they may answer for a body; the units to
    comment on. At most four queries."""
    rules = policy(user)
    comments = list(_visible(user).filter(structure=structure))
    can_comment = rules.can_comment_on(structure)
    answerable: list[Answerable] = []
    units: list[tuple[int, str]] = []
    if can_comment:
        body_ids = {m.body_id for m in rules.current_memberships}
        if body_ids:
            for c in (structure.consultations.filter(body_id__in=body_ids, answer__isnull=True,
                                                     responded_on__isnull=True)
                      .select_related("body", "structure")):
                membership = rules.membership_to_answer(c)
                if membership is not None:
                    answerable.append(Answerable(c, membership))
        units = list(Unit.objects.filter(tree_id=structure.pk).order_by("lft")
                     .values_list("pk", "name"))
    return StructureComments(structure, _grouped(comments), can_comment, answerable, units)


def unit_comments(unit: Unit, user) -> list[Comment]:
    """The comments the user may see about `unit` and about the units it continues (its
    predecessors, e.g. the consulted draft it was copied from): what an editor works through
    on the edit page. One query."""
    return list(_visible(user).filter(Q(unit=unit) | Q(unit__successions_out__to_unit=unit))
                .distinct().order_by("created_at", "pk"))


def structure_level_comments(structure: Structure, user) -> list[Comment]:
    """The comments the user may see about `structure` as a whole and about the structure it
    was based on. One query."""
    ids = [structure.pk] + ([structure.based_on_id] if structure.based_on_id else [])
    return list(_visible(user).filter(structure_id__in=ids, unit__isnull=True))


def compared_comments(old: Structure, new: Structure, user) -> list[UnitComments]:
    """The comments the user may see on either of two compared structures, grouped by unit
    (structure-level first, then the older structure's units, then the newer's). One query."""
    return _grouped(list(_visible(user).filter(structure_id__in={old.pk, new.pk})))


def comment_counts(structure: Structure, user) -> tuple[int, int]:
    """(all, not yet handled) of the comments the user may see on `structure`. One query."""
    rows = list(policy(user).comments().filter(structure=structure)
                .values_list("handled_at", flat=True))
    return len(rows), sum(1 for r in rows if r is None)
