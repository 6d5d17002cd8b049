"""The move form's picker on a large draft: the search selector and the whole request (an
editor, through the test client), for a few kinds of query, with their query counts."""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable

from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from orgreg import roles
from units import selectors
from units.models import Organisation, Unit
from units.services.bulk import build_structure

from .measure import timed
from .synthetic import forvaltning_rows

Line = Callable[..., None]

# What editors type: a code, a common word, a word with Danish letters typed plainly, one
# letter, and something no unit has.
QUERIES = ("B4711", "center", "aeldre", "o", "ingen sådan enhed")


def measure_picker(size: int, repeat: int, line: Line) -> None:
    """Build a draft of `size` units and time the picker's answers in it; the caller rolls
    everything back."""
    from django.contrib.auth.models import Group

    user, _ = get_user_model().objects.get_or_create(username="bench-picker")
    user.groups.add(Group.objects.get_or_create(name=roles.EDITOR)[0])
    org = Organisation.objects.create(name=f"Benchmark picker {size} {time.time_ns()}")
    draft = build_structure(org, name="Udkast", effective_date=datetime.date(2026, 1, 1),
                            rows=forvaltning_rows(size), user=user)
    unit = Unit.objects.filter(tree_id=draft.pk, level=2).order_by("lft").first()
    client = Client()
    client.force_login(user)
    url = reverse("units:unit-move-targets", args=[draft.pk, unit.pk])
    for query in QUERIES:
        ms, queries, found = timed(lambda q=query: selectors.move_targets(unit, q), repeat)
        line(f"move_targets {query!r}", ms, queries,
             extra=f"{len(found.hits)} vist{', flere' if found.more else ''}")
        ms, queries, _ = timed(lambda q=query: _get(client, url, q), repeat)
        line(f"  side (JSON) {query!r}", ms, queries)


def _get(client: Client, url: str, query: str) -> bytes:
    response = client.get(url, {"q": query})
    if response.status_code != 200:
        raise RuntimeError(f"{url} svarede {response.status_code}")
    return response.content
