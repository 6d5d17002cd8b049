"""No lost update (orgreg.versions): an edit form carries the version it was made from, and
update_unit / update_structure refuse a stale one with a Danish message and nothing written."""

from __future__ import annotations

import datetime
import re

import pytest
from django.test import Client
from django.urls import reverse

from orgreg import roles
from orgreg.versions import check_version, current_version
from tests import factories
from tests.units import pages_fixtures
from tests.units.pages_fixtures import unit_in
from tests.units.test_services import refused
from units import services
from units.models import Structure, Unit

pytestmark = pytest.mark.django_db

_clear_cache = pages_fixtures._clear_cache
scenario = pages_fixtures.scenario


def edit_url(structure, unit=None) -> str:
    url = reverse("units:structure-edit", args=[structure.pk])
    return f"{url}?unit={unit.pk}" if unit is not None else url


def action_url(structure, unit) -> str:
    return reverse("units:unit-action", args=[structure.pk, unit.pk, "update"])


def form_values(html: str, prefix: str) -> dict[str, str]:
    """The inputs of one prefixed form as a browser would send them (text inputs, the hidden
    version and selects' chosen option; enough for these forms)."""
    values = {}
    for tag in re.findall(rf'<input[^>]*name="{prefix}-[^"]+"[^>]*>', html):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        values[name] = value.group(1) if value else ""
    for name, body in re.findall(rf'<select name="({prefix}-[^"]+)"[^>]*>(.*?)</select>', html,
                                 re.S):
        chosen = re.search(r'<option value="([^"]*)"[^>]*selected', body)
        values[name] = chosen.group(1) if chosen else ""
    for name, body in re.findall(rf'<textarea name="({prefix}-[^"]+)"[^>]*>(.*?)</textarea>',
                                 html, re.S):
        values[name] = body.strip()
    return values


@pytest.fixture
def two_editors(editor):
    other = factories.make_user("redaktoer2", roles.EDITOR)
    other.first_name, other.last_name = "Anna", "Andersen"
    other.save()
    a, b = Client(), Client()
    a.force_login(other)
    b.force_login(editor)
    return a, b


# --- the rule ---------------------------------------------------------------------------


def test_current_version_is_the_newest_history_id(scenario, editor):
    unit = unit_in(scenario["draft"], "C")
    before = current_version(unit)
    assert before == unit.history.order_by("-history_id").first().history_id
    services.update_unit(unit, name="Nyt navn", user=editor)
    assert current_version(unit) > before


def test_check_version_accepts_none_and_current(scenario):
    unit = unit_in(scenario["draft"], "C")
    check_version(unit, None, what="Enheden")
    check_version(unit, current_version(unit), what="Enheden")


def test_update_unit_refuses_a_stale_version(scenario, editor):
    unit = unit_in(scenario["draft"], "C")
    seen = current_version(unit)
    services.update_unit(unit, name="Afdeling C Vest", user=editor)
    message = refused(services.update_unit, unit, name="Afdeling C Øst", user=editor,
                      expected_version=seen, match="er ændret, siden du åbnede formularen")
    assert "»Afdeling C Vest«" in message and "kl." in message and "redaktoer" in message
    assert "Indlæs siden igen" in message
    assert Unit.objects.get(pk=unit.pk).name == "Afdeling C Vest"


def test_update_unit_accepts_the_current_version_and_none(scenario, editor):
    unit = unit_in(scenario["draft"], "C")
    services.update_unit(unit, name="Et", user=editor, expected_version=current_version(unit))
    services.update_unit(unit, name="To", user=editor)  # imports and demo pass no version
    assert Unit.objects.get(pk=unit.pk).name == "To"


def test_a_move_also_makes_an_edit_form_stale(scenario, editor):
    draft = scenario["draft"]
    unit = unit_in(draft, "C")
    seen = current_version(unit)
    services.move_unit(unit, unit_in(draft, "A"), user=editor)
    refused(services.update_unit, unit, name="X", user=editor, expected_version=seen,
            match="er ændret")


def test_update_structure_refuses_a_stale_version(scenario, editor):
    draft = scenario["draft"]
    seen = current_version(draft)
    services.update_structure(draft, name="Udkast 2031 v2", user=editor)
    refused(services.update_structure, draft, name="Udkast 2031 v3", user=editor,
            expected_version=seen, match="Organiseringen »Udkast 2031 v2« er ændret")
    services.update_structure(draft, decision="Byrådet", user=editor,
                              expected_version=current_version(draft))
    services.update_structure(draft, description="Uden version", user=editor)
    draft.refresh_from_db()
    assert (draft.name, draft.decision, draft.description) == (
        "Udkast 2031 v2", "Byrådet", "Uden version")


def test_a_status_change_makes_a_settings_form_stale(scenario, editor):
    draft = scenario["draft"]
    seen = current_version(draft)
    services.set_status(draft, "consultation", user=editor)
    refused(services.update_structure, draft, description="Gammel formular", user=editor,
            expected_version=seen, match="er ændret")


# --- through the pages ------------------------------------------------------------------


def test_stale_unit_form_is_refused_and_keeps_input(scenario, two_editors):
    a, b = two_editors
    draft = scenario["draft"]
    unit = unit_in(draft, "C")
    form_a = form_values(a.get(edit_url(draft, unit)).content.decode(), "edit")
    form_b = form_values(b.get(edit_url(draft, unit)).content.decode(), "edit")
    assert form_a["edit-version"] == form_b["edit-version"] == str(current_version(unit))

    assert a.post(action_url(draft, unit), {**form_a, "edit-name": "Afdeling C Syd"}
                  ).status_code == 302
    history = Unit.history.count()
    response = b.post(action_url(draft, unit), {**form_b, "edit-leader_name": "Bo B"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "er ændret, siden du åbnede formularen" in html and "Anna Andersen" in html
    assert 'value="Bo B"' in html  # the user's input is kept
    unit.refresh_from_db()
    assert unit.name == "Afdeling C Syd" and unit.leader_name != "Bo B"
    assert Unit.history.count() == history

    fresh = form_values(b.get(edit_url(draft, unit)).content.decode(), "edit")
    assert fresh["edit-name"] == "Afdeling C Syd"
    assert b.post(action_url(draft, unit), {**fresh, "edit-leader_name": "Bo B"}
                  ).status_code == 302
    unit.refresh_from_db()
    assert (unit.name, unit.leader_name) == ("Afdeling C Syd", "Bo B")


def test_stale_structure_settings_form_is_refused(scenario, two_editors):
    a, b = two_editors
    draft = scenario["draft"]
    url = reverse("units:structure-settings", args=[draft.pk])
    form_a = form_values(a.get(url).content.decode(), "structure")
    form_b = form_values(b.get(edit_url(draft)).content.decode(), "structure")
    assert form_a["structure-version"] == form_b["structure-version"]
    assert a.post(url, {**form_a, "structure-name": "Udkast 2031, A"}).status_code == 302
    history = Structure.history.count()
    response = b.post(url, {**form_b, "structure-decision": "Direktionen"})
    assert response.status_code == 400
    assert "Organiseringen »Udkast 2031, A« er ændret" in response.content.decode()
    draft.refresh_from_db()
    assert draft.name == "Udkast 2031, A" and draft.decision == ""
    assert Structure.history.count() == history
    fresh = form_values(b.get(url).content.decode(), "structure")
    assert b.post(url, {**fresh, "structure-decision": "Direktionen"}).status_code == 302
    draft.refresh_from_db()
    assert (draft.name, draft.decision) == ("Udkast 2031, A", "Direktionen")
    assert draft.effective_date == datetime.date(2031, 1, 1)


def test_a_bad_version_is_shown_not_swallowed(scenario, editor, client):
    client.force_login(editor)
    draft = scenario["draft"]
    unit = unit_in(draft, "C")
    response = client.post(action_url(draft, unit), {"edit-name": "X", "edit-version": "abc"})
    assert response.status_code == 400
    assert "Indtast et heltal" in response.content.decode()
    unit.refresh_from_db()
    assert unit.name != "X"


# --- the notice text page ---------------------------------------------------------------


def test_stale_notice_text_form_is_refused(scenario, two_editors):
    anna, bo = two_editors
    new = scenario["new"]
    url = reverse("units:structure-notice-text", args=[new.pk])
    version = re.search(r'name="version" value="(\d+)"',
                        bo.get(url).content.decode()).group(1)
    assert version == str(current_version(new))
    assert anna.post(url, {"notice_text": "Ring til Anna", "version": version}).status_code \
        == 302
    history = Structure.history.count()
    response = bo.post(url, {"notice_text": "Skriv til Bo", "version": version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "er ændret, siden du åbnede formularen" in html and "Skriv til Bo" in html
    assert Structure.objects.get(pk=new.pk).notice_text == "Ring til Anna"
    assert Structure.history.count() == history
    fresh = str(current_version(new))
    assert bo.post(url, {"notice_text": "Skriv til Bo", "version": fresh}).status_code == 302
    assert Structure.objects.get(pk=new.pk).notice_text == "Skriv til Bo"


def test_notice_text_post_without_the_text_clears_nothing(scenario, editor, client):
    new = scenario["new"]
    services.update_structure(new, notice_text="Spørg HR", user=editor)
    client.force_login(editor)
    url = reverse("units:structure-notice-text", args=[new.pk])
    history = Structure.history.count()
    response = client.post(url, {"version": str(current_version(new))})
    assert response.status_code == 400
    assert "intet er gemt" in response.content.decode()
    assert Structure.objects.get(pk=new.pk).notice_text == "Spørg HR"
    assert Structure.history.count() == history
    assert client.post(url, {"notice_text": "x", "version": "abc"}).status_code == 400
    assert Structure.objects.get(pk=new.pk).notice_text == "Spørg HR"
