"""Who sees a unit under Min enhed: the links of a unit's managers, and a manager's units."""

from __future__ import annotations

from django.db.models import QuerySet

from ..models import ManagerLink, Unit


def manager_links(unit: Unit) -> list[ManagerLink]:
    """The unit's managers with how each was linked (by hand or by the leader identifier) and
    who linked them, by username. One query."""
    return list(ManagerLink.objects.filter(unit=unit).select_related("user", "linked_by")
                .order_by("user__username"))


def managed_units(user) -> QuerySet[Unit]:
    """Every unit `user` is linked to as manager, by hand or by data, in any structure
    (narrow it with the user's policy before showing it)."""
    return Unit.objects.filter(manager_links__user=user)
