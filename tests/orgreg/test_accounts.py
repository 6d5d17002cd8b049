"""Accounts: sign-in, sign-out and failed sign-ins in the log; role changes in the log and in
the admin's record (orgreg.accounts.audit); a sign-in's lifetime and idle timeout
(orgreg.accounts.session)."""

from __future__ import annotations

import datetime
import logging

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from orgreg import roles
from orgreg.accounts.audit import record_role_change, role_change_source
from orgreg.accounts.models import RoleChange
from tests import factories

PASSWORD = "test-kode-123"


def _login(client, username: str, password: str = PASSWORD, **extra):
    return client.post(reverse("login"), {"username": username, "password": password}, **extra)


def _events(caplog, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if getattr(r, "event", "") == event]


# --- the log --------------------------------------------------------------------------------


def test_sign_in_failure_and_sign_out_are_logged_with_username_and_request_id(client, reader,
                                                                              caplog):
    with caplog.at_level(logging.INFO, logger="orgreg.accounts"):
        assert _login(client, "laeser", "forkert-kode-xyz",
                      HTTP_X_REQUEST_ID="req-failed-0001").status_code == 200
        assert _login(client, "laeser", HTTP_X_REQUEST_ID="req-login-0002").status_code == 302
        client.post(reverse("logout"), HTTP_X_REQUEST_ID="req-logout-0003")
    (failed,), (login,), (logout,) = (_events(caplog, e) for e in
                                      ("login_failed", "login", "logout"))
    assert (failed.username, failed.request_id, failed.levelname) == (
        "laeser", "req-failed-0001", "WARNING")
    assert (login.username, login.request_id) == ("laeser", "req-login-0002")
    assert (logout.username, logout.request_id) == ("laeser", "req-logout-0003")
    # Never a password, whether wrong or right.
    assert "forkert-kode-xyz" not in caplog.text and PASSWORD not in caplog.text


# --- role changes -----------------------------------------------------------------------------


def test_groups_changed_by_code_are_recorded_from_both_sides(db, caplog):
    user = factories.make_user("jens")
    editors = Group.objects.get_or_create(name=roles.EDITOR)[0]
    readers = Group.objects.get_or_create(name=roles.READER)[0]
    with caplog.at_level(logging.INFO, logger="orgreg.accounts"):
        user.groups.add(editors, readers)
        readers.user_set.remove(user)
        user.groups.clear()
    changes = list(RoleChange.objects.filter(username="jens").order_by("pk"))
    assert [(c.added, c.removed, c.source) for c in changes] == [
        ([roles.READER, roles.EDITOR], [], "system"),  # sorted: Læser, Redaktør
        ([], [roles.READER], "system"),
        ([], [roles.EDITOR], "system"),
    ]
    assert len(_events(caplog, "role_change")) == 3
    assert "roles changed for jens: added Læser, Redaktør, removed none (system)" in caplog.text


def test_a_role_change_reaches_the_users_policy_at_once(db):
    user = factories.make_user("karen", roles.READER)
    assert not roles.policy(user).is_editor
    user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    assert roles.policy(user).is_editor


def test_the_sign_in_code_names_its_source_or_records_a_change_itself(db, editor):
    user = factories.make_user("mette")
    managers = Group.objects.get_or_create(name=roles.MANAGER)[0]
    with role_change_source("oidc"):
        user.groups.set([managers])
    change = RoleChange.objects.filter(username="mette").latest("pk")
    assert (change.added, change.source, change.changed_by) == ([roles.MANAGER], "oidc", None)
    made = record_role_change(user, added=[], removed=["MED"], source="oidc", changed_by=editor)
    assert (made.removed, made.changed_by_name) == (["MED"], "redaktoer")
    assert record_role_change(user, added=[], removed=[], source="oidc") is None


def test_a_role_change_in_the_admin_is_recorded_with_who_made_it(client, db):
    admin = factories.make_user("chef", superuser=True)
    user = factories.make_user("ole", roles.READER)
    editors = Group.objects.get_or_create(name=roles.EDITOR)[0]
    client.force_login(admin)
    joined = timezone.localtime(user.date_joined)
    response = client.post(reverse("admin:auth_user_change", args=[user.pk]), {
        "username": "ole", "first_name": "", "last_name": "", "email": "", "is_active": "on",
        "groups": [editors.pk], "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"), "initial-date_joined_0": "",
        "initial-date_joined_1": "", "last_login_0": "", "last_login_1": "",
    }, HTTP_X_REQUEST_ID="req-admin-0004")
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = RoleChange.objects.filter(username="ole", source="admin")
    assert {(tuple(c.added), tuple(c.removed)) for c in changes} == {
        ((), (roles.READER,)), ((roles.EDITOR,), ())}
    assert {c.changed_by for c in changes} == {admin}
    assert {c.request_id for c in changes} == {"req-admin-0004"}
    # The record is listed in the admin, and cannot be added, changed or deleted there.
    listing = client.get(reverse("admin:accounts_rolechange_changelist"))
    assert listing.status_code == 200 and "ole" in listing.content.decode()
    assert client.get(reverse("admin:accounts_rolechange_add")).status_code == 403
    one = changes.first()
    assert client.post(reverse("admin:accounts_rolechange_delete", args=[one.pk]),
                       {"post": "yes"}).status_code == 403
    assert RoleChange.objects.filter(pk=one.pk).exists()


# --- session lifetime and idle timeout -------------------------------------------------------


@pytest.fixture
def signed_in(client, reader, settings, time_machine):
    settings.ORGREG_SESSION_IDLE_MINUTES = 30
    settings.SESSION_COOKIE_AGE = 2 * 60 * 60
    time_machine.move_to(timezone.now(), tick=False)
    assert _login(client, "laeser").status_code == 302
    return time_machine


def test_an_idle_session_ends_and_the_login_page_says_why(client, signed_in, caplog):
    assert client.get("/").status_code == 200
    signed_in.shift(datetime.timedelta(minutes=31))
    with caplog.at_level(logging.INFO, logger="orgreg.accounts"):
        response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "fordi du ikke har brugt orgreg i 30 minutter" in page
    (ended,) = _events(caplog, "session_expired")
    assert (ended.reason, ended.username) == ("idle", "laeser")


def test_a_session_in_use_stays_until_its_lifetime_ends(client, signed_in):
    for _ in range(4):  # 4 × 25 minutes of use: never idle for 30
        signed_in.shift(datetime.timedelta(minutes=25))
        assert client.get("/").status_code == 200
    signed_in.shift(datetime.timedelta(minutes=25))  # 125 minutes since signing in
    response = client.get("/", follow=True)
    assert "fordi du har været logget ind i mere end 2 timer" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_no_idle_timeout_when_set_to_zero(client, signed_in, settings):
    settings.ORGREG_SESSION_IDLE_MINUTES = 0
    signed_in.shift(datetime.timedelta(minutes=90))
    assert client.get("/").status_code == 200


def _session_writes(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return sum(q["sql"].lstrip().upper().startswith("UPDATE") and "django_session" in q["sql"]
               for q in captured.captured_queries)


def test_a_request_within_the_minute_does_not_save_the_session(client, signed_in):
    """Pages pin their query counts: the session is written at most once a minute."""
    assert _session_writes(client) == 0
    signed_in.shift(datetime.timedelta(seconds=61))
    assert _session_writes(client) == 1
    assert _session_writes(client) == 0
