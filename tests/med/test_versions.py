"""No lost update for MED bodies: the edit form carries the body's version
(orgreg.versions) and update_body refuses a stale one, nothing written."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse

from med import services
from med.models import MedBody
from orgreg.versions import current_version

pytestmark = pytest.mark.django_db


def test_update_body_refuses_a_stale_version(bodies, editor, unchanged):
    body = bodies["A"]
    seen = current_version(body)
    services.update_body(body, name="LokalMED Afdeling A", user=editor)
    with unchanged(match="MED-udvalget »LokalMED Afdeling A« er ændret"):
        services.update_body(body, name="Gammelt navn", user=editor, expected_version=seen)
    services.update_body(body, description="Frisk", user=editor,
                         expected_version=current_version(body))
    services.update_body(body, description="Uden version", user=editor)
    assert MedBody.objects.get(pk=body.pk).description == "Uden version"


def test_stale_body_edit_form_is_refused(client, bodies, editor):
    client.force_login(editor)
    body = bodies["A"]
    url = reverse("med:body-edit", args=[body.pk])
    html = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert version == str(current_version(body))
    form = {"name": body.name, "level": body.level, "parent": body.parent_id,
            "valid_from": "2024-01-01", "description": "", "version": version}
    assert client.post(url, {**form, "name": "LokalMED A1"}).status_code == 302
    history = MedBody.history.count()
    response = client.post(url, {**form, "description": "Gammel formular"})
    assert "er ændret, siden du åbnede formularen" in response.content.decode()
    body.refresh_from_db()
    assert (body.name, body.description) == ("LokalMED A1", "")
    assert MedBody.history.count() == history
    assert body.valid_from == datetime.date(2024, 1, 1)
