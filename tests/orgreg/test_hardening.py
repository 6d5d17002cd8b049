"""Hardening: DEBUG off unless set, Danish error pages without a traceback, Django's
password validators, and login lock-out (django-axes) for the app and the admin."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests import factories

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "test-kode-123"
LOCKED = "Kontoen er midlertidigt låst"


def _settings_in_fresh_process(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE"}}
    return subprocess.run(
        [sys.executable, "-c", "import orgreg.settings as s; print('DEBUG', s.DEBUG)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_debug_is_off_unless_set_and_then_a_secret_key_is_required():
    unset = _settings_in_fresh_process()
    assert unset.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in unset.stderr
    assert _settings_in_fresh_process(SECRET_KEY="x").stdout.strip() == "DEBUG False"
    assert _settings_in_fresh_process(DEBUG="1").stdout.strip() == "DEBUG True"


def _manage_in_fresh_process(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items()
             if k not in {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}}
    return subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c",
         "from django.conf import settings; print('DEBUG', settings.DEBUG)"],
        cwd=ROOT, env={**clean, **env}, capture_output=True, text=True, timeout=60)


def test_manage_py_on_an_unconfigured_checkout_is_development_a_configured_one_is_not():
    assert _manage_in_fresh_process().stdout.strip() == "DEBUG True"
    assert _manage_in_fresh_process(SECRET_KEY="x").stdout.strip() == "DEBUG False"
    assert _manage_in_fresh_process(SECRET_KEY="x", DEBUG="1").stdout.strip() == "DEBUG True"


# --- error pages ------------------------------------------------------------------------


@pytest.mark.urls("tests.orgreg.error_urls")
def test_a_500_with_debug_off_is_the_danish_page_without_traceback(db, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/fejl/")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Der opstod en fejl" in html and 'lang="da"' in html
    for secret in ("Traceback", "RuntimeError", "hemmelig-fejl", "DATABASE_URL", "kodeord",
                   "SECRET_KEY", settings.SECRET_KEY):
        assert secret not in html, secret


def test_a_404_with_debug_off_is_danish_and_names_nothing(client, settings, reader):
    settings.DEBUG = False
    client.force_login(reader)
    response = client.get("/findes-slet-ikke/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Siden findes ikke" in html
    assert "Log ud" in html  # the site's own layout, extending base.html
    assert "findes-slet-ikke" not in html and "urlpatterns" not in html


# --- passwords --------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["12345678", "password1234", "kort-kode"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_username_is_refused(db):
    user = factories.make_user("hjemmeplejenord")
    with pytest.raises(ValidationError):
        validate_password("hjemmeplejenord1", user)


def test_a_long_uncommon_password_passes(db):
    validate_password("Ni grønne elefanter på Randers bro", factories.make_user())


# --- lock-out ---------------------------------------------------------------------------


def _login(client, username: str, password: str, url: str | None = None, **extra):
    url = url or reverse("login")
    return client.post(url, {"username": username, "password": password}, **extra)


def test_five_wrong_passwords_lock_the_app_login_even_for_the_right_one(client, reader):
    for _ in range(4):
        assert _login(client, "laeser", "forkert").status_code == 200
    locked = _login(client, "laeser", "forkert")
    assert locked.status_code == 429
    assert LOCKED in locked.content.decode()
    right = _login(client, "laeser", PASSWORD)
    assert right.status_code == 429
    assert LOCKED in right.content.decode() and "15 minutter" in right.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_lock_is_per_username_and_address(client, reader, editor):
    for _ in range(5):
        _login(client, "laeser", "forkert")
    assert _login(client, "laeser", PASSWORD).status_code == 429
    # Another user from the same address, and the same user from another address, get in.
    assert _login(Client(), "redaktoer", PASSWORD).status_code == 302
    assert _login(Client(), "laeser", PASSWORD, REMOTE_ADDR="10.1.2.3").status_code == 302


def test_a_successful_login_resets_the_count(client, reader):
    for _ in range(4):
        _login(client, "laeser", "forkert")
    assert _login(client, "laeser", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(4):
        assert _login(client, "laeser", "forkert").status_code == 200
    assert _login(client, "laeser", PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_admin_login(client, db):
    factories.make_user("chef", superuser=True)
    admin_login = reverse("admin:login")
    for _ in range(4):
        assert _login(client, "chef", "forkert", admin_login).status_code == 200
    assert _login(client, "chef", "forkert", admin_login).status_code == 429
    right = _login(client, "chef", PASSWORD, admin_login)
    assert right.status_code == 429
    assert LOCKED in right.content.decode()
    assert client.get(reverse("admin:index")).status_code == 302  # still not logged in


def test_a_locked_account_opens_again_after_the_cool_off(client, reader, settings,
                                                         time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "laeser", "forkert")
    cool_off = settings.AXES_COOLOFF_TIME
    # A minute before the end the right password is still refused, in Danish; trying again
    # does not start the time over.
    time_machine.shift(cool_off - datetime.timedelta(minutes=1))
    still = _login(client, "laeser", PASSWORD)
    assert still.status_code == 429
    assert LOCKED in still.content.decode()
    assert "_auth_user_id" not in client.session
    time_machine.shift(datetime.timedelta(minutes=2))
    assert _login(client, "laeser", PASSWORD).status_code == 302
    assert "_auth_user_id" in client.session
