"""Pictures of key figures as SVG, written by hand on the server: grouped bars (staff per
category, old beside new), a histogram (the span of control) and a layer profile (units per
level, one centred bar per level, the outline of a structure's shape).

Why hand-written SVG and no plotting library: the pictures are a few rectangles, lines and
labels each; written here they come out exactly as wanted on the screen and in WeasyPrint's
PDFs alike (WeasyPrint draws inline SVG itself, and draws no script), they need no
JavaScript, and the site's strict Content-Security-Policy holds: no ``style=`` attribute, no
inline ``<style>``, only SVG presentation attributes and the classes of the static CSS.

Each picture is generic: labels, one or more series of values. Series are told apart by more
than colour (WCAG 2.1 1.4.1): by their fill (light, dark, light with a dashed edge, white
with a dotted one), their place, the legend that names them in words, and the number written
on every bar. Categories keep their colours from the chart (static/css/orgreg.css, the same
values as `CATEGORY_COLOURS`). Every picture is an ``<svg role="img">`` named by its title
and its numbers in words (`Picture.text`), and comes with its data as a table (`Picture.head`
and `Picture.rows`, shown beside it by templates/units/_picture.html). Every text is escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString

from orgreg.text import danish_number

from .html import safe

Number = int | float | Decimal

# Category → (light fill, edge): the chart boxes' colours (--drift, --drift-edge … in
# static/css/orgreg.css); "" is a unit without a category.
CATEGORY_COLOURS: dict[str, tuple[str, str]] = {
    "drift": ("#e3f0e6", "#2e7d4a"),
    "administration": ("#e5ebf8", "#2f55a4"),
    "stab": ("#f8ecd6", "#a1620b"),
    "myndighed": ("#f4e2ee", "#8c2f6b"),
    "": ("#f2f3f5", "#6b7480"),
}
# Pictures without categories: one neutral light and one accent edge (--bg, --accent).
NEUTRAL = ("#dde3ea", "#1a5296")
INK, MUTED, GRID = "#1d2530", "#4f5965", "#c9d1db"
FONT = "Orgreg Sans, DejaVu Sans, sans-serif"

# How series i is drawn, beside its colours (light, edge): (fill, stroke, dash); the fill and
# the stroke name "light", "edge" or a colour. After the fourth the styles repeat.
SERIES_STYLES = (
    ("light", "edge", ""),
    ("edge", "edge", ""),
    ("light", "edge", "4 2"),
    ("#ffffff", "edge", "1.5 1.5"),
)

# A glyph of DejaVu Sans is about 0.6 em wide on average (a little less for digits): enough to
# leave room for labels without measuring them.
CHAR_EM = 0.6


@dataclass(frozen=True)
class Series:
    """One row of values across a picture's labels: the structure before, after, a model."""

    label: str
    values: tuple[Number, ...]


@dataclass(frozen=True)
class Picture:
    """One picture: its title, the SVG markup (escaped), its text alternative (the title and
    every number in words) and its data as a table (`head` the column heads, `rows` a label
    and a formatted value per series)."""

    title: str
    svg: SafeString
    text: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, tuple[str, ...]], ...]
    kind: str


def _fmt(value: Number, decimals: int | None) -> str:
    return danish_number(value, decimals)


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_EM


def _nice_top(value: float) -> tuple[float, float]:
    """(top, step) of an axis from 0 to at least `value`, in 4–6 round steps (1, 2, 2.5, 5
    times a power of ten)."""
    if value <= 0:
        return 1.0, 1.0
    raw = value / 5
    power = 10 ** math.floor(math.log10(raw))
    # Counts get whole steps (no 2.5 or 12.5 on an axis of people).
    whole = float(value).is_integer()
    steps = (1, 2, 5, 10) if whole else (1, 2, 2.5, 5, 10)
    step = next(m * power for m in steps if m * power >= raw)
    if step < 1 and whole:
        step = 1.0
    return math.ceil(value / step) * step, step


def _num(value: float) -> str:
    """A coordinate: one decimal at most, no trailing zeros."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _series_paint(index: int, colours: tuple[str, str]) -> dict[str, str]:
    fill, stroke, dash = SERIES_STYLES[index % len(SERIES_STYLES)]
    light, edge = colours
    pick = {"light": light, "edge": edge}
    paint = {"fill": pick.get(fill, fill), "stroke": pick.get(stroke, stroke),
             "stroke-width": "1.2"}
    if dash:
        paint["stroke-dasharray"] = dash
    return paint


def _attrs(**attrs: str | float) -> str:
    out = []
    for key, value in attrs.items():
        name = key.rstrip("_").replace("_", "-")
        shown = _num(value) if isinstance(value, float | int) else escape(str(value))
        out.append(f'{name}="{shown}"')
    return " ".join(out)


def _rect(x: float, y: float, w: float, h: float, paint: dict[str, str], cls: str,
          data: str = "") -> str:
    extra = f' data-value="{escape(data)}"' if data else ""
    painted = " ".join(f'{k}="{escape(v)}"' for k, v in paint.items())
    return (f'<rect class="{cls}" {_attrs(x=x, y=y, width=max(w, 0.0), height=max(h, 0.0))} '
            f'{painted}{extra}/>')


def _label(x: float, y: float, text: str, *, size: float = 11, anchor: str = "middle",
           cls: str = "picture-label", fill: str = INK, bold: bool = False) -> str:
    weight = ' font-weight="bold"' if bold else ""
    return (f'<text class="{cls}" {_attrs(x=x, y=y)} font-size="{_num(size)}" '
            f'text-anchor="{anchor}" fill="{fill}" font-family="{FONT}"{weight}>'
            f"{escape(text)}</text>")


def _svg(kind: str, title: str, text: str, width: float, height: float, body: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="picture-svg picture-{kind}" '
            f'role="img" aria-label="{escape(text)}" width="{_num(width)}" '
            f'height="{_num(height)}" viewBox="0 0 {_num(width)} {_num(height)}">'
            f"<title>{escape(title)}</title><desc>{escape(text)}</desc>"
            + "".join(body) + "</svg>")


def _words(title: str, labels: Sequence[str], series: Sequence[Series],
           formatted: list[list[str]], unit: str) -> str:
    """The text alternative: "Medarbejdere pr. kategori (antal medarbejdere). Drift: Før
    120, Efter 130. Stab: …" — every number of the picture."""
    unit_text = f" ({unit})" if unit else ""
    if len(series) == 1:
        parts = [f"{label}: {formatted[0][i]}" for i, label in enumerate(labels)]
        return f"{title}{unit_text}, {series[0].label}. " + ". ".join(parts) + "."
    parts = [f"{label}: " + ", ".join(f"{s.label} {formatted[j][i]}"
                                      for j, s in enumerate(series))
             for i, label in enumerate(labels)]
    return f"{title}{unit_text}. " + ". ".join(parts) + "."


def _table(labels: Sequence[str], series: Sequence[Series], formatted: list[list[str]],
           corner: str) -> tuple[tuple[str, ...], tuple[tuple[str, tuple[str, ...]], ...]]:
    head = (corner, *(s.label for s in series))
    rows = tuple((label, tuple(formatted[j][i] for j in range(len(series))))
                 for i, label in enumerate(labels))
    return head, rows


def _checked(labels: Sequence[str], series: Sequence[Series]) -> None:
    if not series:
        raise ValueError("a picture needs at least one series")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for "
                             f"{len(labels)} labels")
        if any(v < 0 for v in s.values):
            raise ValueError("values must not be negative")


LEGEND_ROW = 16.0
# A longer name is cut in the legend (with "…"); the table beside the picture has it whole.
LEGEND_CHARS = 70


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(series: Sequence[Series], colours: tuple[str, str], x: float, y: float) -> list[str]:
    """One swatch and name per series, one line each from (x, y) down: long structure names
    have room."""
    out = ['<g class="picture-legend">']
    for i, s in enumerate(series):
        row_y = y + LEGEND_ROW * i
        out.append(_rect(x, row_y - 9, 14, 10, _series_paint(i, colours), "picture-swatch"))
        out.append(_label(x + 19, row_y, _short(s.label, LEGEND_CHARS), anchor="start",
                          size=11))
    out.append("</g>")
    return out


def _columns(kind: str, title: str, labels: Sequence[str], series: Sequence[Series], *,
             colours: Sequence[tuple[str, str]], unit: str, corner: str,
             decimals: int | None, gap_ratio: float, axis_label: str = "") -> Picture:
    """Vertical bars: per label a group of one bar per series."""
    _checked(labels, series)
    formatted = [[_fmt(v, decimals) for v in s.values] for s in series]
    text = _words(title, labels, series, formatted, unit)
    top, step = _nice_top(float(max((v for s in series for v in s.values), default=0)))
    tick_texts = [_fmt(step * k, None) for k in range(int(round(top / step)) + 1)]
    left = 12 + max(_text_width(t, 10) for t in tick_texts)
    group_w = max(34.0, 14.0 * len(series) + 12,
                  *(_text_width(label, 10.5) + 8 for label in labels))
    legend_w = (left + 19 + max(_text_width(_short(s.label, LEGEND_CHARS), 11) for s in series)
                if len(series) > 1 else 0.0)
    width = max(320.0, left + 10 + group_w * len(labels), min(legend_w + 8, 640.0))
    legend_h = LEGEND_ROW * len(series) + 8 if len(series) > 1 else 0.0
    plot_top, plot_h = 22.0 + legend_h, 180.0
    base = plot_top + plot_h
    height = base + (44 if axis_label else 28)
    body: list[str] = []
    if len(series) > 1:
        body += _legend(series, colours[0] if len(set(colours)) == 1 else NEUTRAL_GREY,
                        left, 16)
    body.append('<g class="picture-axis">')
    for k, tick in enumerate(tick_texts):
        y = base - plot_h * (step * k) / top
        body.append(f'<line {_attrs(x1=left, y1=y, x2=width - 4, y2=y)} stroke="{GRID}" '
                    'stroke-width="0.8"/>')
        body.append(_label(left - 4, y + 3.5, tick, size=10, anchor="end", fill=MUTED,
                           cls="picture-tick"))
    body.append("</g>")
    inner = group_w * (1 - gap_ratio)
    bar_w = inner / len(series)
    for i, label in enumerate(labels):
        x0 = left + 5 + group_w * i + (group_w - inner) / 2
        body.append(f'<g class="picture-group" data-label="{escape(label)}">')
        for j, s in enumerate(series):
            value = float(s.values[i])
            h = plot_h * value / top
            x = x0 + bar_w * j
            body.append(_rect(x + 1, base - h, bar_w - 2, h, _series_paint(j, colours[i]),
                              "picture-bar", formatted[j][i]))
            body.append(_label(x + bar_w / 2, base - h - 3, formatted[j][i], size=9.5,
                               cls="picture-value"))
        body.append(_label(left + 5 + group_w * (i + 0.5), base + 15, label, size=10.5))
        body.append("</g>")
    body.append(f'<line {_attrs(x1=left, y1=base, x2=width - 4, y2=base)} stroke="{INK}" '
                'stroke-width="1"/>')
    if axis_label:
        body.append(_label(left + (width - left) / 2, base + 36, axis_label, size=10.5,
                           fill=MUTED))
    head, rows = _table(labels, series, formatted, corner)
    return Picture(title, safe(_svg(kind, title, text, width, height, body)), text, head, rows,
                   kind)


# A legend of series over bars of several categories shows the series' styles in grey.
NEUTRAL_GREY = ("#e4e7eb", "#59636e")


def grouped_bars(title: str, categories: Sequence[tuple[str, str]], series: Sequence[Series],
                 *, unit: str = "", corner: str = "", decimals: int | None = None) -> Picture:
    """Bars per category, one per series side by side (staff per category, before and
    after), each in its category's colours. `categories` are (key, Danish label); a key not
    among CATEGORY_COLOURS is drawn as a unit without a category."""
    labels = [label for _, label in categories]
    colours = [CATEGORY_COLOURS.get(key, CATEGORY_COLOURS[""]) for key, _ in categories]
    return _columns("bars", title, labels, series, colours=colours, unit=unit,
                    corner=corner, decimals=decimals, gap_ratio=0.25)


def histogram(title: str, bins: Sequence[str], series: Sequence[Series], *, unit: str = "",
              corner: str = "", axis_label: str = "") -> Picture:
    """How many fall in each bin (leaders by span of control: "1–2", "3–5" …): bars that
    touch within a bin, one per series."""
    return _columns("histogram", title, bins, series, colours=[NEUTRAL] * len(bins),
                    unit=unit, corner=corner, decimals=None, gap_ratio=0.12,
                    axis_label=axis_label)


def layer_profile(title: str, levels: Sequence[str], series: Sequence[Series], *,
                  unit: str = "", corner: str = "") -> Picture:
    """Units per level as centred horizontal bars, top level first: the shape of a structure
    (a narrow top, a wide base). One panel per series, side by side on one scale, so that two
    structures' shapes are compared at a glance."""
    _checked(levels, series)
    formatted = [[_fmt(v, None) for v in s.values] for s in series]
    text = _words(title, levels, series, formatted, unit)
    biggest = float(max((v for s in series for v in s.values), default=0)) or 1.0
    label_w = 10 + max((_text_width(label, 10.5) for label in levels), default=0)
    panel_w = max(160.0, 460.0 / len(series))
    row_h, top_pad = 22.0, 30.0
    width = label_w + panel_w * len(series) + 8
    height = top_pad + row_h * len(levels) + 10
    body: list[str] = []
    for i, level in enumerate(levels):
        y = top_pad + row_h * i
        body.append(_label(label_w - 6, y + row_h / 2 + 4, level, size=10.5, anchor="end"))
    for j, s in enumerate(series):
        x0 = label_w + panel_w * j
        centre = x0 + panel_w / 2
        span_w = panel_w - 44  # room for the value written beside the widest bar
        body.append(f'<g class="picture-panel" data-series="{escape(s.label)}">')
        body.append(_label(centre, 16, _short(s.label, int(panel_w / (11 * CHAR_EM))), size=11,
                           bold=True))
        axis = _attrs(x1=centre, y1=top_pad - 4, x2=centre, y2=top_pad + row_h * len(levels))
        body.append(f'<line {axis} stroke="{GRID}" stroke-width="0.8"/>')
        for i, value in enumerate(s.values):
            w = span_w * float(value) / biggest
            y = top_pad + row_h * i
            body.append(_rect(centre - w / 2, y + 3, w, row_h - 6, _series_paint(j, NEUTRAL),
                              "picture-bar", formatted[j][i]))
            body.append(_label(centre + w / 2 + 4, y + row_h / 2 + 4, formatted[j][i],
                               size=9.5, anchor="start", cls="picture-value"))
        body.append("</g>")
    head, rows = _table(levels, series, formatted, corner)
    return Picture(title, safe(_svg("profile", title, text, width, height, body)), text, head,
                   rows, "profile")
