"""Writes to MED bodies, memberships, meetings, agenda items and consultations.

One function per business operation: atomic, validating everything before the first write,
recording the acting user and a reason (the caller's words or a generated Danish sentence) in
history. A refusal is a ``ValidationError`` with a Danish message and leaves the database as it
was. Writes to one body (its members, meetings) are serialised by locking the body's row.
Dates outside 1900–2200 are refused (orgreg.dates). Updates refuse a stale `expected_version`
(orgreg.versions); None (imports, demo data, scripts) skips that check.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any, overload

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgreg import clock
from orgreg.dates import check_date, check_dates
from orgreg.history import apply_changes, stamp
from orgreg.text import counted, danish_date, join_danish, quoted
from orgreg.versions import check_version
from units.models import Structure, Unit

from .models import (
    AgendaItem,
    Consultation,
    Level,
    MedBody,
    Meeting,
    Membership,
    Role,
    Side,
    Treatment,
)

BODY_FIELDS = ("name", "level", "parent", "valid_from", "valid_to", "transitional", "description")
MEMBERSHIP_FIELDS = ("person_name", "user", "side", "role", "union", "valid_from", "valid_to")
MEETING_FIELDS = ("title", "starts_at", "place")
ITEM_FIELDS = ("title", "treatment", "structure", "description", "minutes", "number")
CONSULTATION_FIELDS = ("title", "body", "council", "sent_on", "deadline")


# --- small internals ------------------------------------------------------------------


def _save(obj, user, reason: str):
    stamp(obj, user, reason)
    obj.save()
    return obj


def _unknown(fields: dict[str, Any], allowed: Iterable[str], what: str) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"Unknown {what} fields: {', '.join(sorted(unknown))}")


def _lock_body(body: MedBody) -> MedBody:
    try:
        return MedBody.objects.select_for_update().get(pk=body.pk)
    except MedBody.DoesNotExist:
        raise ValidationError("MED-udvalget findes ikke længere.") from None


def _period(valid_from, valid_to, what: str) -> None:
    if not valid_from:
        raise ValidationError({"valid_from": f"Angiv hvornår {what} gælder fra."})
    check_dates(valid_from=valid_from, valid_to=valid_to)
    if valid_to is not None and valid_to < valid_from:
        raise ValidationError({"valid_to": (
            f"{what[0].upper()}{what[1:]} kan ikke slutte ({danish_date(valid_to)}) før det "
            f"begynder ({danish_date(valid_from)})."
        )})


def _overlaps(a_from, a_to, b_from, b_to) -> bool:
    """Closed date intervals, None meaning open-ended."""
    return (b_to is None or a_from <= b_to) and (a_to is None or b_from <= a_to)


def _period_text(valid_from, valid_to) -> str:
    if valid_to is None:
        return f"fra {danish_date(valid_from)}"
    return f"{danish_date(valid_from)} – {danish_date(valid_to)}"


def _check_body(body: MedBody) -> None:
    """The rules of a body's own fields; its units are checked by _check_units."""
    body.name = (body.name or "").strip()
    if not body.name:
        raise ValidationError({"name": "MED-udvalget skal have et navn."})
    if body.level not in Level.values:
        raise ValidationError({"level": f"Ukendt niveau: {body.level}."})
    _period(body.valid_from, body.valid_to, "udvalget")
    if body.structure.organisation_id != body.organisation_id:
        raise ValidationError({"structure": "Organiseringen hører til en anden organisation."})
    if body.parent_id is not None:
        parent = MedBody.objects.filter(pk=body.parent_id).values(
            "organisation_id", "name").first()
        if parent is None:
            raise ValidationError({"parent": "Det overordnede udvalg findes ikke."})
        if parent["organisation_id"] != body.organisation_id:
            raise ValidationError({"parent": (
                f"{quoted(parent['name'])} hører til en anden organisation."
            )})
        if body.pk is not None:
            parents = dict(MedBody.objects.filter(organisation_id=body.organisation_id)
                           .values_list("pk", "parent_id"))
            seen: set[int] = set()
            current: int | None = body.parent_id
            while current is not None and current not in seen:
                if current == body.pk:
                    raise ValidationError({"parent": (
                        "Et udvalg kan ikke ligge under sig selv eller et af sine egne "
                        "underudvalg."
                    )})
                seen.add(current)
                current = parents.get(current)
    if len(body.description) > 100_000:
        raise ValidationError({"description": "Beskrivelsen er for lang."})


def _check_units(structure: Structure, units: Iterable[Unit]) -> list[Unit]:
    units = list({u.pk: u for u in units}.values())
    wrong = [u for u in units if u.structure_id != structure.pk]
    if wrong:
        raise ValidationError({"units": (
            f"{join_danish(quoted(u.name) for u in wrong)} hører ikke til organiseringen "
            f"{quoted(structure.name)}; et MED-udvalg kan kun dække enheder i den organisering, "
            "det er defineret ud fra."
        )})
    return units


# --- bodies ---------------------------------------------------------------------------


@transaction.atomic
def create_body(structure: Structure, *, name: str, level: str, valid_from: datetime.date, user,
                reason: str | None = None, units: Iterable[Unit] = (),
                valid_to: datetime.date | None = None, parent: MedBody | None = None,
                transitional: bool = False, description: str = "") -> MedBody:
    """A MED body of `structure`'s organisation, defined against `structure`, covering `units`
    (and their subtrees). Refuses an empty name, an unknown level, a period that ends before
    it begins, a parent body of another organisation, and units of another structure."""
    structure = Structure.objects.select_related("organisation").get(pk=structure.pk)
    body = MedBody(
        organisation_id=structure.organisation_id, structure=structure, name=name, level=level,
        valid_from=valid_from, valid_to=valid_to, parent=parent, transitional=transitional,
        description=description or "",
    )
    _check_body(body)
    units = _check_units(structure, units)
    if MedBody.objects.filter(organisation_id=structure.organisation_id, name__iexact=body.name,
                              valid_from=body.valid_from).exists():
        raise ValidationError({"name": (
            f"Der findes allerede et udvalg ved navn {quoted(body.name)} gældende fra "
            f"{danish_date(body.valid_from)}."
        )})
    reason = reason or (
        f"MED-udvalget {quoted(body.name)} oprettet ({_period_text(valid_from, valid_to)})."
    )
    _save(body, user, reason)
    if units:
        stamp(body, user, reason)
        body.units.set(units)
    return body


@transaction.atomic
def update_body(body: MedBody, *, user, reason: str | None = None,
                expected_version: int | None = None, **fields) -> MedBody:
    """Change a body's name, level, parent, period, transitional flag or description. Refuses
    what create_body refuses, a parent that is the body itself or below it, a period that
    no longer holds the body's members or meetings, and — when `expected_version`
    (orgreg.versions.current_version when the form was made) is given — a body saved by
    someone else since then."""
    _unknown(fields, BODY_FIELDS, "body")
    locked = _lock_body(body)
    check_version(locked, expected_version, what=f"MED-udvalget {quoted(locked.name)}")
    for key in ("name", "description"):
        if fields.get(key) is not None:
            fields[key] = str(fields[key])
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    _check_body(locked)
    if "valid_from" in fields or "valid_to" in fields:
        outside = [
            m.person_name for m in locked.memberships.all()
            if m.valid_from < locked.valid_from
            or (locked.valid_to is not None
                and (m.valid_to is None or m.valid_to > locked.valid_to))
        ]
        if outside:
            raise ValidationError({"valid_to": (
                f"Medlemskaberne for {join_danish(outside)} ligger uden for den nye periode; "
                "afslut dem først."
            )})
        meetings = [
            timezone.localtime(at).date() for at in
            locked.meetings.values_list("starts_at", flat=True)
        ]
        if any(not locked.is_valid_on(d) for d in meetings):
            raise ValidationError({"valid_to": "Udvalget har møder uden for den nye periode."})
    return _save(locked, user, reason or f"{quoted(locked.name)}: {join_danish(changed)} ændret.")


@transaction.atomic
def set_body_units(body: MedBody, units: Iterable[Unit], *, user, reason: str | None = None,
                   expected_version: int | None = None) -> MedBody:
    """The units a body covers (each with its subtree), replacing the previous ones. Refuses
    units that are not in the structure the body is defined against, and a body saved by
    someone else since `expected_version`."""
    locked = _lock_body(body)
    check_version(locked, expected_version, what=f"MED-udvalget {quoted(locked.name)}")
    structure = locked.structure
    units = _check_units(structure, units)
    before = set(locked.units.values_list("pk", flat=True))
    after = {u.pk for u in units}
    if before == after:
        return locked
    added = [u.name for u in units if u.pk not in before]
    removed_count = len(before - after)
    parts = []
    if added:
        parts.append(f"dækker nu også {join_danish(quoted(n) for n in added)}")
    if removed_count:
        parts.append(f"{counted(removed_count, 'enhed', 'enheder')} fjernet")
    stamp(locked, user, reason or f"{quoted(locked.name)}: {'; '.join(parts)}.")
    locked.units.set(units)
    return locked


# --- memberships ----------------------------------------------------------------------


def _check_membership(m: Membership, body: MedBody) -> None:
    m.person_name = (m.person_name or "").strip()
    m.union = (m.union or "").strip()
    if not m.person_name:
        raise ValidationError({"person_name": "Angiv medlemmets navn."})
    if m.side not in Side.values:
        raise ValidationError({"side": "Vælg ledelsessiden eller medarbejdersiden."})
    if m.role not in Role.values:
        raise ValidationError({"role": f"Ukendt rolle: {m.role}."})
    if m.role == Role.FORMAND and m.side != Side.LEDELSE:
        raise ValidationError({"role": "Formanden kommer fra ledelsessiden."})
    if m.role == Role.NAESTFORMAND and m.side != Side.MEDARBEJDER:
        raise ValidationError({"role": "Næstformanden kommer fra medarbejdersiden."})
    _period(m.valid_from, m.valid_to, "medlemskabet")
    if m.valid_from < body.valid_from or (
        body.valid_to is not None and (m.valid_to is None or m.valid_to > body.valid_to)
    ):
        raise ValidationError({"valid_from": (
            f"Medlemskabet skal ligge inden for udvalgets periode "
            f"({_period_text(body.valid_from, body.valid_to)})."
        )})
    if m.role in (Role.FORMAND, Role.NAESTFORMAND):
        rivals = Membership.objects.filter(body=body, role=m.role)
        if m.pk:
            rivals = rivals.exclude(pk=m.pk)
        for rival in rivals:
            if _overlaps(m.valid_from, m.valid_to, rival.valid_from, rival.valid_to):
                title = "formand" if m.role == Role.FORMAND else "næstformand"
                raise ValidationError({"role": (
                    f"{rival.person_name} er allerede {title} for {quoted(body.name)} "
                    f"({_period_text(rival.valid_from, rival.valid_to)}); der kan kun være én "
                    f"{title} ad gangen."
                )})


@transaction.atomic
def add_membership(body: MedBody, *, person_name: str, side: str, valid_from: datetime.date,
                   user, reason: str | None = None, role: str = Role.MEDLEM, union: str = "",
                   valid_to: datetime.date | None = None, person_user=None) -> Membership:
    """A member of `body`. Refuses an empty name, a chair (formand) who is not from the
    management side, a vice-chair (næstformand) not from the employee side, a second chair or
    vice-chair in an overlapping period, and a period outside the body's."""
    locked = _lock_body(body)
    m = Membership(body=locked, person_name=person_name, side=side, role=role, union=union,
                   valid_from=valid_from, valid_to=valid_to, user=person_user)
    _check_membership(m, locked)
    return _save(m, user, reason or (
        f"{m.person_name} indtrådt i {quoted(locked.name)} som {m.get_role_display().lower()} "
        f"({m.get_side_display().lower()}) {_period_text(m.valid_from, m.valid_to)}."
    ))


@transaction.atomic
def update_membership(membership: Membership, *, user, reason: str | None = None,
                      expected_version: int | None = None, **fields) -> Membership:
    """Change a membership (role, side, union, period, the linked user). Refuses what
    add_membership refuses, and a membership saved by someone else since `expected_version`."""
    _unknown(fields, MEMBERSHIP_FIELDS, "membership")
    locked = _lock_body(membership.body)
    m = Membership.objects.get(pk=membership.pk)
    check_version(m, expected_version, what=f"Medlemskabet for {m.person_name}")
    changed = apply_changes(m, fields)
    if not changed:
        return m
    _check_membership(m, locked)
    return _save(m, user, reason or f"{m.person_name} i {quoted(locked.name)}: "
                 f"{join_danish(changed)} ændret.")


@transaction.atomic
def end_membership(membership: Membership, *, on: datetime.date, user, reason: str | None = None,
                   expected_version: int | None = None) -> Membership:
    """A member leaves `body` after `on`. Refuses a date before the membership began, and
    what update_membership refuses."""
    return update_membership(membership, valid_to=on, user=user,
                             expected_version=expected_version,
                             reason=reason or f"{membership.person_name} udtrådt af "
                             f"{quoted(membership.body.name)} pr. {danish_date(on)}.")


# --- meetings and agendas -------------------------------------------------------------


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


@overload
def _aware(value: datetime.datetime) -> datetime.datetime: ...
@overload
def _aware(value: None) -> None: ...
def _aware(value: datetime.datetime | None) -> datetime.datetime | None:
    """A naive moment read as local time."""
    if value is not None and timezone.is_naive(value):
        return timezone.make_aware(value)
    return value


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


# --- consultations --------------------------------------------------------------------


def _check_consultation(c: Consultation) -> None:
    c.council = (c.council or "").strip()
    c.title = (c.title or "").strip()
    if c.body_id is None and not c.council:
        raise ValidationError({"council": "Angiv hvilket MED-udvalg eller råd der høres."})
    if c.body_id is not None and c.council:
        raise ValidationError({"council": (
            "Angiv enten et MED-udvalg eller et råd, ikke begge; opret en høring for hver."
        )})
    body = c.body if c.body_id is not None else None
    if body is not None and body.organisation_id != c.structure.organisation_id:
        raise ValidationError({"body": (
            f"{quoted(body.name)} hører til en anden organisation end organiseringen."
        )})
    if not c.sent_on:
        raise ValidationError({"sent_on": "Angiv hvornår høringen blev sendt."})
    if not c.deadline:
        raise ValidationError({"deadline": "Angiv høringsfristen."})
    check_dates(sent_on=c.sent_on, deadline=c.deadline)
    if c.deadline < c.sent_on:
        raise ValidationError({"deadline": (
            f"Fristen ({danish_date(c.deadline)}) ligger før høringen blev sendt "
            f"({danish_date(c.sent_on)})."
        )})
    if body is not None and not body.is_valid_on(c.sent_on):
        raise ValidationError({"body": (
            f"{quoted(body.name)} findes ikke den {danish_date(c.sent_on)}."
        )})


def _lock_consultation(consultation: Consultation) -> Consultation:
    try:
        return (Consultation.objects.select_for_update(of=("self",))
                .select_related("structure", "body").get(pk=consultation.pk))
    except Consultation.DoesNotExist:
        raise ValidationError("Høringen findes ikke længere.") from None


@transaction.atomic
def create_consultation(structure: Structure, *, sent_on: datetime.date, deadline: datetime.date,
                        user, reason: str | None = None, body: MedBody | None = None,
                        council: str = "", title: str = "") -> Consultation:
    """`structure` sent in consultation to a MED body or to a council (Ældrerådet,
    Handicaprådet). Refuses neither or both, a body of another organisation or not in force
    when sent, a deadline before the sending and dates outside 1900–2200."""
    c = Consultation(structure=structure, body=body, council=council, title=title, sent_on=sent_on,
                     deadline=deadline)
    _check_consultation(c)
    return _save(c, user, reason or (
        f"{quoted(structure.name)} sendt i høring hos {c.consulted} med frist "
        f"{danish_date(deadline)}."
    ))


@transaction.atomic
def update_consultation(consultation: Consultation, *, user, reason: str | None = None,
                        expected_version: int | None = None, **fields) -> Consultation:
    """Change whom a consultation was sent to, when, the deadline or the subject. Refuses what
    create_consultation refuses, and a consultation saved by someone else since
    `expected_version`."""
    _unknown(fields, CONSULTATION_FIELDS, "consultation")
    c = _lock_consultation(consultation)
    check_version(c, expected_version, what=f"Høringen hos {c.consulted}")
    changed = apply_changes(c, fields)
    if not changed:
        return c
    _check_consultation(c)
    if c.responded_on is not None and c.responded_on < c.sent_on:
        raise ValidationError({"sent_on": "Svaret kan ikke være modtaget før høringen blev sendt."})
    return _save(c, user, reason or f"Høringen hos {c.consulted}: {join_danish(changed)} ændret.")


@transaction.atomic
def record_response(consultation: Consultation, *, response: str, responded_on: datetime.date,
                    user, reason: str | None = None,
                    expected_version: int | None = None) -> Consultation:
    """The consulted body's answer (høringssvar) and the day it came. Refuses an empty answer,
    a day before the consultation was sent, a day in the future, and a consultation saved by
    someone else since `expected_version` (another answer recorded meanwhile). An answer
    after the deadline is recorded (and shown as late)."""
    c = _lock_consultation(consultation)
    check_version(c, expected_version, what=f"Høringen hos {c.consulted}")
    response = (response or "").strip()
    if not response:
        raise ValidationError({"response": "Skriv høringssvaret eller et resumé af det."})
    if not responded_on:
        raise ValidationError({"responded_on": "Angiv hvornår svaret kom."})
    check_date(responded_on, "responded_on")
    if responded_on < c.sent_on:
        raise ValidationError({"responded_on": (
            f"Svaret kan ikke komme før høringen blev sendt ({danish_date(c.sent_on)})."
        )})
    if responded_on > clock.today():
        raise ValidationError({"responded_on": "Svarets dato ligger i fremtiden."})
    c.response = response
    c.responded_on = responded_on
    late = " (efter fristen)" if responded_on > c.deadline else ""
    return _save(c, user, reason or (
        f"Høringssvar fra {c.consulted} modtaget {danish_date(responded_on)}{late}."
    ))
