"""Writes to meetings and their agendas."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgreg.dates import check_date
from orgreg.history import apply_changes, stamp
from orgreg.text import danish_date, join_danish, quoted
from orgreg.versions import check_version
from units.models import Structure

from ..models import (
    AgendaItem,
    MedBody,
    Meeting,
    Treatment,
)
from .common import _aware, _lock_body, _period_text, _save, _unknown

MEETING_FIELDS = ("title", "starts_at", "place")
ITEM_FIELDS = ("title", "treatment", "structure", "description", "minutes", "number")


def _check_meeting(meeting: Meeting, body: MedBody) -> None:
    meeting.title = (meeting.title or "").strip()
    meeting.place = (meeting.place or "").strip()
    if not meeting.starts_at:
        raise ValidationError({"starts_at": "Angiv mødets dato og tidspunkt."})
    check_date(meeting.starts_at, "starts_at")
    day = timezone.localtime(meeting.starts_at).date() if timezone.is_aware(meeting.starts_at) \
        else meeting.starts_at.date()
    if not body.is_valid_on(day):
        raise ValidationError({"starts_at": (
            f"{quoted(body.name)} findes ikke den {danish_date(day)} "
            f"(udvalget gælder {_period_text(body.valid_from, body.valid_to)})."
        )})



@transaction.atomic
def create_meeting(body: MedBody, *, starts_at: datetime.datetime, user, reason: str | None = None,
                   title: str = "", place: str = "") -> Meeting:
    """A meeting of `body`. Refuses a missing time, a date outside the body's period and one
    outside 1900–2200."""
    locked = _lock_body(body)
    meeting = Meeting(body=locked, starts_at=_aware(starts_at), title=title, place=place)
    _check_meeting(meeting, locked)
    day = danish_date(timezone.localtime(meeting.starts_at))
    return _save(meeting, user, reason or f"Møde i {quoted(locked.name)} {day} oprettet.")


@transaction.atomic
def update_meeting(meeting: Meeting, *, user, reason: str | None = None,
                   expected_version: int | None = None, **fields) -> Meeting:
    """Change a meeting's title, time or place. Refuses what create_meeting refuses, and a
    meeting saved by someone else since `expected_version`."""
    _unknown(fields, MEETING_FIELDS, "meeting")
    locked = _lock_body(meeting.body)
    m = Meeting.objects.get(pk=meeting.pk)
    check_version(m, expected_version, what=f"Mødet {quoted(str(m))}")
    if "starts_at" in fields:
        fields["starts_at"] = _aware(fields["starts_at"])
    changed = apply_changes(m, fields)
    if not changed:
        return m
    _check_meeting(m, locked)
    return _save(m, user, reason or f"Mødet {quoted(str(m))}: {join_danish(changed)} ændret.")


def _check_item(item: AgendaItem, meeting: Meeting) -> None:
    item.title = (item.title or "").strip()
    if not item.title:
        raise ValidationError({"title": "Dagsordenspunktet skal have en overskrift."})
    if item.treatment not in Treatment.values:
        raise ValidationError({"treatment": (
            "Vælg behandlingsform: orientering, drøftelse, medindflydelse eller medbestemmelse."
        )})
    if item.structure_id is not None:
        structure = Structure.objects.get(pk=item.structure_id)
        if structure.organisation_id != meeting.body.organisation_id:
            raise ValidationError({"structure": (
                f"{quoted(structure.name)} hører til en anden organisation end udvalget."
            )})
        if item.structure_at is not None and structure.created_at > item.structure_at:
            raise ValidationError({"structure": (
                f"{quoted(structure.name)} fandtes ikke endnu, da dagsordenen blev udsendt."
            )})
    if item.number is None or item.number < 1:
        raise ValidationError({"number": "Punktets nummer skal være 1 eller derover."})
    clash = AgendaItem.objects.filter(meeting=meeting, number=item.number)
    if item.pk:
        clash = clash.exclude(pk=item.pk)
    if clash.exists():
        raise ValidationError({"number": f"Dagsordenen har allerede et punkt {item.number}."})


@transaction.atomic
def add_agenda_item(meeting: Meeting, *, title: str, treatment: str, user,
                    reason: str | None = None, structure: Structure | None = None,
                    description: str = "", minutes: str = "",
                    number: int | None = None) -> AgendaItem:
    """An item on a meeting's agenda (numbered last unless `number` is given). When the agenda
    was already sent, the structure it concerns is pinned to that moment. Refuses an empty
    title, an unknown treatment, a taken number and a structure of another organisation or
    one created after the agenda was sent."""
    _lock_body(meeting.body)
    meeting = Meeting.objects.select_related("body").get(pk=meeting.pk)
    if number is None:
        last = meeting.items.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
    item = AgendaItem(meeting=meeting, number=number, title=title, treatment=treatment,
                      structure=structure, description=description or "",
                      minutes=minutes or "",
                      structure_at=meeting.agenda_sent_at if structure else None)
    _check_item(item, meeting)
    return _save(item, user, reason or (
        f"Punkt {item.number} {quoted(item.title)} sat på dagsordenen til {quoted(str(meeting))}."
    ))


@transaction.atomic
def update_agenda_item(item: AgendaItem, *, user, reason: str | None = None,
                       expected_version: int | None = None, **fields) -> AgendaItem:
    """Change an agenda item, e.g. write its minutes. A structure set after the agenda was
    sent is pinned to the moment it was sent. Refuses what add_agenda_item refuses, and an
    item saved by someone else since `expected_version`."""
    _unknown(fields, ITEM_FIELDS, "agenda item")
    _lock_body(item.meeting.body)
    found = AgendaItem.objects.select_related("meeting__body").get(pk=item.pk)
    check_version(found, expected_version,
                  what=f"Punkt {found.number} {quoted(found.title)}")
    texts = {k: ("" if v is None else v) for k, v in fields.items() if k != "structure"}
    changed = apply_changes(found, texts)
    pinned = apply_changes(found, {"structure": fields["structure"]}) \
        if "structure" in fields else []
    if pinned:
        found.structure_at = found.meeting.agenda_sent_at if found.structure_id else None
    changed += pinned
    if not changed:
        return found
    _check_item(found, found.meeting)
    return _save(found, user, reason or f"Punkt {found.number} {quoted(found.title)}: "
                 f"{join_danish(changed)} ændret.")


@transaction.atomic
def remove_agenda_item(item: AgendaItem, *, user, reason: str | None = None) -> None:
    """Take an item off the agenda. Refuses an item that has minutes."""
    _lock_body(item.meeting.body)
    found = AgendaItem.objects.get(pk=item.pk)
    if found.minutes.strip():
        raise ValidationError("Punktet har et referat og kan ikke fjernes.")
    stamp(found, user, reason or f"Punkt {found.number} {quoted(found.title)} fjernet.")
    found.delete()


@transaction.atomic
def send_agenda(meeting: Meeting, *, user, reason: str | None = None,
                at: datetime.datetime | None = None) -> Meeting:
    """Record that the agenda was sent at `at` (now by default) and pin every item's structure
    to that moment, so the items show the structure as the members received it. Refuses a
    moment in the future and an empty agenda."""
    _lock_body(meeting.body)
    m = Meeting.objects.get(pk=meeting.pk)
    at = _aware(at) or timezone.now()
    check_date(at, "at")
    if at > timezone.now():
        raise ValidationError("Dagsordenen kan ikke være udsendt i fremtiden.")
    items = list(m.items.select_related("structure"))
    if not items:
        raise ValidationError("Dagsordenen er tom; sæt mindst ét punkt på, før den udsendes.")
    late = [i.structure.name for i in items if i.structure and i.structure.created_at > at]
    if late:
        raise ValidationError(
            f"{join_danish(quoted(n) for n in late)} fandtes ikke endnu på det tidspunkt."
        )
    reason = reason or f"Dagsordenen til {quoted(str(m))} udsendt."
    m.agenda_sent_at = at
    _save(m, user, reason)
    for item in items:
        if item.structure_id and item.structure_at != at:
            item.structure_at = at
            _save(item, user, reason)
    return m


