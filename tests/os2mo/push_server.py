"""The test OS2mo (tests/os2mo/server.py) also answering the classes query of os2mo.push,
and the fixture that points orgreg's settings at it."""

from __future__ import annotations

import pytest

from tests.os2mo.server import Os2moServer

AFDELING = "0a1b2c3d-0000-4000-8000-00000000a1de"
N2 = "0a1b2c3d-0000-4000-8000-0000000000b2"


class Os2moWithClasses(Os2moServer):
    """The test OS2mo, also answering the classes query of os2mo.push (facets
    org_unit_type and org_unit_level) as OS2mo does: objects → current."""

    classes = [
        {"uuid": AFDELING, "user_key": "Afdeling", "name": "Afdeling",
         "facet": {"user_key": "org_unit_type"}},
        {"uuid": N2, "user_key": "N2", "name": "N2", "facet": {"user_key": "org_unit_level"}},
    ]

    def graphql(self, version, body):
        query = str(body.get("query") or "").strip()
        if query.startswith("query Classes"):
            facets = set((body.get("variables") or {}).get("facets") or ())
            with self._lock:
                self.requests.append({"version": version, "variables": body.get("variables"),
                                      "kind": "classes"})
            return {"data": {"classes": {"objects": [
                {"current": c} for c in self.classes if c["facet"]["user_key"] in facets]}}}
        return super().graphql(version, body)


@pytest.fixture
def os2mo(settings):
    server = Os2moWithClasses().start()
    settings.OS2MO_URL = server.url
    settings.OS2MO_CLIENT_ID, settings.OS2MO_CLIENT_SECRET = server.client_id, server.client_secret
    settings.OS2MO_AUTH_URL = ""
    settings.OS2MO_GRAPHQL_VERSION = server.version
    yield server
    server.stop()


