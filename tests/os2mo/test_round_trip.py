"""The loop closed against the test OS2mo: pull the structure in force (its units keep their
OS2mo uuids), plan a change on a copy, approve it and push it back."""

from __future__ import annotations

import datetime

from os2mo import plan as plans
from os2mo import pulling
from os2mo import push as pushing
from tests.os2mo import push_server
from tests.os2mo.make_samples import uid
from units import services
from units.models import Status, Unit, UnitType

os2mo = push_server.os2mo


def test_pull_plan_push(os2mo, editor, organisation):
    os2mo.load_sample("kommune")
    pulled = pulling.pull(organisation, on_date=datetime.date(2025, 1, 2), user=editor,
                          in_force=True, hierarchy="Linjeorganisation")
    basis = pulled.structure
    draft = services.copy_structure(basis, name="Ny organisering 2026",
                                    effective_date=datetime.date(2026, 1, 1), user=editor)
    units = Unit.objects.filter(tree_id=draft.pk)
    hjp = units.get(external_id=uid("sos/hjp"))
    services.update_unit(hjp, name="Hjemme- og sygeplejen", user=editor)
    north_canteen = units.get(external_id=uid("nord/kantine"))
    services.close_unit(north_canteen, user=editor)
    top = units.get(parent=None)
    services.add_unit(top, name="Digitalisering", user=editor, org_level="N2",
                      unit_type=UnitType.objects.get_or_create(name="Afdeling")[0])
    structure = services.set_status(draft, Status.APPROVED, user=editor)

    plan = plans.plan(structure, version=29)
    assert plan.problems == []
    text = plan.text()
    # Repeated names are told with their parent.
    assert "Afslut »Kantine« under »Nordskolen« i OS2mo fra 1. januar 2026" in text
    report = pushing.push(structure, user=editor)
    assert report.complete
    sent = [(m["name"], m["variables"]["input"]) for m in os2mo.mutations]
    assert ("org_unit_update", {"uuid": uid("sos/hjp"), "name": "Hjemme- og sygeplejen",
                                "validity": {"from": "2026-01-01", "to": None}}) in sent
    assert ("org_unit_terminate", {"uuid": uid("nord/kantine"), "to": "2026-01-01"}) in sent
    create = next(data for name, data in sent if name == "org_unit_create")
    assert create["parent"] == uid("root") and create["name"] == "Digitalisering"
    assert pushing.push(structure, user=editor).sent == []
