"""`Policy`: what one user may see and edit, made of the rules of each part of orgreg, and
the ways to get one (`policy`, `everyone_policy`, `server_policy`, `editor_required`)."""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.db.models import Model, QuerySet
from django.http import Http404

from orgreg import clock

from .base import ALL_GROUPS, EDITOR, MANAGER, MED, NOT_FOUND
from .base import groups_of as _groups
from .med import MedRules
from .plan import PlanRules
from .structures import StructureRules


class Policy(StructureRules, MedRules, PlanRules):
    """What one user may see and edit. Querysets narrow what a caller passes (or the model's
    whole table); ``can_*`` answer for one object already read; ``get_*_or_404`` read one
    object and answer 404 when it is missing or hidden alike."""

    def __init__(self, user, *, today: datetime.date | None = None,
                 everything: bool = False) -> None:
        self.user = user
        self._today = today
        self._everything = everything

    # --- who -------------------------------------------------------------------------

    @property
    def is_authenticated(self) -> bool:
        """Logged in and active; the server itself counts as logged in."""
        if self._everything:
            return True
        user = self.user
        return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_active", False))

    @property
    def is_editor(self) -> bool:
        """Superusers and the editor group; they see everything and edit drafts."""
        if not self.is_authenticated or self._everything:
            return False
        return bool(getattr(self.user, "is_superuser", False)) or EDITOR in _groups(self.user)

    @property
    def is_med_member(self) -> bool:
        return self.is_authenticated and MED in _groups(self.user)

    @property
    def is_manager(self) -> bool:
        return self.is_authenticated and MANAGER in _groups(self.user)

    @property
    def has_role(self) -> bool:
        """Whether the user holds one of orgreg's roles or is a superuser: the identity
        provider's sign-in refuses a session to a user who does not."""
        if not self.is_authenticated or self._everything:
            return self._everything
        return bool(getattr(self.user, "is_superuser", False)) or any(
            name in _groups(self.user) for name in ALL_GROUPS)

    @property
    def sees_everything(self) -> bool:
        return self._everything or self.is_editor

    @property
    def sees_leader_identifiers(self) -> bool:
        """A unit's leader identifier is personal data, for editors (and the server's own
        commands) only."""
        return self.sees_everything

    def can_link_managers(self, unit) -> bool:
        """Linking a manager to a unit by hand, or removing the link: editors, for any unit
        they see (access is not an edit of the tree, so a published structure's too)."""
        return self.is_editor and self.can_see_unit(unit)

    @property
    def can_pull_from_os2mo(self) -> bool:
        """Reading OS2mo into a new structure (os2mo.pulling), from the organisation page:
        editors, once OS2mo is set up (OS2MO_URL)."""
        from django.conf import settings

        return self.is_editor and bool(settings.OS2MO_URL)

    def os2mo_pulls(self, queryset: QuerySet | None = None) -> QuerySet:
        """The record of pulls from OS2mo (who pulled, into which structure): editors only."""
        from os2mo.models import Pull

        qs = queryset if queryset is not None else Pull.objects.all()
        return qs if self.is_editor else qs.none()

    @property
    def can_administer(self) -> bool:
        """The Django admin (reference data; domain models are read-only there)."""
        return self.is_authenticated and bool(getattr(self.user, "is_staff", False))

    @property
    def role_names(self) -> list[str]:
        names = [g for g in ALL_GROUPS if g in _groups(self.user)] if self.is_authenticated \
            else []
        if getattr(self.user, "is_superuser", False) and EDITOR not in names:
            names.insert(0, "Administrator")
        return names

    @property
    def today(self) -> datetime.date:
        return self._today or clock.today()

    # --- editing outside a structure's tree -----------------------------------------

    def can_edit(self, obj: Model | None = None) -> bool:
        """MED bodies, members, meetings, consultations, milestones, workstreams: editors.
        (A structure's tree: `can_edit_structure`.)"""
        return self.is_editor

    def require_editor(self) -> None:
        """404 for anyone but an editor: an editing page tells a non-editor nothing, not even
        that the thing exists."""
        if not self.is_editor:
            raise Http404(NOT_FOUND)


def policy(user) -> Policy:
    """The user's policy, kept on the user object so that one request (and one command run)
    reads the user's groups and memberships once."""
    if user is None:
        return Policy(None)
    cached = getattr(user, "_orgreg_policy", None)
    if cached is None:
        cached = Policy(user)
        try:
            user._orgreg_policy = cached
        except AttributeError:  # pragma: no cover - a user object without a __dict__
            pass
    return cached


class _RoleHolder:
    """Someone orgreg knows only by an e-mail address, as a user holding just these roles
    (none: anyone logged in): whom a mail is written for (`role_policy`)."""

    is_authenticated = True
    is_active = True
    is_superuser = False
    is_staff = False
    pk = None

    def __init__(self, groups: frozenset[str]) -> None:
        self._orgreg_groups = groups

    def get_full_name(self) -> str:
        return "orgreg"

    def get_username(self) -> str:
        return "orgreg"


def role_policy(*groups: str, today: datetime.date | None = None) -> Policy:
    """The view of a person holding only `groups` (say MED, for a mail to a MED body's
    members), whoever they are: what a mail to an address may tell. Its ``user`` stands in
    for them where a document is drawn as a user would see it."""
    return Policy(_RoleHolder(frozenset(groups)), today=today)


def everyone_policy(*, today: datetime.date | None = None) -> Policy:
    """The view of anyone logged in, whatever their role (none): the rule for what may be
    told to a person orgreg knows only by an e-mail address (an udmelding to a unit's
    leader). It sees a published structure from its confidential_until date on."""
    return role_policy(today=today)


def public_from(structure, zone=None) -> datetime.datetime | None:
    """The moment `everyone_policy` starts to see a published structure: the start of its
    confidential_until day in the municipality's time zone (the day's date is what the rule
    compares with today, orgreg.clock's Copenhagen date); None when there is no such date,
    as a published structure without one is seen at once."""
    if structure.confidential_until is None:
        return None
    return datetime.datetime.combine(structure.confidential_until, datetime.time(0),
                                     tzinfo=zone or clock.zone())


def server_policy() -> Policy:
    """The server's own view, for management commands run without ``--user``: everything."""
    return Policy(None, everything=True)


def editor_required(view):
    """Login required (anonymous users go to the login page), and the user must be an editor:
    404 otherwise, as for anything the user may not see."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        policy(request.user).require_editor()
        return view(request, *args, **kwargs)

    return wrapper
