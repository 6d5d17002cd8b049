"""Writes to consultations: sending, changing, and the answer (høringssvar)."""

from __future__ import annotations

import datetime
import logging

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from orgreg import clock
from orgreg.dates import check_date, check_dates
from orgreg.history import apply_changes
from orgreg.text import danish_date, join_danish, quoted
from orgreg.versions import check_version
from units.models import Structure

from ..models import (
    Consultation,
    MedBody,
)
from .common import _save, _unknown

CONSULTATION_FIELDS = ("title", "body", "council", "sent_on", "deadline")
log = logging.getLogger(__name__)

SIGNED_ANSWER = ("Udvalget har selv afgivet sit høringssvar i orgreg; det kan ikke rettes her. "
                 "Svar på det under kommentarerne.")




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
    _save(c, user, reason or (
        f"{quoted(structure.name)} sendt i høring hos {c.consulted} med frist "
        f"{danish_date(deadline)}."
    ))
    if c.body_id is not None:
        transaction.on_commit(lambda: _mail_now(c.pk))
    return c


def _mail_now(consultation_id: int) -> None:
    """The body's members are mailed at once if the consultation is due (med.mailing);
    otherwise, or if handing it over fails, the scheduler's sweep does it when it is."""
    from med import tasks

    try:
        tasks.consultation_mails.delay(consultation_id)
    except Exception:  # the sweep sends it instead; the consultation is recorded
        log.exception("consultation %s: mails left to the scheduler", consultation_id)


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
    if c.answer_id is not None:
        raise ValidationError(SIGNED_ANSWER)
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


@transaction.atomic
def record_answer(consultation: Consultation, *, answer, user,
                  reason: str | None = None) -> Consultation:
    """The body's own høringssvar (a comments.Comment of kind høringssvar, signed by a member)
    becomes the consultation's answer: the one service that derives the answer's day
    (`responded_on`) from it, and leaves `response` empty since the text is the comment's.
    Refuses a consultation already answered either way, an answer from another body or about
    another structure, and one given before the consultation was sent."""
    c = _lock_consultation(consultation)
    if c.answer_id is not None or c.responded_on is not None:
        raise ValidationError(
            f"Høringen hos {c.consulted} er allerede besvaret"
            f"{' ' + danish_date(c.responded_on) if c.responded_on else ''}.")
    if c.body_id is None or answer.body_id != c.body_id or answer.structure_id != c.structure_id:
        raise ValidationError("Høringssvaret hører ikke til denne høring.")
    day = timezone.localtime(answer.created_at).date()
    if day < c.sent_on:
        raise ValidationError(
            f"Svaret kan ikke komme før høringen blev sendt ({danish_date(c.sent_on)}).")
    c.answer = answer
    c.response = ""
    c.responded_on = day
    late = " (efter fristen)" if day > c.deadline else ""
    return _save(c, user, reason or (
        f"Høringssvar fra {c.consulted} afgivet af {answer.author_name} "
        f"{danish_date(day)}{late}."
    ))

