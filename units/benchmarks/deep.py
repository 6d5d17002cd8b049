"""A chain thousands of levels deep (root → child → grandchild …, one child each), measured on
the paths that walk a tree: the org chart PDF, the edit page with its pickers, the structure as
history recorded it, and the outline. Each figure is the wall time of one run and the peak
Python memory (tracemalloc) of another, so tracing does not slow the time measured."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from orgreg import pdf as renderer
from units import markup, printing, selectors, services
from units.models import Structure, Unit
from units.services.bulk import build_structure

from .measure import peak_kib, peak_rss_mb
from .synthetic import chain_rows

# line(label, seconds, peak_mib, extra="") prints one figure.
Line = Callable[..., None]


def build_chain(levels: int, *, user=None) -> Structure:
    """A draft whose units form one chain `levels` deep, built by the import's bulk service."""
    user = user or get_user_model().objects.get_or_create(username="bench")[0]
    organisation = services.create_organisation(name=f"Dyb kæde {time.time_ns()}", user=user)
    return build_structure(organisation, name=f"Kæde med {levels} niveauer",
                           effective_date=datetime.date(2025, 1, 1), rows=chain_rows(levels),
                           user=user)


def chart_pdf(structure: Structure, user, paper: str = "A4") -> tuple[int, int]:
    """Pages and bytes of the org chart PDF of `structure`."""
    options = printing.parse_chart_options({"size": paper, "orientation": "landscape"})
    chart = printing.org_chart(structure, user, options)
    data = renderer.render_pdf("units/pdf_org_chart.html", chart.context)
    return len(chart.pages), len(data)


def measure_deep(levels: int, line: Line) -> None:
    """Build a chain of `levels` units and measure the deep-tree paths on it; the caller rolls
    everything back."""
    user = get_user_model().objects.create_user(f"bench-deep-{time.time_ns()}",
                                                is_superuser=True)
    started = time.perf_counter()
    structure = build_chain(levels, user=user)
    line("build_structure (bulk)", time.perf_counter() - started, None)
    deepest = Unit.objects.filter(tree_id=structure.pk).order_by("-level").first()
    client = Client()
    client.force_login(user)
    edit_url = reverse("units:structure-edit", args=[structure.pk])
    at = timezone.now()

    def edit_page() -> int:
        response = client.get(f"{edit_url}?unit={deepest.pk}")
        if response.status_code != 200:
            raise RuntimeError(f"edit page answered {response.status_code}")
        return len(response.content)

    def outline() -> int:
        nodes = selectors.tree(structure)
        return len(markup.render_outline(nodes, badges={}, span=8))

    def as_recorded() -> int:
        return len(selectors.structure_as_recorded(structure, at).units)

    cases: list[tuple[str, Callable[[], object], Callable[[object], str]]] = [
        ("edit page (deepest unit)", edit_page, lambda r: f"{r // 1024} KiB HTML"),
        ("structure_as_recorded", as_recorded, lambda r: f"{r} units"),
        ("outline markup", outline, lambda r: f"{r // 1024} KiB HTML"),
        # Last: by far the longest.
        ("org chart PDF (A4)", lambda: chart_pdf(structure, user),
         lambda r: f"{r[0]} pages, {r[1] // 1024} KiB"),
    ]
    for label, run, describe in cases:
        started = time.perf_counter()
        result = run()
        seconds = time.perf_counter() - started
        line(label, seconds, peak_kib(run) / 1024, describe(result))
    line("process peak RSS", None, peak_rss_mb())
