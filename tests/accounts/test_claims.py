"""Reading the provider's claims: the role map, the roles it gives, the values that may
identify a unit's leader, and the settings check."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from orgreg import roles
from orgreg.accounts import checks
from orgreg.accounts.claims import claimed_roles, leader_identifiers, parse_role_map

MAP = "Redaktør:grp-a, grp-b ;Leder:grp-c;MED:grp-d;Læser:grp-e;Læser:grp-a;Superbruger:grp-x"


def test_the_role_map_reads_several_values_per_role_and_a_value_for_several_roles():
    mapping = parse_role_map(MAP, ["grp-y"])
    assert mapping.roles["grp-a"] == {roles.EDITOR, roles.READER}
    assert mapping.roles["grp-b"] == {roles.EDITOR}
    assert mapping.roles["grp-c"] == {roles.MANAGER} and mapping.roles["grp-d"] == {roles.MED}
    assert mapping.superuser_values == {"grp-x", "grp-y"}


@pytest.mark.parametrize("text, named", [
    ("Redaktør:grp-a;Admin:grp-b", "'Admin'"),
    ("Redaktør", "'Redaktør'"),
    ("Leder:", "'Leder:'"),
])
def test_a_mistyped_role_map_is_refused_naming_the_entry(text, named):
    with pytest.raises(ImproperlyConfigured, match=named):
        parse_role_map(text)


def test_the_claims_give_the_mapped_roles_only(settings):
    mapping = parse_role_map(MAP)
    given = claimed_roles({"groups": ["grp-b", "grp-d", "grp-unknown"]}, mapping)
    assert given.groups == {roles.EDITOR, roles.MED} and not given.superuser
    assert claimed_roles({"groups": "grp-x"}, mapping).superuser
    assert claimed_roles({"groups": None}, mapping).names == set()
    settings.OIDC_GROUPS_CLAIM = "roles"
    assert claimed_roles({"roles": ["grp-c"], "groups": ["grp-a"]}, mapping).groups == \
        {roles.MANAGER}


def test_the_leader_identifiers_are_collected_from_the_claims(settings):
    settings.OIDC_LEADER_CLAIMS = ["employee_number", "os2mo_uuid"]
    claims = {"sub": "a7f3", "email": "lars@kommune.example", "preferred_username":
              "lars@kommune.example", "employee_number": 4711, "os2mo_uuid": ["", "9e1c"],
              "name": "Lars Leder"}
    assert leader_identifiers(claims) == ["a7f3", "lars@kommune.example", "4711", "9e1c"]


def test_the_settings_check_names_what_is_wrong(settings):
    settings.OIDC_ISSUER = ""
    assert checks.oidc_settings() == []
    settings.OIDC_ISSUER = "https://login.kommune.example"
    settings.OIDC_CLIENT_ID = ""
    settings.OIDC_SCOPES = "email"
    settings.OIDC_ROLE_MAP = "Chef:grp-a"
    assert [message.id for message in checks.oidc_settings()] == [
        "accounts.E001", "accounts.E002", "accounts.E003"]
    settings.OIDC_CLIENT_ID, settings.OIDC_SCOPES, settings.OIDC_ROLE_MAP = \
        "orgreg", "openid", ""
    assert [message.id for message in checks.oidc_settings()] == ["accounts.W001"]
