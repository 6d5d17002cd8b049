"""Writes of a sign-in through the identity provider: the user matched (or made) by the
provider's `sub`, their profile brought up to date, and their roles set from the claims."""

from __future__ import annotations

import hashlib
import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import SuspiciousOperation
from django.db import transaction

from orgreg import clock, roles
from orgreg.accounts import audit
from orgreg.accounts.claims import SUPERUSER, ClaimedRoles, claimed_roles, leader_identifiers
from orgreg.accounts.models import Identity, RoleChange

log = logging.getLogger(__name__)

# The profile fields a sign-in copies from the claims, by claim name.
PROFILE_CLAIMS = {"email": "email", "given_name": "first_name", "family_name": "last_name"}


@transaction.atomic
def sign_in_from_claims(*, issuer: str, claims: dict) -> AbstractUser:
    """The user the provider vouches for: the one whose Identity has this issuer and `sub`, or
    a new user with such an Identity. The profile (e-mail, names) follows the claims, the roles
    are set from them (`apply_claimed_roles`), and the values identifying a unit's leader are
    handed on. Refuses claims without a `sub` (SuspiciousOperation); never matches a user by
    e-mail or user name."""
    sub = claims.get("sub")
    if not isinstance(sub, str) or not sub:
        raise SuspiciousOperation("The claims carry no sub.")
    identity = (Identity.objects.select_related("user").select_for_update()
                .filter(issuer=issuer, sub=sub).first())
    if identity is None:
        user = get_user_model().objects.create_user(
            username=_free_username(issuer, claims), **_profile(claims))
        user.set_unusable_password()
        user.save(update_fields=["password"])
        identity = Identity.objects.create(user=user, issuer=issuer, sub=sub)
        log.info("User %s created at first sign-in (issuer %s, sub %s)", user.username,
                 issuer, sub)
    else:
        user = identity.user
        profile = _profile(claims)
        changed = [field for field, value in profile.items() if getattr(user, field) != value]
        for field in changed:
            setattr(user, field, profile[field])
        if changed:
            user.save(update_fields=changed)
        identity.last_login = clock.now()
        identity.save(update_fields=["last_login"])
    apply_claimed_roles(user, claimed_roles(claims), source=audit.OIDC)
    _link_leader_units(user, claims)
    return user


@transaction.atomic
def apply_claimed_roles(user: AbstractUser, claimed: ClaimedRoles, *,
                        source: str) -> RoleChange | None:
    """Give the user exactly the orgreg roles (roles.ALL_GROUPS) and the superuser flag that
    the claims give: a role the provider no longer gives is taken away. Other Django groups
    are left alone. Superuser and staff follow the "Superbruger" mapping together. A change is
    recorded (RoleChange, with `source`) and logged; none, nothing is written."""
    current = set(user.groups.filter(name__in=roles.ALL_GROUPS).values_list("name", flat=True))
    add = [name for name in roles.ALL_GROUPS if name in claimed.groups and name not in current]
    remove = [name for name in roles.ALL_GROUPS if name in current and name not in claimed.groups]
    added, removed = list(add), list(remove)
    if claimed.superuser and not user.is_superuser:
        added.append(SUPERUSER)
    elif user.is_superuser and not claimed.superuser:
        removed.append(SUPERUSER)
    # One record for the whole sign-in (the superuser flag included), not one per group write.
    with audit.unrecorded_role_changes():
        if add:
            user.groups.add(*(Group.objects.get_or_create(name=name)[0] for name in add))
        if remove:
            user.groups.remove(*Group.objects.filter(name__in=remove))
    if user.is_superuser != claimed.superuser or user.is_staff != claimed.superuser:
        user.is_superuser = user.is_staff = claimed.superuser
        user.save(update_fields=["is_superuser", "is_staff"])
    # The request's policy must not answer from the groups read before the change.
    for cached in ("_orgreg_groups", "_orgreg_policy"):
        user.__dict__.pop(cached, None)
    return audit.record_role_change(user, added=added, removed=removed, source=source)


def _link_leader_units(user: AbstractUser, claims: dict) -> list:
    """Link the user, as manager, to the units whose leader identifier is one of the values
    in the claims that may identify them (claims.leader_identifiers); links made by data that
    no longer match are removed, links made by hand stay (units.services.link_leader_units).
    Returns the units linked."""
    from units.services import link_leader_units

    return link_leader_units(user, leader_identifiers(claims))


def _profile(claims: dict) -> dict[str, str]:
    profile = {}
    for claim, field in PROFILE_CLAIMS.items():
        value = claims.get(claim)
        max_length = get_user_model()._meta.get_field(field).max_length or 150
        profile[field] = value.strip()[:max_length] if isinstance(value, str) else ""
    return profile


def _free_username(issuer: str, claims: dict) -> str:
    """A user name for a new user: the provider's preferred_username (or e-mail, or sub); when
    a user already has it, the name with a short digest of issuer and sub added, so a local
    user of that name is never taken over."""
    model = get_user_model()
    max_length = model._meta.get_field("username").max_length or 150
    base = next(value.strip() for value in (claims.get("preferred_username"),
                                             claims.get("email"), claims.get("sub"))
                 if isinstance(value, str) and value.strip())
    digest = hashlib.sha256(f"{issuer} {claims['sub']}".encode()).hexdigest()
    candidates = [base[:max_length]] + [
        f"{base[:max_length - 1 - n]}-{digest[:n]}" for n in (8, 16, 64)]
    for candidate in candidates:
        if not model.objects.filter(username=candidate).exists():
            return candidate
    raise SuspiciousOperation("No free user name for the identity.")
