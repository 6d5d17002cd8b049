"""Where a unit can be moved: the move form's search-as-you-type picker, for trees of 10,000
units. Matching folds names and codes as units.selectors.search does (accents, case, æøå)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from ..models import Unit
from .search import _MARKS, _SPECIAL, ELLIPSIS, fold

# Hits shown at once: enough to pick from, few enough to read; "more" asks for a longer query.
TARGET_LIMIT = 20
_PATH_KEEP = 3


@dataclass(frozen=True, slots=True)
class Target:
    """A unit the unit may move under, with the path to it (root first, then parents)."""

    id: int
    name: str
    code: str
    path: tuple[str, ...]

    @property
    def path_text(self) -> str:
        return " › ".join(self.path)


@dataclass(frozen=True)
class Targets:
    """The hits for `query` in tree order within each rank; `more` when others matched too."""

    query: str
    hits: list[Target]
    more: bool


def move_targets(unit: Unit, query: str, *, limit: int = TARGET_LIMIT,
                 rows: Sequence[tuple[int, int | None, str, str, int, int]] | None = None
                 ) -> Targets:
    """Units of `unit`'s structure whose name or code matches every word of `query`, best
    first (the code itself, then names that start with the query, then the rest); never the
    unit itself, its descendants or its current parent. One query, or none when the caller
    already holds the tree as `rows` of (id, parent_id, name, code, lft, rght) in tree
    order."""
    words = fold(query).split()
    if not words:
        return Targets(query=query, hits=[], more=False)
    if rows is None:
        rows = list(Unit.objects.filter(tree_id=unit.tree_id).order_by("lft")
                    .values_list("id", "parent_id", "name", "code", "lft", "rght"))
    whole = " ".join(words)
    folded = _fold_all([text for row in rows for text in (row[2], row[3])])
    first, rest = words[0], words[1:]
    ranked: list[tuple[int, int, tuple]] = []
    for position, (folded_name, folded_code) in enumerate(zip(folded[0::2], folded[1::2],
                                                              strict=True)):
        if first not in folded_name and first not in folded_code:
            continue
        if rest and not all(w in folded_name or w in folded_code for w in rest):
            continue
        row = rows[position]
        if row[0] == unit.parent_id or unit.lft <= row[4] <= unit.rght:
            continue
        rank = 0 if " ".join(folded_code.split()) == whole else \
            1 if " ".join(folded_name.split()).startswith(whole) else 2
        ranked.append((rank, position, row))
    ranked.sort(key=lambda r: r[:2])
    names = {r[0]: (r[1], r[2]) for r in rows} if ranked else {}
    hits = [Target(id=row[0], name=row[2], code=row[3], path=_path(row[1], names))
            for _, _, row in ranked[:limit]]
    return Targets(query=query, hits=hits, more=len(ranked) > limit)


def _fold_all(texts: list[str]) -> list[str]:
    """Each text folded as units.selectors.search.fold folds it but for runs of whitespace,
    done over all of them joined, so that 20,000 names cost a few C-level passes instead of a
    Python call each."""
    joined = "\x00".join(texts).casefold()
    if not joined.isascii():
        # str.translate with a dict costs a lookup per character: over 300,000 characters it
        # took most of the answer's time, where a replace per special letter is a C loop.
        for letter, plain in _SPECIAL.items():
            joined = joined.replace(chr(letter), plain)
        joined = _MARKS.sub("", unicodedata.normalize("NFKD", joined))
    folded = joined.replace("aa", "a").split("\x00")
    if len(folded) != len(texts):  # a text held the separator itself
        return [fold(t) for t in texts]
    return folded


def _path(parent_id: int | None, names: dict[int, tuple[int | None, str]]) -> tuple[str, ...]:
    """The names from the root down to `parent_id`, shortened to the top, "…" and the last
    two when it is long."""
    path: list[str] = []
    while parent_id is not None and parent_id in names:
        parent_id, name = names[parent_id]
        path.append(name)
    path.reverse()
    if len(path) > _PATH_KEEP:
        path = [path[0], ELLIPSIS, *path[-2:]]
    return tuple(path)
