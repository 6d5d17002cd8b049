"""Writes of notify: queue a message (idempotent by its key), hold, release, queue again.

Sending itself is notify.sending (the Celery task notify.send_message calls it)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.db.models import QuerySet

from orgreg import clock

from . import addresses
from .models import Attachment, Message
from .sending import GRACE, schedule


@dataclass(frozen=True)
class File:
    """An attachment to queue with a message."""

    filename: str
    data: bytes
    content_type: str = "application/pdf"


def queue(*, kind: str, key: str, address: str, subject: str, body_text: str,
          body_html: str = "", recipient_name: str = "", recipient_ref: str = "",
          structure=None, unit=None, unit_id: int | None = None,
          attachments: Sequence[File] = (), user=None, hold: str = "") -> Message:
    """Record a message and hand it to a worker once the transaction commits. Idempotent by
    `key`: a message with that key already recorded is returned as it is (not queued
    again), so a retried caller or a task run twice sends once.

    A message that may not be sent is recorded all the same, as cancelled with the reason in
    `last_error`: no address, an address that is not one, a domain outside
    ORGREG_MAIL_ALLOWED_DOMAINS, or mail switched off (ORGREG_MAIL_ENABLED). `hold` (a Danish
    reason) records it as held: sent only when released (`release`)."""
    existing = Message.objects.filter(key=key).first()
    if existing is not None:
        return existing
    refusal = addresses.refusal(address)
    state = Message.State.QUEUED
    if refusal:
        state = Message.State.CANCELLED
    elif hold:
        state = Message.State.HELD
    with transaction.atomic():
        message, created = Message.objects.get_or_create(key=key, defaults={
            "kind": kind, "address": addresses.clean(address), "subject": subject,
            "body_text": body_text, "body_html": body_html,
            "recipient_name": recipient_name, "recipient_ref": recipient_ref,
            "structure": structure, "unit_id": unit.pk if unit is not None else unit_id,
            "created_by": user, "state": state,
            "last_error": refusal or hold,
            "finished_at": clock.now() if refusal else None,
            "next_attempt_at": clock.now() + GRACE if state == Message.State.QUEUED
            else None,
        })
        if created:
            Attachment.objects.bulk_create(
                Attachment(message=message, filename=f.filename, content_type=f.content_type,
                           data=f.data) for f in attachments)
    if created and message.state == Message.State.QUEUED:
        schedule(message)
    return message


def hold(messages: QuerySet[Message], reason: str) -> int:
    """Hold the queued ones of `messages` (they stay recorded, unsent, until released)."""
    return messages.filter(state=Message.State.QUEUED).update(
        state=Message.State.HELD, last_error=reason, next_attempt_at=None)


def release(messages: QuerySet[Message]) -> list[Message]:
    """Queue the held ones of `messages` again (each checked once more when it is sent)."""
    released = list(messages.filter(state=Message.State.HELD))
    now = clock.now() + GRACE
    for message in released:
        if Message.objects.filter(pk=message.pk, state=Message.State.HELD).update(
                state=Message.State.QUEUED, last_error="", next_attempt_at=now):
            schedule(message)
    return released


def requeue(message: Message) -> Message:
    """Try a failed message again from its first attempt (same row, same key); any other is
    left as it is."""
    if Message.objects.filter(pk=message.pk, state=Message.State.FAILED).update(
            state=Message.State.QUEUED, attempts=0, last_error="", finished_at=None,
            next_attempt_at=clock.now() + GRACE, locked_until=None):
        schedule(message)
    message.refresh_from_db()
    return message


def overdue(now: datetime.datetime | None = None) -> Iterable[Message]:
    """Queued messages whose next try is due and that no sender holds: what a lost task (a
    worker that died, a broker that dropped it) left behind; the scheduler sends them."""
    now = now or clock.now()
    return (Message.objects.filter(state=Message.State.QUEUED, next_attempt_at__lte=now)
            .exclude(locked_until__gt=now).order_by("pk"))
