"""Partial form posts (units.forms.PartialUpdateForm): a field the POST leaves out keeps its
stored value; a field sent empty is cleared where it may be blank."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from tests.units import pages_fixtures
from tests.units.pages_fixtures import unit_in
from units import services
from units.models import Unit

pytestmark = pytest.mark.django_db

_clear_cache = pages_fixtures._clear_cache
scenario = pages_fixtures.scenario


@pytest.fixture
def filled(scenario, editor):
    """The draft and the published structure with every optional field filled."""
    draft, new = scenario["draft"], scenario["new"]
    services.update_structure(draft, user=editor, decision="Byrådet 1.12.2030",
                              description="Udkastets beskrivelse", notice_text="Ring til HR",
                              confidential_until=datetime.date(2030, 12, 1))
    services.update_structure(new, user=editor, decision="Byrådet 16.12.2029",
                              description="Den udmeldte beskrivelse", notice_text="Spørg HR")
    unit = unit_in(draft, "C")
    services.update_unit(unit, user=editor, short_name="C", leader_title="Afdelingsleder",
                         leader_name="Grethe", headcount=12, location="Rådhuset",
                         description="Enhedens beskrivelse")
    draft.refresh_from_db()
    new.refresh_from_db()
    return draft, new, Unit.objects.get(pk=unit.pk)


def settings_url(structure) -> str:
    return reverse("units:structure-settings", args=[structure.pk])


def structure_fields(structure):
    structure.refresh_from_db()
    return (structure.name, structure.effective_date, structure.confidential_until,
            structure.decision, structure.description, structure.notice_text)


def unit_fields(unit):
    unit.refresh_from_db()
    return (unit.name, unit.short_name, unit.code, unit.leader_title, unit.leader_name,
            unit.headcount, unit.location, unit.description)


def test_settings_post_with_one_field_changes_only_that_field(client, editor, filled):
    client.force_login(editor)
    draft, _, _ = filled
    before = structure_fields(draft)
    response = client.post(settings_url(draft), {"structure-decision": "Direktionen"})
    assert response.status_code == 302
    assert structure_fields(draft) == (*before[:3], "Direktionen", *before[4:])


def test_settings_post_on_published_keeps_the_description(client, editor, filled):
    client.force_login(editor)
    _, new, _ = filled
    before = structure_fields(new)
    response = client.post(settings_url(new), {"structure-notice_text": "Ny tekst"})
    assert response.status_code == 302
    assert structure_fields(new) == (*before[:5], "Ny tekst")
    assert new.description == "Den udmeldte beskrivelse"


def test_settings_field_sent_empty_is_cleared(client, editor, filled):
    client.force_login(editor)
    draft, _, _ = filled
    before = structure_fields(draft)
    response = client.post(settings_url(draft), {"structure-description": "",
                                                 "structure-confidential_until": ""})
    assert response.status_code == 302
    assert structure_fields(draft) == (*before[:2], None, before[3], "", before[5])


def test_settings_required_field_sent_empty_is_still_refused(client, editor, filled):
    client.force_login(editor)
    draft, _, _ = filled
    before = structure_fields(draft)
    response = client.post(settings_url(draft), {"structure-name": ""})
    assert response.status_code == 400
    assert structure_fields(draft) == before


def test_unit_post_with_one_field_changes_only_that_field(client, editor, filled):
    client.force_login(editor)
    draft, _, unit = filled
    before = unit_fields(unit)
    response = client.post(reverse("units:unit-action", args=[draft.pk, unit.pk, "update"]),
                           {"edit-leader_name": "Bo"})
    assert response.status_code == 302
    assert unit_fields(unit) == (*before[:4], "Bo", *before[5:])


def test_unit_fields_sent_empty_are_cleared(client, editor, filled):
    client.force_login(editor)
    draft, _, unit = filled
    before = unit_fields(unit)
    response = client.post(reverse("units:unit-action", args=[draft.pk, unit.pk, "update"]),
                           {"edit-name": before[0], "edit-description": "",
                            "edit-headcount": ""})
    assert response.status_code == 302
    assert unit_fields(unit) == (*before[:5], 0, before[6], "")
