"""Min enhed's search: hits grouped by organisation, told apart by path, code, and their
structure's date and status; structures in force today or later first, older ones apart;
nothing of a hidden structure, not even a count; a fixed number of queries."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from tests import factories
from units import selectors, services
from units.models import Unit
from units.selectors.search import ELLIPSIS

pytestmark = pytest.mark.django_db

D2024_06 = datetime.date(2024, 6, 1)
D2025_06 = datetime.date(2025, 6, 1)


@pytest.fixture
def two_orgs(editor):
    """Testkommune: 2024 (published), 2025 (published, copied), 2026 (draft, copied); three
    "Distrikt Nord" in each, under Sundhed, Hjemmeplejen and Plejehjem. Nabokommune: one
    "Distrikt Nord" in its published 2024 structure."""
    spec = {
        "S": ("Sundhed", 0, {"S1": ("Distrikt Nord", 5)}),
        "H": ("Hjemmeplejen", 0, {"H1": ("Distrikt Nord", 7)}),
        "P": ("Plejehjem", 0, {"P1": ("Distrikt Nord", 9)}),
    }
    org = factories.make_organisation(editor, "Testkommune")
    s2024, _ = factories.make_structure(editor, spec, organisation=org, status="published")
    s2025 = services.copy_structure(s2024, name="Ny organisering 2025", user=editor,
                                    effective_date=datetime.date(2025, 1, 1))
    s2025 = services.set_status(s2025, "published", user=editor)
    s2026 = services.copy_structure(s2025, name="Udkast 2026", user=editor,
                                    effective_date=datetime.date(2026, 1, 1))
    nabo = factories.make_organisation(editor, "Nabokommune")
    n2024, _ = factories.make_structure(editor, {"N1": ("Distrikt Nord", 3)}, organisation=nabo,
                                        name="Nabo 2024", status="published")
    return {"2024": s2024, "2025": s2025, "2026": s2026, "nabo": n2024}


def lines(result) -> list[tuple]:
    return [(g.organisation_name, " › ".join((*h.short_path, h.name)), h.code,
             h.structure_name, h.when) for g in result.current for h in g.hits]


def test_hits_grouped_by_organisation_with_path_code_date_and_status(two_orgs, editor):
    result = selectors.search_units(editor, "distrikt nord", on_date=D2025_06)
    # Organisations in the order of their best hit; equal hits in Danish alphabetical order.
    assert [g.organisation_name for g in result.current] == ["Nabokommune", "Testkommune"]
    # Namesakes told apart by their paths; the structure in force before the draft.
    assert lines(result) == [
        ("Nabokommune", "Nabokommune › Distrikt Nord", "N1", "Nabo 2024",
         "gældende fra 1. januar 2024"),
        ("Testkommune", "Testkommune › Sundhed › Distrikt Nord", "S1", "Ny organisering 2025",
         "gældende fra 1. januar 2025"),
        ("Testkommune", "Testkommune › Hjemmeplejen › Distrikt Nord", "H1",
         "Ny organisering 2025", "gældende fra 1. januar 2025"),
        ("Testkommune", "Testkommune › Plejehjem › Distrikt Nord", "P1", "Ny organisering 2025",
         "gældende fra 1. januar 2025"),
        ("Testkommune", "Testkommune › Sundhed › Distrikt Nord", "S1", "Udkast 2026",
         "udkast, pr. 1. januar 2026"),
        ("Testkommune", "Testkommune › Hjemmeplejen › Distrikt Nord", "H1", "Udkast 2026",
         "udkast, pr. 1. januar 2026"),
        ("Testkommune", "Testkommune › Plejehjem › Distrikt Nord", "P1", "Udkast 2026",
         "udkast, pr. 1. januar 2026"),
    ]
    # The superseded 2024 structure is apart, newest first, and says it is past.
    assert result.earlier_total == 3
    assert [(g.organisation_name, [(h.code, h.when) for h in g.hits])
            for g in result.earlier] == [
        ("Testkommune", [("S1", "udmeldt, gjaldt fra 1. januar 2024"),
                         ("H1", "udmeldt, gjaldt fra 1. januar 2024"),
                         ("P1", "udmeldt, gjaldt fra 1. januar 2024")])]


def test_today_decides_what_is_in_force_on_both_sides_of_the_effective_date(two_orgs,
                                                                             reader):
    before = selectors.search_units(reader, "distrikt nord", on_date=D2024_06)
    after = selectors.search_units(reader, "distrikt nord", on_date=D2025_06)
    # Before 1 January 2025 the 2024 structure is in force and 2025 is to come.
    assert {(h.structure_name, h.when) for h in before.current_hits} == {
        ("Organisering 2024", "gældende fra 1. januar 2024"),
        ("Ny organisering 2025", "udmeldt, gældende fra 1. januar 2025"),
        ("Nabo 2024", "gældende fra 1. januar 2024")}
    assert before.earlier_total == 0
    # After it, 2025 is in force and 2024 is earlier.
    assert {h.structure_name for h in after.current_hits} == {"Ny organisering 2025",
                                                              "Nabo 2024"}
    assert {h.structure_name for h in after.earlier_hits} == {"Organisering 2024"}
    assert all(h.in_force for h in after.current_hits)


def test_discarded_structures_are_earlier(two_orgs, editor):
    services.set_status(two_orgs["2026"], "discarded", user=editor)
    result = selectors.search_units(editor, "distrikt nord", on_date=D2025_06)
    assert {h.structure_name for h in result.current_hits} == {"Ny organisering 2025",
                                                               "Nabo 2024"}
    assert ("Udkast 2026", "forkastet, pr. 1. januar 2026") in {
        (h.structure_name, h.when) for h in result.earlier_hits}


def test_hidden_structures_are_never_found_nor_counted(two_orgs, editor, reader, client):
    services.update_structure(two_orgs["2025"], confidential_until=datetime.date(2099, 1, 1),
                              user=editor)
    result = selectors.search_units(reader, "distrikt nord", on_date=D2025_06)
    # The draft and the confidential 2025 are not seen; so 2024 is still in force for the
    # reader: a hidden structure does not supersede a visible one.
    assert {(h.structure_name, h.when) for h in result.hits} == {
        ("Organisering 2024", "gældende fra 1. januar 2024"),
        ("Nabo 2024", "gældende fra 1. januar 2024")}
    assert (result.current_total, result.earlier_total) == (4, 0)
    client.force_login(reader)
    page = client.get(reverse("units:my-unit"), {"q": "distrikt nord"}).content.decode()
    assert "Udkast 2026" not in page and "Ny organisering 2025" not in page
    assert "4 enheder i gældende og kommende organiseringer" in page
    assert "Vis også tidligere organiseringer" not in page
    data = client.get(reverse("units:unit-search"), {"q": "distrikt nord"}).json()
    assert len(data["results"]) == 4
    assert "Udkast 2026" not in data["html"] and "2025" not in data["html"]


def test_namesakes_with_the_same_short_path_get_their_whole_path(editor):
    structure, units = factories.make_structure(editor, {
        "A": ("Område", 0, {
            "X": ("Afdeling X", 0, {"XY": ("Sektion", 0, {"XT": ("Team Syd", 2)})}),
            "Z": ("Afdeling Z", 0, {"ZY": ("Sektion", 0, {"ZT": ("Team Syd", 2)})}),
            "Q": ("Afdeling Q", 0, {"QY": ("Sektion Q", 0, {"QT": ("Team Syd", 2)})}),
        })}, status="published")
    hits = selectors.search_units(editor, "team syd").current_hits
    by_code = {h.code: h for h in hits}
    # Same name and same shortened path: the whole path tells them apart.
    assert by_code["XT"].short_path == by_code["XT"].path
    assert by_code["XT"].path[1:] == ("Område", "Afdeling X", "Sektion")
    assert by_code["ZT"].short_path == by_code["ZT"].path
    assert by_code["ZT"].path[1:] == ("Område", "Afdeling Z", "Sektion")
    # Unique once shortened: it keeps the short form.
    assert by_code["QT"].short_path == (by_code["QT"].path[0], "Område", ELLIPSIS, "Sektion Q")


def test_earlier_hits_behind_a_link_without_script_and_shown_with_the_param(two_orgs, reader,
                                                                           client):
    client.force_login(reader)
    url = reverse("units:my-unit")
    page = client.get(url, {"q": "distrikt nord"}).content.decode()
    link = re.search(r'<a href="([^"]+)"[^>]*data-reveal-earlier[^>]*>([^<]+)</a>', page)
    assert link and link[2] == "Vis også tidligere organiseringer (3 enheder)"
    assert link[1] == "/min-enhed/?q=distrikt%20nord&amp;tidligere=1#tidligere"
    assert '<div id="earlier-hits" hidden>' in page
    shown = client.get(url, {"q": "distrikt nord", "tidligere": "1"}).content.decode()
    assert '<div id="earlier-hits">' in shown and "data-reveal-earlier" not in shown
    assert shown.count("gjaldt fra 1. januar 2024") == 3


def test_only_earlier_hits_are_shown_at_once(editor, reader, client):
    org = factories.make_organisation(editor, "Testkommune")
    old, _ = factories.make_structure(editor, {"G": ("Gammel enhed", 2)}, organisation=org,
                                      status="published")
    new = services.copy_structure(old, name="Ny 2025", user=editor,
                                  effective_date=datetime.date(2025, 1, 1))
    services.update_unit(Unit.objects.get(tree_id=new.pk, code="G"), name="Ny enhed",
                         user=editor)
    services.set_status(new, "published", user=editor)
    client.force_login(reader)
    page = client.get(reverse("units:my-unit"), {"q": "gammel"}).content.decode()
    assert "Ingen enheder i gældende eller kommende organiseringer matcher" in page
    assert '<div id="earlier-hits">' in page and "Gammel enhed" in page


def test_names_are_escaped(editor, reader, client):
    factories.make_structure(editor, {"X": ("<b>Fed</b> & Co", 1)}, status="published")
    client.force_login(reader)
    page = client.get(reverse("units:my-unit"), {"q": "fed"}).content.decode()
    assert "<b>Fed</b>" not in page and "&lt;b&gt;Fed&lt;/b&gt; &amp; Co" in page
    html = client.get(reverse("units:unit-search"), {"q": "fed"}).json()["html"]
    assert "<b>Fed</b>" not in html and "&lt;b&gt;Fed&lt;/b&gt;" in html


@pytest.mark.parametrize("user_fixture", ["editor", "reader"])
def test_search_runs_a_fixed_number_of_queries(editor, user_fixture, request,
                                               django_assert_num_queries):
    user = request.getfixturevalue(user_fixture)

    def world(name: str, n: int):
        org = factories.make_organisation(editor, name)
        structure, _ = factories.make_structure(editor, factories.wide_spec(n),
                                                organisation=org, status="published")
        copy = services.copy_structure(structure, name=f"{name} 2025", user=editor,
                                       effective_date=datetime.date(2025, 1, 1))
        services.set_status(copy, "published", user=editor)

    world("Lillekommune", 15)
    user = type(user).objects.get(pk=user.pk)  # a fresh user: its groups are read again
    with django_assert_num_queries(4):
        small = selectors.search_units(user, "enhed 1", on_date=D2025_06)
    world("Storkommune", 300)
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(4):
        large = selectors.search_units(user, "enhed 1", on_date=D2025_06)
    assert small.current_total < large.current_total
    assert large.current_shown == 20 and large.earlier_shown == 20
    # No match reads no ancestors.
    user = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(3):
        assert not selectors.search_units(user, "findes ikke", on_date=D2025_06)
