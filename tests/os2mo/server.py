"""A small OS2mo on loopback for the tests: its Keycloak token endpoint and its GraphQL API.

A real HTTP server (http.server in a thread) on 127.0.0.1 and a free port, started by the
`os2mo_server` fixture (tests/os2mo/conftest.py), which also points orgreg's settings at it
(`OS2MO_URL`, `OS2MO_CLIENT_ID`/`OS2MO_CLIENT_SECRET` = `CLIENT_ID`/`CLIENT_SECRET`, and
`OS2MO_GRAPHQL_VERSION` = the server's version).

- ``POST /auth/realms/mo/protocol/openid-connect/token`` (form-encoded, client credentials):
  checks the client id and secret (401 ``invalid_client`` otherwise, as Keycloak) and issues
  a random bearer token valid `token_lifetime` seconds (`tokens_issued` counts them).
- ``POST /graphql/vN``: refuses a missing or unknown bearer token with 401. A query over
  ``org_units`` is answered from the loaded dataset (`load(objects)` or `load_sample(name)`;
  each object is ``{"validities": [...]}`` as OS2mo answers): ``filter: {from_date, to_date,
  hierarchies}`` keeps the versions overlapping ``[from_date, to_date)`` (a version's ``to``
  read by the server's `version`: inclusive up to v28, exclusive from v29) and, with
  hierarchies, only those whose ``org_unit_hierarchy_model.uuid`` is listed; objects with
  no version left are dropped; ``limit`` and ``cursor`` page the result (the cursor is
  opaque; ``page_info.next_cursor`` is null on the last page). Variables are read from the
  request's ``variables`` (the client always sends them so).
- A mutation (a document starting with ``mutation``) is recorded in `mutations` as
  ``{"name": "org_unit_create", "variables": {...}, "query": "...", "version": N}`` and
  answered ``{"data": {name: {"uuid": input.uuid or a new uuid}}}``. `refuse(...)` makes the
  next matching mutation(s) fail the way OS2mo does (HTTP 200, ``data: null``, ``errors:
  [{"message": ..., "path": [name]}]``); refused ones are kept in `refused`, not `mutations`.
- `requests` lists every GraphQL request received (``{"version", "variables", "kind"}``), so
  a test can count pages.
"""

from __future__ import annotations

import base64
import datetime
import json
import re
import secrets
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CLIENT_ID = "orgreg"
CLIENT_SECRET = "test-secret-af-ikke-hemmelig"
TOKEN_PATH = "/auth/realms/mo/protocol/openid-connect/token"
SAMPLES = Path(__file__).parent / "samples"
DEFAULT_REFUSAL = "ErrorCodes.V_DATE_OUTSIDE_ORG_UNIT_RANGE"


def sample_objects(name: str) -> tuple[list[dict[str, Any]], int | None]:
    """The objects of a sample file (tests/os2mo/samples/NAME.json) and its GraphQL version."""
    doc = json.loads((SAMPLES / f"{name}.json").read_text())
    version = doc.get("graphql_version")
    return doc["data"]["org_units"]["objects"], version


def _date(value: Any) -> datetime.date | None:
    return datetime.date.fromisoformat(str(value)[:10]) if value else None


@dataclass
class Refusal:
    mutation: str | None
    uuid: str | None
    message: str
    times: int


class Os2moServer:
    def __init__(self, *, version: int = 29, client_id: str = CLIENT_ID,
                 client_secret: str = CLIENT_SECRET, token_lifetime: int = 300) -> None:
        self.version = version
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.objects: list[dict[str, Any]] = []
        self.mutations: list[dict[str, Any]] = []
        self.refused: list[dict[str, Any]] = []
        self.requests: list[dict[str, Any]] = []
        self.tokens_issued = 0
        self._tokens: dict[str, float] = {}
        self._refusals: list[Refusal] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    # -- control -----------------------------------------------------------------------------

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Os2moServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def load(self, objects: list[dict[str, Any]]) -> None:
        with self._lock:
            self.objects = json.loads(json.dumps(objects))

    def load_sample(self, name: str) -> None:
        objects, version = sample_objects(name)
        self.load(objects)
        if version:
            self.version = int(version)

    def refuse(self, *, mutation: str | None = None, uuid: str | None = None,
               message: str = DEFAULT_REFUSAL, times: int = 1) -> None:
        """Refuse the next `times` mutations named `mutation` (any when None) whose input has
        `uuid` (any when None), answering OS2mo's error `message`."""
        with self._lock:
            self._refusals.append(Refusal(mutation, uuid, message, times))

    # -- answers -----------------------------------------------------------------------------

    def issue_token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        if form.get("grant_type") != "client_credentials":
            return 400, {"error": "unsupported_grant_type"}
        if (form.get("client_id") != self.client_id
                or form.get("client_secret") != self.client_secret):
            return 401, {"error": "invalid_client",
                         "error_description": "Invalid client or Invalid client credentials"}
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.token_lifetime
            self.tokens_issued += 1
        return 200, {"access_token": token, "expires_in": self.token_lifetime,
                     "token_type": "Bearer", "scope": "profile email"}

    def token_valid(self, header: str) -> bool:
        if not header.lower().startswith("bearer "):
            return False
        expiry = self._tokens.get(header[7:].strip())
        return expiry is not None and time.monotonic() < expiry

    def graphql(self, version: int, body: dict[str, Any]) -> dict[str, Any]:
        query = str(body.get("query") or "")
        variables = body.get("variables") or {}
        document = re.sub(r"#[^\n]*", "", query).strip()
        if document.startswith("mutation"):
            return self._mutation(version, document, variables)
        with self._lock:
            self.requests.append({"version": version, "variables": variables, "kind": "query"})
        if "org_units" not in document:
            return {"data": None, "errors": [{"message": "The test server answers only "
                                                         "org_units queries."}]}
        return {"data": {"org_units": self._org_units(variables)}}

    def _org_units(self, variables: dict[str, Any]) -> dict[str, Any]:
        start = _date(variables.get("from_date"))
        end = _date(variables.get("to_date"))
        hierarchies = set(variables.get("hierarchies") or ())
        chosen = []
        with self._lock:
            objects = list(self.objects)
        for obj in objects:
            versions = [v for v in obj.get("validities", [])
                        if self._overlaps(v, start, end)
                        and (not hierarchies or ((v.get("org_unit_hierarchy_model") or {})
                                                 .get("uuid") in hierarchies))]
            if versions:
                chosen.append({**obj, "validities": versions})
        offset = int(base64.b64decode(variables["cursor"]).decode()) if variables.get(
            "cursor") else 0
        limit = variables.get("limit") or len(chosen) or 1
        # Copied only now, a page at a time: the answer never shares the loaded objects.
        page = json.loads(json.dumps(chosen[offset:offset + limit]))
        more = offset + limit < len(chosen)
        next_cursor = base64.b64encode(str(offset + limit).encode()).decode() if more else None
        return {"page_info": {"next_cursor": next_cursor}, "objects": page}

    def _overlaps(self, version: dict[str, Any], start: datetime.date | None,
                  end: datetime.date | None) -> bool:
        validity = version.get("validity") or {}
        v_from, v_to = _date(validity.get("from")), _date(validity.get("to"))
        if v_to is not None and self.version < 29:
            v_to += datetime.timedelta(days=1)  # inclusive last day → exclusive end
        # [v_from, v_to) overlaps [start, end)
        return ((v_to is None or start is None or start < v_to)
                and (v_from is None or end is None or v_from < end))

    def _mutation(self, version: int, document: str, variables: dict[str, Any]
                  ) -> dict[str, Any]:
        match = re.search(r"{\s*(\w+)", document)
        name = match.group(1) if match else "?"
        data_input = variables.get("input") if isinstance(variables.get("input"), dict) else {}
        target = str(data_input.get("uuid") or "")
        record = {"name": name, "variables": variables, "query": document, "version": version}
        with self._lock:
            for refusal in self._refusals:
                if (refusal.times > 0 and refusal.mutation in (None, name)
                        and refusal.uuid in (None, target)):
                    refusal.times -= 1
                    self.refused.append(record)
                    return {"data": None, "errors": [{
                        "message": refusal.message, "locations": [{"line": 2, "column": 3}],
                        "path": [name]}]}
            self.mutations.append(record)
        return {"data": {name: {"uuid": target or str(uuid.uuid4())}}}


def _handler(server: Os2moServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass

        def _send(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            path = urllib.parse.urlsplit(self.path).path
            if path == TOKEN_PATH:
                form = dict(urllib.parse.parse_qsl(raw.decode()))
                self._send(*server.issue_token(form))
                return
            match = re.fullmatch(r"/graphql/v(\d+)", path)
            if not match:
                self._send(404, {"detail": "Not Found"})
                return
            if not server.token_valid(self.headers.get("Authorization", "")):
                self._send(401, {"status": "Unauthorized", "msg": "Not authenticated"})
                return
            try:
                body = json.loads(raw)
            except ValueError:
                self._send(400, {"errors": [{"message": "Invalid JSON"}]})
                return
            self._send(200, server.graphql(int(match.group(1)), body))

    return Handler
