"""The mail infrastructure against a real SMTP server on loopback (aiosmtpd): queueing,
sending once, headers escaped, retries and the failed state, the global switch and the
allow-list, the trial's log backend."""

from __future__ import annotations

import logging

import pytest
from django.core import mail

from notify import due, sending, services
from notify.models import Message
from orgreg.settings import email_from_url
from tests import mail_server

pytestmark = pytest.mark.django_db


def _queue(key="test:1", **fields):
    values = {"kind": "test", "key": key, "address": "leder@randers.example",
              "recipient_name": "Birgitte Bønde", "subject": "Ny organisering",
              "body_text": "Fra 1. januar 2026 lægges A sammen med B."}
    values.update(fields)
    return services.queue(**values)


def test_a_queued_message_is_sent_once_over_smtp(smtp_server,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(attachments=[services.File("orientering.pdf", b"%PDF-1.4 x")])
        again = _queue()  # the same key: the same message, nothing more
    assert again.pk == message.pk
    [got] = smtp_server.wait(1)
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1
    assert message.sent_at is not None
    assert smtp_server.received[0].rcpt_tos == ["leder@randers.example"]
    assert got["To"].addresses[0].display_name == "Birgitte Bønde"
    assert got["Subject"] == "Ny organisering"
    assert got["Message-ID"] == sending.message_id(message)
    assert "lægges A sammen med B" in got.get_body(("plain",)).get_content()
    [attachment] = list(got.iter_attachments())
    assert attachment.get_filename() == "orientering.pdf"
    assert attachment.get_content() == b"%PDF-1.4 x"
    # Delivered again (a task run twice): nothing more is sent.
    assert sending.deliver(message.pk) is None
    assert len(smtp_server.received) == 1


def test_names_and_subjects_cannot_add_headers(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        _queue(recipient_name='Eve "Evil", <x@evil.example>\r\nBcc: spy@evil.example',
               subject="Hej\r\nBcc: spy@evil.example", body_html="<p>&lt;b&gt;</p>")
    [got] = smtp_server.wait(1)
    assert smtp_server.received[0].rcpt_tos == ["leder@randers.example"]
    assert got["Bcc"] is None
    [to] = got["To"].addresses
    assert to.addr_spec == "leder@randers.example"
    assert "Bcc" in to.display_name  # kept as text of the name, on one line
    assert got["Subject"] == "Hej Bcc: spy@evil.example"
    assert got.get_body(("html",)).get_content().strip() == "<p>&lt;b&gt;</p>"


def test_a_refused_connection_is_retried_then_failed(settings,
                                                     django_capture_on_commit_callbacks):
    settings.ORGREG_MAIL_MAX_ATTEMPTS = 3
    settings.ORGREG_MAIL_RETRY_SECONDS = 0
    with mail_server.refused_port() as port:
        mail_server.use(settings, mail_server.HOST, port)
        with django_capture_on_commit_callbacks(execute=True):
            message = _queue()
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.attempts == 3
    assert "Connection refused" in message.last_error or "ConnectionRefused" in \
        message.last_error
    assert message.finished_at is not None


def test_a_failed_try_waits_and_the_sweep_sends_it_later(settings, smtp_server, time_machine,
                                                         django_capture_on_commit_callbacks):
    settings.ORGREG_MAIL_RETRY_SECONDS = 600
    time_machine.move_to("2026-03-02 09:00 +01:00", tick=False)
    with mail_server.refused_port() as port:
        mail_server.use(settings, mail_server.HOST, port)
        # The retry task's countdown is not honoured by eager tasks: the sweep is tested here.
        message = _queue()
        assert sending.deliver(message.pk).state == Message.State.QUEUED
    message.refresh_from_db()
    assert message.attempts == 1 and "refused" in message.last_error.lower()
    assert not list(services.overdue())  # not before its wait is over
    mail_server.use(settings, smtp_server.host, smtp_server.port)
    time_machine.move_to("2026-03-02 09:13 +01:00", tick=False)
    assert due.run() == 1
    smtp_server.wait(1)
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 2


@pytest.mark.parametrize(("change", "reason"), [
    ({"ORGREG_MAIL_ENABLED": False}, "slået fra"),
    ({"ORGREG_MAIL_ALLOWED_DOMAINS": ["kommune.example"]}, "tilladte"),
])
def test_switch_and_allow_list_record_but_send_nothing(settings, smtp_server, change, reason,
                                                       django_capture_on_commit_callbacks):
    for name, value in change.items():
        setattr(settings, name, value)
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue()
    assert message.state == Message.State.CANCELLED and reason in message.last_error
    assert smtp_server.received == []


def test_the_allow_list_takes_its_domains_and_their_subdomains(settings, smtp_server,
                                                               django_capture_on_commit_callbacks):
    settings.ORGREG_MAIL_ALLOWED_DOMAINS = ["randers.example"]
    with django_capture_on_commit_callbacks(execute=True):
        _queue("a", address="a@randers.example")
        _queue("b", address="b@HR.Randers.example")
        _queue("c", address="c@randers.example.evil.example")
        _queue("d", address="not an address")
        _queue("e", address="")
    smtp_server.wait(2)
    states = dict(Message.objects.values_list("key", "state"))
    assert states == {"a": "sent", "b": "sent", "c": "cancelled", "d": "cancelled",
                      "e": "cancelled"}


def test_held_messages_wait_for_release(smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        message = _queue(hold="Tilbageholdt af redaktøren.")
    assert message.state == Message.State.HELD and smtp_server.received == []
    with django_capture_on_commit_callbacks(execute=True):
        services.release(Message.objects.filter(pk=message.pk))
    smtp_server.wait(1)
    message.refresh_from_db()
    assert message.state == Message.State.SENT


def test_the_trial_writes_mail_to_the_log(settings, caplog):
    settings.EMAIL_BACKEND = "notify.backends.LogBackend"
    with caplog.at_level(logging.INFO, logger="notify.mail"):
        mail.EmailMessage("Emne", "Brødtekst", "orgreg@localhost", ["a@randers.example"]).send()
    assert "a@randers.example" in caplog.text and "Brødtekst" in caplog.text


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://relay.kommune.example", {"EMAIL_HOST": "relay.kommune.example", "EMAIL_PORT": 25,
                                      "EMAIL_USE_TLS": False, "EMAIL_USE_SSL": False}),
    ("smtp+tls://u%40k:p%3Ass@relay:2587", {"EMAIL_PORT": 2587, "EMAIL_USE_TLS": True,
                                            "EMAIL_HOST_USER": "u@k",
                                            "EMAIL_HOST_PASSWORD": "p:ss"}),
    ("smtps://relay", {"EMAIL_PORT": 465, "EMAIL_USE_SSL": True, "EMAIL_USE_TLS": False}),
])
def test_email_url(url, expected):
    parsed = email_from_url(url)
    assert {k: parsed[k] for k in expected} == expected


def test_a_bad_email_url_is_refused():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured):
        email_from_url("http://relay")
