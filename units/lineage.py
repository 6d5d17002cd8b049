"""Which structure descends from which, and which is in force: the one home of those rules.

A structure is copied from the structure it is ``based_on``; following those links gives a
structure's line back to the first structure of its organisation. An organisation has few
structures (tens, not thousands), so its structures are read once, in one query, into a
``Lineage`` and every question is answered from that in memory, whatever the length of the
chain.

Rules kept here:

* the chain from one structure back to another follows ``based_on`` only (alternative
  models based on one structure are not on each other's line);
* a succession may lead from an older structure to a newer one: the older lies on the
  newer's line, or takes effect before it;
* structures follow one another in time by effective date, then by creation (pk);
* the structure in force on a date D is the approved or published structure of the
  organisation with the latest effective date on or before D (the later created one when
  two share that date).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from orgreg import clock

from . import lifecycle
from .models import Organisation, Structure

StructureRef = Structure | int


def _pk(structure: StructureRef) -> int:
    return structure if isinstance(structure, int) else structure.pk


def order_key(structure: Structure) -> tuple[datetime.date, int]:
    """The order structures follow one another in: effective date, then creation (pk)."""
    return (structure.effective_date, structure.pk)


@dataclass(frozen=True, eq=False)
class Lineage:
    """Structures and their ``based_on`` links, read once; answers from memory.

    Built with ``Lineage.of(organisation)`` (every structure of the organisation, one
    query) or ``Lineage.among(structures)`` (structures already loaded, no query; links to
    structures outside them are not followed). Read-only: the structures it holds are
    shared with the caller and must not be changed through it."""

    structures: Mapping[int, Structure]
    _children: Mapping[int, tuple[int, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "structures", MappingProxyType(dict(self.structures)))
        children: dict[int, list[int]] = defaultdict(list)
        for s in sorted(self.structures.values(), key=order_key):
            if s.based_on_id is not None:
                children[s.based_on_id].append(s.pk)
        object.__setattr__(self, "_children", MappingProxyType(
            {pk: tuple(kids) for pk, kids in children.items()}))

    # --- building --------------------------------------------------------------------

    @classmethod
    def of(cls, organisation: Organisation | int) -> Lineage:
        """Every structure of `organisation` with its links. One query."""
        # Unordered: the order is order_key's, applied in memory.
        if isinstance(organisation, Organisation):
            rows = list(Structure.objects.filter(organisation_id=organisation.pk).order_by())
            for s in rows:
                s.organisation = organisation
        else:
            rows = list(Structure.objects.filter(organisation_id=organisation)
                        .select_related("organisation").order_by())
        return cls.among(rows)

    @classmethod
    def among(cls, structures: Iterable[Structure]) -> Lineage:
        """A lineage of structures already at hand (one organisation's). No query."""
        return cls({s.pk: s for s in structures})

    # --- looking up ------------------------------------------------------------------

    def __contains__(self, structure: object) -> bool:
        if isinstance(structure, (Structure, int)):
            return _pk(structure) in self.structures
        return False

    def __iter__(self) -> Iterator[Structure]:
        return iter(sorted(self.structures.values(), key=order_key))

    def __len__(self) -> int:
        return len(self.structures)

    def get(self, structure: StructureRef) -> Structure | None:
        """The structure with this pk, or None when the lineage does not hold it."""
        return self.structures.get(_pk(structure))

    def basis(self, structure: StructureRef) -> Structure | None:
        """The structure `structure` was based on, when the lineage holds both."""
        found = self.get(structure)
        return self.get(found.based_on_id) if found and found.based_on_id else None

    # --- the line --------------------------------------------------------------------

    def line(self, structure: StructureRef) -> list[int]:
        """The pks of `structure` and every structure it was based on, newest first. Stops at
        a link out of the lineage, and at a cycle (which only a broken database holds)."""
        pk = _pk(structure)
        found, seen = [pk], {pk}
        node = self.structures.get(pk)
        while node is not None and node.based_on_id is not None and node.based_on_id not in seen:
            found.append(node.based_on_id)
            seen.add(node.based_on_id)
            node = self.structures.get(node.based_on_id)
        return found

    def ancestry(self, structure: StructureRef) -> list[Structure]:
        """Every structure `structure` descends from (its basis, the basis's basis …),
        nearest first; only those the lineage holds."""
        return [self.structures[pk] for pk in self.line(structure)[1:] if pk in self.structures]

    def descends_from(self, structure: StructureRef, ancestor: StructureRef) -> bool:
        """Whether `structure` was based on `ancestor` over any number of steps (a structure
        does not descend from itself)."""
        pk = _pk(ancestor)
        return pk != _pk(structure) and pk in self.line(structure)

    def chain(self, new: StructureRef, old: StructureRef) -> list[int] | None:
        """The pks from `old` to `new` along based_on, oldest first (``[pk]`` when they are
        the same structure), or None when `new` does not descend from `old`."""
        line = self.line(new)
        old_pk = _pk(old)
        if old_pk not in line:
            return None
        return list(reversed(line[:line.index(old_pk) + 1]))

    def descendants(self, structure: StructureRef) -> list[Structure]:
        """Every structure based on `structure` over any number of steps, in the order they
        follow one another (effective date, then creation)."""
        start = _pk(structure)
        found: list[Structure] = []
        seen, todo = {start}, [start]
        while todo:
            for child in self._children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
                    found.append(self.structures[child])
        return sorted(found, key=order_key)

    # --- older and newer -------------------------------------------------------------

    def is_older(self, older: StructureRef, newer: StructureRef) -> bool:
        """Whether a succession may lead from `older` to `newer`: two structures of this
        lineage where `older` lies on `newer`'s line, or takes effect before it (a structure
        is not older than itself)."""
        a, b = self.get(older), self.get(newer)
        if a is None or b is None or a.pk == b.pk:
            return False
        return self.descends_from(b, a) or a.effective_date < b.effective_date

    # --- in force --------------------------------------------------------------------

    def in_force(self, on_date: datetime.date | None = None) -> Structure | None:
        """The structure in force on `on_date` (today by default): approved or published,
        with the latest effective date on or before it, the later created one on a tie;
        None when none is in force yet."""
        on_date = on_date or clock.today()
        candidates = [s for s in self.structures.values()
                      if lifecycle.counts_in_force(s.status) and s.effective_date <= on_date]
        return max(candidates, key=order_key, default=None)

    def replaced_by(self, structure: StructureRef, on_date: datetime.date | None = None
                    ) -> Structure | None:
        """The structure that took over from `structure` as the one in force, by `on_date`
        (today by default): of the decided structures that follow it and have taken effect,
        the one in force on the first of their dates. None for a structure not decided, or
        when nothing after it has taken effect."""
        found = self.get(structure)
        if found is None or not lifecycle.counts_in_force(found.status):
            return None
        on_date = on_date or clock.today()
        after = [s.effective_date for s in self.structures.values()
                 if lifecycle.counts_in_force(s.status) and order_key(s) > order_key(found)
                 and s.effective_date <= on_date]
        return self.in_force(min(after)) if after else None


def structure_in_force(organisation: Organisation | int,
                       on_date: datetime.date | None = None) -> Structure | None:
    """The structure of `organisation` in force on `on_date` (today by default), with its
    organisation loaded; see ``Lineage.in_force``. One query."""
    return Lineage.of(organisation).in_force(on_date)


def structure_chain(new: Structure, old: StructureRef) -> list[int] | None:
    """The structure pks from `old` to `new` following based_on, oldest first, or None when
    `new` does not descend from `old`; see ``Lineage.chain``. One query."""
    if _pk(old) == new.pk:
        return [new.pk]
    return Lineage.of(new.organisation_id).chain(new, old)
