"""A flash message's action: a button (a small POST form) under the next page's messages,
such as "Fortryd" after an operation. The offer is kept in the session beside the message
and read once, by the page that shows the messages."""

from __future__ import annotations

SESSION_KEY = "orgreg_flash_action"


def offer(request, *, url: str, label: str) -> None:
    """Show a button `label` posting to `url` with the next page's messages."""
    request.session[SESSION_KEY] = {"url": url, "label": label}


class _Pending:
    """Read from the session on first use only, so a page that shows no messages (a partial,
    a JSON answer) leaves the offer for the next one."""

    def __init__(self, request):
        self._request = request
        self._value: dict | None = None
        self._read = False

    def _get(self) -> dict:
        if not self._read:
            self._read = True
            session = getattr(self._request, "session", None)
            self._value = session.pop(SESSION_KEY, None) if session is not None else None
        return self._value or {}

    def __bool__(self) -> bool:
        return bool(self._get())

    @property
    def url(self) -> str:
        return self._get().get("url", "")

    @property
    def label(self) -> str:
        return self._get().get("label", "")


def flash_action(request) -> dict:
    """Context processor: `flash_action`, the pending offer (falsy when there is none)."""
    return {"flash_action": _Pending(request)}
