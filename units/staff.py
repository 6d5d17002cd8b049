"""Staff units: drawn beside the line under their parent, as Danish org charts draw a
direktionssekretariat or a stab, on the screen chart and in the PDF alike."""

from __future__ import annotations

from .models import Category

# The categories whose units serve their parent rather than stand in its line.
STAFF_CATEGORIES = frozenset({Category.STAB.value})


def beside_the_line(category: str, has_children: bool) -> bool:
    """Whether a unit is drawn on a side branch off its parent's connector: a staff unit with
    no children drawn under it (a staff unit with its own units stays in the line, since
    its subtree needs the room of one)."""
    return category in STAFF_CATEGORIES and not has_children
