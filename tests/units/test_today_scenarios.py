"""Today on small built structures (issue 12, points 3 and 4): what the demo cannot show —
a replacement the reader may not see, a late milestone on both sides of its date, a proposal
past its date, an address, a merger over two steps, and the query count of a closed unit's
answer. The clock is set with tests/conftest.py's `on_date` (time-machine)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.pdf.conftest import pdf_pages
from tests.units.pages_fixtures import unit_in
from timeline import services as timeline_services
from units import changes, selectors, services

pytestmark = pytest.mark.django_db

D = datetime.date


def text(response) -> str:
    assert response.status_code == 200
    folded = " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())
    return folded.replace(" .", ".").replace(" ,", ",")


def test_replacement_is_named_only_to_those_who_may_see_it(client, small, editor, reader,
                                                           on_date):
    old, _ = small
    new = services.copy_structure(old, name="Organisering 2025", user=editor,
                                  effective_date=D(2025, 1, 1))
    services.set_status(new, "consultation", user=editor)
    services.set_status(new, "approved", user=editor)  # decided: in force, not yet published
    on_date(D(2025, 6, 1))
    url = reverse("units:structure-detail", args=[old.pk])
    client.force_login(editor)
    assert "Afløst af Organisering 2025 pr. 1. januar 2025." in text(client.get(url))
    assert "Afløst af Organisering 2025 pr. 1. januar 2025" in text(
        client.get(old.organisation.get_absolute_url()))
    client.force_login(reader)
    for page in (url, old.organisation.get_absolute_url()):
        shown = text(client.get(page))
        assert "Afløst" not in shown and "Organisering 2025" not in shown
    # Before its date nothing has replaced the old structure, for anyone.
    on_date(D(2024, 12, 31))
    client.force_login(editor)
    assert "Afløst" not in text(client.get(url))


def test_late_milestone_on_both_sides_of_its_date(client, organisation, editor, reader,
                                                  on_date, tmp_path):
    on_date(D(2025, 1, 15))
    milestone = timeline_services.create_milestone(
        organisation, title="Høringssvar behandles", date=D(2025, 3, 1), user=editor)
    plan = reverse("timeline:plan", args=[organisation.pk])
    detail = reverse("timeline:milestone-detail", args=[milestone.pk])
    pdf = reverse("timeline:plan-pdf", args=[organisation.pk])
    on_date(D(2025, 3, 1))  # due today: not late yet
    client.force_login(reader)  # after setting the date: a session lasts two weeks
    assert "Forsinket" not in text(client.get(plan))
    assert "Forsinket" not in text(client.get(detail))
    assert "Forsinket" not in "".join(pdf_pages(client.get(pdf).content, tmp_path))
    on_date(D(2025, 3, 2))
    client.force_login(reader)
    assert "Høringssvar behandles Planlagt Forsinket" in text(client.get(plan))
    assert "Planlagt · Forsinket" in text(client.get(detail))
    assert "Forsinket" in "".join(pdf_pages(client.get(pdf).content, tmp_path))
    # Done is never late.
    timeline_services.set_milestone_status(milestone, "done", user=editor)
    assert "Forsinket" not in text(client.get(detail))


def test_proposal_past_its_date_keeps_the_future(client, small, editor, on_date):
    old, units = small
    draft = services.copy_structure(old, name="Model A", user=editor,
                                    effective_date=D(2026, 1, 1))
    services.update_unit(unit_in(draft, "C"), name="Afdeling C Nord", user=editor,
                         location="Rådhuspladsen 1, 8900 Randers C")
    on_date(D(2026, 12, 1))
    client.force_login(editor)
    answer = text(client.get(reverse("units:my-unit") + f"?unit={units['C'].pk}"))
    assert "Et forslag, der endnu ikke er vedtaget." in answer
    assert "Fra 1. januar 2026 bliver Afdeling C til Afdeling C Nord under Testkommune." in answer
    assert "Siden" not in answer
    # The address of the unit it goes to, told apart from its place in the organisation.
    assert "Placering i organisationen Testkommune › Afdeling C Nord" in answer
    assert "Adresse Rådhuspladsen 1, 8900 Randers C" in answer
    # I dag: the structure in force is the unit's own.
    assert "I dag: Testkommune › Afdeling C · Organisering 2024 Udmeldt" in answer


def test_merger_over_two_steps_names_the_partner(small, editor, on_date):
    old, units = small
    mid = services.copy_structure(old, name="Trin 1", user=editor, effective_date=D(2025, 1, 1))
    services.merge_units([unit_in(mid, "A1"), unit_in(mid, "A2")], into="Team A12",
                         user=editor)
    last = services.copy_structure(mid, name="Trin 2", user=editor,
                                   effective_date=D(2026, 1, 1))
    [placed] = selectors.placement(units["A1"], last)
    assert placed.unit.name == "Team A12"
    assert placed.partners == (changes.Partner("Team A2"),)
    assert changes.sentence(placed.kinds, effective_date=D(2026, 1, 1), today=D(2025, 6, 1),
                            old="Team A1", new=placed.unit.name, parent=placed.parent.name,
                            others=placed.partners) == (
        "Fra 1. januar 2026 lægges Team A1 sammen med Team A2 til Team A12 under Afdeling A.")


def _closed_with_children(editor, organisation, children: int):
    spec = {"F": ("Forvaltning", 0, {f"T{i}": (f"Team {i}", 3) for i in range(children)}),
            "G": ("Anden forvaltning", 0)}
    from tests import factories

    old, units = factories.make_structure(editor, spec, organisation=organisation,
                                          status="published")
    new = services.copy_structure(old, name="Ny", user=editor, effective_date=D(2025, 1, 1))
    for i in range(children):
        services.move_unit(unit_in(new, f"T{i}"), unit_in(new, "G"), user=editor)
    services.close_unit(unit_in(new, "F"), user=editor)
    return units["F"]


def test_closed_unit_answer_runs_the_same_queries_for_more_sub_units(client, editor, on_date):
    from tests import factories

    on_date(D(2024, 12, 1))
    few = _closed_with_children(editor, factories.make_organisation(editor), 2)
    many = _closed_with_children(editor, factories.make_organisation(editor), 6)
    client.force_login(editor)
    counts = []
    for closed in (few, many):
        url = reverse("units:my-unit") + f"?unit={closed.pk}"
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            answer = text(client.get(url))
        counts.append(len(ctx.captured_queries))
        assert "Fra 1. januar 2025 nedlægges Forvaltning, men dens underenheder videreføres:" \
            in answer
        assert "Team 1 går til Team 1 under Anden forvaltning." in answer
    assert counts[0] == counts[1]
