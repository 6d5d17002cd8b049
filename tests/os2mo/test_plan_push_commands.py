"""`manage.py os2mo plan` and `manage.py os2mo push`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from os2mo.models import Push
from tests.os2mo import push_server
from tests.os2mo.builders import approve, basis_from_os2mo, fresh, new_structure
from units import services

os2mo = push_server.os2mo


@pytest.fixture
def structure(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.update_unit(u["BIB"], name="Biblioteker", user=editor)
    services.close_unit(fresh(u["TEK"]), user=editor)
    return approve(editor, draft)


def _run(*args) -> str:
    out = io.StringIO()
    call_command("os2mo", *args, stdout=out)
    return out.getvalue()


def test_plan_prints_danish_text_and_json(structure, tmp_path, settings):
    settings.OS2MO_GRAPHQL_VERSION = 29
    target = tmp_path / "plan.json"
    text = _run("plan", str(structure.pk), "--json", str(target))
    assert "Ret »Bibliotek« fra 1. januar 2027: omdøbes til »Biblioteker«." in text
    assert "to = 2027-01-01" in text
    doc = json.loads(target.read_text())
    assert [m["mutation"] for m in doc["mutations"]] == ["org_unit_update", "org_unit_terminate"]
    v28 = json.loads(_run("plan", str(structure.pk), "--version", "28", "--json-only"))
    assert v28["mutations"][1]["variables"]["input"]["to"] == "2026-12-31"
    assert not Push.objects.exists()


def test_plan_refuses_a_structure_not_from_os2mo(editor):
    basis, _ = basis_from_os2mo(editor, with_uuids=False)
    draft, _ = new_structure(editor, basis)
    structure = approve(editor, draft)
    with pytest.raises(CommandError, match="bygger ikke på en organisering fra OS2mo"):
        _run("plan", str(structure.pk))
    with pytest.raises(CommandError, match="findes ikke"):
        _run("plan", "987654")


def test_push_sends_once_and_reports(structure, editor, os2mo):
    out = _run("push", str(structure.pk), "--user", editor.username)
    assert "Sendt til OS2mo: 2 af 2 ændringer" in out
    assert len(os2mo.mutations) == 2
    again = _run("push", str(structure.pk), "--user", editor.username)
    assert "Intet at sende" in again and len(os2mo.mutations) == 2


def test_push_stops_at_a_refusal_with_an_error(structure, editor, os2mo):
    os2mo.refuse(mutation="org_unit_terminate", message="Org unit has active children")
    out = io.StringIO()
    with pytest.raises(CommandError, match="stoppede"):
        call_command("os2mo", "push", str(structure.pk), "--user", editor.username, stdout=out)
    assert "Org unit has active children" in out.getvalue()
    assert "Sendt til OS2mo: 1 af 2" in out.getvalue()


def test_push_needs_an_editor(structure, reader, os2mo):
    with pytest.raises(CommandError, match="Kun en redaktør"):
        _run("push", str(structure.pk), "--user", reader.username)
    with pytest.raises(CommandError, match="findes ikke"):
        _run("push", str(structure.pk), "--user", "ingen-saadan")
    assert os2mo.mutations == []


def test_push_without_os2mo_settings_is_refused(structure, editor, settings):
    settings.OS2MO_URL = ""
    with pytest.raises(CommandError, match="OS2MO_URL mangler"):
        _run("push", str(structure.pk), "--user", editor.username)
    assert not Push.objects.exists()
