"""The roles' names, the statuses the rules speak of, and the helpers the rules share."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

EDITOR = "Redaktør"
MANAGER = "Leder"
MED = "MED"
READER = "Læser"
ALL_GROUPS = [EDITOR, MANAGER, MED, READER]

NOT_FOUND = "Siden findes ikke."
NOT_EDITABLE = ("Kun udkast kan ændres. Kopiér organiseringen til et nyt udkast for at "
                "ændre den.")
NOT_COMPARABLE = "Organiseringerne hører til forskellige organisationer."
# What is said instead of the name of a structure the reader may not see (a basis, the
# structure a history entry or a reason speaks of).
HIDDEN_STRUCTURE = "en tidligere organisering, du ikke har adgang til"


def groups_of(user) -> frozenset[str]:
    """The names of the user's groups, read once per user object."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_orgreg_groups", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._orgreg_groups = cached
    return cached


def statuses():
    """units.models.Status, read when first needed so that this module loads before the apps."""
    from units.models import Status

    return Status


def med_statuses() -> tuple[str, ...]:
    """What MED members see besides what everyone sees: structures on their way through MED."""
    Status = statuses()
    return (Status.CONSULTATION, Status.APPROVED, Status.PUBLISHED)


def comparable(old, new) -> bool:
    """Two structures may be compared only when they belong to one organisation: successions
    never cross organisations, so a comparison across them would call every unit closed or
    new."""
    return old.organisation_id == new.organisation_id


def get_or_404(queryset: QuerySet, pk, message: str):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404(message) from None
