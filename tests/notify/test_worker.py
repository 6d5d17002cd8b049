"""A message sent by the real Celery worker (tests/celery_worker.py, the Redis on
127.0.0.1:6379) to the real SMTP server: the task reaches the worker through the broker, the
worker reads the message from the test's database and sends it over SMTP once."""

from __future__ import annotations

import sqlite3
import time

import pytest

from notify import services
from notify.models import Message
from notify.sending import send_message

WAIT_SECONDS = 120


def _state(worker, pk: int) -> str:
    if worker.db.copy is None:
        return Message.objects.values_list("state", flat=True).get(pk=pk)
    with sqlite3.connect(worker.db.copy, timeout=20) as db:
        return db.execute("SELECT state FROM notify_message WHERE id = ?", (pk,)).fetchone()[0]


@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_a_queued_message(smtp_server_for_worker, worker):
    smtp_server = smtp_server_for_worker
    message = services.queue(
        kind="test", key="worker:1", address="leder@randers.example",
        recipient_name="Søren Ærø", subject="Udmelding", body_text="Hej fra arbejderen.",
        attachments=[services.File("orientering.pdf", b"%PDF-1.4 test")])
    # `queue` handed it to the broker at once (no transaction is open), before the worker
    # declared its queue, so that message may be dropped: it is handed over again below, and
    # the claim sends it once either way.
    smtp_server.clear()
    worker.db.push()
    worker.start()
    send_message.delay(message.pk)
    deadline = time.monotonic() + WAIT_SECONDS
    while not smtp_server.received:
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    [got] = smtp_server.messages
    deadline = time.monotonic() + WAIT_SECONDS
    while _state(worker, message.pk) != "sent":
        assert time.monotonic() < deadline, worker.log()
        time.sleep(0.2)
    worker.db.pull()
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    assert got["To"].addresses[0].display_name == "Søren Ærø"
    assert got.get_body(("plain",)).get_content().strip() == "Hej fra arbejderen."
    assert f"mail {message.pk} (test) sent" in worker.log()
