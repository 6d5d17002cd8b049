"""What the identity provider's claims say about a user: their roles, through OIDC_ROLE_MAP,
and the values that may identify them as a unit's leader.

OIDC_ROLE_MAP reads ``Redaktør:grp-a,grp-b;Leder:grp-c;MED:grp-d;Læser:grp-e`` — a role,
a colon, the group claim values (AD group names or object ids) that give it, separated by
commas; roles separated by semicolons. ``Superbruger:`` values (and OIDC_SUPERUSER_GROUPS)
make a superuser."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from orgreg import roles

SUPERUSER = "Superbruger"


@dataclass(frozen=True)
class RoleMap:
    """Group claim value → orgreg role names, and the values that make a superuser."""

    roles: dict[str, frozenset[str]]
    superuser_values: frozenset[str]


@dataclass(frozen=True)
class ClaimedRoles:
    """The roles a user's claims give: orgreg's groups (of roles.ALL_GROUPS) and whether the
    user is a superuser."""

    groups: frozenset[str]
    superuser: bool

    @property
    def names(self) -> frozenset[str]:
        return self.groups | ({SUPERUSER} if self.superuser else set())


def parse_role_map(text: str, superuser_groups: list[str] | tuple[str, ...] = ()) -> RoleMap:
    """The map written in OIDC_ROLE_MAP. An unknown role, an entry without a colon or a role
    without values is refused (ImproperlyConfigured, naming the entry), so a typing error
    cannot silently leave a role unmapped."""
    by_value: dict[str, set[str]] = {}
    superuser_values = {value.strip() for value in superuser_groups if value.strip()}
    for entry in (part.strip() for part in text.split(";")):
        if not entry:
            continue
        role, colon, values_text = entry.partition(":")
        role = role.strip()
        values = [value.strip() for value in values_text.split(",") if value.strip()]
        if not colon or not values:
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: {entry!r} must be a role, a colon and one or more group values.")
        if role == SUPERUSER:
            superuser_values.update(values)
        elif role in roles.ALL_GROUPS:
            for value in values:
                by_value.setdefault(value, set()).add(role)
        else:
            known = ", ".join([*roles.ALL_GROUPS, SUPERUSER])
            raise ImproperlyConfigured(
                f"OIDC_ROLE_MAP: unknown role {role!r} (known: {known}).")
    return RoleMap(roles={value: frozenset(names) for value, names in by_value.items()},
                   superuser_values=frozenset(superuser_values))


def role_map() -> RoleMap:
    """The map of the settings (OIDC_ROLE_MAP and OIDC_SUPERUSER_GROUPS)."""
    return parse_role_map(settings.OIDC_ROLE_MAP, settings.OIDC_SUPERUSER_GROUPS)


def group_values(claims: dict) -> set[str]:
    """The values of the group claim (OIDC_GROUPS_CLAIM): a list, or one string, as providers
    send them; anything else counts as no groups."""
    value = claims.get(settings.OIDC_GROUPS_CLAIM)
    if isinstance(value, str):
        return {value}
    if isinstance(value, list | tuple):
        return {str(item) for item in value if isinstance(item, str | int)}
    return set()


def claimed_roles(claims: dict, mapping: RoleMap | None = None) -> ClaimedRoles:
    """The roles the claims give through the map; a group value not in the map gives none."""
    mapping = mapping or role_map()
    values = group_values(claims)
    groups = frozenset(name for value in values for name in mapping.roles.get(value, ()))
    return ClaimedRoles(groups=groups, superuser=bool(values & mapping.superuser_values))


def leader_identifiers(claims: dict) -> list[str]:
    """The values that may identify the user as a unit's leader (an e-mail, a user name, an
    employee number, an OS2mo uuid): sub, email, preferred_username and the claims named in
    OIDC_LEADER_CLAIMS, in that order, each once, empty ones left out."""
    found: list[str] = []
    for name in ["sub", "email", "preferred_username", *settings.OIDC_LEADER_CLAIMS]:
        value = claims.get(name)
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, str | int) and str(item).strip() \
                    and str(item).strip() not in found:
                found.append(str(item).strip())
    return found
