"""os2mo.push against the test OS2mo on loopback: idempotent, stops at a refusal, continues."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from os2mo import push as pushing
from os2mo.models import Push, PushRecord
from os2mo.plan import CREATE, TERMINATE, UPDATE
from tests.os2mo import push_server
from tests.os2mo.builders import (
    approve,
    basis_from_os2mo,
    fresh,
    new_structure,
    os2mo_uuid,
    unit_type,
)
from tests.os2mo.push_server import AFDELING, N2, Os2moWithClasses
from units import services
from units.models import Unit

# The test OS2mo with classes, as the fixture `os2mo`.
os2mo = push_server.os2mo


@pytest.fixture
def structure(editor):
    """Renamed, moved, new (type and level), closed: four mutations, effective 2027-01-01."""
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.update_unit(u["BIB"], name="Biblioteker", user=editor)
    services.move_unit(fresh(u["MUS"]), fresh(u["SOC"]), user=editor)
    services.add_unit(fresh(u["ROOT"]), name="Digitalisering", unit_type=unit_type(),
                      org_level="N2", user=editor)
    services.close_unit(fresh(u["TEK"]), user=editor)
    return approve(editor, draft)


def _names(server):
    return [m["name"] for m in server.mutations]


def test_push_sends_the_plan_and_a_second_push_sends_nothing(os2mo, structure, editor):
    report = pushing.push(structure, user=editor)
    assert report.complete
    assert _names(os2mo) == [UPDATE, UPDATE, CREATE, TERMINATE]
    create = os2mo.mutations[2]["variables"]["input"]
    # The classes are sent by their uuid in OS2mo.
    assert create["org_unit_type"] == AFDELING and create["org_unit_level"] == N2
    assert create["validity"] == {"from": "2027-01-01", "to": None}
    assert os2mo.mutations[3]["variables"]["input"] == {"uuid": os2mo_uuid("TEK"),
                                                        "to": "2027-01-01"}
    # The chosen uuid is stored on the new unit, so a structure copied from this one has it.
    digital = Unit.objects.get(tree_id=structure.pk, name="Digitalisering")
    assert digital.external_id == create["uuid"]
    assert digital.history.first().history_change_reason.startswith("OS2mo-uuid fastlagt")
    records = PushRecord.objects.filter(structure=structure)
    assert [r.state for r in records] == ["sent"] * 4
    assert records[2].response_uuid == create["uuid"] and records[2].user == editor

    again = pushing.push(structure, user=editor)
    assert again.complete and again.sent == [] and len(again.skipped) == 4
    assert len(os2mo.mutations) == 4
    assert "Intet at sende" in again.text()
    pushes = list(Push.objects.filter(structure=structure).order_by("pk"))
    assert [(p.outcome, p.sent, p.skipped, p.user) for p in pushes] == [
        ("done", 4, 0, editor), ("done", 0, 4, editor)]


def test_a_refusal_midway_stops_with_os2mos_message_and_a_rerun_continues(os2mo, structure,
                                                                         editor):
    os2mo.refuse(mutation=CREATE, message="ErrorCodes.V_DATE_OUTSIDE_ORG_UNIT_RANGE")
    report = pushing.push(structure, user=editor)
    assert not report.complete
    assert [i.mutation for i in report.sent] == [UPDATE, UPDATE]
    assert report.stopped_at.mutation == CREATE
    text = report.text()
    assert "ErrorCodes.V_DATE_OUTSIDE_ORG_UNIT_RANGE" in text
    assert "Sendt til OS2mo: 2 af 4" in text and "2 ændringer er ikke sendt" in text
    assert _names(os2mo) == [UPDATE, UPDATE]
    run = Push.objects.get(structure=structure)
    assert run.outcome == "refused" and run.sent == 2
    refused = PushRecord.objects.get(structure=structure, state="refused")
    assert refused.message == "ErrorCodes.V_DATE_OUTSIDE_ORG_UNIT_RANGE"

    rerun = pushing.push(structure, user=editor)
    assert rerun.complete
    assert [i.mutation for i in rerun.sent] == [CREATE, TERMINATE] and len(rerun.skipped) == 2
    assert _names(os2mo) == [UPDATE, UPDATE, CREATE, TERMINATE]


def test_an_unknown_class_stops_before_anything_is_sent(os2mo, structure, editor):
    os2mo.classes = [c for c in Os2moWithClasses.classes if c["name"] != "N2"]
    report = pushing.push(structure, user=editor)
    assert not report.complete and os2mo.mutations == []
    assert "OS2mo har ikke klasserne »N2« (org_unit_level)" in report.text()


def test_only_an_editor_pushes(os2mo, structure, reader):
    with pytest.raises(PermissionDenied):
        pushing.push(structure, user=reader)
    with pytest.raises(PermissionDenied):
        pushing.push(structure, user=None)
    assert os2mo.mutations == [] and not Push.objects.exists()


def test_a_push_already_running_is_refused(os2mo, structure, editor):
    from os2mo import services as os2mo_services

    os2mo_services.start_push(structure, user=editor, version=29)
    with pytest.raises(ValidationError, match="ved at blive sendt"):
        pushing.push(structure, user=editor)
    assert os2mo.mutations == []


def test_the_version_decides_terminate_dates_on_the_wire(os2mo, structure, editor, settings):
    os2mo.version = settings.OS2MO_GRAPHQL_VERSION = 28
    pushing.push(structure, user=editor)
    terminate = os2mo.mutations[-1]
    assert terminate["version"] == 28
    assert terminate["variables"]["input"]["to"] == "2026-12-31"


def test_a_create_os2mo_already_has_counts_as_sent(os2mo, structure, editor):
    """A create whose answer never came back (OS2mo made the unit, orgreg never recorded it):
    sent again, OS2mo refuses the uuid it has, and the push finds the unit and goes on."""
    from os2mo import plan as plans

    create, = [i for i in plans.plan(structure, version=29).items if i.mutation == CREATE]
    made = create.input["uuid"]
    os2mo.load([{"uuid": made, "validities": [{"uuid": made, "name": "Digitalisering",
                                                "validity": {"from": "2027-01-01", "to": None}}]}])
    os2mo.refuse(mutation=CREATE, uuid=made, message="Object already exists")
    report = pushing.push(structure, user=editor)
    assert report.complete and [i.mutation for i in report.sent] == [UPDATE, UPDATE, CREATE,
                                                                      TERMINATE]
    record = PushRecord.objects.get(structure=structure, key=create.key)
    assert record.state == "sent" and "Fandtes allerede i OS2mo" in record.message
