"""med's Celery tasks: the mails of a consultation just recorded (med.mailing), sent at once
instead of at the scheduler's next sweep."""

from __future__ import annotations

from celery import shared_task

from . import mailing


@shared_task(name="med.consultation_mails")
def consultation_mails(consultation_id: int) -> int:
    """Queue what is due now of one consultation's mails; how many."""
    return mailing.queue_due(consultation_id=consultation_id)
