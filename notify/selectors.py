"""Reads of notify: a structure's udmelding record (the Udmeldinger page and its CSV)."""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from orgreg import clock
from units.interchange.values import FORMULA_CHARACTERS
from units.models import Structure

from . import letters, udmelding
from .models import Message, Udmelding


@dataclass(frozen=True)
class Pending:
    """A letter still to be sent: the udmelding has not gone out yet."""

    unit_id: int
    unit_name: str
    recipient_name: str
    address: str
    subject: str


@dataclass(frozen=True)
class Record:
    structure: Structure
    udmelding: Udmelding | None
    moment: datetime.datetime | None
    waiting: str  # why nothing is sent now (held, confidential until …), or ""
    messages: list[Message]
    pending: list[Pending] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = {state.value: 0 for state in Message.State}
        for m in self.messages:
            found[m.state] += 1
        return found

    @property
    def units(self) -> list[tuple[int, str]]:
        """The units that have had a letter, for resending: (id, name)."""
        seen: dict[int, str] = {}
        for m in self.messages:
            if m.unit_id is not None and m.unit_id not in seen:
                seen[m.unit_id] = m.unit.name if m.unit else ""
        return sorted(seen.items(), key=lambda pair: pair[1])


def messages_of(structure: Structure) -> list[Message]:
    """Every mail about the structure, of every kind, oldest first. Two queries."""
    return list(Message.objects.filter(structure=structure).select_related("unit")
                .prefetch_related("attachments").order_by("created", "pk"))


def structure_record(structure: Structure) -> Record:
    """The structure's udmelding and every message sent about it; while the udmelding has
    not gone out, the letters it will send."""
    found = Udmelding.objects.filter(structure=structure).first()
    waiting = udmelding.may_send(structure, found) if found is not None else ""
    pending: list[Pending] = []
    if found is not None and found.dispatched_at is None:
        try:
            pending = [Pending(x.unit.id, x.unit.name, x.recipient_name, x.address, x.subject)
                       for x in letters.letters(structure)]
        except ValidationError:
            pending = []
    return Record(structure, found, udmelding.moment(structure), waiting,
                  messages_of(structure), pending)


def _local(moment: datetime.datetime | None) -> str:
    return moment.astimezone(clock.zone()).isoformat(timespec="seconds") if moment else ""


def _cell(value) -> str:
    """A CSV cell: text that Excel would run as a formula gets an apostrophe first, as in
    units' CSV export."""
    text = "" if value is None else str(value)
    if text.lstrip("'").startswith(tuple(FORMULA_CHARACTERS) + ("\t", "\r")):
        text = "'" + text
    return text


CSV_COLUMNS = ["Oprettet", "Slags", "Enhed", "Modtager", "Adresse", "Emne", "Status",
               "Forsøg", "Sendt", "Fejl", "Vedhæftet", "Tekst"]


def record_csv(record: Record) -> bytes:
    """The record's messages, semicolon-separated, UTF-8 with BOM (what Danish Excel opens
    right), then the letters still to be sent (status "Afventer")."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for m in record.messages:
        writer.writerow([_cell(x) for x in (
            _local(m.created), m.kind, m.unit.name if m.unit else "",
            m.recipient_name, m.address, m.subject, m.get_state_display(), m.attempts,
            _local(m.sent_at), m.last_error,
            ", ".join(m.attachment_names), m.body_text)])
    for p in record.pending:
        writer.writerow([_cell(x) for x in (
            "", udmelding.KIND, p.unit_name, p.recipient_name, p.address, p.subject,
            "Afventer", 0, "", record.waiting, "", "")])
    return ("\ufeff" + out.getvalue()).encode("utf-8")
