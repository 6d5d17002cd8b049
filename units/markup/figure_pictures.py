"""The pictures of key figures set side by side (before and after, the basis and each model):
staff per category as grouped bars, both spans of control as histograms, and the units per
level as a layer profile. Built from units.selectors.figures' KeyFigures by
units.markup.pictures; the same pictures on the page and in the PDF."""

from __future__ import annotations

from collections.abc import Sequence

from units.selectors import KeyFigures, Span

from .pictures import Picture, Series, grouped_bars, histogram, layer_profile


def _bins(edges: Sequence[int], low: int) -> list[tuple[int, int | None]]:
    """Bins from `low` up to each edge in turn, then one open above the last."""
    bins: list[tuple[int, int | None]] = []
    start = low
    for edge in sorted(set(edges)):
        if edge >= start:
            bins.append((start, edge))
            start = edge + 1
    bins.append((start, None))
    return bins


def _bin_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}–{high}"


def _binned(span: Span, bins: list[tuple[int, int | None]]) -> tuple[int, ...]:
    counts = [0] * len(bins)
    for line in span.distribution:
        value = int(line.key)
        for i, (low, high) in enumerate(bins):
            if value >= low and (high is None or value <= high):
                counts[i] += line.count
                break
    return tuple(counts)


def span_bins(span: Span, *, people: bool) -> list[tuple[int, int | None]]:
    """The histogram's bins of a span: round steps, with the threshold as an edge, so that the
    leaders above it are the bars right of it."""
    t = span.threshold
    if people:
        return _bins([10, 20, t, 2 * t], 0)
    return _bins([2, 5, t, 2 * t], 1)


def figure_pictures(figures: Sequence[KeyFigures], names: Sequence[str]) -> list[Picture]:
    """The four pictures of `figures`, one series each, named by `names` ("Før", "Efter";
    the structures' names)."""
    first = figures[0]
    categories = [(s.category, s.label) for s in first.staff
                  if s.category or any(f.staff_of(s.category).headcount for f in figures)]
    staff = grouped_bars(
        "Medarbejdere pr. kategori", categories,
        [Series(name, tuple(f.staff_of(c).headcount for c, _ in categories))
         for name, f in zip(names, figures, strict=True)],
        unit="antal medarbejdere", corner="Kategori")
    pictures = [staff]
    for people, attr, title, axis in (
            (False, "units_per_leader", "Direkte underenheder pr. leder",
             "Direkte underenheder under lederens enhed"),
            (True, "people_per_leader", "Medarbejdere pr. leder",
             "Medarbejdere under lederen")):
        bins = span_bins(getattr(first, attr), people=people)
        labels = [_bin_label(low, high) for low, high in bins]
        pictures.append(histogram(
            f"{title}: antal ledere", labels,
            [Series(name, _binned(getattr(f, attr), bins))
             for name, f in zip(names, figures, strict=True)],
            unit="antal ledere", corner=title, axis_label=axis))
    depth = max((c.key for f in figures for c in f.by_level), default=-1)
    levels = [f"Niveau {d + 1}" for d in range(int(depth) + 1)]
    by_level = [{c.key: c.count for c in f.by_level} for f in figures]
    pictures.append(layer_profile(
        "Enheder pr. niveau", levels,
        [Series(name, tuple(counts.get(d, 0) for d in range(len(levels))))
         for name, counts in zip(names, by_level, strict=True)],
        unit="antal enheder", corner="Niveau"))
    return pictures
