"""Sending one queued message (the Celery task notify.send_message runs `deliver`).

A message is claimed before it is sent (one UPDATE: queued and not claimed → claimed for a
while, one more attempt), so a task delivered twice, or the scheduler's sweep meeting a task
still running, sends it once. Each attempt checks again whether the message may go (its
kind's check: an udmelding held, or not yet due, is held instead; the address rules of
notify.addresses). A failure is retried ORGREG_MAIL_MAX_ATTEMPTS times in all, waiting
ORGREG_MAIL_RETRY_SECONDS, then twice that, and so on; after the last it is failed, with the
error, on the record — never dropped.
"""

from __future__ import annotations

import datetime
import hashlib
import logging
from collections.abc import Callable

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import transaction
from django.db.models import F, Q

from orgreg import clock

from . import addresses
from .models import Message

log = logging.getLogger(__name__)

# A queued message is left to its task this long before the scheduler's sweep sends it
# instead (the task was lost with a worker or a broker).
GRACE = datetime.timedelta(minutes=2)

# kind → check(message): a Danish reason to hold the message instead of sending it now, or "".
_CHECKS: dict[str, Callable[[Message], str]] = {}


def register_check(kind: str, check: Callable[[Message], str]) -> None:
    """Ask `check(message)` before every attempt to send a message of `kind`: a non-empty
    answer holds it (state held, the answer as its reason) until `services.release`."""
    _CHECKS[kind] = check


def lease() -> datetime.timedelta:
    """How long a claim lasts: longer than one attempt can take."""
    return datetime.timedelta(seconds=3 * (settings.EMAIL_TIMEOUT or 30) + 60)


def backoff(attempts: int) -> float:
    """Seconds to wait before the next try after `attempts` failed ones."""
    return float(settings.ORGREG_MAIL_RETRY_SECONDS * 2 ** max(0, attempts - 1))


def message_id(message: Message) -> str:
    """A Message-ID made from the key: the same message sent again has the same one."""
    digest = hashlib.sha256(message.key.encode()).hexdigest()[:32]
    domain = addresses.clean(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "orgreg"
    return f"<{digest}@{domain.strip('<>')}>"


def build(message: Message, connection=None) -> EmailMultiAlternatives:
    """The e-mail as Django's mail API sends it: the recipient's name and address encoded
    for the header, subject on one line, plain text with the HTML part beside it."""
    email = EmailMultiAlternatives(
        subject=addresses.one_line(message.subject), body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[addresses.header_address(message.recipient_name, message.address)],
        headers={"Message-ID": message_id(message), "Auto-Submitted": "auto-generated"},
        connection=connection)
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments.all():
        email.attach(attachment.filename, bytes(attachment.data), attachment.content_type)
    return email


def _claim(message_id: int, now: datetime.datetime) -> bool:
    return bool(Message.objects.filter(pk=message_id, state=Message.State.QUEUED).filter(
        Q(locked_until__isnull=True) | Q(locked_until__lte=now)).update(
        locked_until=now + lease(), attempts=F("attempts") + 1))


def _finish(message: Message, state: str, error: str = "") -> None:
    now = clock.now()
    message.state = state
    message.last_error = error
    message.locked_until = None
    message.next_attempt_at = None
    message.finished_at = now
    if state == Message.State.SENT:
        message.sent_at = now
    message.save(update_fields=["state", "last_error", "locked_until", "next_attempt_at",
                                "finished_at", "sent_at"])


def deliver(message_id: int) -> Message | None:
    """Send queued message `message_id` once (see the module's docstring); None when it is
    not queued or another sender holds it."""
    now = clock.now()
    if not _claim(message_id, now):
        log.info("mail %s not queued or claimed; nothing to do", message_id)
        return None
    message = Message.objects.get(pk=message_id)
    refusal = addresses.refusal(message.address)
    if refusal:
        _finish(message, Message.State.CANCELLED, refusal)
        return message
    check = _CHECKS.get(message.kind)
    reason = check(message) if check else ""
    if reason:
        Message.objects.filter(pk=message.pk).update(
            state=Message.State.HELD, last_error=reason, locked_until=None,
            next_attempt_at=None, attempts=F("attempts") - 1)
        message.refresh_from_db()
        return message
    try:
        build(message, get_connection(fail_silently=False)).send()
    except Exception as error:  # noqa: BLE001 - every failure is recorded and retried
        _failed_attempt(message, f"{type(error).__name__}: {error}")
    else:
        _finish(message, Message.State.SENT)
        log.info("mail %s (%s) sent to %s", message.pk, message.kind, message.address)
    return message


def _failed_attempt(message: Message, error: str) -> None:
    if message.attempts >= settings.ORGREG_MAIL_MAX_ATTEMPTS:
        log.error("mail %s (%s) failed after %s attempts: %s", message.pk, message.kind,
                  message.attempts, error)
        _finish(message, Message.State.FAILED, error)
        return
    wait = backoff(message.attempts)
    log.warning("mail %s (%s) attempt %s failed, next in %.0f s: %s", message.pk,
                message.kind, message.attempts, wait, error)
    message.last_error = error
    message.locked_until = None
    message.next_attempt_at = clock.now() + datetime.timedelta(seconds=wait) + GRACE
    message.save(update_fields=["last_error", "locked_until", "next_attempt_at"])
    schedule(message, countdown=wait)


def schedule(message: Message, *, countdown: float = 0) -> None:
    """Hand queued `message` to a worker after the transaction commits (at once when there
    is none); `countdown` seconds later on a real worker (eager tasks run at once)."""
    pk = message.pk
    transaction.on_commit(lambda: send_message.apply_async((pk,), countdown=countdown))


@shared_task(name="notify.send_message")
def send_message(message_id: int) -> None:
    """The task: send queued message `message_id` (`deliver`)."""
    deliver(message_id)
