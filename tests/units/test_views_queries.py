"""The org chart, outline, compare and min-enhed pages run the same number of queries on a
small and a large tree (no query per unit), cold and warm."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.units import pages_fixtures
from units import services
from units.models import Unit
from units.services.bulk import UnitRow, build_structure

pytestmark = pytest.mark.django_db

# Shared fixtures, by assignment so pytest finds them in this module.
_clear_cache = pages_fixtures._clear_cache


def rows(n: int, fanout: int = 6) -> list[UnitRow]:
    found = [UnitRow("K1", None, {"name": "Kommunen", "code": "K1"})]
    for i in range(2, n + 1):
        found.append(UnitRow(f"K{i}", f"K{(i - 2) // fanout + 1}", {
            "name": f"Enhed {i} Ærø", "code": f"K{i}", "headcount": i % 9,
            "category": ("drift", "stab")[i % 2]}))
    return found


def world(editor, organisation, n: int):
    """A published structure of n units, a published copy with a move and a rename, and a
    draft copy of that."""
    old = build_structure(organisation, name=f"Gammel {n}", user=editor,
                          effective_date=datetime.date(2024, 1, 1), rows=rows(n))
    services.set_status(old, "published", user=editor)
    new = services.copy_structure(old, name=f"Ny {n}", user=editor,
                                  effective_date=datetime.date(2025, 1, 1))
    units = {u.code: u for u in Unit.objects.filter(tree_id=new.pk, code__in=["K3", "K4", "K5"])}
    services.move_unit(units["K5"], units["K3"], user=editor)
    services.update_unit(units["K4"], name="Omdøbt", user=editor)
    services.set_status(new, "published", user=editor)
    draft = services.copy_structure(new, name=f"Udkast {n}", user=editor,
                                    effective_date=datetime.date(2026, 1, 1))
    return old, new, draft


def count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def page_urls(old, new, draft) -> dict[str, str]:
    deep = Unit.objects.get(tree_id=old.pk, code="K9")
    return {
        "chart": reverse("units:structure-detail", args=[new.pk]),
        "chart-all": reverse("units:structure-detail", args=[new.pk]) + "?depth=30",
        "chart-draft": reverse("units:structure-detail", args=[draft.pk]),
        "outline": reverse("units:structure-outline", args=[new.pk]),
        "outline-draft": reverse("units:structure-outline", args=[draft.pk]),
        "compare": reverse("units:structure-compare", args=[old.pk, new.pk]) + "?kind=all",
        "min-enhed-search": reverse("units:my-unit") + "?q=enhed 9",
        "search-json": reverse("units:unit-search") + "?q=aero",
        "min-enhed-answer": reverse("units:my-unit") + f"?unit={deep.pk}",
        "edit": reverse("units:structure-edit", args=[draft.pk]),
    }


@pytest.mark.parametrize("user_fixture", ["editor", "reader"])
def test_query_counts_do_not_grow_with_the_tree(client, editor, organisation, user_fixture,
                                                request, django_assert_num_queries):
    user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    small = page_urls(*world(editor, organisation, 20))
    other = services.create_organisation(name="Storkommune", user=editor)
    large = page_urls(*world(editor, other, 300))
    for name in small:
        if user_fixture == "reader" and name in ("chart-draft", "outline-draft", "edit"):
            continue
        cache.clear()
        cold = count(client, small[name])
        warm = count(client, small[name])
        cache.clear()
        with django_assert_num_queries(cold):
            client.get(large[name])
        with django_assert_num_queries(warm):
            client.get(large[name])


def test_warm_outline_of_published_structure_reads_no_units(client, editor, organisation):
    _, new, _ = world(editor, organisation, 50)
    client.force_login(editor)
    url = reverse("units:structure-outline", args=[new.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(url)
    assert "Enhed 50" in page.content.decode()
    assert not any("units_unit" in q["sql"] and "lft" in q["sql"] for q in ctx.captured_queries)


def test_draft_outline_is_never_stale(client, editor, organisation):
    _, _, draft = world(editor, organisation, 20)
    client.force_login(editor)
    url = reverse("units:structure-outline", args=[draft.pk])
    assert "Helt ny enhed" not in client.get(url).content.decode()
    root = Unit.objects.get(tree_id=draft.pk, parent=None)
    services.add_unit(root, name="Helt ny enhed", user=editor)
    assert "Helt ny enhed" in client.get(url).content.decode()
