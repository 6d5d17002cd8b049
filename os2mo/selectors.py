"""Reads of os2mo: the pulls an editor sees of an organisation."""

from __future__ import annotations

from django.db.models import QuerySet

from orgreg.roles import policy
from units.models import Organisation


def recent_pulls(user, organisation: Organisation, *, limit: int = 10) -> QuerySet:
    """The organisation's latest pulls, with their structures and who pulled (one query);
    none for anyone but an editor."""
    return (policy(user).os2mo_pulls().filter(organisation=organisation)
            .select_related("structure", "based_on", "pulled_by")
            .order_by("-pulled_at", "-pk")[:limit])
