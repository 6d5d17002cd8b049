"""Placement notices: what each unit of an earlier structure is told about where it goes, as
one PDF or as a zip of one PDF per unit."""

from __future__ import annotations

import datetime
import io
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe

from orgreg import clock
from orgreg import pdf as pdf_renderer
from orgreg.text import danish_date, join_danish

from .. import changes, lifecycle, lineage, selectors
from ..models import Structure
from ..selectors import UnitNode
from ..shares import share_text
from .context import structure_context


@dataclass(frozen=True)
class Notice:
    """What one unit of the structure in force is told about the new structure."""

    unit: UnitNode
    path: tuple[UnitNode, ...]
    placements: tuple[selectors.Placement, ...]

    @property
    def closed(self) -> bool:
        return not self.placements

    @property
    def split(self) -> bool:
        return len(self.placements) > 1


def check_notices_allowed(structure: Structure, old: Structure | None = None) -> Structure:
    """Notices are sent about a structure that is decided (approved or published) to the
    units of an earlier structure it descends from (its basis by default). Returns that
    earlier structure."""
    if not lifecycle.prints_notices(structure.status):
        raise ValidationError(
            "Orienteringer kan kun laves for en vedtaget eller udmeldt organisering; "
            f"{structure.name} er {structure.get_status_display().lower()}."
        )
    old = old or structure.based_on
    if old is None:
        raise ValidationError(
            "Organiseringen bygger ikke på en tidligere organisering, så der er ingen "
            "enheder at orientere."
        )
    if old.pk == structure.pk or not lineage.structure_chain(structure, old):
        raise ValidationError(
            f"{structure.name} bygger ikke på {old.name}, så enhederne derfra kan ikke "
            "orienteres om den."
        )
    return old


def notices(structure: Structure, *, old: Structure | None = None,
            unit_ids: Sequence[int] | None = None) -> list[Notice]:
    """A notice for every unit of the earlier structure `old` (the basis by default; the
    units may pass through structures in between, as in Aarhus's two steps), or for the
    given ones of them: where it goes in `structure`, with shares when it is split; a closed
    unit gets a notice too. A fixed number of queries: the comparison gives every unit's
    successors at once."""
    old = check_notices_allowed(structure, old)
    comparison = selectors.compare(old, structure)
    new_by_id = {n.id: n for n in comparison.new_tree}
    old_by_id = {n.id: n for n in comparison.old_tree}
    wanted = set(unit_ids) if unit_ids is not None else None
    result = []
    for old_node in comparison.old_tree:
        if wanted is not None and old_node.id not in wanted:
            continue
        change = comparison.old_changes[old_node.id]
        placements = []
        for link, people in zip(change.successors, change.staff_moving(), strict=True):
            new_node = link.unit
            # The line's own kinds, as the comparison gives them (exact where line_kinds
            # would guess); for a merger the other units going there, named as Min enhed and
            # the udmelding name them.
            placements.append(selectors.Placement(
                new_node, link.share.quantize(Decimal("0.01")), _path(new_node, new_by_id),
                link.kinds, people,
                partners=_partners(old_node, comparison.new_changes[new_node.id])
                if changes.ChangeKind.MERGED in link.kinds else (),
            ))
        result.append(Notice(old_node, _path(old_node, old_by_id), tuple(placements)))
    return result


def _partners(old_node: UnitNode, arrival: selectors.UnitChange
              ) -> tuple[changes.Partner, ...]:
    """The other units of the earlier structure whose staff go to the unit `arrival` is of,
    in tree order, each marked when only part of its staff go along (as
    units.selectors.placement names a merger's partners)."""
    return tuple(changes.Partner(link.unit.name, part=link.share < 100)
                 for link in sorted(arrival.predecessors, key=lambda link: link.unit.lft)
                 if link.unit.id != old_node.id)


def _path(node: UnitNode, by_id: dict[int, UnitNode]) -> tuple[UnitNode, ...]:
    path = []
    parent = by_id.get(node.parent_id) if node.parent_id else None
    while parent is not None:
        path.append(parent)
        parent = by_id.get(parent.parent_id) if parent.parent_id else None
    return tuple(reversed(path))


def issued_on() -> datetime.date:
    """The date a notice is issued when none is given: today in Copenhagen."""
    return clock.today()


def notice_sender(structure: Structure) -> str:
    """Who sends a structure's notices: the sender text written with the notice text
    ("Socialforvaltningen, Københavns Kommune, HR og Organisation"), else the organisation."""
    return structure.notice_sender or structure.organisation.name


def addressee(unit: UnitNode) -> str:
    """Whom a unit's notice is to: its leader by title and name ("Centerchef Birgitte Bonde,
    Center for Hjemløse"), or "lederen af <unit>" when no leader is named."""
    if not unit.leader_name:
        return f"lederen af {unit.name}"
    leader = " ".join(x for x in (unit.leader_title, unit.leader_name) if x)
    return f"{leader}, {unit.name}"


def kinds_text(kinds: frozenset[str]) -> str:
    """Every kind of a change in lower case, as a sentence says them: "flyttet og omdøbt"."""
    return join_danish(label.lower() for label in changes.labels(kinds))


def _mark(role: str, text: str) -> str:
    """units.changes' `mark` for a letter: the units, share and date bold, every piece
    escaped."""
    if role in ("old", "new", "share", "date"):
        return format_html("<strong>{}</strong>", text)
    return conditional_escape(text)


def change_sentence(unit: UnitNode, placement: selectors.Placement | None,
                    structure: Structure, issued: datetime.date) -> SafeString:
    """Min enhed's sentence for `unit` going to `placement` (closed when None), in the
    wording and tense of units.changes.sentence as of the day the letter is issued."""
    when = {"effective_date": structure.effective_date, "today": issued,
            "decided": lifecycle.counts_in_force(str(structure.status))}
    if placement is None:
        return mark_safe(changes.sentence(  # noqa: S308 - every piece escaped by the mark
            changes.CLOSED, old=unit.name, mark=_mark, **when))
    parent = placement.parent
    return mark_safe(changes.sentence(  # noqa: S308 - every piece escaped by the mark
        placement.kinds, old=unit.name, new=placement.unit.name,
        parent=parent.name if parent is not None else "", share=share_text(placement.share),
        others=placement.partners, mark=_mark, **when))


def notice_context(structure: Structure, user, items: list[Notice], *,
                   old: Structure | None = None, issued: datetime.date | None = None) -> dict:
    """The template context of `items`' notices, with the structure's own notice text and
    sender, and the date of issue (`issued`, today by default)."""
    context = structure_context(structure, user)
    context.update({
        "structure": structure,
        "old": old or structure.based_on,
        "notices": [_notice_view(n, structure, issued or issued_on()) for n in items],
        "effective_date_text": danish_date(structure.effective_date),
        "issued_text": danish_date(issued or issued_on()),
        "sender": notice_sender(structure),
        "notice_text_paragraphs": [p.strip() for p in structure.notice_text.split("\n\n")
                                   if p.strip()],
    })
    return context


def _notice_view(notice: Notice, structure: Structure, issued: datetime.date) -> dict:
    return {
        "notice": notice,
        "unit": notice.unit,
        "path": " › ".join(p.name for p in notice.path),
        "addressee": addressee(notice.unit),
        # A closed unit's sentence and kinds; each placement has its own.
        "sentence": (change_sentence(notice.unit, None, structure, issued) if notice.closed
                     else ""),
        "kinds_text": kinds_text(changes.CLOSED) if notice.closed else "",
        "placements": [
            {
                "unit": p.unit,
                "path": " › ".join(a.name for a in p.path),
                "share": share_text(p.share),
                "headcount": p.staff,
                "kind_label": p.kind_label,
                "kinds_text": kinds_text(p.kinds),
                "sentence": change_sentence(notice.unit, p, structure, issued),
                "leader": " ".join(x for x in (p.unit.leader_title, p.unit.leader_name) if x),
                "parent_leader": (" ".join(x for x in (p.path[-1].leader_title,
                                                       p.path[-1].leader_name) if x)
                                  if p.path else ""),
            }
            for p in notice.placements
        ],
    }


def notices_pdf(structure: Structure, user, *, old: Structure | None = None,
                unit_ids: Sequence[int] | None = None,
                issued: datetime.date | None = None) -> bytes:
    """All notices in one PDF, each starting on a new page, dated `issued` (today by
    default)."""
    items = notices(structure, old=old, unit_ids=unit_ids)
    if not items:
        raise ValidationError("Der er ingen enheder at orientere.")
    return pdf_renderer.render_pdf("units/pdf_notices.html",
                                   notice_context(structure, user, items, old=old,
                                                  issued=issued))


def notice_filename(notice: Notice) -> str:
    """A file name for one unit's notice, from its code (else its id) and its name."""
    base = notice.unit.code or str(notice.unit.id)
    name = "".join(ch if ch.isalnum() else "-" for ch in notice.unit.name)[:60].strip("-")
    return f"orientering-{base}-{name}.pdf"


def notices_zip(structure: Structure, user, *, old: Structure | None = None,
                progress: Callable[[int, int, Notice], None] | None = None,
                issued: datetime.date | None = None) -> bytes:
    """A zip with one notice PDF per unit (for mail merge or the intranet), each with its
    own "side 1 af 1". `progress` is called after each PDF with (done, total, notice).

    All notices are laid out once, as one document, and each one-page notice is written out
    as a PDF of its own page: laying out a document has a large fixed cost (the style
    cascade), so this is many times faster than one layout per unit. A notice that runs
    over one page is laid out on its own, so that its footer counts its own pages."""
    items = notices(structure, old=old)
    if not items:
        raise ValidationError("Der er ingen enheder at orientere.")
    context = notice_context(structure, user, items, old=old, issued=issued)
    context["per_notice_paging"] = True
    document = pdf_renderer.render_document("units/pdf_notices.html", context)
    starts: dict[int, int] = {}
    for index, page in enumerate(document.pages):
        for anchor in page.anchors:
            if anchor.startswith("notice-"):
                starts.setdefault(int(anchor.removeprefix("notice-")), index)
    firsts = [starts[n.unit.id] for n in items]
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, notice in enumerate(items, start=1):
            first = firsts[done - 1]
            last = firsts[done] if done < len(items) else len(document.pages)
            if last - first == 1:
                data = document.copy([document.pages[first]]).write_pdf()
            else:
                single = {**context,
                          "notices": [_notice_view(notice, structure, issued or issued_on())],
                          "per_notice_paging": False}
                data = pdf_renderer.render_pdf("units/pdf_notices.html", single)
            name = notice_filename(notice)
            while name in used:
                name = name.removesuffix(".pdf") + "-1.pdf"
            used.add(name)
            archive.writestr(name, data)
            if progress:
                progress(done, len(items), notice)
    return buffer.getvalue()
