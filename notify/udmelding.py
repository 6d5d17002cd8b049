"""The udmelding of a published structure: one e-mail to each affected unit's leader
(notify.letters), with the unit's placement notice attached, sent when the structure may be
told.

The moment. A structure is told when everyone logged in may see it — orgreg.roles'
rule, asked through `everyone_policy` (`may_send` is the one place that asks it): at once
when it is published without a confidential_until date; otherwise from the start of that day
in Copenhagen (orgreg.roles.public_from; clock.today() is Copenhagen's date). Every path to
sending passes `may_send`: the publication itself, the scheduler's sweep every minute
(`dispatch_due`), an editor's release or resend, and each message's own send (the check
registered for the kind), so a message queued in time but sent late, or a held udmelding, is
never let out before it may be.

Editors preview any unit's letter (`preview`), hold the udmelding and release it, and send it
again to one unit (`resend`). Every letter is a notify.Message, so the record (the
Udmeldinger page) shows what was sent, to whom and how it went.
"""

from __future__ import annotations

import datetime
import io
import zipfile
from contextlib import contextmanager
from contextvars import ContextVar

from celery import shared_task
from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg import clock
from orgreg.roles import everyone_policy, public_from
from orgreg.text import danish_date
from units import printing
from units.models import Status, Structure

from . import letters as letters_module
from . import services
from .models import Message, Udmelding

KIND = "udmelding"
HELD = "Udmeldingen er tilbageholdt af en redaktør."
NOT_PUBLISHED = "Organiseringen er ikke udmeldt."
GONE = "Organiseringen findes ikke længere."

_suspended: ContextVar[bool] = ContextVar("udmelding_suspended", default=False)


@contextmanager
def suspended():
    """Publications within the block make no udmelding (the demo's history: structures
    published long ago, as if before orgreg sent mail)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def not_before(structure: Structure) -> str:
    """Why `structure` may not be told yet, in Danish; empty when it may (orgreg.roles'
    rule for everyone logged in, today in Copenhagen)."""
    if structure.status != Status.PUBLISHED:
        return NOT_PUBLISHED
    if not everyone_policy(today=clock.today()).can_see_structure(structure):
        return (f"Organiseringen er fortrolig til {danish_date(structure.confidential_until)}; "
                "udmeldingen sendes fra den dag.")
    return ""


def may_send(structure: Structure | None, udmelding: Udmelding | None) -> str:
    """The one check before anything of an udmelding is queued or sent: a Danish reason
    why not, or empty."""
    if structure is None or udmelding is None:
        return GONE
    return HELD if udmelding.held else not_before(structure)


def moment(structure: Structure) -> datetime.datetime | None:
    """When the udmelding may go: the start of confidential_until's day in Copenhagen, or
    None (at publication)."""
    return public_from(structure)


def check_message(message: Message) -> str:
    """The check notify.sending asks before each udmelding letter is sent: `may_send`."""
    structure = message.structure
    if structure is None:
        return GONE
    return may_send(structure, Udmelding.objects.filter(structure=structure).first())


# --- publication ----------------------------------------------------------------------------

def on_status_changed(sender, *, structure: Structure, new, user=None, **kwargs) -> None:
    """units.signals.status_changed: a structure just published gets its udmelding, sent
    once the transaction commits if it may be told now, else by the scheduler's sweep."""
    if new != Status.PUBLISHED or _suspended.get():
        return
    udmelding, created = Udmelding.objects.get_or_create(
        structure=structure, defaults={"published_at": clock.now(), "published_by": user})
    if created:
        pk = structure.pk
        transaction.on_commit(lambda: _dispatch_later(pk))


def _dispatch_later(structure_id: int) -> None:
    dispatch_udmelding.delay(structure_id)


@shared_task(name="notify.dispatch_udmelding")
def dispatch_udmelding(structure_id: int) -> None:
    """The task after a publication or a release: `dispatch`."""
    dispatch(structure_id)


def _attachments(structure: Structure, unit_ids: list[int], issued: datetime.date
                 ) -> dict[int, services.File]:
    """Each unit's placement notice PDF: all of them laid out at once (notices_zip), or one
    when it is one unit."""
    if len(unit_ids) == 1:
        [notice] = printing.notices(structure, unit_ids=unit_ids)
        data = printing.notices_pdf(structure, None, unit_ids=unit_ids, issued=issued)
        return {unit_ids[0]: services.File(printing.notice_filename(notice), data)}
    items = printing.notices(structure)
    archive = zipfile.ZipFile(io.BytesIO(printing.notices_zip(structure, None, issued=issued)))
    wanted = set(unit_ids)
    return {notice.unit.id: services.File(printing.notice_filename(notice), archive.read(name))
            for notice, name in zip(items, archive.namelist(), strict=True)
            if notice.unit.id in wanted}


def _queue_letters(structure: Structure, found: list[letters_module.Letter], *, round_of,
                   user=None, issued: datetime.date) -> list[Message]:
    files = _attachments(structure, [letter.unit.id for letter in found], issued)
    queued = []
    for letter in found:
        queued.append(services.queue(
            kind=KIND, key=f"{KIND}:{structure.pk}:{letter.unit.id}:{round_of(letter)}",
            address=letter.address, recipient_name=letter.recipient_name,
            recipient_ref=f"units.unit:{letter.unit.id}", subject=letter.subject,
            body_text=letter.text, body_html=letter.html, structure=structure,
            unit_id=letter.unit.id, attachments=[files[letter.unit.id]], user=user))
    return queued


@transaction.atomic
def dispatch(structure_id: int, *, user=None) -> list[Message]:
    """Queue the letters of the structure's udmelding, once, if it may be told now (else
    nothing: the sweep comes back). The udmelding's row is locked, so two dispatches at
    once queue them once."""
    udmelding = (Udmelding.objects.select_for_update().select_related("structure")
                 .filter(structure_id=structure_id).first())
    if udmelding is None or udmelding.dispatched_at is not None:
        return []
    structure = Structure.objects.select_related("organisation", "based_on").get(
        pk=structure_id)
    if may_send(structure, udmelding):
        return []
    issued = clock.today()
    try:
        found = letters_module.letters(structure, issued=issued)
    except ValidationError:  # no earlier structure: nobody to tell
        found = []
    queued = _queue_letters(structure, found, round_of=lambda letter: 1, user=user,
                            issued=issued) if found else []
    udmelding.dispatched_at = clock.now()
    udmelding.save(update_fields=["dispatched_at"])
    return queued


def dispatch_due(now: datetime.datetime | None = None) -> int:
    """The scheduler's part (notify.due): every udmelding not yet sent, not held, whose
    structure everyone may see by now. How many letters were queued."""
    today = (now.astimezone(clock.zone()).date() if now else clock.today())
    due = (Udmelding.objects.filter(dispatched_at__isnull=True, held=False)
           .filter(everyone_policy(today=today).structure_q("structure__"))
           .values_list("structure_id", flat=True))
    return sum(len(dispatch(pk)) for pk in list(due))


# --- editors' actions -----------------------------------------------------------------------

def udmelding_of(structure: Structure) -> Udmelding:
    udmelding = Udmelding.objects.filter(structure=structure).first()
    if udmelding is None:
        raise ValidationError("Organiseringen har ingen udmelding: den blev udmeldt, før "
                              "orgreg sendte udmeldinger, eller er ikke udmeldt.")
    return udmelding


@transaction.atomic
def hold(structure: Structure, *, user, reason: str = "") -> Udmelding:
    """Hold the udmelding: nothing more of it is sent (letters queued and not yet sent are
    held too) until an editor releases it."""
    udmelding = udmelding_of(structure)
    udmelding.held = True
    udmelding.held_reason = (reason or "").strip()[:300]
    udmelding.held_at = clock.now()
    udmelding.held_by = user
    udmelding.save()
    services.hold(Message.objects.filter(kind=KIND, structure=structure), HELD)
    return udmelding


@transaction.atomic
def release(structure: Structure, *, user) -> Udmelding:
    """Release a held udmelding: its held letters are queued again, and if it was never
    sent it is sent now when it may be (else at its moment)."""
    udmelding = udmelding_of(structure)
    udmelding.held = False
    udmelding.held_reason = ""
    udmelding.save(update_fields=["held", "held_reason"])
    services.release(Message.objects.filter(kind=KIND, structure=structure))
    if udmelding.dispatched_at is None:
        pk = structure.pk
        transaction.on_commit(lambda: _dispatch_later(pk))
    return udmelding


@transaction.atomic
def resend(structure: Structure, unit_id: int, *, user) -> Message:
    """Send one unit's letter again, as it reads today (a new message of its own; the
    earlier ones stay on the record). Refused before the udmelding may go."""
    udmelding = udmelding_of(structure)
    reason = may_send(structure, udmelding)
    if reason:
        raise ValidationError(reason)
    issued = clock.today()
    found = letters_module.letters(structure, unit_ids=[unit_id], issued=issued,
                                   only_affected=False)
    if not found:
        raise ValidationError("Enheden hører ikke til den organisering, der bliver afløst.")
    sent_before = Message.objects.filter(kind=KIND, structure=structure, unit_id=unit_id).count()
    [message] = _queue_letters(structure, found, round_of=lambda letter: sent_before + 1,
                               user=user, issued=issued)
    return message


def preview(structure: Structure, unit_id: int) -> letters_module.Letter:
    """The letter one unit's leader gets (or got), as it reads today; nothing is sent."""
    found = letters_module.letters(structure, unit_ids=[unit_id], only_affected=False)
    if not found:
        raise ValidationError("Enheden hører ikke til den organisering, der bliver afløst.")
    return found[0]
