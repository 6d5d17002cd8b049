"""Min enhed's search on the demo: its placeholder's examples find something, and the demo's
common names are told apart. The demo is loaded once for the module, inside a transaction
rolled back at the end (as in test_demo.py)."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from units import selectors

# The demo's "today" in the issue: Ét SOF has been in force for almost two years.
TODAY = datetime.date(2026, 12, 1)


@pytest.fixture
def demo_user(demo, db):
    return lambda name: get_user_model().objects.get(username=name)


def test_the_placeholders_examples_exist_in_the_demo(demo_user, client):
    manager = demo_user("leder")
    client.force_login(manager)
    page = client.get(reverse("units:my-unit")).content.decode()
    placeholder = html.unescape(re.search(r'id="id_q"[^>]*placeholder="([^"]+)"', page)[1])
    assert placeholder.startswith("f.eks. ")
    examples = re.split(r", | eller ", placeholder.removeprefix("f.eks. "))
    assert len(examples) >= 2
    for example in examples:
        result = selectors.search_units(manager, example, on_date=TODAY)
        assert result.current_total, example
        best = result.current_hits[0]
        assert example in (best.name, best.code), example


def test_the_demos_distrikt_nord_are_told_apart(demo_user):
    result = selectors.search_units(demo_user("laeser"), "Distrikt Nord", on_date=TODAY)
    aarhus = next(g for g in result.current
                  if g.organisation_name == "Aarhus Kommune, Sundhed og Omsorg")
    namesakes = [h for h in aarhus.hits if h.name == "Distrikt Nord"]
    assert [h.short_path[-1] for h in namesakes] == ["Sundhed", "Hjemmeplejen", "Plejehjem"]
    assert {(h.structure_name, h.when) for h in namesakes} == {
        ("Ny organisering, sidste step pr. 1. januar 2022", "gældende fra 1. januar 2022")}
    # The three of the superseded first step are apart.
    earlier = [h for h in result.earlier_hits if h.name == "Distrikt Nord"]
    assert len(earlier) == 3
    assert {h.when for h in earlier} == {"udmeldt, gjaldt fra 1. april 2021"}


def test_before_et_sof_the_2024_structure_is_in_force(demo_user):
    def when(on_date):
        result = selectors.search_units(demo_user("redaktoer"), "SOF-3400", on_date=on_date)
        return ([(h.structure_name, h.when) for h in result.current_hits],
                [(h.structure_name, h.when) for h in result.earlier_hits])

    assert when(datetime.date(2024, 6, 1)) == ([
        ("Socialforvaltningen 2024 – tre borgercentre", "gældende fra 1. januar 2024"),
        ("Ét SOF – ny organisering pr. 1. januar 2025", "udmeldt, gældende fra 1. januar 2025"),
    ], [])
    assert when(TODAY) == (
        [("Ét SOF – ny organisering pr. 1. januar 2025", "gældende fra 1. januar 2025")],
        [("Socialforvaltningen 2024 – tre borgercentre", "udmeldt, gjaldt fra 1. januar 2024")])
