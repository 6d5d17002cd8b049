"""How long a sign-in lasts: at most SESSION_COOKIE_AGE from signing in (8 hours, a working
day), and ORGREG_SESSION_IDLE_MINUTES (60) without a request; either ends it.

Django's own session expiry counts from the session's last save, so on its own a session in
use would last for ever. ``SessionTimeout`` keeps the time of sign-in and of the last request
in the session and ends an expired session (the user is logged out, the event logged, and a
Danish message waits on the login page, where the next page that needs a login sends them).
The last request's time is written at most once a minute (and at most a quarter of the idle
time), so a session is not saved on every request; an idle session may therefore end up to
that much early.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.utils import timezone

logger = logging.getLogger("orgreg.accounts")

SIGNED_IN = "orgreg_signed_in"
LAST_SEEN = "orgreg_last_seen"
REFRESH_SECONDS = 60

IDLE_MESSAGE = ("Du er blevet logget ud, fordi du ikke har brugt orgreg i {minutes} minutter. "
                "Log ind igen for at fortsætte.")
LIFETIME_MESSAGE = ("Du er blevet logget ud, fordi du har været logget ind i mere end "
                    "{hours} timer. Log ind igen for at fortsætte.")


def _now() -> float:
    return timezone.now().timestamp()


def start(session) -> None:
    """Stamp a new sign-in (called when a user logs in)."""
    now = _now()
    session[SIGNED_IN] = now
    session[LAST_SEEN] = now


def _logged_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        start(request.session)


def expired(session) -> str | None:
    """Why the signed-in session has expired ("idle", "lifetime"), or None. A time ahead of
    now (a clock set back) counts as now."""
    now = _now()
    idle = settings.ORGREG_SESSION_IDLE_MINUTES * 60
    signed_in, last_seen = session.get(SIGNED_IN), session.get(LAST_SEEN)
    if signed_in is not None and now - signed_in > settings.SESSION_COOKIE_AGE:
        return "lifetime"
    if idle and last_seen is not None and now - last_seen > idle:
        return "idle"
    return None


def _message(reason: str) -> str:
    if reason == "idle":
        return IDLE_MESSAGE.format(minutes=settings.ORGREG_SESSION_IDLE_MINUTES)
    hours = settings.SESSION_COOKIE_AGE / 3600
    return LIFETIME_MESSAGE.format(hours=f"{hours:g}".replace(".", ","))


class SessionTimeout:
    """Ends a signed-in session that has expired (see the module); keeps its times
    otherwise. After the session and auth middleware, and messages."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = getattr(request, "session", None)
        # A session without a sign-in (or no session) is none of this; the user is read
        # only for a signed-in one, as the view will read it anyway.
        if session is not None and SESSION_KEY in session:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                self._check(request, session, user)
        return self.get_response(request)

    def _check(self, request, session, user) -> None:
        reason = expired(session)
        if reason is not None:
            logger.info("session ended (%s): %s", reason, user.get_username(), extra={
                "event": "session_expired", "reason": reason,
                "username": user.get_username(), "request_id": getattr(request, "id", "")})
            logout(request)
            messages.info(request, _message(reason))
            return
        now = _now()
        if SIGNED_IN not in session:
            # Signed in before these times were kept: from now on.
            start(session)
            return
        idle = settings.ORGREG_SESSION_IDLE_MINUTES * 60
        refresh = min(REFRESH_SECONDS, idle / 4) if idle else REFRESH_SECONDS
        if now - session.get(LAST_SEEN, 0) >= refresh:
            session[LAST_SEEN] = now
