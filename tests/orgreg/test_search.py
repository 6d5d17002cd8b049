"""Find anything (/soeg/, the header's search field): units, MED bodies and milestones each role
may see, grouped by kind on one page, nothing hidden named; a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from med import services as med_services
from orgreg.search import find_anything
from tests import factories
from tests.orgreg import test_leaks
from timeline import services as timeline_services

pytestmark = pytest.mark.django_db

randers = test_leaks.randers
D = datetime.date


def page(user, query: str) -> str:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return response.content.decode()


def test_the_editor_finds_every_kind_grouped_on_one_page(randers, editor):
    result = find_anything(editor, "lækmarkør")
    assert {h.name for h in result.units.hits} == {"LÆKMARKØR-D-ENHED", "LÆKMARKØR-C-ENHED"}
    assert {b.name for b in result.bodies} == {"LÆKMARKØR-D-MED", "LÆKMARKØR-C-MED"}
    assert [m.title for m in result.milestones] == ["LÆKMARKØR-D-MILEPÆL"]
    html = page(editor, "LÆKMARKØR")
    units_at, bodies_at, milestones_at = (html.index(f'id="find-{kind}"')
                                          for kind in ("units", "bodies", "milestones"))
    assert units_at < html.index("LÆKMARKØR-D-ENHED") < bodies_at
    assert bodies_at < html.index("LÆKMARKØR-D-MED") < milestones_at
    assert milestones_at < html.index("LÆKMARKØR-D-MILEPÆL")
    # A unit is told by its path, code and structure, as Min enhed tells it.
    d_unit = next(h for h in result.units.hits if h.code == "LKMDKODE")
    assert len(d_unit.path) == 1  # right under the structure's root
    assert f'<span class="hit-path">{d_unit.path[0]}</span> › <strong>LÆKMARKØR-D-ENHED' in html
    assert f'href="/unit/{d_unit.id}/"' in html
    assert "kode LKMDKODE" in html
    assert "LÆKMARKØR-D-NAVN Model A" in html


def test_a_code_finds_its_unit(randers, editor):
    result = find_anything(editor, "lkmdkode")
    assert [h.code for h in result.units.hits] == ["LKMDKODE"]


@pytest.mark.parametrize("role", ["reader", "manager"])
def test_a_reader_finds_nothing_of_the_draft_or_the_confidential_structure(randers, role,
                                                                           request):
    user = request.getfixturevalue(role)
    result = find_anything(user, "lækmarkør")
    assert not result
    html = page(user, "LÆKMARKØR")
    assert "Intet, du har adgang til, matcher »LÆKMARKØR«" in html
    for query in ("LKM", "MED", "Behandling", "udvalg", "Afdeling"):
        html = page(user, query).replace(f"»{query}«", "")
        assert "LÆKMARKØR" not in html and "LKMDKODE" not in html and "LKMCKODE" not in html
    # What they may see is found: a published structure's units and body, and a milestone
    # without a structure (whose forum is the draft's body: not shown).
    assert {h.code for h in find_anything(user, "afdeling a").units.hits} >= {"A"}
    assert [b.name for b in find_anything(user, "hovedmed").bodies] == ["HovedMED Randers"]
    found = find_anything(user, "behandling")
    assert [m.title for m in found.milestones] == ["Behandling i udvalget"]
    assert "LÆKMARKØR" not in page(user, "behandling")


def test_a_med_member_finds_the_confidential_structure_but_not_the_draft(randers, med_member):
    result = find_anything(med_member, "lækmarkør")
    assert {h.name for h in result.units.hits} == {"LÆKMARKØR-C-ENHED"}
    assert {b.name for b in result.bodies} == {"LÆKMARKØR-C-MED"}
    assert result.milestones == ()
    html = page(med_member, "LÆKMARKØR")
    assert "LÆKMARKØR-D" not in html


def test_accents_and_case_do_not_matter_and_bodies_in_force_come_first(editor, small):
    structure, units = small
    med_services.create_body(structure, name="Tidligere LokalMED Ældre", level="lokal",
                             valid_from=D(2020, 1, 1), valid_to=D(2023, 12, 31), user=editor)
    med_services.create_body(structure, name="LokalMED Ældre", level="lokal",
                             valid_from=D(2024, 1, 1), user=editor)
    timeline_services.create_milestone(structure.organisation, title="Høring i Ældrerådet",
                                       date=D(2024, 3, 1), user=editor)
    result = find_anything(editor, "AELDRE", on_date=D(2025, 1, 1))
    assert [(b.name, b.in_force) for b in result.bodies] == [
        ("LokalMED Ældre", True), ("Tidligere LokalMED Ældre", False)]
    assert [m.title for m in find_anything(editor, "horing i aeldre").milestones] == [
        "Høring i Ældrerådet"]
    html = page(editor, "ældre")
    assert "ikke i kraft" in html


def test_an_empty_query_finds_nothing_and_asks_nothing(editor, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert not find_anything(editor, "   ")
    html = page(editor, "")
    assert 'id="id_search_q"' in html and "Intet" not in html


def test_signing_in_is_required(client):
    response = client.get(reverse("search"), {"q": "x"})
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_header_has_the_search_field_on_every_page(editor, small):
    client = Client()
    client.force_login(editor)
    structure, _ = small
    for url in ("/", f"/structure/{structure.pk}/", "/med/", "/plan/"):
        html = client.get(url).content.decode()
        assert 'role="search" aria-label="Søg i orgreg"' in html, url
        assert 'action="/soeg/"' in html, url
        assert '<label for="site-q"' in html, url


def _grow(editor, n: int):
    """`n` published structures, each with a unit, a body and a milestone that match "vej"."""
    for i in range(n):
        s, u = factories.make_structure(editor, {"V": (f"Vejcenter {i}", 3)},
                                        name=f"Organisering {i}", status="published")
        med_services.create_body(s, name=f"VejMED {i}", level="lokal", valid_from=D(2024, 1, 1),
                                 user=editor, units=[u["V"]])
        timeline_services.create_milestone(s.organisation, title=f"Vejplan {i}",
                                           date=D(2024, 1, 1) + datetime.timedelta(days=i),
                                           structure=s, user=editor)


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_the_query_count_is_fixed_whatever_the_size(role, request, editor,
                                                    django_assert_num_queries):
    user = request.getfixturevalue(role)
    counts = []
    for n in (2, 12):
        _grow(editor, n)
        user = type(user).objects.get(pk=user.pk)  # a fresh policy, no cached answers
        with django_assert_num_queries(6) as captured:
            result = find_anything(user, "vej")
        counts.append(len(captured.captured_queries))
        assert result.bodies_total == result.milestones_total == len(result.units.hits)
    assert counts[0] == counts[1]
    assert result.bodies_total == 14
