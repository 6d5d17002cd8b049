"""Secrets kept out of the logs: a calendar feed's token is in its URL path
(/plan/<id>/kalender/<token>.ics), and whoever reads the access log must not be able to
subscribe as its owner.

MaskFeedTokens is attached in settings.LOGGING to `django.server` (runserver's request
lines) and `django.request` ("Not Found: <path>" and 500 records), and to every handler;
gunicorn's access log takes it too (deploy/gunicorn.conf.py).

The formatters write one line per event to stdout, as text or JSON (LOG_FORMAT=json), with the
request id and user of the request being served where there is one.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
import re

from django.utils.functional import empty

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


# --- Request context and formats -------------------------------------------------------------
# The request being served in this thread or task, set by orgreg.middleware.RequestId; log
# records made while it is served carry its id and user.
current_request: contextvars.ContextVar = contextvars.ContextVar("orgreg_request", default=None)
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("orgreg_request_id",
                                                                         default="")

# LogRecord's own attributes; anything else on a record came as `extra=` and is structure.
_RECORD_FIELDS = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id",
                                                         "user", "server_time", "request"}


def _username(request) -> str:
    """The user's name if the request has already loaded its user; a log line never costs a
    query of its own (pinned query counts stay the same whether or not something logs)."""
    user = getattr(request, "user", None)
    if user is None:
        return ""
    wrapped = getattr(user, "_wrapped", user)
    if wrapped is empty or not getattr(wrapped, "is_authenticated", False):
        return ""
    return str(wrapped.get_username())


class RequestContext(logging.Filter):
    """Adds request_id and user (empty outside a request) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None) or current_request.get()
        if not getattr(record, "request_id", ""):
            # django.request logs a response after the middleware has returned; its record
            # carries the request, and the request its id.
            record.request_id = current_request_id.get() or getattr(request, "id", "")
        if not getattr(record, "user", ""):
            record.user = _username(request) if request is not None else ""
        return True


def _extra(record: logging.LogRecord) -> dict:
    out = {}
    for key, value in vars(record).items():
        if key in _RECORD_FIELDS or key.startswith("_"):
            continue
        out[key] = value if isinstance(value, str | int | float | bool | None) else str(value)
    return out


class TextFormatter(logging.Formatter):
    """One line per event: time, level, logger, [request id user], message, key=value extras;
    a traceback stays below its line, as Python prints it."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = mask(record.getMessage())
        context = " ".join(part for part in (getattr(record, "request_id", ""),
                                             getattr(record, "user", "")) if part)
        extras = " ".join(f"{k}={v}" for k, v in _extra(record).items())
        line = (f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S%z')} {record.levelname} "
                f"{record.name}{f' [{context}]' if context else ''} {record.message}"
                f"{f' {extras}' if extras else ''}")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, user, the record's
    extras, and the traceback as one string (so a log collector keeps an event whole)."""

    def format(self, record: logging.LogRecord) -> str:
        event = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": mask(record.getMessage()),
        }
        for key in ("request_id", "user"):
            if getattr(record, key, ""):
                event[key] = getattr(record, key)
        event.update(_extra(record))
        if record.exc_info:
            event["exception"] = mask(self.formatException(record.exc_info))
        return json.dumps(event, ensure_ascii=False, default=str)
