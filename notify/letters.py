"""The udmelding's letters: what each affected unit's leader is told when a structure is
published, as the e-mail's subject, plain text and HTML.

The words are Min enhed's and the placement notice's: the notice's units of the earlier
structure (units.printing.notices), each with the placements Min enhed shows
(units.selectors.placements, as the overview's future_placements reads them, partners of a
merger named), told in the one sentence of units.changes.sentence (through
notices.change_sentence), with the notice's addressee and sender; the plain text is that
sentence with its markup taken off. Nothing here is about anything but the published
structure and the one it replaces, and the MED bodies named are only those anyone logged in
may see.

Affected: every unit of the earlier structure except one that goes on unchanged (same name,
same place) under the same leader, which has nothing to be told.
"""

from __future__ import annotations

import datetime
import html
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import strip_tags

from med.selectors import coverage
from orgreg import clock
from orgreg.roles import everyone_policy
from orgreg.text import danish_date, join_danish
from units import changes, printing, selectors
from units.leaders import normalise_identifier
from units.models import Structure, Unit
from units.printing.notices import Notice, notice_sender

from . import addresses


@dataclass(frozen=True)
class Letter:
    """One leader's udmelding: to whom, and what."""

    notice: Notice
    address: str
    recipient_name: str
    subject: str
    text: str
    html: str

    @property
    def unit(self):
        return self.notice.unit


def plain(markup) -> str:
    """A sentence of the notice's (HTML, every piece escaped) as plain text."""
    return html.unescape(strip_tags(str(markup)))


def leader_address(leader_email: str, leader_identifier: str) -> str:
    """Where a unit's leader is mailed: the unit's leader e-mail, else its leader identifier
    when that is an e-mail address; else nothing."""
    if (leader_email or "").strip():
        return addresses.clean(leader_email)
    identifier = normalise_identifier(leader_identifier)
    return identifier if "@" in identifier and addresses.is_address(identifier) else ""


def affected(notice: Notice) -> bool:
    """Whether the unit of `notice` has something to be told (see the module's docstring)."""
    if notice.closed or notice.split:
        return True
    [placement] = notice.placements
    if placement.kinds != frozenset({changes.ChangeKind.CONTINUED}):
        return True
    return bool(changes.leader_changed(notice.unit.leader_name, placement.unit.leader_name))


def my_unit_url(unit_id: int) -> str:
    """Min enhed's answer for the unit, as an absolute address (ORGREG_SITE_URL)."""
    return f"{settings.ORGREG_SITE_URL}{reverse('units:my-unit')}?unit={unit_id}"


def subject(structure: Structure, notice: Notice) -> str:
    return (f"Ny organisering pr. {danish_date(structure.effective_date)}: "
            f"{addresses.one_line(notice.unit.name)}")


def _bodies(structure: Structure) -> dict[int, list[str]]:
    """New unit id → the names of the MED bodies that cover it on the effective date, of
    structures anyone may see."""
    found = coverage(structure, viewer=everyone_policy())
    return {row.unit.id: [b.name for b in row.bodies] for row in found.rows}


def _min_enhed_notices(structure: Structure, items: list[Notice]
                       ) -> tuple[list[Notice], dict[int, Unit]]:
    """The notices with Min enhed's placements (units.selectors.placements, which the
    overview's future_placements asks too): the same lines, with the partners of a merger
    named, so each sentence reads as on Min enhed. And the units themselves, by id."""
    units = {u.pk: u for u in Unit.objects.filter(pk__in=[n.unit.id for n in items])
             .select_related("structure")}
    ordered = [units[n.unit.id] for n in items if n.unit.id in units]
    reached = selectors.placements(ordered, structure) if ordered else {}
    return [Notice(n.unit, n.path, tuple(reached.get(n.unit.id, n.placements)))
            for n in items], units


def letters(structure: Structure, *, unit_ids: Sequence[int] | None = None,
            issued: datetime.date | None = None, only_affected: bool = True) -> list[Letter]:
    """The letter of every affected unit of the earlier structure (or of the given ones of
    them, affected or not when `only_affected` is off), dated `issued` (today). A fixed
    number of queries: the notices', the placements', the coverage's and one for the
    units."""
    issued = issued or clock.today()
    items, units = _min_enhed_notices(structure,
                                      printing.notices(structure, unit_ids=unit_ids))
    items = [n for n in items if not only_affected or affected(n)]
    if not items:
        return []
    context = printing.notice_context(structure, None, items, issued=issued)
    bodies = _bodies(structure)
    sender = notice_sender(structure)
    result = []
    for notice, view in zip(items, context["notices"], strict=True):
        placements = [{**p, "sentence_text": plain(p["sentence"]),
                       "bodies": join_danish(bodies.get(p["unit"].id, []))}
                      for p in view["placements"]]
        data = {
            "structure": structure, "old": context["old"], "unit": notice.unit,
            "addressee": view["addressee"], "sender": sender,
            "effective_date_text": context["effective_date_text"],
            "closed_sentence": view["sentence"], "closed_sentence_text": plain(view["sentence"]),
            "placements": placements, "url": my_unit_url(notice.unit.id),
            "notice_text_paragraphs": context["notice_text_paragraphs"],
        }
        name = " ".join(x for x in (notice.unit.leader_title, notice.unit.leader_name) if x)
        unit = units.get(notice.unit.id)
        result.append(Letter(
            notice=notice,
            address=leader_address(unit.leader_email, unit.leader_identifier) if unit else "",
            recipient_name=addresses.one_line(name), subject=subject(structure, notice),
            text=render_to_string("notify/udmelding.txt", data),
            html=render_to_string("notify/udmelding.html", data)))
    return result
