"""The admin never shows an API token's key: not in the list, the detail page, the delete
page, its history or the admin's log. Tokens are made with drf_create_token."""

from __future__ import annotations

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import NoReverseMatch, reverse
from rest_framework.authtoken.models import Token

from tests import factories


@pytest.fixture
def staff(db):
    return factories.make_user("admin", superuser=True)


@pytest.fixture
def token(reader):
    return Token.objects.create(user=reader)


def test_the_token_admin_lists_user_and_date_but_not_the_key(client, staff, token):
    client.force_login(staff)
    listing = client.get(reverse("admin:orgreg_apitoken_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "laeser" in html
    assert token.key not in html


def test_the_token_pages_do_not_show_the_key(client, staff, token):
    client.force_login(staff)
    for name in ("change", "delete", "history"):
        page = client.get(reverse(f"admin:orgreg_apitoken_{name}", args=[token.user_id]))
        assert page.status_code == 200, name
        assert token.key not in page.content.decode(), name
        assert "API-nøgle for laeser" in page.content.decode(), name


def test_tokens_are_not_added_or_edited_in_the_admin_but_can_be_revoked(client, staff, token):
    client.force_login(staff)
    assert client.get(reverse("admin:orgreg_apitoken_add")).status_code == 403
    change = reverse("admin:orgreg_apitoken_change", args=[token.user_id])
    assert client.post(change, {"user": staff.pk}).status_code == 403
    assert Token.objects.get(pk=token.key).user_id == token.user_id
    response = client.post(reverse("admin:orgreg_apitoken_delete", args=[token.user_id]),
                           {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert token.key not in response.content.decode()
    assert not Token.objects.filter(pk=token.key).exists()
    assert not LogEntry.objects.filter(object_repr__contains=token.key).exists()


def test_drf_s_own_token_admin_is_gone():
    with pytest.raises(NoReverseMatch):
        reverse("admin:authtoken_tokenproxy_changelist")


def test_drf_create_token_makes_a_token_it_prints_once(reader, capsys):
    from django.core.management import call_command

    call_command("drf_create_token", "laeser")
    key = Token.objects.get(user=reader).key
    assert key in capsys.readouterr().out
