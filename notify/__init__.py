"""Udmeldinger og e-mail: orgreg's outgoing mail, and the udmelding of a published structure.

Public API (for every app that sends mail):

- ``notify.services.queue(kind=, key=, address=, subject=, body_text=, body_html="",
  recipient_name="", recipient_ref="", structure=None, unit=None, attachments=(), user=None,
  hold="") -> Message`` records a message (``notify.models.Message``) and hands it to a
  worker once the transaction commits. Idempotent by ``key`` (unique; make it from what the
  message is about, e.g. ``f"consultation:{consultation.pk}:{membership.pk}"``): queueing it
  again returns the message already recorded and sends nothing more. ``attachments`` are
  ``notify.services.File(filename, data, content_type="application/pdf")``, stored with
  the message. ``body_html``, if given, must be rendered with autoescaping (a template);
  names and addresses go into headers through ``notify.addresses.header_address``, which
  ``queue``'s sender does for you. ``recipient_ref`` is free text naming the recipient's
  record in the sending app (``"med.membership:12"``). A message to no address, an invalid
  one, a domain outside ORGREG_MAIL_ALLOWED_DOMAINS, or with ORGREG_MAIL_ENABLED off is
  recorded as cancelled with the reason in ``last_error`` — never silently dropped.
- ``notify.services.hold(queryset, reason)``, ``release(queryset)``, ``requeue(message)``
  (a failed one from its first attempt).
- Sending: the Celery task ``notify.send_message`` (``notify.sending.send_message``) runs
  ``notify.sending.deliver(message_id)``: claims the message (sent once even if the task is
  delivered twice), asks the kind's check (``notify.sending.register_check(kind,
  check)``: ``check(message)`` returns a Danish reason to hold it, or ""), sends it with
  Django's mail API (plain text, the HTML part beside it, attachments, a Message-ID made
  from the key), and on failure retries ORGREG_MAIL_MAX_ATTEMPTS times in all with
  backoff (ORGREG_MAIL_RETRY_SECONDS, doubled each time), then marks it failed.
- The scheduler (``celery -A orgreg beat``) runs ``notify.send_due`` every minute:
  ``notify.due.run()`` calls each producer registered with ``notify.due.register(name,
  produce)`` (``produce(now) -> int``, e.g. reminders that have come due) and then sends
  queued messages a lost task left behind.
- Reads: ``notify.selectors`` (``messages_of(structure)``: every message about a structure,
  of every kind; ``structure_record`` and ``record_csv``: the Udmeldinger page and its CSV,
  which list messages of every kind, so consultation mails about a structure show there too).
- A status change: ``units.signals.status_changed`` (sent by ``units.services.set_status``
  in its transaction: ``receiver(sender, structure=, old=, new=, user=)``); the udmelding
  connects to it in ``NotifyConfig.ready``, as a consultation mail can.
- The udmelding itself: ``notify.udmelding`` (the moment, the one check ``may_send``, hold,
  release, resend, preview) and ``notify.letters`` (what each leader is told).

Imports: notify imports units, med and orgreg; none of them imports notify (units tells it
through the signal). Mail about MED bodies is best written in notify too (it may read med),
so that no ring of imports forms (tests/orgreg/test_architecture.py).

Tests: the ``smtp_server`` fixture (tests/conftest.py, tests/mail_server.py) starts a real
aiosmtpd server on loopback and points Django's mail at it; ``smtp_server.wait(n)`` returns
the received ``email.message.EmailMessage`` objects; ``smtp_server_for_worker`` is the same
with EMAIL_URL set for a worker process (name it before ``worker`` in the test's
arguments: tests/notify/test_worker.py), and ``tests.mail_server.refused_port()`` gives a
port that refuses.
Messages are handed to the task on commit: in a test (which runs in a transaction) wrap the
queueing in ``django_capture_on_commit_callbacks(execute=True)``; tasks are eager there, so
the message is sent when the block ends.
"""
