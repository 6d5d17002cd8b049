"""Roles and visibility, written once and used by every page, PDF, export and API.

Groups: Redaktør (editor), Leder (manager), MED (MED member), Læser (reader).
Superusers see and edit everything.

- A draft or discarded structure is seen by editors only.
- A structure in consultation or approved is seen by editors and MED members.
- A published structure is seen by everyone logged in, but before its
  confidential_until date only by editors and MED members.
"""

from __future__ import annotations

import datetime
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

EDITOR = "Redaktør"
MANAGER = "Leder"
MED = "MED"
READER = "Læser"
ALL_GROUPS = [EDITOR, MANAGER, MED, READER]


def _groups(user) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_orgreg_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._orgreg_groups = cached
    return cached


def is_editor(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or EDITOR in _groups(user)


def is_med_member(user) -> bool:
    return MED in _groups(user)


def is_manager(user) -> bool:
    return MANAGER in _groups(user)


def role_names(user) -> list[str]:
    names = [g for g in ALL_GROUPS if g in _groups(user)]
    if getattr(user, "is_superuser", False) and EDITOR not in names:
        names.insert(0, "Administrator")
    return names


def structure_visibility_q(user, *, prefix: str = "", today: datetime.date | None = None) -> Q:
    """A Q object over Structure (or over a model reaching it through `prefix`, e.g.
    ``"structure__"``) that keeps what `user` may see."""
    from units.models import Status

    if not getattr(user, "is_authenticated", False):
        return Q(pk__in=[])
    if is_editor(user):
        return Q()
    today = today or timezone.localdate()
    p = prefix
    not_confidential = Q(**{f"{p}confidential_until__isnull": True}) | Q(
        **{f"{p}confidential_until__lte": today}
    )
    q = Q(**{f"{p}status": Status.PUBLISHED}) & not_confidential
    if is_med_member(user):
        q |= Q(**{f"{p}status__in": [Status.CONSULTATION, Status.APPROVED, Status.PUBLISHED]})
    return q


def visible_structures(user, queryset: QuerySet | None = None) -> QuerySet:
    """The structures `user` may see."""
    from units.models import Structure

    qs = Structure.objects.all() if queryset is None else queryset
    return qs.filter(structure_visibility_q(user))


def can_see_structure(user, structure, *, today: datetime.date | None = None) -> bool:
    from units.models import Status

    if not getattr(user, "is_authenticated", False):
        return False
    if is_editor(user):
        return True
    today = today or timezone.localdate()
    if is_med_member(user) and structure.status in (
        Status.CONSULTATION, Status.APPROVED, Status.PUBLISHED
    ):
        return True
    return structure.status == Status.PUBLISHED and (
        structure.confidential_until is None or structure.confidential_until <= today
    )


def can_edit_structure(user, structure) -> bool:
    from units.models import Status

    return is_editor(user) and structure.status == Status.DRAFT


def get_visible_structure_or_404(user, pk):
    """The structure with this pk if `user` may see it; 404 otherwise, so that the
    existence of a draft is never leaked."""
    from units.models import Structure

    try:
        structure = Structure.objects.select_related("organisation", "based_on").get(pk=pk)
    except (Structure.DoesNotExist, ValueError, TypeError):
        raise Http404("Ingen organisering fundet.") from None
    if not can_see_structure(user, structure):
        raise Http404("Ingen organisering fundet.")
    return structure


def editor_required(view):
    """Login required, and the user must be an editor (403 otherwise)."""

    @wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not is_editor(request.user):
            raise PermissionDenied("Kun redaktører kan ændre organiseringer.")
        return view(request, *args, **kwargs)

    return wrapper


def get_visible_unit_or_404(user, pk, *, queryset=None):
    """The unit with this pk (its structure joined in) if `user` may see its structure; 404
    otherwise, worded like a unit that does not exist."""
    from units.models import Unit

    qs = queryset if queryset is not None else Unit.objects.all()
    try:
        unit = qs.select_related("structure", "structure__organisation",
                                 "structure__based_on").get(pk=pk)
    except (Unit.DoesNotExist, ValueError, TypeError):
        raise Http404("Ingen enhed fundet.") from None
    if not can_see_structure(user, unit.structure):
        raise Http404("Ingen enhed fundet.")
    return unit


def get_editable_structure_or_404(user, pk):
    """A draft the user may edit. 404 for what the user may not see; 403 for a structure the
    user may see but not edit (a published one, or a reader)."""
    structure = get_visible_structure_or_404(user, pk)
    if not can_edit_structure(user, structure):
        raise PermissionDenied("Kun udkast kan ændres, og kun af redaktører.")
    return structure
