"""Sign-in through a real OpenID provider (tests/oidc/provider.mjs) on loopback, driven at
orgreg's callback: users matched by `sub`, roles from the group claim at every sign-in, and
every refusal a Danish page that leaves no session and changes nothing."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth.models import User

from orgreg import roles
from orgreg.accounts.models import Identity, RoleChange
from tests import factories
from tests.oidc.provider import CLIENT_ID
from units import services

ANNA, LARS, IB = "a7f3c2e0-redaktoer", "b81d44a9-leder", "c0ffee00-ingen"


def signed_in(client) -> User | None:
    pk = client.session.get("_auth_user_id")
    return User.objects.get(pk=pk) if pk else None


def role_groups(user: User) -> set[str]:
    return set(user.groups.filter(name__in=roles.ALL_GROUPS).values_list("name", flat=True))


def test_the_authorization_request_carries_state_nonce_and_a_pkce_challenge(client, oidc):
    answer = client.get("/oidc/authenticate/?next=/plan/")
    location = urlsplit(answer["Location"])
    query = parse_qs(location.query)
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{oidc.issuer}/auth"
    assert query["response_type"] == ["code"] and query["client_id"] == [CLIENT_ID]
    assert query["scope"] == ["openid email profile"]
    assert query["redirect_uri"] == ["http://testserver/oidc/callback/"]
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["state"][0] in client.session["oidc_states"]


def test_an_editor_signs_in_and_is_matched_by_sub_with_the_roles_of_their_groups(
        client, idp, oidc):
    answer = idp.sign_in("anna")
    assert answer.status_code == 302 and answer["Location"] == "/"
    user = signed_in(client)
    assert user is not None and user.username == "anna"
    assert user.get_full_name() == "Anna Redaktør" and user.email == "anna@kommune.example"
    assert Identity.objects.get(user=user).sub == ANNA
    assert role_groups(user) == {roles.EDITOR, roles.READER}
    assert not user.has_usable_password() and not user.is_superuser
    change = RoleChange.objects.get(user=user)
    assert (change.added, change.removed, change.source) == (
        sorted([roles.EDITOR, roles.READER]), [], "oidc")
    home = client.get("/")
    assert home.status_code == 200 and "Anna Redaktør · Redaktør, Læser" in home.text


def test_the_next_sign_in_finds_the_same_user_and_records_no_change(client, idp):
    idp.sign_in("anna")
    first = signed_in(client)
    client.post("/logout/")
    assert signed_in(client) is None
    idp.sign_in("anna")
    assert signed_in(client) == first
    assert User.objects.filter(identities__sub=ANNA).count() == 1
    assert RoleChange.objects.filter(user=first).count() == 1


def test_a_manager_signing_in_for_the_first_time_lands_on_their_units_placement(
        client, idp, editor, settings):
    """The provider's e-mail (or a configured claim, here the employee number) is a unit's
    leader identifier: the first sign-in links the manager to that unit, and their front page
    is Min enhed with its placement; a unit led by someone else is not named."""
    settings.OIDC_LEADER_CLAIMS = ["employee_number"]
    structure, units = factories.make_structure(
        editor, {"A": "Afdeling Alfa", "B": "Afdeling Beta", "C": "Afdeling Gamma"},
        status="published")
    services.set_leader_identifier(units["A"], "LARS@kommune.example", user=editor)
    services.set_leader_identifier(units["C"], "E-4711", user=editor)
    idp.sign_in("lars")
    lars = signed_in(client)
    assert lars is not None and role_groups(lars) == {roles.MANAGER}
    assert set(lars.managed_units.values_list("code", flat=True)) == {"A", "C"}
    page = client.get("/").text
    assert "<h1>Min enhed</h1>" in page
    assert "Afdeling Alfa" in page and "Afdeling Gamma" in page
    assert "Afdeling Beta" not in page


def test_the_return_address_asked_for_is_where_the_sign_in_lands(client, idp):
    back = idp.callback_url("anna", start="/oidc/authenticate/?next=/plan/")
    answer = client.get(back.removeprefix("http://testserver"))
    assert answer.status_code == 302 and answer["Location"] == "/plan/"


def test_a_local_user_with_the_same_name_and_email_is_never_taken_over(client, idp):
    local = User.objects.create_user("anna", email="anna@kommune.example", password="x" * 12)
    idp.sign_in("anna")
    user = signed_in(client)
    assert user != local and user.username.startswith("anna-")
    assert role_groups(local) == set() and not Identity.objects.filter(user=local).exists()


def test_a_role_taken_at_the_provider_is_taken_at_the_next_sign_in(client, idp, oidc):
    idp.sign_in("anna")
    user = signed_in(client)
    oidc.set_groups(ANNA, ["grp-alle"])
    idp.sign_in("anna")
    assert signed_in(client) == user and role_groups(user) == {roles.READER}
    last = RoleChange.objects.filter(user=user).first()
    assert (last.added, last.removed) == ([], [roles.EDITOR])
    assert client.get("/").text.count("Anna Redaktør · Læser") == 1


def test_a_superuser_group_gives_the_admin_and_taking_it_takes_it(client, idp, oidc):
    oidc.set_groups(LARS, ["grp-it-drift"])
    idp.sign_in("lars")
    user = signed_in(client)
    assert user.is_superuser and user.is_staff and role_groups(user) == set()
    oidc.set_groups(LARS, ["grp-ledere"])
    idp.sign_in("lars")
    user.refresh_from_db()
    assert not user.is_superuser and not user.is_staff and role_groups(user) == {roles.MANAGER}
    last = RoleChange.objects.filter(user=user).first()
    assert (last.added, last.removed) == ([roles.MANAGER], ["Superbruger"])


def test_a_user_without_a_mapped_group_gets_the_no_access_page_and_no_session(client, idp):
    answer = idp.sign_in("ib")
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "Du har ikke adgang til orgreg" in text and "Ib Udenfor" in text
    assert "Log ud hos kommunens login" in text
    assert signed_in(client) is None
    user = User.objects.get(identities__sub=IB)
    assert role_groups(user) == set() and not RoleChange.objects.filter(user=user).exists()
    assert client.get("/")["Location"].startswith("/login/")
    assert client.get("/api/structures/").status_code in (401, 403)


def test_losing_every_group_ends_the_session_at_the_next_sign_in(client, idp, oidc):
    idp.sign_in("anna")
    oidc.set_groups(ANNA, ["grp-kantine"])
    answer = idp.sign_in("anna")
    assert answer.status_code == 403 and signed_in(client) is None
    user = User.objects.get(identities__sub=ANNA)
    assert role_groups(user) == set()


def test_an_inactive_user_is_refused(client, idp):
    idp.sign_in("anna")
    User.objects.filter(identities__sub=ANNA).update(is_active=False)
    client.post("/logout/")
    answer = idp.sign_in("anna")
    assert answer.status_code == 403 and "Din bruger er spærret" in answer.content.decode()
    assert signed_in(client) is None


REFUSALS = {
    "tampered": "signaturen passer ikke",
    "foreign-key": "signaturen passer ikke",
    "wrong-audience": "udstedt til et andet system end orgreg",
    "expired": "ID-token, der er udløbet",
}


@pytest.mark.parametrize("mode", sorted(REFUSALS))
def test_a_spoiled_id_token_is_refused_with_a_danish_message_and_nothing_made(
        client, idp, oidc, mode):
    oidc.spoil_id_token(mode)
    users, changes = User.objects.count(), RoleChange.objects.count()
    answer = idp.sign_in("anna")
    assert answer.status_code == 403
    text = answer.content.decode()
    assert "Login mislykkedes" in text and REFUSALS[mode] in text
    assert signed_in(client) is None
    assert User.objects.count() == users and not Identity.objects.exists()
    assert RoleChange.objects.count() == changes


def test_a_token_signed_again_with_the_providers_key_is_accepted(client, idp, oidc):
    """The spoiling is sound: the same claims signed again by the provider pass."""
    oidc.spoil_id_token("resigned")
    assert idp.sign_in("anna").status_code == 302
    assert signed_in(client).username == "anna"


def test_a_replayed_state_is_refused_and_ends_the_session(client, idp):
    back = idp.callback_url("anna").removeprefix("http://testserver")
    assert client.get(back).status_code == 302 and signed_in(client) is not None
    answer = client.get(back)
    assert answer.status_code == 400
    assert "allerede brugt" in answer.content.decode() and signed_in(client) is None


def test_a_callback_into_another_browser_is_refused(client, idp, oidc):
    from django.test import Client

    back = idp.callback_url("anna").removeprefix("http://testserver")
    other = Client()
    answer = other.get(back)
    assert answer.status_code == 400 and "Login-svaret hører ikke til" in \
        answer.content.decode()
    assert "_auth_user_id" not in other.session and not Identity.objects.exists()


def test_a_refusal_at_the_provider_is_told(client, oidc):
    client.get("/oidc/authenticate/")
    state = next(iter(client.session["oidc_states"]))
    answer = client.get(f"/oidc/callback/?error=access_denied&state={state}")
    assert answer.status_code == 403 and "Login blev afbrudt" in answer.content.decode()
    assert signed_in(client) is None


def test_logout_sends_the_browser_to_end_the_providers_session(client, idp, oidc):
    idp.sign_in("anna")
    answer = client.post("/logout/")
    assert signed_in(client) is None
    location = urlsplit(answer["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == \
        f"{oidc.issuer}/session/end"
    query = parse_qs(location.query)
    assert query["post_logout_redirect_uri"] == ["http://testserver/login/"]
    assert query["id_token_hint"][0].count(".") == 2 and query["client_id"] == [CLIENT_ID]


def test_a_local_sign_in_logs_out_locally(client, editor, oidc):
    client.force_login(editor)
    answer = client.post("/logout/")
    assert answer["Location"] == "/login/"


def test_discovery_is_read_once_and_kept(oidc):
    from orgreg.accounts import discovery

    first = discovery.provider()
    assert discovery.provider() is first
    assert (first.issuer, first.end_session_endpoint) == (oidc.issuer,
                                                          f"{oidc.issuer}/session/end")


def test_a_discovery_document_naming_another_issuer_is_refused(client, oidc, settings):
    from orgreg.accounts import discovery

    settings.OIDC_ISSUER = oidc.issuer.replace("127.0.0.1", "localhost")
    discovery.forget()
    answer = client.get("/oidc/authenticate/")
    assert answer.status_code == 503 and "Kommunens login svarer ikke" in \
        answer.content.decode()
