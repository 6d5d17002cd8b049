"""Importing saved OS2mo answers (units/interchange/read_os2mo.py): a municipal tree with
repeated user_keys, the hierarchy and top unit chosen, both validity conventions, roots with
a null parent, terminated and future units, managers and engagements."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tests.os2mo.make_samples import PAY, uid
from tests.os2mo.server import SAMPLES
from units import interchange
from units.interchange import Kind, Os2moOptions
from units.models import Unit

KOMMUNE = (SAMPLES / "kommune.json").read_bytes()
UDEN_VERSION = (SAMPLES / "kommune_uden_version.json").read_bytes()
DAY = datetime.date(2025, 1, 2)


def plan_of(organisation, data=KOMMUNE, *, on_date=DAY, **options):
    return interchange.prepare(data, organisation=organisation, fmt="os2mo", on_date=on_date,
                               create_unit_types=True, os2mo=Os2moOptions(**options))


def names(plan) -> set[str]:
    return {u.fields["name"] for u in plan.units}


def test_municipal_tree_with_repeated_user_keys_imports(editor, organisation):
    plan = plan_of(organisation, hierarchy="Linjeorganisation")
    assert plan.ok, plan.problems
    assert len(plan.units) == 15
    codes = {u.fields["external_id"]: u.fields["code"] for u in plan.units}
    assert len(set(codes.values())) == len(codes)
    assert codes[uid("nord")] == "Nordskolen" and codes[uid("sos/hjp")] == "HJP"
    assert codes[uid("nord/adm")] == "Administration-" + uid("nord/adm").replace("-", "")[:8]
    assert codes[uid("syd/kantine")].startswith("Kantine-")
    note = next(w for w in plan.warnings if "går igen" in w)
    assert "»Administration« (4)" in note and "»Kantine« (3)" in note

    structure = interchange.import_structure(plan, organisation=organisation, name="OS2mo",
                                             effective_date=DAY, user=editor)
    root = Unit.objects.get(tree_id=structure.pk, parent=None)
    assert (root.name, root.external_id, root.org_level) == ("Testkommune", uid("root"), "N1")
    nord = Unit.objects.get(tree_id=structure.pk, external_id=uid("nord"))
    assert (nord.unit_type.name, nord.org_level, nord.headcount) == ("Skole", "N4", 10)
    assert (nord.leader_name, nord.leader_title) == ("Nina Nord", "Leder")
    assert nord.leader_identifier == uid("person/Nina Nord")
    # The vacant manager post of Vestskolen gives no leader.
    vest = Unit.objects.get(tree_id=structure.pk, external_id=uid("vest"))
    assert (vest.leader_name, vest.leader_identifier, vest.headcount) == ("", "", 8)
    assert Unit.objects.get(tree_id=structure.pk, external_id=uid("nord/adm")).parent == nord


def test_same_export_gives_the_same_codes(organisation):
    first = {u.fields["external_id"]: u.fields["code"] for u in plan_of(organisation).units}
    again = {u.fields["external_id"]: u.fields["code"] for u in plan_of(organisation).units}
    assert first == again


def test_both_hierarchies_go_under_a_new_root_with_a_note(organisation):
    plan = plan_of(organisation)
    assert plan.ok and plan.meta["synthetic_root"]
    assert {"Testkommune", "Lønorganisation"} <= names(plan)
    assert any("2 hierarkier" in w and "»Lønorganisation«" in w for w in plan.warnings)
    # Five "Administration"s now: the payroll tree has one too.
    assert "»Administration« (5)" in next(w for w in plan.warnings if "går igen" in w)


@pytest.mark.parametrize("hierarchy", ["Lønorganisation", PAY["uuid"], "lønorganisation"])
def test_choosing_the_payroll_hierarchy(organisation, hierarchy):
    plan = plan_of(organisation, hierarchy=hierarchy)
    assert plan.ok and not plan.meta.get("synthetic_root")
    assert names(plan) == {"Lønorganisation", "Lønsted 100", "Administration"}
    # Unique within what is read: the payroll tree's only Administration keeps its user_key.
    assert {u.fields["code"] for u in plan.units} == {"LØN", "100", "Administration"}


def test_unknown_hierarchy_is_refused_naming_those_there_are(organisation):
    plan = plan_of(organisation, hierarchy="Økonomi")
    assert [p.kind for p in plan.problems] == [Kind.BAD_FILE]
    assert "»Linjeorganisation« og »Lønorganisation«" in plan.problems[0].message


def test_choosing_the_top_unit(organisation):
    plan = plan_of(organisation, top="SKO")
    assert plan.ok
    assert len(plan.units) == 10
    top = next(u for u in plan.units if u.parent_key is None)
    assert top.fields["name"] == "Skoleområdet"
    assert "Testkommune" not in names(plan)
    ambiguous = plan_of(organisation, top="Administration")
    assert "passer på 5 enheder" in ambiguous.problems[0].message
    by_uuid = plan_of(organisation, top=uid("sos"))
    assert names(by_uuid) == {"Social og Sundhed", "Administration", "Hjemmeplejen"}


@pytest.mark.parametrize(("version", "included"), [(28, True), (29, False), (None, False)])
def test_the_boundary_day_by_version(organisation, version, included):
    """`to` 2025-01-01: the last day up to v28, the first day after from v29."""
    plan = plan_of(organisation, UDEN_VERSION, on_date=datetime.date(2025, 1, 1),
                   version=version, hierarchy="Linjeorganisation")
    assert plan.ok
    assert ("Gamle Aktivitetscenter" in names(plan)) is included
    assert plan.meta["graphql_version"] == (version or 29)
    day_before = plan_of(organisation, UDEN_VERSION, on_date=datetime.date(2024, 12, 31),
                         version=version, hierarchy="Linjeorganisation")
    assert "Gamle Aktivitetscenter" in names(day_before)


def test_the_file_version_wins_with_a_note(organisation):
    plan = plan_of(organisation, on_date=datetime.date(2025, 1, 1), version=28,
                   hierarchy="Linjeorganisation")
    assert "Gamle Aktivitetscenter" not in names(plan)
    assert any("GraphQL v29" in w and "v28" in w for w in plan.warnings)


def test_renamed_unit_on_the_day_of_the_change(organisation):
    before = plan_of(organisation, on_date=datetime.date(2025, 3, 31))
    after = plan_of(organisation, on_date=datetime.date(2025, 4, 1))
    assert "Sydskolen" in names(before) and "Syd- og Ungdomsskolen" not in names(before)
    assert "Syd- og Ungdomsskolen" in names(after) and "Sydskolen" not in names(after)
    syd = next(u for u in after.units if u.fields["external_id"] == uid("syd"))
    assert syd.fields["headcount"] == 14


def test_terminated_and_future_units(organisation):
    assert "Sundhedshuset" not in names(plan_of(organisation, on_date=datetime.date(2025, 7, 31)))
    later = plan_of(organisation, on_date=datetime.date(2025, 8, 1))
    assert "Sundhedshuset" in names(later) and "Gamle Aktivitetscenter" not in names(later)
    assert "Gamle Aktivitetscenter" in names(plan_of(organisation,
                                                     on_date=datetime.date(2024, 12, 31)))


def _old_style(version):
    """Before v28 a root's parent is the organisation's uuid, no unit of the answer."""
    return json.dumps({"graphql_version": version, "data": {"org_units": {"objects": [
        {"validities": [{"uuid": "u1", "user_key": "K", "name": "Kommunen",
                         "parent_uuid": "org-uuid", "parent": {"uuid": "org-uuid"},
                         "validity": {"from": "2020-01-01", "to": None}}]},
        {"validities": [{"uuid": "u2", "user_key": "A", "name": "Afdeling",
                         "parent_uuid": "u1", "parent": {"uuid": "u1"},
                         "validity": {"from": "2020-01-01", "to": None}}]},
    ]}}}).encode()


def test_root_with_the_organisation_as_parent_before_v28(organisation):
    old = plan_of(organisation, _old_style(22))
    assert old.ok and [u.fields["name"] for u in old.units if u.parent_key is None] == [
        "Kommunen"]
    new = plan_of(organisation, _old_style(29))
    assert {p.kind for p in new.problems} == {Kind.UNKNOWN_PARENT, Kind.NO_ROOT}


def test_root_with_null_parent(organisation):
    plan = plan_of(organisation, hierarchy="Linjeorganisation")
    roots = [u for u in plan.units if u.parent_key is None]
    assert [u.fields["name"] for u in roots] == ["Testkommune"]


def test_bad_version_in_the_file_is_refused(organisation):
    data = KOMMUNE.replace(b'"graphql_version": 29', b'"graphql_version": "ny"')
    plan = plan_of(organisation, data)
    assert "GraphQL-versionen" in plan.problems[0].message


def test_command_reads_hierarchy_and_version(editor, organisation):
    out = io.StringIO()
    call_command("importstructure", str(SAMPLES / "kommune_uden_version.json"),
                 organisation=organisation.name, name="Fra OS2mo", effective_date="2025-01-01",
                 on_date="2025-01-01", os2mo_version=28, hierarchy="Linjeorganisation",
                 create_unit_types=True, user=editor.username, stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "16 enheder" in text and "går igen i OS2mo" in text
    assert Unit.objects.filter(external_id=uid("sos/gammel")).count() == 1


def test_browser_import_with_os2mo_choices(client, editor, organisation):
    client.force_login(editor)
    response = client.post(reverse("units:structure-import", args=[organisation.pk]), {
        "file": SimpleUploadedFile("mo.json", UDEN_VERSION), "name": "Fra OS2mo",
        "effective_date": "2025-01-01", "on_date": "2025-01-01", "create_unit_types": "1",
        "os2mo_version": "28", "os2mo_hierarchy": "Linjeorganisation", "os2mo_top": "SOS"})
    assert response.status_code == 200, response.content.decode()[:2000]
    preview = response.context["preview"]
    assert preview.ok and preview.unit_count == 4
    assert "Gamle Aktivitetscenter" in response.content.decode()
    assert response.context["pending"].os2mo_options == {
        "version": 28, "hierarchy": "Linjeorganisation", "top": "SOS"}
