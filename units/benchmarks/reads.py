"""The read and copy paths measured on one synthetic size, each beside a floor measured in
the same run on the same rows: a raw SQL fetch for reads, a plain bulk insert for the copy."""

from __future__ import annotations

import datetime
import statistics
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model

from units import selectors, services
from units.models import Organisation, Structure, Unit
from units.services.bulk import build_structure

from .floors import raw_fetch
from .measure import peak_kib, rolled_back, timed, timed_against
from .pages import measure_pages
from .synthetic import balanced_rows

# line(label, ms, queries=None, floor=None, extra="") prints one figure.
Line = Callable[..., None]

def _bulk_insert_ms(nodes, user) -> float:
    """ms for one bulk insert of the same unit rows into a throwaway tree (rolled back)."""
    def insert() -> float:
        floor_org = Organisation.objects.create(name=f"Floor {time.time_ns()}")
        target = services.create_structure(floor_org, name="Floor", user=user,
                                           effective_date=datetime.date(2025, 1, 1))
        Unit.objects.filter(tree_id=target.pk).delete()
        units = [
            Unit(structure_id=target.pk, tree_id=target.pk, parent_id=n.parent_id, lft=n.lft,
                 rght=n.rght, level=n.level, name=n.name, code=n.code, headcount=n.headcount,
                 category=n.category, leader_title=n.leader_title, leader_name=n.leader_name)
            for n in nodes
        ]
        begin = time.perf_counter()
        Unit.objects.bulk_create(units, batch_size=2000)
        return (time.perf_counter() - begin) * 1000

    return rolled_back(insert)


def _copy(old: Structure, user, repeat: int, nodes, line: Line) -> Structure:
    floor = statistics.median(_bulk_insert_ms(nodes, user) for _ in range(max(1, repeat // 2)))
    copies: list[Structure] = []

    def do_copy() -> Structure:
        copies.append(services.copy_structure(
            old, name=f"Kopi {len(copies)}", effective_date=datetime.date(2025, 1, 1),
            user=user))
        return copies[-1]

    ms, queries, new = timed(do_copy, max(1, repeat // 2))
    line("copy_structure", ms, queries, floor)
    return new


def measure_reads(size: int, repeat: int, line: Line) -> None:
    """Build a structure of `size` units and measure tree, copy_structure, compare and
    placement (one and two steps) on it; the caller rolls everything back."""
    user, _ = get_user_model().objects.get_or_create(username="bench")
    org = Organisation.objects.create(name=f"Benchmark {size} {time.time_ns()}")
    start = time.perf_counter()
    old = build_structure(org, name="Gammel", effective_date=datetime.date(2024, 1, 1),
                          rows=balanced_rows(size), user=user)
    line("build_structure (bulk)", (time.perf_counter() - start) * 1000)
    services.set_status(old, "published", user=user)

    floor_tree, _, _ = timed(lambda: raw_fetch(old.pk), repeat)
    t_tree, q_tree, nodes = timed(lambda: selectors.tree(old), repeat)
    line("tree", t_tree, q_tree, floor_tree,
         f"peak {peak_kib(lambda: selectors.tree(old)):,.0f} KiB")

    new = _copy(old, user, repeat, nodes, line)
    # Make the copy differ a little so compare has work to do.
    deep = Unit.objects.filter(tree_id=new.pk).order_by("-level", "lft").first()
    target = Unit.objects.filter(tree_id=new.pk, level=1).order_by("-lft").first()
    services.move_unit(deep, target, user=user)
    got = timed_against(lambda: selectors.compare(old, new),
                        lambda: (raw_fetch(old.pk), raw_fetch(new.pk)), repeat)
    line("compare", got.ms, got.queries, got.floor_ms,
         f"cpu {got.cpu_ratio:4.1f}x; moved={got.result.counts['moved']}")  # type: ignore[attr-defined]

    # placement through two steps: old → new → newer.
    services.set_status(new, "published", user=user)
    # The pages, as a user who sees every structure (rolled back with the rest).
    user.is_superuser = True
    user.save(update_fields=["is_superuser"])
    measure_pages(old, new, user, repeat, line)
    newer = services.copy_structure(new, name="Nyere", effective_date=datetime.date(2026, 1, 1),
                                    user=user)
    probe = Unit.objects.filter(tree_id=old.pk).order_by("-level", "-lft").first()
    t_pl, q_pl, placed = timed(lambda: selectors.placement(probe, newer), repeat)
    line("placement (2 trin)", t_pl, q_pl, extra=f"{len(placed)} resultat")
    t_pl1, q_pl1, _ = timed(lambda: selectors.placement(probe, new), repeat)
    line("placement (1 trin)", t_pl1, q_pl1)
