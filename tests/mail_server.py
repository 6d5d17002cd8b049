"""A real SMTP server for the tests: aiosmtpd on loopback, in a thread of the test process,
keeping every message it receives (the `smtp_server` fixture of tests/conftest.py).

    def test_x(smtp_server):          # Django's mail now goes to it over SMTP
        ...queue and send a message...
        [got] = smtp_server.wait(1)   # email.message.EmailMessage, as the server received it
        got["To"], got.get_body(("plain",)).get_content(), smtp_server.received[0].rcpt_tos

`smtp_server.url` (smtp://127.0.0.1:port) is the EMAIL_URL for a worker process started by
the test (tests/celery_worker.py reads the environment). `refused_port()` gives a loopback
port where nothing listens: a connection to it is refused at once.
"""

from __future__ import annotations

import email
import email.policy
import socket
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass

from aiosmtpd.controller import Controller

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Received:
    """One message as the server got it: the envelope and the parsed message."""

    mail_from: str
    rcpt_tos: list[str]
    raw: bytes
    message: email.message.EmailMessage


class _Handler:
    def __init__(self, server: MailServer) -> None:
        self.server = server

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        with self.server.lock:
            self.server.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                                 raw, parsed))
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


class MailServer:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname=HOST, port=self.port,
                                     enable_SMTPUTF8=True)

    @property
    def host(self) -> str:
        return HOST

    @property
    def url(self) -> str:
        return f"smtp://{HOST}:{self.port}"

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]

    def wait(self, count: int, timeout: float = 60) -> list[email.message.EmailMessage]:
        """The messages once at least `count` have arrived (fails after `timeout` s)."""
        deadline = time.monotonic() + timeout
        while len(self.received) < count:
            assert time.monotonic() < deadline, (
                f"the SMTP server got {len(self.received)} messages, not {count}")
            time.sleep(0.05)
        return self.messages

    def clear(self) -> None:
        with self.lock:
            self.received.clear()

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def use(settings, host: str, port: int) -> None:
    """Point Django's mail (the pytest-django `settings` fixture) at host:port over SMTP."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = host
    settings.EMAIL_PORT = port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10


def running(settings):
    """The `smtp_server` fixture's body: a started server, Django's mail pointed at it."""
    server = MailServer()
    server.start()
    use(settings, server.host, server.port)
    try:
        yield server
    finally:
        server.stop()


@contextmanager
def refused_port():
    """A loopback port bound but not listening for as long as the block lasts: a connection
    to it is refused (no other process can take the port meanwhile)."""
    with socket.socket() as s:
        s.bind((HOST, 0))
        yield s.getsockname()[1]
