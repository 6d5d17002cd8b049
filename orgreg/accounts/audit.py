"""What an operator must be able to read afterwards: who signed in, who failed to, who signed
out, and whose roles changed, by whom and how.

Sign-in, sign-out and failed sign-ins (Django's ``user_logged_in``, ``user_logged_out`` and
``user_login_failed``, whichever login path sent them) are log lines of the
``orgreg.accounts`` logger with the username and the request id; a password never is (Django
masks it in a failed attempt's credentials, and only the username is read from them).

A role change is a change of a user's groups. Made in the admin, by a command or by the
identity provider's claims at sign-in, it is caught on ``User.groups`` (``m2m_changed``),
logged, and kept as a ``RoleChange`` row the admin lists read-only. Code that changes groups
says where the change comes from with ``role_change_source("oidc")``; code that knows of a
change the signal does not see calls ``record_role_change`` itself.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
from collections.abc import Iterable, Iterator

from django.contrib.auth import get_user_model, user_logged_in, user_logged_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_login_failed
from django.db.models.signals import m2m_changed

from orgreg.logging import current_request

logger = logging.getLogger("orgreg.accounts")

ADMIN = "admin"
WEB = "web"
OIDC = "oidc"
SYSTEM = "system"

_source: contextvars.ContextVar[tuple[str, object] | None] = contextvars.ContextVar(
    "orgreg_role_change_source", default=None)


def _request_id(request) -> str:
    return getattr(request, "id", "") if request is not None else ""


def _name(user) -> str:
    return user.get_username() if user is not None else ""


@contextlib.contextmanager
def role_change_source(source: str, changed_by=None) -> Iterator[None]:
    """Group changes made inside are recorded as coming from `source` ("oidc", "admin", …),
    made by `changed_by` (None: the system, or the user themselves at sign-in)."""
    token = _source.set((source, changed_by))
    try:
        yield
    finally:
        _source.reset(token)


_UNRECORDED = object()


@contextlib.contextmanager
def unrecorded_role_changes() -> Iterator[None]:
    """Group changes made inside are not recorded one by one: the caller records the whole
    change itself with `record_role_change` (a sign-in, which also sets the superuser flag)."""
    token = _source.set((_UNRECORDED, None))
    try:
        yield
    finally:
        _source.reset(token)


def _where_from() -> tuple[str, object]:
    """The source and actor of a change the caller did not name: the admin or another page
    of the request being served, by its user; outside a request, the system."""
    given = _source.get()
    if given is not None:
        return given
    request = current_request.get()
    if request is None:
        return SYSTEM, None
    user = getattr(request, "user", None)
    actor = user if getattr(user, "is_authenticated", False) else None
    return (ADMIN if request.path.startswith("/admin/") else WEB), actor


def record_role_change(user, *, added: Iterable[str] = (), removed: Iterable[str] = (),
                       source: str, changed_by=None):
    """Log and keep a change of `user`'s roles (group names `added` and `removed`). Nothing
    is recorded when both are empty. Returns the RoleChange row, or None."""
    from orgreg.accounts.models import RoleChange

    added, removed = sorted(set(added)), sorted(set(removed))
    if not added and not removed:
        return None
    request = current_request.get()
    change = RoleChange.objects.create(
        user=user, username=_name(user), changed_by=changed_by,
        changed_by_name=_name(changed_by), added=added, removed=removed, source=source,
        request_id=_request_id(request))
    logger.info("roles changed for %s: added %s, removed %s (%s%s)", _name(user),
                ", ".join(added) or "none", ", ".join(removed) or "none", source,
                f", by {_name(changed_by)}" if changed_by is not None else "",
                extra={"event": "role_change", "username": _name(user),
                       "request_id": _request_id(request)})
    return change


def _forget_roles(user) -> None:
    # orgreg.roles keeps a user's groups and policy on the user object: read them afresh.
    for attr in ("_orgreg_groups", "_orgreg_policy"):
        user.__dict__.pop(attr, None)


def _groups_changed(sender, instance, action, reverse, model, pk_set, **kwargs) -> None:
    """User.groups changed, from either side (user.groups.add(…), group.user_set.add(…))."""
    if action == "pre_clear":
        # After a clear the signal no longer says what was there.
        instance._orgreg_cleared = (set(instance.groups.values_list("name", flat=True))
                                    if not reverse else
                                    list(instance.user_set.all()))
        return
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    source, actor = _where_from()
    if source is _UNRECORDED:
        instance.__dict__.pop("_orgreg_cleared", None)
        if not reverse:
            _forget_roles(instance)
        return
    if action == "post_clear":
        before = instance.__dict__.pop("_orgreg_cleared", ())
        changes = ([(instance, set(before))] if not reverse
                   else [(user, {instance.name}) for user in before])
        for user, names in changes:
            _forget_roles(user)
            record_role_change(user, removed=names, source=source, changed_by=actor)
        return
    if not reverse:
        names = set(Group.objects.filter(pk__in=pk_set).values_list("name", flat=True))
        targets = [(instance, names)]
    else:
        targets = [(user, {instance.name})
                   for user in get_user_model().objects.filter(pk__in=pk_set)]
    for user, names in targets:
        _forget_roles(user)
        if action == "post_add":
            record_role_change(user, added=names, source=source, changed_by=actor)
        else:
            record_role_change(user, removed=names, source=source, changed_by=actor)


def _logged_in(sender, request, user, **kwargs) -> None:
    logger.info("signed in: %s", _name(user), extra={
        "event": "login", "username": _name(user), "request_id": _request_id(request),
        "backend": getattr(user, "backend", "")})


def _logged_out(sender, request, user, **kwargs) -> None:
    logger.info("signed out: %s", _name(user) or "(session already ended)", extra={
        "event": "logout", "username": _name(user), "request_id": _request_id(request)})


def _login_failed(sender, credentials, request=None, **kwargs) -> None:
    # Only the username is read: Django masks the password, and nothing else is logged.
    username = str(credentials.get("username", "") or "")[:150]
    logger.warning("sign-in failed for %s", username or "(no username)", extra={
        "event": "login_failed", "username": username, "request_id": _request_id(request)})


def connect() -> None:
    """Hook the receivers up (AccountsConfig.ready)."""
    m2m_changed.connect(_groups_changed, sender=get_user_model().groups.through,
                        dispatch_uid="orgreg.accounts.audit.groups")
    user_logged_in.connect(_logged_in, dispatch_uid="orgreg.accounts.audit.login")
    user_logged_out.connect(_logged_out, dispatch_uid="orgreg.accounts.audit.logout")
    user_login_failed.connect(_login_failed, dispatch_uid="orgreg.accounts.audit.failed")
