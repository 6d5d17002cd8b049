"""Reliability figures: concurrent editors on one draft, then the integrity check.

N threads, each with its own database connection, run random edits through the services
(add, rename, move, merge, split, close) against one draft, with stale-version renames mixed
in: a thread notes a unit's version, another editor renames the unit, and the thread then
saves its own rename (or moves the unit) with the version it noted. The service must refuse
that save (else the other editor's rename is lost: a lost update). Moves, mergers, splits and
closures go as the edit page sends them: with a reason and the version the form was made
from. Afterwards the stored trees are checked with
units.selectors.tree_faults, the checker behind ``checktrees``.
"""

from __future__ import annotations

import datetime
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connections

from orgreg.versions import STALE_CODE, current_version
from units import selectors, services
from units.models import Structure, Unit
from units.services.bulk import build_structure

from .synthetic import balanced_rows

OPERATIONS = ("add", "rename", "move", "merge", "split", "close", "stale", "stale_move",
              "reorder")
# Roughly as many units made as removed, so the draft neither empties nor runs away.
WEIGHTS = (20, 15, 20, 10, 10, 10, 10, 5, 10)
# What an editor at a form sends with a structural change.
AS_A_FORM = {"reason": "Samtidighedsprøve", "interactive": True}


@dataclass
class EditorTally:
    """What one editor thread did."""

    done: Counter = field(default_factory=Counter)
    refused: Counter = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    stale_probes: int = 0
    lost_updates: int = 0


@dataclass(frozen=True)
class ReliabilityFigure:
    threads: int
    operations: int
    done: int
    refused: int
    errors: list[str]
    stale_probes: int
    lost_updates: int
    tree_faults: list[str]
    units_after: int
    seconds: float
    by_kind: dict[str, tuple[int, int]]  # operation → (done, refused)


class _Editor:
    """One editor's random operations against the draft, counted in `tally`."""

    def __init__(self, structure_id: int, user, other_user, seed: int):
        self.structure_id = structure_id
        self.user = user
        self.other_user = other_user
        self.rnd = random.Random(seed)
        self.tally = EditorTally()
        self.seq = 0

    def units(self) -> list[Unit]:
        return list(Unit.objects.filter(tree_id=self.structure_id).select_related("structure")
                    .order_by("lft"))

    def name(self, prefix: str) -> str:
        self.seq += 1
        return f"{prefix} {threading.get_ident() % 10_000}-{self.seq}"

    def run(self, operations: int) -> None:
        try:
            for _ in range(operations):
                kind = self.rnd.choices(OPERATIONS, WEIGHTS)[0]
                try:
                    getattr(self, f"_{kind}")()
                    self.tally.done[kind] += 1
                except (ValidationError, Unit.DoesNotExist, IndexError):
                    self.tally.refused[kind] += 1
                except DatabaseError as error:
                    self.tally.errors.append(f"{kind}: {error}")
        finally:
            connections.close_all()

    def _pick(self, *, root: bool = False) -> Unit:
        units = self.units()
        if not root:
            units = [u for u in units if u.parent_id is not None]
        return self.rnd.choice(units)

    def _add(self) -> None:
        services.add_unit(self._pick(root=True), name=self.name("Ny"), user=self.user,
                          headcount=self.rnd.randint(0, 20))

    def _rename(self) -> None:
        services.update_unit(self._pick(root=True), name=self.name("Omdøbt"), user=self.user)

    def _move(self) -> None:
        units = self.units()
        unit = self.rnd.choice([u for u in units if u.parent_id is not None])
        services.move_unit(unit, self.rnd.choice(units), user=self.user,
                           expected_version=current_version(unit), **AS_A_FORM)

    def _merge(self) -> None:
        units = [u for u in self.units() if u.parent_id is not None]
        first, second = self.rnd.sample(units, 2)
        services.merge_units([first, second], into=first, user=self.user,
                             expected_version=current_version(first), **AS_A_FORM)

    def _split(self) -> None:
        unit = self._pick()
        services.split_unit(unit, [{"name": self.name("Del A"), "share": 50},
                                   {"name": self.name("Del B"), "share": 50}], user=self.user,
                            expected_version=current_version(unit), **AS_A_FORM)

    def _close(self) -> None:
        unit = self._pick()
        parent = Unit.objects.select_related("structure").get(pk=unit.parent_id)
        services.close_unit(unit, user=self.user, transfer_children_to=parent,
                            expected_version=current_version(unit), **AS_A_FORM)

    def _reorder(self) -> None:
        unit = self._pick()
        services.reorder_unit(unit, step=self.rnd.choice((-1, 1)), user=self.user)

    def _stale(self) -> None:
        """A stale rename: the version noted, another editor renames, then the save with the
        noted version must be refused and the other editor's name kept."""
        unit = self._pick(root=True)
        noted = current_version(unit)
        theirs = self.name("Deres navn")
        services.update_unit(unit, name=theirs, user=self.other_user)
        self.tally.stale_probes += 1
        mine = self.name("Mit forældede navn")
        try:
            services.update_unit(unit, name=mine, user=self.user, expected_version=noted)
        except ValidationError as error:
            if getattr(error, "code", None) != STALE_CODE:
                raise
        else:
            self.tally.lost_updates += 1
            return
        stored = Unit.objects.filter(pk=unit.pk).values_list("name", flat=True).first()
        if stored == mine:
            self.tally.lost_updates += 1


    def _stale_move(self) -> None:
        """A stale move: the version noted, another editor renames the unit, then the move
        with the noted version must be refused and the unit stay where it was."""
        units = self.units()
        unit = self.rnd.choice([u for u in units if u.parent_id is not None])
        target = self.rnd.choice(units)
        noted = current_version(unit)
        services.update_unit(unit, name=self.name("Deres navn"), user=self.other_user)
        self.tally.stale_probes += 1
        try:
            services.move_unit(unit, target, user=self.user, expected_version=noted,
                               **AS_A_FORM)
        except ValidationError as error:
            if getattr(error, "code", None) != STALE_CODE:
                raise
        else:
            self.tally.lost_updates += 1


def measure_reliability(*, threads: int, operations: int, units: int = 200,
                        seed: int = 11) -> ReliabilityFigure:
    """Run `threads` editors of `operations` random edits each against one draft of `units`
    units (committed: the caller provides a throwaway database), then check every stored
    tree."""
    User = get_user_model()
    stamp = time.time_ns()
    owner = User.objects.create_user(f"pålidelighed-{stamp}")
    organisation = services.create_organisation(name=f"Pålidelighed {stamp}", user=owner)
    structure: Structure = build_structure(
        organisation, name="Samtidige redaktører", effective_date=datetime.date(2026, 1, 1),
        rows=balanced_rows(units), user=owner)
    editors = [
        _Editor(structure.pk, User.objects.create_user(f"redaktør-{i}-{stamp}"),
                User.objects.create_user(f"anden-redaktør-{i}-{stamp}"), seed + i)
        for i in range(threads)
    ]
    workers = [threading.Thread(target=e.run, args=(operations,)) for e in editors]
    started = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    seconds = time.perf_counter() - started
    done: Counter = Counter()
    refused: Counter = Counter()
    for e in editors:
        done += e.tally.done
        refused += e.tally.refused
    return ReliabilityFigure(
        threads=threads, operations=threads * operations, done=sum(done.values()),
        refused=sum(refused.values()), errors=[m for e in editors for m in e.tally.errors],
        stale_probes=sum(e.tally.stale_probes for e in editors),
        lost_updates=sum(e.tally.lost_updates for e in editors),
        tree_faults=selectors.tree_faults(),
        units_after=Unit.objects.filter(tree_id=structure.pk).count(), seconds=seconds,
        by_kind={k: (done[k], refused[k]) for k in OPERATIONS},
    )

