"""Structural edits of a draft (move, merge, split, close): a reason is required when
ORGREG_REASON_REQUIRED says so (the default), in the forms and in the services; and each form
carries the version of the unit it was made from, so that a stale one is refused with what the
other editor changed, and nothing is written."""

from __future__ import annotations

import re

import pytest
from django.test import override_settings

from orgreg.versions import current_version
from tests.units import pages_fixtures, test_versions
from tests.units.pages_fixtures import unit_in
from tests.units.test_services import refused, snapshot
from tests.units.test_versions import edit_url
from units import services
from units.models import Unit

pytestmark = pytest.mark.django_db

_clear_cache = pages_fixtures._clear_cache
scenario = pages_fixtures.scenario
two_editors = test_versions.two_editors

REQUIRED = "Angiv en begrundelse"


def _move(draft, user, **kw):
    return services.move_unit(unit_in(draft, "C"), unit_in(draft, "A"), user=user, **kw)


def _merge(draft, user, **kw):
    c = unit_in(draft, "C")
    return services.merge_units([c, unit_in(draft, "A")], into=c, user=user, **kw)


def _split(draft, user, **kw):
    return services.split_unit(unit_in(draft, "C"), [{"name": "C1", "share": 50},
                                                     {"name": "C2", "share": 50}],
                               user=user, **kw)


def _close(draft, user, **kw):
    return services.close_unit(unit_in(draft, "C"), user=user, **kw)


# Each operation works on Afdeling C (the unit its form is made from).
OPERATIONS = {"move": _move, "merge": _merge, "split": _split, "close": _close}


# --- reasons: the services --------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_person_must_give_a_reason(scenario, editor, operation):
    draft = scenario["draft"]
    for reason in (None, "", "   "):
        refused(OPERATIONS[operation], draft, editor, reason=reason, interactive=True,
                match=REQUIRED)


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_given_reason_is_recorded(scenario, editor, operation):
    draft = scenario["draft"]
    OPERATIONS[operation](draft, editor, reason="Ny ledelsesstruktur", interactive=True)
    reasons = set(Unit.history.filter(structure_id=draft.pk)
                  .values_list("history_change_reason", flat=True))
    assert "Ny ledelsesstruktur" in reasons


@pytest.mark.parametrize("operation", OPERATIONS)
def test_with_the_setting_off_no_reason_is_needed(scenario, editor, operation):
    draft = scenario["draft"]
    before = Unit.history.count()
    with override_settings(ORGREG_REASON_REQUIRED=False):
        OPERATIONS[operation](draft, editor, interactive=True)
    newest = Unit.history.order_by("-history_id").first()
    assert Unit.history.count() > before and newest.history_change_reason  # generated


@pytest.mark.parametrize("operation", OPERATIONS)
def test_imports_and_demo_data_write_their_own_reason(scenario, editor, operation):
    """Not interactive (imports, copies, the demo loader, undo): the service writes what
    happened as the reason, the setting notwithstanding."""
    draft = scenario["draft"]
    OPERATIONS[operation](draft, editor)
    newest = Unit.history.order_by("-history_id").first()
    assert newest.history_change_reason


# --- versions: the services -------------------------------------------------------------


@pytest.mark.parametrize("operation", OPERATIONS)
def test_a_stale_version_is_refused_with_what_changed(scenario, editor, operation):
    draft = scenario["draft"]
    c = unit_in(draft, "C")
    seen = current_version(c)
    services.update_unit(c, name="Afdeling C Vest", leader_name="Anna Holm", user=editor)
    message = refused(OPERATIONS[operation], draft, editor, reason="R", interactive=True,
                      expected_version=seen, match="er ændret, siden du åbnede formularen")
    assert "Navn: »Afdeling C Nord« → »Afdeling C Vest«" in message
    assert "Leder: " in message and "→ »Anna Holm«" in message
    assert "Indlæs siden igen" in message and "intet er gemt" in message


@pytest.mark.parametrize("operation", OPERATIONS)
def test_the_current_version_is_accepted(scenario, editor, operation):
    draft = scenario["draft"]
    before = snapshot()
    OPERATIONS[operation](draft, editor, reason="R", interactive=True,
                          expected_version=current_version(unit_in(draft, "C")))
    assert snapshot() != before


def test_a_move_elsewhere_shows_the_new_parent(scenario, editor):
    draft = scenario["draft"]
    c = unit_in(draft, "C")
    seen = current_version(c)
    services.move_unit(c, unit_in(draft, "B"), user=editor, reason="Først")
    message = refused(_move, draft, editor, reason="R", interactive=True,
                      expected_version=seen, match="er ændret")
    assert "→ »Afdeling B«" in message


# --- through the pages ------------------------------------------------------------------


def action_url(structure, unit, action):
    from django.urls import reverse

    return reverse("units:unit-action", args=[structure.pk, unit.pk, action])


def panel(html: str) -> str:
    """The edit page without the move dialog (which carries move- fields too)."""
    return html.split("<dialog", 1)[0]


def version_in(html: str, prefix: str) -> str:
    return re.search(rf'name="{prefix}-version" value="(\d+)"', panel(html)).group(1)


def posted(draft, action: str, version: str | None, reason: str | None = "Samling") -> dict:
    a = unit_in(draft, "A")
    data = {
        "move": {"move-new_parent": a.pk},
        "merge": {"merge-others": [a.pk], "merge-into": "this"},
        "split": {"split-name_1": "C1", "split-share_1": "50", "split-name_2": "C2",
                  "split-share_2": "50"},
        "close": {"close-confirm": "on"},
    }[action]
    if reason is not None:
        data[f"{action}-reason"] = reason
    if version is not None:
        data[f"{action}-version"] = version
    return data


@pytest.mark.parametrize("action", OPERATIONS)
def test_each_form_carries_the_units_version_and_requires_a_reason(scenario, editor, client,
                                                                   action):
    client.force_login(editor)
    draft = scenario["draft"]
    c = unit_in(draft, "C")
    html = client.get(edit_url(draft, c)).content.decode()
    assert version_in(html, action) == str(current_version(c))
    assert re.search(rf'<input[^>]*name="{action}-reason"[^>]*required', panel(html))
    before = snapshot()
    response = client.post(action_url(draft, c, action), posted(draft, action, None, None))
    assert response.status_code == 400
    assert REQUIRED in response.content.decode()
    assert snapshot() == before


@pytest.mark.parametrize("action", OPERATIONS)
def test_with_the_setting_off_the_form_needs_no_reason(scenario, editor, client, action):
    client.force_login(editor)
    draft = scenario["draft"]
    c = unit_in(draft, "C")
    with override_settings(ORGREG_REASON_REQUIRED=False):
        html = client.get(edit_url(draft, c)).content.decode()
        assert not re.search(rf'<input[^>]*name="{action}-reason"[^>]*required', panel(html))
        response = client.post(action_url(draft, c, action),
                               posted(draft, action, version_in(html, action), None))
    assert response.status_code == 302


@pytest.mark.parametrize("action", OPERATIONS)
def test_two_editors_the_second_is_refused_and_nothing_is_lost(scenario, two_editors, action):
    anna, bo = two_editors
    draft = scenario["draft"]
    c = unit_in(draft, "C")
    seen_by_bo = version_in(bo.get(edit_url(draft, c)).content.decode(), action)
    renamed = anna.post(action_url(draft, c, "update"), {
        "edit-name": "Afdeling C Vest", "edit-version": str(current_version(c))})
    assert renamed.status_code == 302
    before = snapshot()
    response = bo.post(action_url(draft, c, action), posted(draft, action, seen_by_bo))
    assert response.status_code == 400
    html = response.content.decode()
    assert "er ændret, siden du åbnede formularen" in html and "Anna Andersen" in html
    assert "Navn: »Afdeling C Nord« → »Afdeling C Vest«" in html
    assert snapshot() == before
    c.refresh_from_db()
    assert c.name == "Afdeling C Vest"
    # Reloaded, Bo's form carries the new version and goes through.
    fresh = version_in(bo.get(edit_url(draft, c)).content.decode(), action)
    assert bo.post(action_url(draft, c, action),
                   posted(draft, action, fresh)).status_code == 302


def test_the_move_dialog_is_on_the_edit_page(scenario, editor, client):
    client.force_login(editor)
    draft = scenario["draft"]
    html = client.get(edit_url(draft)).content.decode()
    dialog = html.split("<dialog", 1)[1].split("</dialog>", 1)[0]
    assert 'name="move-new_parent"' in dialog and 'name="move-reason"' in dialog
    assert 'name="move-version"' in dialog and "data-move-cancel" in dialog
    c = unit_in(draft, "C")
    versions = re.search(r'data-unit-versions="([^"]*)"', dialog).group(1)
    assert f"&quot;{c.pk}&quot;: {current_version(c)}" in versions
