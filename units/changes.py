"""What happened to a unit between two structures: the one home of the change kinds.

Every way out asks here — the comparison page and its PDF and spreadsheet, the chart badges
on screen and on paper, placement and Min enhed, notices and the API — so a unit reads the
same everywhere. Callers gather the links around a unit from data they already fetched;
what the links mean is decided by `classify` alone, a cheap function over a few counts.

The rule. Between an older and a newer structure, a unit's change is read from the
successions that lead from units of the one to units of the other (followed through the
structures between, or matched by unit code for two alternative models). A unit's change is
a set of kinds, not one: a unit can be merged and moved, or renamed and moved.

- new: a unit of the newer structure with no predecessor;
  closed: a unit of the older structure with no successor;
- merged: a newer unit with several predecessors, and an older unit whose one successor has
  several predecessors;
- split: an older unit with several successors, and a newer unit whose one predecessor has
  several successors;
- renamed: a one-to-one pair whose names differ (a merged or split unit's new name is part
  of the merger or split);
- moved, whatever else happened: a line old → new is moved when the new unit's parent is not
  a unit the old unit's parent went to (a top unit that stays on top is not moved; under a
  closed parent every unit is moved). An older unit is moved when one of its lines is; a
  newer unit when every line into it is (a unit that took in a unit from elsewhere stays
  where it was; the unit that came is moved);
- continued: none of these.

The unit's own side decides first: a newer unit with several predecessors is merged even
when one of them was also split; an older unit with several successors is split even when
one of them also took in other units. A line old → new (a line of the comparison, a
placement, a notice, a line of the spreadsheet or the API) has its own kinds: merged or split
as its older unit, moved as the line itself (see `line_kinds`); its older unit's kinds are
those of all its lines together.

Counts (`tally`) count units: every kind among the units of the older structure, except new,
which is counted among the units of the newer one (`COUNTED_AMONG`).

A succession counts whatever its share. A 0 % succession is a recorded link: the editor
said where the unit's tasks (or name) go though no staff go along, so it counts for the kind
(its ends are merged or split, and its older unit is not closed) and moves no one (the
people along a line come from units.shares). Dropping such links would call a unit closed
that the editor placed, and would make the kind depend on a number the editor may still be
filling in.

The colours of the kinds' badges (`PALETTE`) are one palette for the screen and the paper:
units.markup.badges writes them as CSS variables that both style sheets use.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Container, Iterable, Sequence
from typing import NamedTuple

from orgreg.text import danish_date, join_danish


class ChangeKind:
    CONTINUED = "continued"
    RENAMED = "renamed"
    MOVED = "moved"
    MERGED = "merged"
    SPLIT = "split"
    NEW = "new"
    CLOSED = "closed"

    LABELS = {
        CONTINUED: "Uændret",
        RENAMED: "Omdøbt",
        MOVED: "Flyttet",
        MERGED: "Sammenlagt",
        SPLIT: "Delt",
        NEW: "Ny",
        CLOSED: "Nedlagt",
    }
    # The same words inside a sentence ("… er X nedlagt"), where a badge's capital is wrong.
    WORDS = {k: v.lower() for k, v in LABELS.items()}
    # The kind shown first when a unit has several (moved and renamed, say).
    PRIORITY = [NEW, CLOSED, MERGED, SPLIT, MOVED, RENAMED, CONTINUED]


# Which structure's units a kind is counted among: new units exist only in the newer
# structure, every other kind is told of the units of the older one (see `tally`).
OLDER, NEWER = "older", "newer"
COUNTED_AMONG = {kind: NEWER if kind == ChangeKind.NEW else OLDER for kind in ChangeKind.PRIORITY}

# The badge colours, background and text, the same on screen and on paper (see the module).
# Each background carries its white text at a contrast of at least 4.5:1.
PALETTE = {
    ChangeKind.NEW: ("#1f6e36", "#ffffff"),
    ChangeKind.CLOSED: ("#a3261b", "#ffffff"),
    ChangeKind.MERGED: ("#8a4b08", "#ffffff"),
    ChangeKind.SPLIT: ("#9b2a64", "#ffffff"),
    ChangeKind.MOVED: ("#1a5296", "#ffffff"),
    ChangeKind.RENAMED: ("#6a4aa0", "#ffffff"),
    ChangeKind.CONTINUED: ("#59636e", "#ffffff"),
}


# One frozenset per answer, shared by every unit that has it: cheap to hand out for 10,000
# units and quick to hash and compare.
NEW = frozenset({ChangeKind.NEW})
CLOSED = frozenset({ChangeKind.CLOSED})
MERGED = frozenset({ChangeKind.MERGED})
SPLIT = frozenset({ChangeKind.SPLIT})
CONTINUED = frozenset({ChangeKind.CONTINUED})
MOVED = frozenset({ChangeKind.MOVED})
MERGED_MOVED = frozenset({ChangeKind.MERGED, ChangeKind.MOVED})
SPLIT_MOVED = frozenset({ChangeKind.SPLIT, ChangeKind.MOVED})
# One-to-one kinds by (renamed, moved): classify's answer when both counts are one.
ONE_TO_ONE = {
    (False, False): CONTINUED,
    (True, False): frozenset({ChangeKind.RENAMED}),
    (False, True): MOVED,
    (True, True): frozenset({ChangeKind.RENAMED, ChangeKind.MOVED}),
}


def classify(*, newer: bool, came_from: int, went_to: int, renamed: bool = False,
             moved: bool = False) -> frozenset[str]:
    """The kinds of one unit's change, or of one line (see the module's rule), from the
    links around it.

    For a unit of the newer structure (`newer`): `came_from` is how many older units lead to
    it, and `went_to` how many newer units its predecessor leads to when it has exactly one.
    For a unit of the older structure, or a line from it: `went_to` is how many newer units
    it leads to, and `came_from` how many older units lead to its successor (the line's
    newer end). `moved` is the caller's reading of the rule (see `is_moved`) and counts for
    every kind but new and closed; `renamed` counts for a one-to-one pair only."""
    if newer:
        if came_from == 0:
            return NEW
        if came_from > 1:
            return MERGED_MOVED if moved else MERGED
        if went_to > 1:
            return SPLIT_MOVED if moved else SPLIT
    else:
        if went_to == 0:
            return CLOSED
        if went_to > 1:
            return SPLIT_MOVED if moved else SPLIT
        if came_from > 1:
            return MERGED_MOVED if moved else MERGED
    return ONE_TO_ONE[renamed, moved]


def is_moved(old_parent: int | None, new_parent: int | None,
             parent_went_to: Container[int]) -> bool:
    """Whether a unit changed place: its new parent is not among the units its old parent
    went to (`parent_went_to`); a top unit is moved only when it gets a parent or loses
    it."""
    if old_parent is None or new_parent is None:
        return (old_parent is None) != (new_parent is None)
    return new_parent not in parent_went_to


def line_kinds(older: frozenset[str], newer: frozenset[str]) -> frozenset[str]:
    """The kinds of one line old → new from the kinds of its two ends. Exact except in one
    case: units.selectors.compare gives every line its own kinds (`Link.kinds`), prefer
    those. A split older unit's line is a split, moved when the line is: the newer end's
    kinds when its one predecessor is the older unit; when the newer end also took in other
    units, moved only when that end is (every line into it is moved). Otherwise the line has
    the older unit's kinds (its one line: the same merger or one-to-one change)."""
    if ChangeKind.SPLIT in older:
        if ChangeKind.SPLIT in newer:
            return newer
        return SPLIT_MOVED if ChangeKind.MOVED in newer else SPLIT
    return older


_PRIMARY: dict[frozenset[str], str] = {}


def primary(kinds: frozenset[str]) -> str:
    """The kind a unit is shown by when it has several (moved before renamed): the first of
    ChangeKind.PRIORITY. Memoised per set, as the sets are few."""
    found = _PRIMARY.get(kinds)
    if found is None:
        found = _PRIMARY[kinds] = next(k for k in ChangeKind.PRIORITY if k in kinds)
    return found


_BADGES: dict[frozenset[str], tuple[tuple[str, str], ...]] = {}


def labels(kinds: frozenset[str]) -> list[str]:
    """The Danish labels of every kind of the set, in ChangeKind.PRIORITY order."""
    return [label for _, label in badges(kinds)]


def badges(kinds: frozenset[str]) -> tuple[tuple[str, str], ...]:
    """(kind, Danish label) of every kind of the set, in ChangeKind.PRIORITY order: one badge
    each, coloured by its own kind. Memoised per set."""
    found = _BADGES.get(kinds)
    if found is None:
        found = _BADGES[kinds] = tuple(
            (k, ChangeKind.LABELS[k]) for k in ChangeKind.PRIORITY if k in kinds)
    return found


def labels_text(kinds: frozenset[str]) -> str:
    """The labels as one cell of a spreadsheet: "Flyttet, omdøbt" (the first capitalised)."""
    words = labels(kinds)
    return ", ".join([words[0], *(w.lower() for w in words[1:])]) if words else ""


class HasKinds:
    """Mixed into a result that carries the set `kinds` (a comparison row, a placement): the
    kind it is shown by and the Danish labels, from the rules above."""

    __slots__ = ()
    kinds: frozenset[str]

    @property
    def kind(self) -> str:
        return primary(self.kinds)

    @property
    def kind_label(self) -> str:
        return ChangeKind.LABELS[primary(self.kinds)]

    @property
    def labels(self) -> list[str]:
        return labels(self.kinds)

    @property
    def badges(self) -> tuple[tuple[str, str], ...]:
        return badges(self.kinds)

    @property
    def kind_word(self) -> str:
        """The kind's label as a word inside a sentence: "flyttet", "nedlagt"."""
        return ChangeKind.WORDS[primary(self.kinds)]


def tally(kind_sets: Iterable[frozenset[str]]) -> dict[str, int]:
    """kind → how many of the given units carry it (a unit that is moved and renamed counts
    under both), for every kind: counts that match what the rows show and what filtering
    the rows by a kind finds. Give the units of the older structure and the new units of
    the newer one (`COUNTED_AMONG`)."""
    per_set: dict[frozenset[str], int] = {}
    for kinds in kind_sets:
        per_set[kinds] = per_set.get(kinds, 0) + 1
    counts = dict.fromkeys(ChangeKind.PRIORITY, 0)
    for kinds, n in per_set.items():
        for kind in kinds:
            counts[kind] += n
    return counts


# --- the sentence ---------------------------------------------------------------------------
#
# Min enhed's answer, the home page, the unit page and the placement notice tell a line old →
# new in one sentence, built here. The tense follows the calendar: a decided structure that
# has taken effect is told in the past ("Siden 1. januar 2025 er … lagt sammen med …"),
# anything else in the future ("Fra 1. januar 2027 lægges …"); a proposal whose date has
# passed is still only a proposal, so it keeps the future.


class Tense:
    FUTURE = "future"
    PAST = "past"


def tense(effective_date: datetime.date, today: datetime.date, *, decided: bool = True) -> str:
    """PAST once a decided (approved or published) structure has taken effect on or before
    `today`; FUTURE otherwise."""
    return Tense.PAST if decided and effective_date <= today else Tense.FUTURE


class Partner(NamedTuple):
    """Another unit of the older structure whose staff go to the same newer unit (a merger):
    its name, and whether only part of its staff go along."""

    name: str
    part: bool = False


# Roles of the pieces `mark` is asked to dress (bold, a link): the date, the older unit, the
# newer unit, its parent, a partner of a merger, the share of staff.
Mark = Callable[[str, str], str]


def _plain(role: str, text: str) -> str:
    return text


# (tense, form) → the sentence. Fields: {date}, {old} the unit as it was, {new} the unit it
# goes to, {under} " under <parent>" or nothing, {to} " til <parent>" or nothing, {share} the
# share of its staff, {others} the partners of a merger ("A og en del af B").
_SENTENCES = {
    (Tense.FUTURE, ChangeKind.SPLIT): "Fra {date} går {share} af medarbejderne i {old} til "
                                      "{new}{under}.",
    (Tense.PAST, ChangeKind.SPLIT): "Siden {date} hører {share} af medarbejderne i {old} til "
                                    "{new}{under}.",
    (Tense.FUTURE, "merged-into-new"): "Fra {date} lægges {old} sammen med {others} til "
                                       "{new}{under}.",
    (Tense.PAST, "merged-into-new"): "Siden {date} er {old} lagt sammen med {others} til "
                                     "{new}{under}.",
    # The newer unit carries the older unit's own name: the others join it.
    (Tense.FUTURE, "merged-keeps-own"): "Fra {date} lægges {others} sammen med {new}{under}.",
    (Tense.PAST, "merged-keeps-own"): "Siden {date} er {others} lagt sammen med {new}{under}.",
    # The newer unit carries a partner's name: the unit joins it ({others} ends with {new}).
    (Tense.FUTURE, "merged-joins"): "Fra {date} lægges {old} sammen med {others}{under}.",
    (Tense.PAST, "merged-joins"): "Siden {date} er {old} lagt sammen med {others}{under}.",
    (Tense.FUTURE, ChangeKind.MERGED): "Fra {date} lægges {old} sammen med andre enheder til "
                                       "{new}{under}.",
    (Tense.PAST, ChangeKind.MERGED): "Siden {date} er {old} lagt sammen med andre enheder til "
                                     "{new}{under}.",
    (Tense.FUTURE, ChangeKind.RENAMED): "Fra {date} bliver {old} til {new}{under}.",
    (Tense.PAST, ChangeKind.RENAMED): "Siden {date} er {old} blevet til {new}{under}.",
    (Tense.FUTURE, ChangeKind.MOVED): "Fra {date} flyttes {new}{to}.",
    (Tense.PAST, ChangeKind.MOVED): "Siden {date} er {new} flyttet{to}.",
    (Tense.FUTURE, ChangeKind.CONTINUED): "Fra {date} fortsætter {new} uændret{under}.",
    (Tense.PAST, ChangeKind.CONTINUED): "Siden {date} har {new} fortsat uændret{under}.",
    (Tense.FUTURE, ChangeKind.CLOSED): "Fra {date} nedlægges {old}: enheden har ingen "
                                       "efterfølger i denne organisering.",
    (Tense.PAST, ChangeKind.CLOSED): "Siden {date} er {old} nedlagt: enheden har ingen "
                                     "efterfølger i denne organisering.",
    # Closed, but its sub-units go on: each is told by `sub_unit_sentence`.
    (Tense.FUTURE, "closed-sub-units"): "Fra {date} nedlægges {old}, men dens underenheder "
                                        "videreføres:",
    (Tense.PAST, "closed-sub-units"): "Siden {date} er {old} nedlagt, men dens underenheder "
                                      "er videreført:",
}


def _form(kinds: frozenset[str], *, old: str, new: str, others: Sequence[Partner],
          sub_units: bool) -> str:
    if ChangeKind.CLOSED in kinds or not new:
        return "closed-sub-units" if sub_units else ChangeKind.CLOSED
    if ChangeKind.RENAMED in kinds and ChangeKind.MOVED in kinds:
        return ChangeKind.RENAMED  # its new name must be told
    kind = primary(kinds)
    if kind == ChangeKind.MERGED and others:
        if new == old:
            return "merged-keeps-own"
        if any(p.name == new and not p.part for p in others):
            return "merged-joins"
        return "merged-into-new"
    return kind


def sentence(kinds: frozenset[str], *, effective_date: datetime.date, today: datetime.date,
             decided: bool = True, old: str, new: str = "", parent: str = "",
             share: str = "", others: Sequence[Partner] = (), sub_units: bool = False,
             mark: Mark = _plain) -> str:
    """The Danish sentence for a line old → new of these kinds, in the tense of `tense`: the
    one wording every way out uses (Min enhed, the home page, notices). `old`, `new` and
    `parent` are plain names (no `new` for a closed unit); `others` the partners of a merger
    (named "A og en del af B"; without them "sammen med andre enheder"); `sub_units` tells a
    closed unit that its sub-units go on (list them with `sub_unit_sentence`). `mark(role,
    text)` dresses each piece (roles "date", "old", "new", "parent", "other", "share"): it
    must escape for HTML, as the sentence is as safe as what it returns."""
    form = _form(kinds, old=old, new=new, others=others, sub_units=sub_units)
    when = tense(effective_date, today, decided=decided)
    shown_new = mark("new", new) if new else ""
    partners = [(shown_new if form == "merged-joins" and p.name == new and not p.part
                 else ("en del af " if p.part else "") + mark("other", p.name))
                for p in others]
    if form == "merged-joins":  # the unit whose name goes on is named last, as the whole
        partners.sort(key=lambda text: text == shown_new)
    link = mark("parent", parent) if parent else ""
    return _SENTENCES[when, form].format(
        date=mark("date", danish_date(effective_date)), old=mark("old", old), new=shown_new,
        under=f" under {link}" if link else "", to=f" til {link}" if link else "",
        share=mark("share", share), others=join_danish(partners),
    )


class Target(NamedTuple):
    """Where a sub-unit goes: the newer unit, its parent, and the share when it is split."""

    name: str
    parent: str = ""
    share: str = ""


def sub_unit_sentence(child: str, targets: Sequence[Target], *, effective_date: datetime.date,
                      today: datetime.date, decided: bool = True, mark: Mark = _plain) -> str:
    """Where one sub-unit of a closed unit goes ("Center for Hjemløse går til … under …"),
    in the tense of `tense`; a sub-unit that goes nowhere is closed too."""
    past = tense(effective_date, today, decided=decided) == Tense.PAST
    if not targets:
        return f"{mark('old', child)} {'er nedlagt' if past else 'nedlægges'}."
    places = [mark("new", t.name) + (f" under {mark('parent', t.parent)}" if t.parent else "")
              + (f" ({mark('share', t.share)})" if t.share else "") for t in targets]
    return f"{mark('old', child)} {'er gået' if past else 'går'} til {join_danish(places)}."


def leader_changed(old_leader: str, new_leader: str) -> bool | None:
    """Whether the unit a line leads to has a new leader: True when its leader is not the
    older unit's, False when the same person goes on, None when the newer unit names no
    leader (nothing to tell)."""
    new_leader = " ".join(new_leader.split())
    if not new_leader:
        return None
    return new_leader.casefold() != " ".join(old_leader.split()).casefold()
