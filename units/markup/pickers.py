"""Unit pickers: <option> lists for the edit forms, built as one string."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from html import escape  # the same as Django's escape, without its lazy-text wrapper

from units.selectors import UnitNode

# Options are indented one em per level down to this depth; deeper ones say their level
# instead, so a chain thousands of levels deep does not make each option thousands of
# characters long (and the page hundreds of megabytes).
INDENT_LIMIT = 12


def unit_options(nodes: list[UnitNode], *, selected: Iterable[int] = (),
                 exclude: Callable[[UnitNode], bool] | None = None, blank: str | None = None
                 ) -> str:
    """<option> elements for a unit picker, indented by depth: built as one string, since a
    select of 10,000 units through Django's widget machinery takes seconds."""
    chosen = {int(s) for s in selected if str(s).isdigit()}
    out = [f'<option value="">{escape(blank)}</option>'] if blank is not None else []
    top = nodes[0].level if nodes else 0
    for n in nodes:
        if exclude is not None and exclude(n):
            continue
        depth = n.level - top
        indent = "\u2003" * depth if depth <= INDENT_LIMIT else \
            "\u2003" * INDENT_LIMIT + f"niveau {depth}: "
        code = f" ({escape(n.code)})" if n.code else ""
        sel = " selected" if n.id in chosen else ""
        out.append(f'<option value="{n.id}"{sel}>{indent}{escape(n.name)}{code}</option>')
    return "".join(out)
