"""Finding a unit by name or code, accent- and case-insensitive, on SQLite and PostgreSQL.

Databases disagree on accents and Danish letters (SQLite's LOWER knows only ASCII), so the
match is done in Python over one query of the visible units' id, name and code: both the
query and the names are folded to a plain skeleton (å → a, æ → ae, ø → o, é → e, aa → a).

A hit is told apart from its namesakes by where it sits (its path, parent › unit), its code
and its structure's date and status. Hits are grouped by organisation; those of structures
in force today or later come first, those of older (superseded or discarded) structures are
kept apart, for "Vis også tidligere organiseringer". Three queries whatever the size: the
visible structures, the visible units, and the ancestors of the hits shown.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, replace
from functools import reduce
from operator import or_

from django.db.models import Q

from orgreg import clock
from orgreg.roles import policy
from orgreg.text import danish_date, danish_sort_key

from .. import lifecycle
from ..lineage import Lineage, order_key
from ..models import Status, Structure, Unit

_SPECIAL = str.maketrans({"æ": "ae", "ø": "o", "ð": "d", "þ": "th", "ß": "ss", "ł": "l"})
# Combining marks left by NFKD decomposition (é → e + ´); removed in one C-level pass.
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")
# A path longer than this many ancestors is shortened to its top two, "…" and the parent.
_PATH_KEEP = 3
ELLIPSIS = "…"


def fold(text: str) -> str:
    """A skeleton for matching: lower case, without accents, Danish letters spelled plainly."""
    text = (text or "").casefold()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_SPECIAL)))
    return " ".join(text.replace("aa", "a").split())


@dataclass(frozen=True, slots=True)
class Hit:
    """One unit found: where it sits (`path`, the names from the root to its parent;
    `short_path` the same shortened with "…" when it is long and no namesake needs the
    whole) and in which structure, with that structure's date and status told in `when`."""

    id: int
    name: str
    code: str
    structure_id: int
    structure_name: str
    structure_status: str
    effective_date: datetime.date
    organisation_id: int
    organisation_name: str
    path: tuple[str, ...] = ()
    short_path: tuple[str, ...] = ()
    when: str = ""
    in_force: bool = False
    current: bool = True

    @property
    def structure_status_label(self) -> str:
        return Status(self.structure_status).label

    @property
    def path_text(self) -> str:
        """The whole path, "Socialforvaltningen › Borgercenter Voksne"."""
        return " › ".join(self.path)


@dataclass(frozen=True, slots=True)
class OrganisationHits:
    """The hits of one organisation, best first."""

    organisation_id: int
    organisation_name: str
    hits: tuple[Hit, ...]


@dataclass(frozen=True, slots=True)
class SearchResult:
    """What a search found among the structures the user may see: `current` the hits in
    structures in force today or later, `earlier` those in older structures, each grouped by
    organisation. `*_total` count every match, also beyond the `limit` shown."""

    query: str
    current: tuple[OrganisationHits, ...] = ()
    earlier: tuple[OrganisationHits, ...] = ()
    current_total: int = 0
    earlier_total: int = 0

    @property
    def current_hits(self) -> list[Hit]:
        return [h for group in self.current for h in group.hits]

    @property
    def earlier_hits(self) -> list[Hit]:
        return [h for group in self.earlier for h in group.hits]

    @property
    def hits(self) -> list[Hit]:
        """Every hit shown, current first."""
        return self.current_hits + self.earlier_hits

    @property
    def current_shown(self) -> int:
        return sum(len(g.hits) for g in self.current)

    @property
    def earlier_shown(self) -> int:
        return sum(len(g.hits) for g in self.earlier)

    def __bool__(self) -> bool:
        return bool(self.current_total or self.earlier_total)


@dataclass(frozen=True, slots=True)
class _Era:
    """Where a structure stands today, from the user's point of view."""

    current: bool
    in_force: bool
    when: str
    position: tuple


def _structure_when(structure: Structure, in_force: Structure | None,
                   on_date: datetime.date) -> str:
    """A structure's date and status in a few words: "gældende fra 1. januar 2025" for the
    one in force, "vedtaget, gældende fra 1. januar 2027" for a decided one to come,
    "udmeldt, gjaldt fra 1. januar 2024" for one superseded, "udkast, pr. 1. januar 2026"
    for a proposal (and "forkastet, pr. …")."""
    date = danish_date(structure.effective_date)
    label = Status(structure.status).label.lower()
    if in_force is not None and structure.pk == in_force.pk:
        return f"gældende fra {date}"
    if lifecycle.counts_in_force(structure.status):
        if structure.effective_date > on_date:
            return f"{label}, gældende fra {date}"
        return f"{label}, gjaldt fra {date}"
    return f"{label}, pr. {date}"


def _eras(structures: list[Structure], on_date: datetime.date) -> dict[int, _Era]:
    """Each structure's era: current (in force on `on_date`, or to come, or a proposal not
    older than what is in force) or earlier (superseded, or discarded). In force is decided
    by units.lineage among the structures the user may see, so a hidden structure neither
    supersedes a visible one nor shows through its date."""
    by_org: dict[int, list[Structure]] = defaultdict(list)
    for s in structures:
        by_org[s.organisation_id].append(s)
    eras = {}
    for org_structures in by_org.values():
        in_force = Lineage.among(org_structures).in_force(on_date)
        for s in org_structures:
            is_in_force = in_force is not None and s.pk == in_force.pk
            if is_in_force:
                current = True
            elif s.status == Status.DISCARDED:
                current = False
            elif lifecycle.counts_in_force(s.status) and s.effective_date <= on_date:
                current = False  # decided, its day has come, yet another is in force
            else:
                current = in_force is None or order_key(s) > order_key(in_force)
            key = order_key(s)
            # In force first, then what comes in date order; older ones newest first.
            if is_in_force:
                position: tuple = (0,)
            elif current:
                position = (1, key)
            else:
                position = (2, -key[0].toordinal(), -key[1])
            eras[s.pk] = _Era(current, is_in_force, _structure_when(s, in_force, on_date),
                              position)
    return eras


def search_units(user, query: str, *, limit: int = 20,
                 on_date: datetime.date | None = None) -> SearchResult:
    """Units of the structures `user` may see whose name or code contains `query` (every word
    of it), grouped by organisation: first the structures in force on `on_date` (today by
    default) or later, then, apart, the older ones; each part shows at most `limit` hits.
    An exact code first, then names that start with the query, then the rest, in Danish
    alphabetical order, then by organisation; among namesakes, the structure in force before
    those to come, then in tree order. Organisations come in the order of their best hit.
    Nothing of a structure the user may not see is read, not even a count. Three queries
    whatever the size."""
    words = fold(query).split()
    if not words:
        return SearchResult(query=query)
    on_date = on_date or clock.today()
    rules = policy(user)
    structures = {s.pk: s for s in rules.structures().select_related("organisation").order_by()}
    if not structures:
        return SearchResult(query=query)
    eras = _eras(list(structures.values()), on_date)
    orgs = {pk: danish_sort_key(s.organisation.name) for pk, s in structures.items()}
    rows = rules.units().values_list("id", "name", "code", "tree_id", "lft", "rght")
    folded_query = " ".join(words)
    found: dict[bool, list[tuple]] = {True: [], False: []}
    for uid, name, code, tree_id, lft, rght in rows.iterator(chunk_size=5000):
        fname = fold(name)
        fcode = fold(code)
        haystack = f"{fname} {fcode}"
        if not all(word in haystack for word in words):
            continue
        era = eras.get(tree_id)
        if era is None:  # a structure that became visible between the two reads
            continue
        if fcode and fcode == folded_query:
            rank = 0
        elif fname.startswith(folded_query):
            rank = 1
        else:
            rank = 2
        found[era.current].append((rank, danish_sort_key(name), orgs[tree_id], era.position,
                                   lft, uid, (uid, name, code, tree_id, lft, rght)))
    current = sorted(found[True])[:limit]
    earlier = sorted(found[False])[:limit]
    paths = _paths([row[-1] for row in current + earlier])
    return SearchResult(
        query=query,
        current=_grouped(current, structures, eras, paths),
        earlier=_grouped(earlier, structures, eras, paths),
        current_total=len(found[True]), earlier_total=len(found[False]),
    )


def _paths(rows: list[tuple]) -> dict[int, tuple[str, ...]]:
    """unit id → the names of its ancestors, root first, for the units of `rows` (id, name,
    code, tree_id, lft, rght). One query, none when there are no rows."""
    if not rows:
        return {}
    wanted = reduce(or_, (Q(tree_id=t, lft__lt=left, rght__gt=right)
                          for _, _, _, t, left, right in rows))
    by_tree: dict[int, list[tuple[int, int, str]]] = defaultdict(list)
    for tree_id, left, right, name in (Unit.objects.filter(wanted)
                                       .values_list("tree_id", "lft", "rght", "name")
                                       .order_by("tree_id", "lft")):
        by_tree[tree_id].append((left, right, name))
    return {
        uid: tuple(name for left, right, name in by_tree.get(t, ()) if left < lft and right > rght)
        for uid, _, _, t, lft, rght in rows
    }


def _shorten(path: tuple[str, ...]) -> tuple[str, ...]:
    """A long path as its top two (the organisation's root and the forvaltning or area
    under it), "…" and the parent; a path of up to three names as it is."""
    if len(path) <= _PATH_KEEP:
        return path
    return (path[0], path[1], ELLIPSIS, path[-1])


def _grouped(rows: list[tuple], structures: dict[int, Structure], eras: dict[int, _Era],
             paths: dict[int, tuple[str, ...]]) -> tuple[OrganisationHits, ...]:
    """The sorted rows as hits grouped by organisation, in the order of each organisation's
    best hit. Namesakes whose shortened paths are the same get their whole paths."""
    hits = []
    for row in rows:
        uid, name, code, tree_id, _, _ = row[-1]
        s, era = structures[tree_id], eras[tree_id]
        path = paths.get(uid, ())
        hits.append(Hit(uid, name, code, s.pk, s.name, s.status, s.effective_date,
                        s.organisation_id, s.organisation.name, path, _shorten(path),
                        era.when, era.in_force, era.current))
    seen: dict[tuple, int] = defaultdict(int)
    for h in hits:
        seen[h.structure_id, h.name, h.short_path] += 1
    groups: dict[int, list[Hit]] = {}
    for h in hits:
        if seen[h.structure_id, h.name, h.short_path] > 1 and h.short_path != h.path:
            h = replace(h, short_path=h.path)
        groups.setdefault(h.organisation_id, []).append(h)
    return tuple(OrganisationHits(org_id, group[0].organisation_name, tuple(group))
                 for org_id, group in groups.items())
