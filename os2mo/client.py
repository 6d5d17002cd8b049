"""A client for OS2mo's GraphQL API.

OS2mo is read and written through GraphQL at ``{OS2MO_URL}/graphql/v{OS2MO_GRAPHQL_VERSION}``
with a bearer token that OS2mo's Keycloak issues to an integration by the OAuth2 client
credentials grant (``OS2MO_AUTH_URL``; by default
``{OS2MO_URL}/auth/realms/mo/protocol/openid-connect/token``). The client id and secret come
from the environment only (``OS2MO_CLIENT_ID``, ``OS2MO_CLIENT_SECRET``; orgreg/settings.py).

Use::

    client = Os2moClient.from_settings()          # or Os2moClient(url=…, client_id=…, …)
    data = client.execute(QUERY, {"x": 1})        # the answer's `data`
    for obj in client.paged(QUERY, {...}, field="org_units", progress=cb): ...
    units = client.org_units_on(date(2025, 1, 1), hierarchies=[uuid], progress=cb)

- `execute(query, variables)` POSTs one request and returns ``data``. Anything that goes
  wrong — OS2mo or its Keycloak cannot be reached or time out (``OS2MO_TIMEOUT`` seconds a
  request), the credentials are refused, the answer is not JSON, or it carries GraphQL
  ``errors`` (a refused mutation) — raises `Os2moError`, whose text is Danish and includes
  OS2mo's own message (`Os2moError.os2mo_message`).
- The token is fetched on first use and kept until shortly before it expires
  (``expires_in``); a 401 from OS2mo fetches a new one once.
- `paged(query, variables, field=…)` follows OS2mo's cursor paging: the query must take
  ``$limit: int`` and ``$cursor: Cursor`` and select ``{field} { page_info { next_cursor }
  objects { … } }``; it yields the objects of every page, and calls ``progress(done, None)``
  after each page.
- `org_units_on(day, …)` reads every unit with the versions (`validities`) that overlap the
  day, with parent, unit type, level, hierarchy, managers and engagements: the shape
  units/interchange/read_os2mo.py reads (`ORG_UNITS_QUERY`).
- `ends_exclusive(version)`: from GraphQL v29 a validity's ``to`` is exclusive (half-open
  ``[from, to)``); up to v28 it is the inclusive last day (units.interchange.os2mo_validity).
"""

from __future__ import annotations

import datetime
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import requests
from django.conf import settings

from units.interchange.os2mo_validity import ends_exclusive

__all__ = ["ORG_UNITS_QUERY", "Os2moClient", "Os2moError", "ends_exclusive"]

# Seconds before a token's expiry at which it is no longer used.
TOKEN_MARGIN = 30

ORG_UNITS_QUERY = """
query OrgUnits($limit: int, $cursor: Cursor, $from_date: DateTime, $to_date: DateTime,
               $hierarchies: [UUID!]) {
  org_units(limit: $limit, cursor: $cursor,
            filter: {from_date: $from_date, to_date: $to_date, hierarchies: $hierarchies}) {
    page_info { next_cursor }
    objects {
      validities {
        uuid
        user_key
        name
        parent_uuid
        parent { uuid }
        unit_type { name }
        org_unit_level { name }
        org_unit_hierarchy_model { uuid name }
        validity { from to }
        managers { person { uuid name } manager_type { name } }
        engagements { uuid }
      }
    }
  }
}
"""


class Os2moError(Exception):
    """OS2mo (or its Keycloak) could not be used; `str()` is a Danish message for the user,
    `os2mo_message` OS2mo's own words when it gave any."""

    def __init__(self, message: str, os2mo_message: str = "") -> None:
        super().__init__(message)
        self.os2mo_message = os2mo_message


Progress = Callable[[int, int | None], None]


class Os2moClient:
    def __init__(self, *, url: str, client_id: str, client_secret: str, auth_url: str = "",
                 version: int = 29, timeout: float = 30, page_size: int = 200) -> None:
        if not url:
            raise Os2moError("OS2mo er ikke sat op: OS2MO_URL mangler.")
        if not client_id or not client_secret:
            raise Os2moError("OS2mo er ikke sat op: OS2MO_CLIENT_ID og OS2MO_CLIENT_SECRET "
                             "skal begge være sat.")
        self.url = url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.auth_url = auth_url or default_auth_url(self.url)
        self.version = int(version)
        self.timeout = timeout
        self.page_size = page_size
        self._token: tuple[str, float] | None = None
        self._lock = threading.Lock()
        self._session = requests.Session()

    @classmethod
    def from_settings(cls, **overrides: Any) -> Os2moClient:
        values: dict[str, Any] = {
            "url": settings.OS2MO_URL, "client_id": settings.OS2MO_CLIENT_ID,
            "client_secret": settings.OS2MO_CLIENT_SECRET, "auth_url": settings.OS2MO_AUTH_URL,
            "version": settings.OS2MO_GRAPHQL_VERSION, "timeout": settings.OS2MO_TIMEOUT,
            "page_size": settings.OS2MO_PAGE_SIZE,
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @property
    def endpoint(self) -> str:
        return f"{self.url}/graphql/v{self.version}"

    # -- the token ---------------------------------------------------------------------------

    def token(self) -> str:
        """A bearer token, fetched by client credentials and kept until shortly before it
        expires."""
        with self._lock:
            if self._token and time.monotonic() < self._token[1]:
                return self._token[0]
            try:
                response = self._session.post(self.auth_url, timeout=self.timeout, data={
                    "grant_type": "client_credentials", "client_id": self.client_id,
                    "client_secret": self.client_secret})
            except requests.RequestException as exc:
                raise Os2moError(f"OS2mo's login (Keycloak) kunne ikke nås: {exc}") from exc
            if response.status_code in (400, 401, 403):
                raise Os2moError(
                    "OS2mo afviste orgregs adgang: klient-id eller hemmelighed "
                    "(OS2MO_CLIENT_ID, OS2MO_CLIENT_SECRET) er forkert.",
                    _error_text(response))
            if response.status_code != 200:
                raise Os2moError(f"OS2mo's login (Keycloak) svarede med fejl "
                                 f"{response.status_code}.", _error_text(response))
            try:
                body = response.json()
                token = str(body["access_token"])
                lifetime = float(body.get("expires_in") or 300)
            except (ValueError, KeyError, TypeError) as exc:
                raise Os2moError("OS2mo's login (Keycloak) gav et svar uden adgangsnøgle.") \
                    from exc
            self._token = (token, time.monotonic() + max(lifetime - TOKEN_MARGIN, 1))
            return token

    def forget_token(self) -> None:
        with self._lock:
            self._token = None

    # -- GraphQL -----------------------------------------------------------------------------

    def execute(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of OS2mo's answer to one query or mutation; Os2moError otherwise."""
        response = self._post(query, variables)
        if response.status_code == 401:
            self.forget_token()
            response = self._post(query, variables)
        if response.status_code in (401, 403):
            raise Os2moError("OS2mo afviste orgregs adgangsnøgle; integrationen har måske ikke "
                             "de nødvendige rettigheder.", _error_text(response))
        try:
            body = response.json()
        except ValueError:
            raise Os2moError(f"OS2mo svarede med fejl {response.status_code} og uden "
                             "GraphQL-svar.", response.text[:300]) from None
        if not isinstance(body, dict):
            raise Os2moError("OS2mo's svar er ikke et GraphQL-svar.")
        errors = body.get("errors")
        if errors:
            message = _graphql_messages(errors)
            raise Os2moError(f"OS2mo afviste forespørgslen: {message}", message)
        if response.status_code != 200 or not isinstance(body.get("data"), dict):
            raise Os2moError(f"OS2mo svarede med fejl {response.status_code}.",
                             response.text[:300])
        return body["data"]

    def _post(self, query: str, variables: dict[str, Any] | None) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.token()}"}
        try:
            return self._session.post(self.endpoint, json={"query": query,
                                                           "variables": variables or {}},
                                      headers=headers, timeout=self.timeout)
        except requests.Timeout as exc:
            raise Os2moError(f"OS2mo svarede ikke inden for {self.timeout:g} sekunder.") \
                from exc
        except requests.RequestException as exc:
            raise Os2moError(f"OS2mo kunne ikke nås på {self.url}: {exc}") from exc

    def paged(self, query: str, variables: dict[str, Any] | None = None, *, field: str,
              limit: int | None = None, progress: Progress | None = None
              ) -> Iterator[dict[str, Any]]:
        """The objects of every page of `field`, following `page_info.next_cursor`."""
        cursor = None
        done = 0
        seen_cursors: set[str] = set()
        while True:
            data = self.execute(query, {**(variables or {}), "limit": limit or self.page_size,
                                        "cursor": cursor})
            try:
                page = data[field]
                objects = page["objects"]
                cursor = (page.get("page_info") or {}).get("next_cursor")
            except (KeyError, TypeError, AttributeError):
                raise Os2moError(f"OS2mo's svar mangler {field} → objects.") from None
            yield from objects
            done += len(objects)
            if progress:
                progress(done, None)
            if not cursor or not objects:
                return
            if cursor in seen_cursors:
                raise Os2moError("OS2mo gav den samme side to gange; læsningen er stoppet.")
            seen_cursors.add(cursor)

    def org_units_on(self, day: datetime.date, *, hierarchies: list[str] | None = None,
                     progress: Progress | None = None) -> list[dict[str, Any]]:
        """Every unit with its versions overlapping `day` (filter from `day` to the next
        day), optionally only those of the given hierarchies (class uuids)."""
        variables: dict[str, Any] = {
            "from_date": day.isoformat(),
            "to_date": (day + datetime.timedelta(days=1)).isoformat(),
            "hierarchies": hierarchies or None,
        }
        return list(self.paged(ORG_UNITS_QUERY, variables, field="org_units",
                               progress=progress))


def default_auth_url(url: str) -> str:
    """OS2mo's Keycloak token endpoint under OS2MO_URL, where a standard install has it."""
    return f"{url.rstrip('/')}/auth/realms/mo/protocol/openid-connect/token"


def _graphql_messages(errors: Any) -> str:
    if not isinstance(errors, list):
        return str(errors)[:500]
    messages = [str(e.get("message")) if isinstance(e, dict) else str(e) for e in errors]
    return "; ".join(messages)[:500]


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(body, dict):
        return str(body.get("error_description") or body.get("error") or body)[:300]
    return str(body)[:300]
