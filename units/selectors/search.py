"""Finding a unit by name or code, accent- and case-insensitive, on SQLite and PostgreSQL.

Databases disagree on accents and Danish letters (SQLite's LOWER knows only ASCII), so the
match is done in Python over one query of the visible units' id, name and code: both the
query and the names are folded to a plain skeleton (å → a, æ → ae, ø → o, é → e, aa → a).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from orgreg.roles import policy
from orgreg.text import danish_sort_key

from ..models import Status

_SPECIAL = str.maketrans({"æ": "ae", "ø": "o", "ð": "d", "þ": "th", "ß": "ss", "ł": "l"})
# Combining marks left by NFKD decomposition (é → e + ´); removed in one C-level pass.
_MARKS = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """A skeleton for matching: lower case, without accents, Danish letters spelled plainly."""
    text = (text or "").casefold()
    if not text.isascii():
        text = _MARKS.sub("", unicodedata.normalize("NFKD", text.translate(_SPECIAL)))
    return " ".join(text.replace("aa", "a").split())


@dataclass(frozen=True, slots=True)
class Hit:
    id: int
    name: str
    code: str
    structure_id: int
    structure_name: str
    structure_status: str

    @property
    def structure_status_label(self) -> str:
        return Status(self.structure_status).label


def search_units(user, query: str, *, limit: int = 20) -> list[Hit]:
    """Units of the structures `user` may see whose name or code contains `query` (every word
    of it), best first: an exact code, then names that start with the query, then the rest,
    each in Danish alphabetical order. Newer structures first among equal names. One query."""
    words = fold(query).split()
    if not words:
        return []
    rows = (
        policy(user).units()
        .values_list("id", "name", "code", "structure_id", "structure__name", "structure__status",
                     "structure__effective_date")
    )
    folded_query = " ".join(words)
    found = []
    for uid, name, code, sid, sname, sstatus, sdate in rows.iterator(chunk_size=5000):
        fname = fold(name)
        fcode = fold(code)
        haystack = f"{fname} {fcode}"
        if not all(word in haystack for word in words):
            continue
        if fcode and fcode == folded_query:
            rank = 0
        elif fname.startswith(folded_query):
            rank = 1
        else:
            rank = 2
        found.append((rank, danish_sort_key(name), -sdate.toordinal(), uid,
                      Hit(uid, name, code, sid, sname, sstatus)))
    found.sort(key=lambda row: row[:4])
    return [row[-1] for row in found[:limit]]
