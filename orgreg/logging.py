"""Secrets kept out of the logs: a calendar feed's token is in its URL path
(/plan/<id>/kalender/<token>.ics), and whoever reads the access log must not be able to
subscribe as its owner.

MaskFeedTokens is attached in settings.LOGGING to `django.server` (runserver's request
lines) and `django.request` ("Not Found: <path>" and 500 records). A production server's
own access log (gunicorn.access) takes the same filter in its logging configuration.
"""

from __future__ import annotations

import logging
import re

MASK = "***"
# The segment after /kalender/ and before .ics, whatever it holds (a URL-encoded or odd token
# too), up to the end of the path segment.
FEED_TOKEN = re.compile(r"(/kalender/)[^/\s?#\"']+?(\.ics)")


def mask(text: str) -> str:
    """The text with every calendar feed token in a URL path replaced by ***."""
    return FEED_TOKEN.sub(rf"\g<1>{MASK}\g<2>", text)


class MaskFeedTokens(logging.Filter):
    """Rewrites a record whose message names a feed URL so that the token is masked; the
    record is always kept. The message is formatted once here (msg % args) and stored
    without args, so every handler and formatter after it sees only the masked text."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True
        masked = mask(message)
        if masked != message:
            record.msg = masked
            record.args = ()
        return True
