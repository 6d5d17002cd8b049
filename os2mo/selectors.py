"""Reads of os2mo: the pulls an editor sees of an organisation, and the pushes of a structure
and what they sent."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from orgreg.roles import policy
from units.models import Organisation, Structure

from .models import Push, PushRecord


def recent_pulls(user, organisation: Organisation, *, limit: int = 10) -> QuerySet:
    """The organisation's latest pulls, with their structures and who pulled (one query);
    none for anyone but an editor."""
    return (policy(user).os2mo_pulls().filter(organisation=organisation)
            .select_related("structure", "based_on", "pulled_by")
            .order_by("-pulled_at", "-pk")[:limit])


def sent_keys(structure: Structure) -> set[str]:
    """The plan keys a push of `structure` has sent (a push skips them); one query."""
    return set(PushRecord.objects.filter(structure=structure, state=PushRecord.State.SENT)
               .values_list("key", flat=True))


def pushes(structure: Structure) -> list[Push]:
    """Every push of `structure`, newest first, with who ran it and each mutation it sent or
    had refused; two queries whatever the number."""
    records = PushRecord.objects.order_by("sent_at", "pk")
    return list(Push.objects.filter(structure=structure).select_related("user")
                .prefetch_related(Prefetch("records", queryset=records)))
