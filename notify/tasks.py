"""notify's Celery tasks (found by the app's autodiscovery, orgreg/celery.py): sending one
message (notify.send_message, defined beside what it runs in notify.sending), and the
scheduler's sweep every minute (notify.send_due, in orgreg/celery.py's beat schedule)."""

from __future__ import annotations

from celery import shared_task

from . import due
from .sending import send_message
from .udmelding import dispatch_udmelding

__all__ = ["dispatch_udmelding", "send_due", "send_message"]


@shared_task(name="notify.send_due")
def send_due() -> int:
    """The scheduler's sweep (notify.due.run): what has come due, and every queued message
    a lost task left behind. How many messages it queued or tried."""
    return due.run()
