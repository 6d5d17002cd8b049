"""Editing through the pages: every action's success and its refusal (shown next to the field,
the user's input kept, nothing changed), and who may edit at all."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.units import pages_fixtures
from tests.units.pages_fixtures import unit_in
from units import services
from units.models import Status, Structure, Succession, Unit

pytestmark = pytest.mark.django_db

# Shared fixtures, by assignment so pytest finds them in this module.
_clear_cache = pages_fixtures._clear_cache
scenario = pages_fixtures.scenario


def action_url(structure, unit, action):
    return reverse("units:unit-action", args=[structure.pk, unit.pk, action])


def snapshot(structure):
    """Everything an edit may touch: the tree, the successions and the history."""
    units = list(Unit.objects.filter(tree_id=structure.pk).order_by("pk").values_list(
        "pk", "parent_id", "name", "code", "headcount", "lft", "rght", "level"))
    successions = list(Succession.objects.filter(to_unit__tree_id=structure.pk).order_by("pk")
                       .values_list("from_unit_id", "to_unit_id", "share"))
    history = Unit.history.filter(structure_id=structure.pk).count()
    return units, successions, history


@pytest.fixture
def editing(client, editor, scenario):
    client.force_login(editor)
    return client, scenario["draft"]


# --- who may edit -----------------------------------------------------------------------


def test_edit_page_renders_for_editor(editing):
    c, draft = editing
    page = c.get(reverse("units:structure-edit", args=[draft.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'draggable="true"' in html and "data-move-url" in html
    selected = c.get(reverse("units:structure-edit", args=[draft.pk])
                     + f"?unit={unit_in(draft, 'B').pk}").content.decode()
    for heading in ("Ret oplysninger", "Tilføj underenhed", "Flyt", "Læg sammen", "Del",
                    "Nedlæg", "Begrundelse"):
        assert heading in selected


def test_edit_refused_for_published_structure_even_for_editor(editing, scenario):
    c, _ = editing
    new = scenario["new"]
    page = c.get(reverse("units:structure-edit", args=[new.pk]))
    assert page.status_code == 403
    assert "Kun udkast kan ændres" in page.content.decode()  # a Danish reason, not a bare 403
    before = snapshot(new)
    response = c.post(action_url(new, unit_in(new, "C"), "update"), {"edit-name": "X"})
    assert response.status_code == 403
    assert snapshot(new) == before


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_non_editors_get_404_for_every_edit_page(client, scenario, who, request):
    """Hidden, visible or missing: a non-editor's edit page is a 404 (a published structure's
    edit page was 403, the draft's 404 or 403 by role), so it tells nothing."""
    client.force_login(request.getfixturevalue(who))
    draft, new = scenario["draft"], scenario["new"]
    assert client.get(reverse("units:structure-edit", args=[draft.pk])).status_code == 404
    before = snapshot(draft)
    response = client.post(action_url(draft, unit_in(draft, "C"), "update"),
                           {"edit-name": "Hacket"})
    assert response.status_code == 404
    assert snapshot(draft) == before
    assert client.get(reverse("units:structure-edit", args=[new.pk])).status_code == 404
    assert client.get(reverse("units:structure-edit", args=[999999])).status_code == 404
    for name in ("units:structure-settings", "units:structure-status", "units:structure-copy"):
        for structure in (draft, new):
            assert client.get(reverse(name, args=[structure.pk])).status_code == 404, name
    described = new.description
    response = client.post(reverse("units:structure-settings", args=[new.pk]),
                           {"description": "Hacket"})
    assert response.status_code == 404
    new.refresh_from_db()
    assert new.description == described


def test_non_editor_never_learns_a_draft_exists(client, reader, scenario):
    client.force_login(reader)
    draft = scenario["draft"]
    missing = client.get(reverse("units:structure-detail", args=[999999]))
    hidden = client.get(reverse("units:structure-detail", args=[draft.pk]))
    assert missing.status_code == hidden.status_code == 404


# --- update -----------------------------------------------------------------------------


def test_update_unit(editing, editor):
    c, draft = editing
    unit = unit_in(draft, "C")
    response = c.post(action_url(draft, unit, "update"), {
        "edit-name": "Afdeling C Syd", "edit-code": "C", "edit-headcount": "7",
        "edit-leader_name": "Grethe Ø", "edit-reason": "Ny leder og navn"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.name == "Afdeling C Syd" and unit.headcount == 7
    last = unit.history.first()
    assert last.history_change_reason == "Ny leder og navn"
    assert last.history_user == editor


def test_update_unit_refused_keeps_input(editing):
    c, draft = editing
    unit = unit_in(draft, "C")
    before = snapshot(draft)
    response = c.post(action_url(draft, unit, "update"), {
        "edit-name": "Nyt navn der ikke gemmes", "edit-code": "B", "edit-headcount": "3"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Koden »B« bruges allerede" in html
    assert 'value="Nyt navn der ikke gemmes"' in html
    assert snapshot(draft) == before


def test_update_unit_bad_number_refused(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "C"), "update"),
                      {"edit-name": "C", "edit-headcount": "-4"})
    assert response.status_code == 400
    assert snapshot(draft) == before


# --- add --------------------------------------------------------------------------------


def test_add_child(editing):
    c, draft = editing
    parent = unit_in(draft, "B")
    response = c.post(action_url(draft, parent, "add"), {
        "add-name": "Team B3", "add-code": "B3", "add-headcount": "4", "add-category": "drift",
        "add-reason": ""})
    assert response.status_code == 302
    added = unit_in(draft, "B3")
    assert added.parent_id == parent.pk and added.category == "drift"
    assert "oprettet" in added.history.first().history_change_reason


def test_add_child_refused_duplicate_code(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "B"), "add"),
                      {"add-name": "Dublet", "add-code": "A"})
    assert response.status_code == 400
    assert "bruges allerede" in response.content.decode()
    assert 'value="Dublet"' in response.content.decode()
    assert snapshot(draft) == before


def test_add_child_refused_empty_name(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "B"), "add"), {"add-name": ""})
    assert response.status_code == 400
    assert snapshot(draft) == before


# --- move -------------------------------------------------------------------------------


def test_move(editing):
    c, draft = editing
    unit, target = unit_in(draft, "C"), unit_in(draft, "A")
    response = c.post(action_url(draft, unit, "move"),
                      {"move-new_parent": target.pk, "move-reason": "Tættere samarbejde"})
    assert response.status_code == 302
    unit.refresh_from_db()
    assert unit.parent_id == target.pk
    assert unit.history.first().history_change_reason == "Tættere samarbejde"


def test_move_by_drag_and_drop_answers_json(editing):
    c, draft = editing
    unit, target = unit_in(draft, "C"), unit_in(draft, "A")
    response = c.post(action_url(draft, unit, "move"), {"move-new_parent": target.pk,
                                                         "move-reason": "Ny leder"},
                      HTTP_X_REQUESTED_WITH="fetch")
    assert response.status_code == 200 and response.json()["ok"] is True
    unit.refresh_from_db()
    assert unit.parent_id == target.pk


def test_move_under_own_descendant_refused(editing):
    c, draft = editing
    b = unit_in(draft, "B")
    child = Unit.objects.filter(parent=b).first()
    before = snapshot(draft)
    response = c.post(action_url(draft, b, "move"), {"move-new_parent": child.pk,
                                                      "move-reason": "R"})
    assert response.status_code == 400
    assert "kan ikke flyttes ind under sig selv" in response.content.decode()
    assert snapshot(draft) == before
    as_json = c.post(action_url(draft, b, "move"), {"move-new_parent": child.pk,
                                                      "move-reason": "R"},
                     HTTP_X_REQUESTED_WITH="fetch")
    assert as_json.status_code == 400 and "sig selv" in as_json.json()["error"]
    assert snapshot(draft) == before


def test_move_to_unit_of_other_structure_refused(editing, scenario):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "C"), "move"),
                      {"move-new_parent": scenario["units"]["A"].pk,
                       "move-reason": "R"})
    assert response.status_code == 400
    assert "anden organisering" in response.content.decode()
    assert snapshot(draft) == before


# --- merge ------------------------------------------------------------------------------


def test_merge_into_this(editing):
    c, draft = editing
    a, c_unit = unit_in(draft, "A"), unit_in(draft, "C")
    response = c.post(action_url(draft, a, "merge"), {
        "merge-reason": "Samling",
        "merge-others": [c_unit.pk], "merge-into": "this", "merge-name": "Afdeling AC"})
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.name == "Afdeling AC"
    assert not Unit.objects.filter(pk=c_unit.pk).exists()


def test_merge_into_new_unit(editing):
    c, draft = editing
    a, c_unit = unit_in(draft, "A"), unit_in(draft, "C")
    response = c.post(action_url(draft, a, "merge"), {
        "merge-reason": "Samling",
        "merge-others": [c_unit.pk], "merge-into": "new", "merge-name": "Center Nord"})
    assert response.status_code == 302
    assert Unit.objects.filter(tree_id=draft.pk, name="Center Nord").exists()


def test_merge_new_without_name_refused(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "A"), "merge"), {
        "merge-others": [unit_in(draft, "C").pk], "merge-into": "new", "merge-name": ""})
    assert response.status_code == 400
    assert "Skriv navnet" in response.content.decode()
    assert snapshot(draft) == before


def test_merge_with_root_refused(editing):
    c, draft = editing
    root = Unit.objects.get(tree_id=draft.pk, parent=None)
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "A"), "merge"), {
        "merge-others": [root.pk], "merge-into": "this", "merge-reason": "R"})
    assert response.status_code == 400
    assert "øverste enhed" in response.content.decode()
    assert snapshot(draft) == before


# --- split ------------------------------------------------------------------------------


def test_split(editing):
    c, draft = editing
    unit = unit_in(draft, "C")
    response = c.post(action_url(draft, unit, "split"), {
        "split-name_1": "C Nord", "split-share_1": "70",
        "split-name_2": "C Syd", "split-share_2": "30", "split-reason": "To matrikler"})
    assert response.status_code == 302
    assert Unit.objects.filter(tree_id=draft.pk, name="C Syd").exists()
    unit.refresh_from_db()
    assert unit.name == "C Nord"


def test_split_with_children_handed_out(editing):
    c, draft = editing
    b = unit_in(draft, "B")
    kids = list(Unit.objects.filter(parent=b).order_by("lft"))
    data = {"split-name_1": "B Vest", "split-share_1": "50",
            "split-name_2": "B Øst", "split-share_2": "50",
            f"split-child_{kids[0].pk}": "2", "split-reason": "To byer"}
    response = c.post(action_url(draft, b, "split"), data)
    assert response.status_code == 302
    east = Unit.objects.get(tree_id=draft.pk, name="B Øst")
    kids[0].refresh_from_db()
    assert kids[0].parent_id == east.pk


def test_split_shares_not_100_refused(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "C"), "split"), {
        "split-name_1": "C1", "split-share_1": "50", "split-name_2": "C2", "split-share_2": "40",
        "split-reason": "R"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "100 %" in html and 'value="C2"' in html
    assert snapshot(draft) == before


# --- close ------------------------------------------------------------------------------

CLOSING = {"close-confirm": "on", "close-reason": "Opgaven ophører"}


def test_close_leaf(editing):
    c, draft = editing
    unit = unit_in(draft, "C")
    response = c.post(action_url(draft, unit, "close"), CLOSING)
    assert response.status_code == 302
    assert not Unit.objects.filter(pk=unit.pk).exists()


def test_close_with_children_needs_target(editing):
    c, draft = editing
    b = unit_in(draft, "B")
    before = snapshot(draft)
    response = c.post(action_url(draft, b, "close"), CLOSING)
    assert response.status_code == 400
    assert "Vælg hvor de skal flyttes hen" in response.content.decode()
    assert snapshot(draft) == before
    ok = c.post(action_url(draft, b, "close"), {
        "close-confirm": "on", "close-reason": "Opgaven ophører",
        "close-transfer_children_to": unit_in(draft, "A").pk})
    assert ok.status_code == 302
    assert not Unit.objects.filter(pk=b.pk).exists()


def test_close_without_confirmation_refused(editing):
    c, draft = editing
    before = snapshot(draft)
    response = c.post(action_url(draft, unit_in(draft, "C"), "close"), {})
    assert response.status_code == 400
    assert snapshot(draft) == before


def test_unknown_action_and_foreign_unit_are_404(editing, scenario):
    c, draft = editing
    assert c.post(action_url(draft, unit_in(draft, "C"), "explode")).status_code == 404
    foreign = scenario["units"]["C"]
    assert c.post(reverse("units:unit-action", args=[draft.pk, foreign.pk, "update"]),
                  {"edit-name": "X"}).status_code == 404


# --- the structure ----------------------------------------------------------------------


def test_copy_structure(editing, scenario):
    c, _ = editing
    new = scenario["new"]
    response = c.post(reverse("units:structure-copy", args=[new.pk]), {
        "copy-name": "Model B", "copy-effective_date": "2031-01-01", "copy-reason": "Alternativ"})
    assert response.status_code == 302
    copy = Structure.objects.get(name="Model B")
    assert copy.based_on_id == new.pk and copy.status == Status.DRAFT
    assert response["Location"] == reverse("units:structure-edit", args=[copy.pk])
    assert copy.units.count() == new.units.count()


def test_copy_refused_without_date(editing, scenario):
    c, _ = editing
    count = Structure.objects.count()
    response = c.post(reverse("units:structure-copy", args=[scenario["new"].pk]),
                      {"copy-name": "Model C", "copy-effective_date": ""})
    assert response.status_code == 400
    assert 'value="Model C"' in response.content.decode()
    assert Structure.objects.count() == count


def test_status_forward_and_refused_backward(editing, scenario):
    c, draft = editing
    url = reverse("units:structure-status", args=[draft.pk])
    assert c.post(url, {"status-status": "consultation"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == Status.CONSULTATION
    back = c.post(url, {"status-status": "draft"})
    assert back.status_code == 400
    draft.refresh_from_db()
    assert draft.status == Status.CONSULTATION


def test_status_refused_two_in_force_same_day(editing, editor, scenario):
    c, _ = editing
    rival = services.copy_structure(scenario["old"], name="Rival", user=editor,
                                    effective_date=scenario["new"].effective_date)
    response = c.post(reverse("units:structure-status", args=[rival.pk]),
                      {"status-status": "approved"})
    assert response.status_code == 400
    assert "samme dag" in response.content.decode()
    rival.refresh_from_db()
    assert rival.status == Status.DRAFT


def test_structure_settings(editing):
    c, draft = editing
    response = c.post(reverse("units:structure-settings", args=[draft.pk]), {
        "structure-name": "Udkast 2031, version 2", "structure-effective_date": "2031-02-01",
        "structure-decision": "Byrådet 1.12.2030", "structure-reason": "Ny version"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Udkast 2031, version 2"
    assert draft.effective_date == datetime.date(2031, 2, 1)


def test_structure_settings_late_fields_on_published(editing, scenario):
    c, _ = editing
    new = scenario["new"]
    response = c.post(reverse("units:structure-settings", args=[new.pk]), {
        "structure-notice_text": "Spørgsmål til HR på tlf. 1234", "structure-name": "Ignoreret"})
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.notice_text == "Spørgsmål til HR på tlf. 1234"
    assert new.name == "Ny organisering 2030"


def test_create_structure(editing, scenario):
    c, _ = editing
    org = scenario["old"].organisation
    response = c.post(reverse("units:structure-create", args=[org.pk]), {
        "new-name": "Helt ny", "new-effective_date": "2032-01-01"})
    assert response.status_code == 302
    created = Structure.objects.get(name="Helt ny")
    assert created.units.count() == 1
    refused = c.post(reverse("units:structure-create", args=[org.pk]), {"new-name": "",
                     "new-effective_date": "2032-01-01"})
    assert refused.status_code == 400
