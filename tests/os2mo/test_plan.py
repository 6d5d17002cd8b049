"""os2mo.plan: the dated mutations for each change kind, under both validity conventions."""

from __future__ import annotations

import datetime
import json
import uuid

import pytest
from django.core.exceptions import ValidationError

from os2mo import plan as plans
from os2mo.plan import CREATE, TERMINATE, UPDATE
from tests import factories
from tests.os2mo.builders import (
    EFFECTIVE,
    approve,
    basis_from_os2mo,
    fresh,
    new_structure,
    os2mo_uuid,
    unit_type,
)
from units import services
from units.models import Unit


def _items(plan, mutation):
    return [i for i in plan.items if i.mutation == mutation]


def _by_uuid(plan, mutation):
    return {i.input["uuid"]: i for i in _items(plan, mutation)}


@pytest.fixture
def changed(editor):
    """Every change kind at once, effective 1 January 2027: Bibliotek renamed, Museum moved
    to Social og Sundhed, Teknik og Miljø closed, Digitalisering new, Hjemmepleje and
    Sygepleje merged (into Hjemmepleje, as »Pleje«), Kultur og Fritid split into itself (60 %)
    and Fritid (40 %)."""
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.update_unit(u["BIB"], name="Biblioteker", user=editor)
    services.move_unit(fresh(u["MUS"]), fresh(u["SOC"]), user=editor)
    services.close_unit(fresh(u["TEK"]), user=editor)
    services.add_unit(fresh(u["ROOT"]), name="Digitalisering", code="DIG",
                      unit_type=unit_type(), org_level="N2", user=editor)
    services.merge_units([fresh(u["HJP"]), fresh(u["SYG"])], into=fresh(u["HJP"]), name="Pleje",
                         user=editor)
    services.split_unit(fresh(u["KUL"]), [{"name": "Kultur", "share": 60},
                                          {"name": "Fritid", "share": 40}], user=editor)
    return basis, approve(editor, draft)


def test_each_change_kind_becomes_its_mutation_v29(changed):
    basis, structure = changed
    plan = plans.plan(structure, version=29)
    assert plan.problems == []
    updates, creates = _by_uuid(plan, UPDATE), _items(plan, CREATE)
    terminates = _by_uuid(plan, TERMINATE)
    validity = {"from": "2027-01-01", "to": None}
    # Renamed: the same uuid, the new name from the effective date.
    assert updates[os2mo_uuid("BIB")].input == {"uuid": os2mo_uuid("BIB"), "name": "Biblioteker",
                                                "validity": validity}
    # Moved: the new parent by its uuid.
    assert updates[os2mo_uuid("MUS")].input == {"uuid": os2mo_uuid("MUS"),
                                                "parent": os2mo_uuid("SOC"),
                                                "validity": validity}
    # Merged: Hjemmepleje brings the most staff and keeps its uuid; Sygepleje ends.
    assert updates[os2mo_uuid("HJP")].input["name"] == "Pleje"
    assert "Sammenlægning" in updates[os2mo_uuid("HJP")].sentence
    # Split: Kultur og Fritid keeps its uuid on the bigger part, Fritid is created.
    assert updates[os2mo_uuid("KUL")].input["name"] == "Kultur"
    by_name = {c.input["name"]: c for c in creates}
    assert set(by_name) == {"Digitalisering", "Fritid"}
    fritid = by_name["Fritid"]
    assert fritid.input["parent"] == os2mo_uuid("ROOT")
    assert fritid.input["validity"] == validity
    assert "del af »Kultur og Fritid«" in fritid.sentence
    # New: from the effective date, with its type and level named for the push to look up.
    digital = by_name["Digitalisering"]
    assert digital.input["validity"] == validity
    assert digital.input["user_key"] == "DIG"
    assert digital.classes == {"org_unit_type": "Afdeling", "org_unit_level": "N2"}
    # Closed and merged away: terminated, `to` exclusive from v29 (the effective date).
    assert set(terminates) == {os2mo_uuid("TEK"), os2mo_uuid("SYG")}
    assert {t.input["to"] for t in terminates.values()} == {"2027-01-01"}
    assert "nedlagt" in terminates[os2mo_uuid("TEK")].sentence
    assert "lagt sammen i »Pleje«" in terminates[os2mo_uuid("SYG")].sentence
    # Unchanged units send nothing.
    assert os2mo_uuid("ROOT") not in updates and os2mo_uuid("SOC") not in updates


def test_terminate_to_is_the_last_day_up_to_v28(changed):
    _, structure = changed
    plan = plans.plan(structure, version=28)
    terminates = _items(plan, TERMINATE)
    assert {t.input["to"] for t in terminates} == {"2026-12-31"}
    assert all("31. december 2026 som sidste dag" in t.sentence for t in terminates)
    # Creates and updates start on the effective date in both conventions.
    assert {i.input["validity"]["from"] for i in plan.items if i.mutation != TERMINATE} == {
        "2027-01-01"}
    assert plans.terminate_to(structure.effective_date, 29).isoformat() == "2027-01-01"


def test_order_parents_first_and_terminations_bottom_up(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    new_parent = services.add_unit(fresh(u["ROOT"]), name="Ny afdeling", unit_type=unit_type(),
                                   user=editor)
    services.move_unit(fresh(u["TEK"]), new_parent, user=editor)
    services.close_unit(fresh(u["MUS"]), user=editor)
    services.close_unit(fresh(u["BIB"]), user=editor)
    services.close_unit(fresh(u["KUL"]), user=editor)
    plan = plans.plan(approve(editor, draft), version=29)
    kinds = [i.mutation for i in plan.items]
    assert kinds == [CREATE, UPDATE, TERMINATE, TERMINATE, TERMINATE]
    create, move = plan.items[0], plan.items[1]
    assert move.input["parent"] == create.input["uuid"]
    # Children before their parent.
    assert [i.input["uuid"] for i in plan.items[2:]] == [
        os2mo_uuid("MUS"), os2mo_uuid("BIB"), os2mo_uuid("KUL")]


def test_the_plan_is_the_same_every_time_and_keys_are_stable(changed):
    _, structure = changed
    first, second = plans.plan(structure, version=29), plans.plan(structure, version=29)
    assert first.as_json() == second.as_json()
    assert len({i.key for i in first.items}) == len(first.items)
    # The uuids chosen for new units are to be stored on them.
    created = {i.unit_id: i.input["uuid"] for i in _items(first, CREATE)}
    assert created.items() <= first.to_store.items()


def test_a_merge_keeps_the_uuid_of_the_predecessor_with_most_staff(editor):
    """Sygepleje (10) is merged into, but Hjemmepleje (20) brings more staff: the merged
    unit keeps Hjemmepleje's uuid, Sygepleje's is terminated."""
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.merge_units([fresh(u["SYG"]), fresh(u["HJP"])], into=fresh(u["SYG"]), user=editor)
    plan = plans.plan(approve(editor, draft), version=29)
    merged = Unit.objects.get(tree_id=draft.pk, name="Sygepleje")
    assert plan.uuids[merged.pk] == os2mo_uuid("HJP")
    assert plan.to_store[merged.pk] == os2mo_uuid("HJP")
    assert [i.input["uuid"] for i in _items(plan, TERMINATE)] == [os2mo_uuid("SYG")]
    assert [i.input for i in _items(plan, UPDATE)] == [
        {"uuid": os2mo_uuid("HJP"), "name": "Sygepleje",
         "validity": {"from": "2027-01-01", "to": None}}]


def test_a_split_keeps_the_uuid_on_the_part_taking_most_staff(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.split_unit(fresh(u["HJP"]), [{"name": "Hjemmepleje Nord", "share": 30},
                                          {"name": "Hjemmepleje Syd", "share": 70}], user=editor)
    plan = plans.plan(approve(editor, draft), version=28)
    south = Unit.objects.get(tree_id=draft.pk, name="Hjemmepleje Syd")
    north = Unit.objects.get(tree_id=draft.pk, name="Hjemmepleje Nord")
    assert plan.uuids[south.pk] == os2mo_uuid("HJP")
    update, = _items(plan, UPDATE)
    assert update.input == {"uuid": os2mo_uuid("HJP"), "name": "Hjemmepleje Syd",
                            "validity": {"from": "2027-01-01", "to": None}}
    create, = _items(plan, CREATE)
    assert create.unit_id == north.pk and create.input["parent"] == os2mo_uuid("SOC")
    assert _items(plan, TERMINATE) == []


def test_text_and_json(changed):
    _, structure = changed
    plan = plans.plan(structure, version=29)
    text = plan.text()
    assert "Plan for OS2mo" in text and "Regler:" in text and "sammenlægning" in text
    assert "Opret »Digitalisering«" in text
    doc = json.loads(plan.json_text())
    assert doc["graphql_version"] == 29
    first = doc["mutations"][0]
    assert first["query"].startswith("mutation ") and "input" in first["variables"]


def test_a_structure_not_from_os2mo_is_refused_in_danish(editor):
    basis, _ = basis_from_os2mo(editor, with_uuids=False)
    draft, _ = new_structure(editor, basis)
    structure = approve(editor, draft)
    with pytest.raises(ValidationError, match="bygger ikke på en organisering fra OS2mo"):
        plans.plan(structure, version=29)


def test_a_draft_is_refused(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, _ = new_structure(editor, basis)
    with pytest.raises(ValidationError, match="Kun en vedtaget eller udmeldt"):
        plans.plan(draft, version=29)
    with pytest.raises(ValidationError, match="bygger ikke på en anden organisering"):
        plans.plan(basis, version=29)


def test_a_new_unit_without_type_is_a_problem(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.add_unit(fresh(u["ROOT"]), name="Uden type", user=editor)
    plan = plans.plan(approve(editor, draft), version=29)
    assert plan.problems and "ingen enhedstype" in plan.problems[0]


def _bulk_pair(editor, size):
    """An approved basis of `size` units with OS2mo uuids and an approved copy with every
    third unit renamed."""
    from django.db.models import F, Value
    from django.db.models.functions import Concat

    from units.benchmarks.synthetic import balanced_rows
    from units.services.bulk import build_structure

    organisation = factories.make_organisation(editor)
    rows = balanced_rows(size)
    for row in rows:
        row.fields["external_id"] = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{size}/{row.key}"))
    basis = build_structure(organisation, name="Fra OS2mo", rows=rows, user=editor,
                            effective_date=datetime.date(2026, 1, 1))
    basis = services.set_status(basis, "approved", user=editor)
    new = services.copy_structure(basis, name="Ny", effective_date=EFFECTIVE, user=editor)
    units = Unit.objects.filter(tree_id=new.pk).order_by("lft")
    units.filter(pk__in=list(units.values_list("pk", flat=True))[1::3]).update(
        name=Concat(F("name"), Value(" (ny)")))
    return approve(editor, new)


def test_plan_and_its_page_run_the_same_queries_at_two_sizes(editor, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client.force_login(editor)
    counts = []
    for size in (10, 80):
        structure = _bulk_pair(editor, size)
        with CaptureQueriesContext(connection) as plan_queries:
            plan = plans.plan(structure, version=29)
        assert len(_items(plan, UPDATE)) == len(range(1, size, 3))
        with CaptureQueriesContext(connection) as page_queries:
            assert client.get(reverse("os2mo:structure-plan", args=[structure.pk])).status_code \
                == 200
        counts.append((len(plan_queries), len(page_queries)))
    assert counts[0] == counts[1]
    assert counts[0][0] <= 8
