"""The login page and the local password with and without the identity provider: without
OIDC_ISSUER nothing changes; with it the page offers the provider and the password only to
break-glass superusers. Nothing here asks the provider (its address is a closed port)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from tests import factories
from tests.browser.conftest import PASSWORD

CLOSED_PORT = "http://127.0.0.1:9"


@pytest.fixture
def oidc_on(settings, db):
    from orgreg.accounts import discovery

    settings.OIDC_ISSUER = CLOSED_PORT
    settings.OIDC_CLIENT_ID = "orgreg"
    settings.OIDC_ROLE_MAP = "Redaktør:grp-redaktion"
    discovery.forget()
    yield settings
    discovery.forget()


def log_in(client, username: str):
    return client.post("/login/", {"username": username, "password": PASSWORD})


def test_without_oidc_the_login_page_is_the_local_form_as_before(client, editor):
    text = client.get("/login/").content.decode()
    assert 'name="password"' in text and "kommunens login" not in text
    assert "Nødadgang" not in text
    assert log_in(client, "redaktoer").status_code == 302
    assert client.session["_auth_user_id"] == str(editor.pk)


def test_without_oidc_the_providers_addresses_are_not_found(client, db):
    assert client.get("/oidc/authenticate/").status_code == 404
    assert client.get("/oidc/callback/?code=x&state=y").status_code == 404


def test_with_oidc_the_page_offers_the_provider_and_a_break_glass_form(client, oidc_on):
    text = client.get("/login/?next=/plan/").content.decode()
    assert "Log ind med kommunens login" in text
    assert 'href="/oidc/authenticate/?next=/plan/"' in text
    assert "Nødadgang" in text and 'name="password"' in text


def test_with_oidc_a_local_password_is_refused_to_all_but_superusers(client, editor, oidc_on):
    answer = log_in(client, "redaktoer")
    assert answer.status_code == 200 and "forkert" in answer.content.decode()
    assert "_auth_user_id" not in client.session
    admin = factories.make_user("nødadmin", superuser=True)
    assert log_in(client, "nødadmin").status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_the_admin_login_refuses_a_local_password_too(client, oidc_on):
    factories.make_user("personale", superuser=False)
    User.objects.filter(username="personale").update(is_staff=True)
    client.post("/admin/login/?next=/admin/", {"username": "personale", "password": PASSWORD})
    assert "_auth_user_id" not in client.session


def test_oidc_allow_local_login_lets_every_local_user_in(client, editor, oidc_on):
    oidc_on.OIDC_ALLOW_LOCAL_LOGIN = True
    assert "Nødadgang" not in client.get("/login/").content.decode()
    assert log_in(client, "redaktoer").status_code == 302


def test_without_break_glass_there_is_no_password_form_and_no_password(client, oidc_on):
    oidc_on.OIDC_BREAK_GLASS = False
    text = client.get("/login/").content.decode()
    assert "Log ind med kommunens login" in text and 'name="password"' not in text
    factories.make_user("nødadmin", superuser=True)
    assert log_in(client, "nødadmin").status_code == 200
    assert "_auth_user_id" not in client.session


def test_a_provider_that_does_not_answer_gets_a_danish_page(client, oidc_on):
    answer = client.get("/oidc/authenticate/")
    assert answer.status_code == 503
    assert "Kommunens login svarer ikke" in answer.content.decode()
    assert "oidc_states" not in client.session
