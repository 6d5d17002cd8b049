"""The key figures of a large structure (units.selectors.figures) beside the floor the issue
sets them against: a raw fetch of the same rows through the ORM
(``list(Unit.objects.filter(structure=…).values_list(…))``), run by turns with it so both meet
the same load. Also: the figures of one area (a unit scope), as a viewer, from the cache
(warm), and computed from a tree already read (no query: the pure Python part)."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache

from orgreg import roles
from units import markup, selectors, services
from units.models import Organisation, Unit
from units.services.bulk import build_structure

from .measure import timed, timed_against
from .synthetic import forvaltning_rows

Line = Callable[..., None]

# The rows the figures read, as a plain ORM fetch.
ROW_FIELDS = ("id", "parent_id", "name", "level", "unit_type__name", "category",
              "leader_title", "leader_name", "headcount", "fte", "lft", "rght", "code")


def raw_rows(structure_id: int) -> list[tuple]:
    return list(Unit.objects.filter(structure=structure_id).values_list(*ROW_FIELDS))


def measure_figures(size: int, repeat: int, line: Line) -> None:
    """Build a published structure of `size` units and time its key figures; the caller
    rolls everything back. (No MED bodies: units builds none, med being another app; the
    coverage is one small query and a walk that is part of every run.)"""
    user, _ = get_user_model().objects.get_or_create(username="bench-figures")
    user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    org = Organisation.objects.create(name=f"Benchmark nøgletal {size} {time.time_ns()}")
    structure = build_structure(org, name="Nøgletal", effective_date=datetime.date(2026, 1, 1),
                                rows=forvaltning_rows(size), user=user)
    areas = list(Unit.objects.filter(tree_id=structure.pk, level=1).order_by("lft"))
    structure = services.set_status(structure, "published", user=user)
    viewer = roles.Policy(user)
    viewer.is_editor  # noqa: B018 - the groups are read before timing

    got = timed_against(lambda: selectors.structure_figures(structure),
                        lambda: raw_rows(structure.pk), repeat)
    figures = got.result
    line("structure_figures", got.ms, got.queries, got.floor_ms,
         f"cpu {got.cpu_ratio:4.1f}x; {figures.units} enheder, {figures.leaders} ledere, "  # type: ignore[attr-defined]
         f"{figures.layers} niveauer")  # type: ignore[attr-defined]
    got = timed_against(lambda: selectors.structure_figures(structure, viewer=viewer),
                        lambda: raw_rows(structure.pk), repeat)
    line("  som redaktør", got.ms, got.queries, got.floor_ms, f"cpu {got.cpu_ratio:4.1f}x")
    area = areas[0]
    ms, queries, scoped = timed(lambda: selectors.structure_figures(structure, under=area),
                                repeat)
    line("  ét område (scope)", ms, queries, extra=f"{scoped.units} enheder")
    cache.clear()
    markup.cached_figures(structure, viewer=viewer)
    ms, queries, _ = timed(lambda: markup.cached_figures(structure, viewer=viewer), repeat)
    line("  fra cachen (varm)", ms, queries)
    nodes = selectors.tree(structure)
    ms, queries, _ = timed(lambda: selectors.figures_from_nodes(
        nodes, structure_id=structure.pk), repeat)
    line("  figures_from_nodes (kun Python)", ms, queries)
