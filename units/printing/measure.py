"""Text measurement for the org chart: the fonts, the type sizes and the height of a box's text.

Box heights come from the real font metrics (DejaVu Sans, read with fontTools) so that a name is
wrapped the way the PDF will wrap it; boxes have one fixed width and a fixed minimum type size,
and are never shrunk.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence

from django.contrib.staticfiles import finders

MM_PER_PT = 25.4 / 72

# Box geometry (mm) and type sizes (pt). The type sizes are the smallest the chart uses;
# nothing is scaled down to make a tree fit.
BOX_W = 44.0
BOX_PAD = 1.6
BOX_BORDER = 0.3
NAME_PT, META_PT = 7.5, 6.5
LINE_HEIGHT = 1.25


class TextMeasure:
    """Widths of text in the shipped DejaVu Sans fonts, for wrapping like the PDF does."""

    def __init__(self, path: str):
        from fontTools.ttLib import TTFont

        font = TTFont(path, lazy=True)
        self.cmap = font.getBestCmap()
        self.advance = {name: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()}
        self.units_per_em = font["head"].unitsPerEm
        self.fallback = self.advance.get(".notdef", self.units_per_em)
        self._cache: dict[str, float] = {}

    def width(self, text: str, size_pt: float) -> float:
        """Width in mm at `size_pt`."""
        em = self._cache.get(text)
        if em is None:
            units = 0
            for ch in text:
                glyph = self.cmap.get(ord(ch))
                units += self.advance.get(glyph, self.fallback) if glyph else self.fallback
            em = units / self.units_per_em
            self._cache[text] = em
        return em * size_pt * MM_PER_PT

    def line_count(self, text: str, size_pt: float, width_mm: float) -> int:
        """Lines that greedy wrapping at spaces (breaking a too-long word anywhere, as
        ``overflow-wrap: anywhere`` does) needs. Never less than what the PDF needs: the
        browser has at least these break opportunities."""
        text = " ".join((text or "").split())
        if not text:
            return 0
        space = self.width(" ", size_pt)
        lines, current = 1, 0.0
        for word in text.split(" "):
            w = self.width(word, size_pt)
            if current and current + space + w <= width_mm:
                current += space + w
                continue
            if current:
                lines += 1
            current = 0.0
            if w <= width_mm:
                current = w
                continue
            # A word wider than a line is broken character by character.
            for ch in word:
                cw = self.width(ch, size_pt)
                if current and current + cw > width_mm:
                    lines += 1
                    current = 0.0
                current += cw
        return lines


    def wrap(self, text: str, size_pt: float, width_mm: float) -> list[str]:
        """The lines of `text` wrapped as `line_count` counts them (the same greedy rule), for
        the formats that place each line themselves (the SVG chart)."""
        text = " ".join((text or "").split())
        if not text:
            return []
        space = self.width(" ", size_pt)
        lines: list[str] = []
        current, current_w = "", 0.0
        for word in text.split(" "):
            w = self.width(word, size_pt)
            if current and current_w + space + w <= width_mm:
                current, current_w = f"{current} {word}", current_w + space + w
                continue
            if current:
                lines.append(current)
            current, current_w = "", 0.0
            if w <= width_mm:
                current, current_w = word, w
                continue
            for ch in word:
                cw = self.width(ch, size_pt)
                if current and current_w + cw > width_mm:
                    lines.append(current)
                    current, current_w = "", 0.0
                current, current_w = current + ch, current_w + cw
        if current:
            lines.append(current)
        return lines


@functools.cache
def fonts() -> tuple[TextMeasure, TextMeasure]:
    """The bold and the regular font's measures, read once per process."""
    bold = finders.find("fonts/DejaVuSans-Bold.ttf")
    regular = finders.find("fonts/DejaVuSans.ttf")
    return TextMeasure(bold), TextMeasure(regular)


INNER_W = BOX_W - 2 * (BOX_PAD + BOX_BORDER)
# Wrap a little narrower than the box really is: kerning and rounding never add a line.
WRAP_W = INNER_W * 0.96


def lines_height(parts: Sequence[tuple[str, bool]]) -> float:
    """Height (mm) of text parts (text, bold) wrapped into a box."""
    bold, regular = fonts()
    height = 0.0
    for text, is_name in parts:
        if not text:
            continue
        size = NAME_PT if is_name else META_PT
        measure = bold if is_name else regular
        height += measure.line_count(text, size, WRAP_W) * size * LINE_HEIGHT * MM_PER_PT
    return height + 2 * (BOX_PAD + BOX_BORDER) + 0.6
