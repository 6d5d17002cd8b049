"""The trial's mail backend (`make run`, DEBUG without EMAIL_URL): every mail is written to the
log (logger `notify.mail`, INFO) instead of being sent: its recipients, subject, plain text
and the names of its attachments."""

from __future__ import annotations

import logging

from django.core.mail.backends.base import BaseEmailBackend

log = logging.getLogger("notify.mail")


class LogBackend(BaseEmailBackend):
    def send_messages(self, email_messages) -> int:
        count = 0
        for message in email_messages or ():
            names = [a.filename if hasattr(a, "filename") else a[0]
                     for a in message.attachments]
            log.info("mail (not sent, written to the log) to %s: %s\n%s%s",
                     ", ".join(message.recipients()), message.subject, message.body,
                     f"\n[vedhæftet: {', '.join(names)}]" if names else "",
                     extra={"mail_to": message.recipients(), "mail_subject": message.subject})
            count += 1
        return count
