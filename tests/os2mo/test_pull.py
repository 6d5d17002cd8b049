"""`manage.py os2mo pull` and os2mo.pulling against the test OS2mo: paging, the structure
made (draft or in force), the pull recorded, and on a second pull the change since the
first through the ordinary comparison (successions by uuid)."""

from __future__ import annotations

import copy
import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from os2mo import pulling
from os2mo.models import Pull
from tests.os2mo.make_samples import uid
from units import selectors
from units.changes import ChangeKind
from units.models import Status, Structure, Succession, Unit

DAY = datetime.date(2025, 1, 2)


def run_pull(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("os2mo", "pull", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def _version(server, key):
    return next(obj["validities"][-1] for obj in server.objects
                if obj["validities"][0]["uuid"] == uid(key))


def test_pull_pages_and_makes_a_draft(os2mo_server, settings, editor, organisation):
    os2mo_server.load_sample("kommune")
    settings.OS2MO_PAGE_SIZE = 4
    out, err = run_pull("--organisation", organisation.name, "--on-date", "2025-01-02",
                        "--hierarchy", "Linjeorganisation", "--user", editor.username)
    assert len(os2mo_server.requests) == 5  # 18 units valid on the day, 4 a page
    assert "Henter fra OS2mo: 18 enheder" in err
    assert "Første hentning" in out and "går igen i OS2mo" in out
    record = Pull.objects.get()
    structure = record.structure
    assert (structure.status, structure.effective_date) == (Status.DRAFT, DAY)
    assert (record.version, record.unit_count, record.pulled_by) == (29, 15, editor)
    assert record.hierarchy == "Linjeorganisation" and record.based_on is None
    assert Unit.objects.filter(tree_id=structure.pk, external_id=uid("nord/adm")).exists()


def test_second_pull_shows_what_changed_in_os2mo(os2mo_server, editor, organisation):
    os2mo_server.load_sample("kommune")
    first = pulling.pull(organisation, on_date=DAY, user=editor, hierarchy="Linjeorganisation")
    # What happened in OS2mo: a rename, a move, a closure and a new unit.
    objects = copy.deepcopy(os2mo_server.objects)
    os2mo_server.load(objects)
    _version(os2mo_server, "nord")["name"] = "Nordskolen og SFO"
    moved = _version(os2mo_server, "sos/hjp")
    moved["parent_uuid"], moved["parent"] = uid("bu"), {"uuid": uid("bu")}
    os2mo_server.objects = [o for o in os2mo_server.objects
                            if o["validities"][0]["uuid"] != uid("vest/kantine")]
    new = copy.deepcopy(_version(os2mo_server, "sos/adm"))
    new.update(uuid=uid("sos/ny-enhed"), name="Rusmiddelcenter", user_key="RMC")
    os2mo_server.objects.append({"validities": [new]})

    out, _ = run_pull("--organisation", str(organisation.pk), "--on-date", "2025-01-02",
                      "--hierarchy", "Linjeorganisation", "--in-force")
    second = Pull.objects.latest("pk")
    assert second.based_on == first.structure and second.in_force
    assert second.structure.status == Status.APPROVED
    # Every unit still in OS2mo succeeds its namesake by uuid.
    assert Succession.objects.filter(to_unit__tree_id=second.structure.pk).count() == 14
    counts = selectors.compare(first.structure, second.structure).counts
    assert counts == second.counts
    assert counts[ChangeKind.RENAMED] == 1 and counts[ChangeKind.NEW] == 1
    assert counts[ChangeKind.CLOSED] == 1 and counts[ChangeKind.MOVED] >= 1
    assert "Omdøbt: 1: Nordskolen → Nordskolen og SFO" in out
    assert "Ny: 1: Rusmiddelcenter" in out and "Nedlagt: 1: Kantine" in out
    assert "Flyttet:" in out and "Hjemmeplejen" in out


def test_unchanged_second_pull_says_so(os2mo_server, editor, organisation):
    os2mo_server.load_sample("kommune")
    pulling.pull(organisation, on_date=DAY, user=editor)
    result = pulling.pull(organisation, on_date=DAY, user=editor)
    lines = pulling.describe(result)
    assert "  Intet: enhederne er de samme." in lines
    # Both trees under a new root: the new root continues the old one.
    root = Unit.objects.get(tree_id=result.structure.pk, parent=None)
    assert Succession.objects.filter(to_unit=root).count() == 1


def test_wrong_credentials_give_a_danish_error(os2mo_server, settings, organisation):
    settings.OS2MO_CLIENT_SECRET = "forkert"
    with pytest.raises(CommandError, match="afviste orgregs adgang"):
        run_pull("--organisation", organisation.name)
    assert not Pull.objects.exists() and not Structure.objects.filter(
        name__startswith="OS2mo").exists()


def test_units_that_make_no_tree_write_nothing(os2mo_server, organisation):
    os2mo_server.load_sample("kommune")
    with pytest.raises(CommandError, match="Hierarkiet »Økonomi« findes ikke"):
        run_pull("--organisation", organisation.name, "--hierarchy", "Økonomi",
                 "--on-date", "2025-01-02")
    assert not Pull.objects.exists()


def test_in_force_on_a_date_taken_is_refused(os2mo_server, editor, organisation):
    os2mo_server.load_sample("kommune")
    pulling.pull(organisation, on_date=DAY, user=editor, in_force=True)
    with pytest.raises(CommandError, match="to organiseringer kan ikke træde i kraft"):
        run_pull("--organisation", organisation.name, "--on-date", "2025-01-02", "--in-force")
    assert Pull.objects.count() == 1


def test_hierarchy_by_uuid_is_asked_of_os2mo(os2mo_server, editor, organisation):
    from tests.os2mo.make_samples import PAY

    os2mo_server.load_sample("kommune")
    result = pulling.pull(organisation, on_date=DAY, user=editor, hierarchy=PAY["uuid"])
    assert os2mo_server.requests[0]["variables"]["hierarchies"] == [PAY["uuid"]]
    assert Unit.objects.filter(tree_id=result.structure.pk).count() == 3
