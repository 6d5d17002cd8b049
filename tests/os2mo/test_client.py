"""os2mo.client against the test OS2mo on loopback (tests/os2mo/server.py)."""

from __future__ import annotations

import datetime
import socket

import pytest

from os2mo.client import Os2moClient, Os2moError
from tests.os2mo.make_samples import LINE, uid


def test_pages_follow_the_cursor_and_the_token_is_kept(os2mo_server):
    os2mo_server.load_sample("kommune")
    client = Os2moClient.from_settings(page_size=5)
    pages = []
    units = client.org_units_on(datetime.date(2025, 1, 2),
                                progress=lambda done, total: pages.append(done))
    # 20 objects; the terminated centre (to 2025-01-01, exclusive) and the future house
    # (from 2025-08-01) are not valid on 2 January 2025.
    assert len(units) == 18
    assert pages == [5, 10, 15, 18]
    assert len(os2mo_server.requests) == 4
    assert os2mo_server.tokens_issued == 1
    assert all(r["version"] == 29 for r in os2mo_server.requests)


def test_hierarchy_filter(os2mo_server):
    os2mo_server.load_sample("kommune")
    units = Os2moClient.from_settings().org_units_on(datetime.date(2025, 1, 2),
                                                     hierarchies=[LINE["uuid"]])
    names = {u["validities"][0]["name"] for u in units}
    assert "Lønorganisation" not in names and "Testkommune" in names


def test_validity_filter_reads_to_by_version(os2mo_server, settings):
    os2mo_server.load_sample("kommune")
    day = datetime.date(2025, 1, 1)
    v29 = Os2moClient.from_settings().org_units_on(day)
    assert uid("sos/gammel") not in {u["validities"][0]["uuid"] for u in v29}
    os2mo_server.version = settings.OS2MO_GRAPHQL_VERSION = 28
    v28 = Os2moClient.from_settings().org_units_on(day)
    assert uid("sos/gammel") in {u["validities"][0]["uuid"] for u in v28}
    assert os2mo_server.requests[-1]["version"] == 28


def test_wrong_credentials_give_a_danish_error(os2mo_server, settings):
    settings.OS2MO_CLIENT_SECRET = "forkert"
    with pytest.raises(Os2moError) as caught:
        Os2moClient.from_settings().org_units_on(datetime.date(2025, 1, 2))
    assert "klient-id eller hemmelighed" in str(caught.value)
    assert "Invalid client" in caught.value.os2mo_message


def test_missing_settings_are_named(settings):
    settings.OS2MO_URL = ""
    with pytest.raises(Os2moError, match="OS2MO_URL mangler"):
        Os2moClient.from_settings()


def test_a_refused_mutation_carries_os2mo_message(os2mo_server):
    client = Os2moClient.from_settings()
    os2mo_server.refuse(mutation="org_unit_terminate", message="ErrorCodes.V_TERMINATE_UNIT")
    query = "mutation T($input: OrganisationUnitTerminateInput!) " \
            "{ org_unit_terminate(input: $input) { uuid } }"
    with pytest.raises(Os2moError) as caught:
        client.execute(query, {"input": {"uuid": uid("syd"), "to": "2025-12-31"}})
    assert caught.value.os2mo_message == "ErrorCodes.V_TERMINATE_UNIT"
    assert "OS2mo afviste" in str(caught.value)
    assert os2mo_server.mutations == [] and len(os2mo_server.refused) == 1
    assert client.execute(query, {"input": {"uuid": uid("syd"), "to": "2025-12-31"}}) == {
        "org_unit_terminate": {"uuid": uid("syd")}}
    assert os2mo_server.mutations[0]["name"] == "org_unit_terminate"


def test_a_silent_server_times_out(os2mo_server, settings):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    try:
        host, port = listener.getsockname()
        client = Os2moClient.from_settings(url=f"http://{host}:{port}", timeout=0.5,
                                           auth_url=f"{os2mo_server.url}/auth/realms/mo/"
                                                    "protocol/openid-connect/token")
        with pytest.raises(Os2moError, match="svarede ikke inden for"):
            client.execute("{ org_units { objects { uuid } } }")
    finally:
        listener.close()


def test_an_expired_token_is_fetched_again(os2mo_server):
    os2mo_server.load_sample("kommune")
    client = Os2moClient.from_settings()
    client.org_units_on(datetime.date(2025, 1, 2))
    os2mo_server._tokens.clear()  # OS2mo forgot it (restarted, or it expired early)
    assert client.org_units_on(datetime.date(2025, 1, 2))
    assert os2mo_server.tokens_issued == 2
