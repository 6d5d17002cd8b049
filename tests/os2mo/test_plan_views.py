"""The plan page and its push button: editors see the plan before anyone pushes; nobody else
sees it exists."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from os2mo import plan as plans
from os2mo import services as os2mo_services
from os2mo.models import Push, PushRecord
from tests.os2mo import push_server
from tests.os2mo.builders import approve, basis_from_os2mo, fresh, new_structure
from units import services


@pytest.fixture
def structure(editor):
    basis, _ = basis_from_os2mo(editor)
    draft, u = new_structure(editor, basis)
    services.update_unit(u["BIB"], name="Biblioteker <b>", user=editor)
    services.close_unit(fresh(u["TEK"]), user=editor)
    return approve(editor, draft)


def test_an_editor_sees_the_plan_and_the_pushes(client, editor, structure):
    run = os2mo_services.start_push(structure, user=editor, version=29)
    os2mo_services.record(run, key="org_unit_update:x", mutation="org_unit_update", input={},
                          sentence="En sendt ændring.", state=PushRecord.State.SENT,
                          response_uuid="abc")
    os2mo_services.finish_push(run, outcome="done", sent=1, skipped=0)
    client.force_login(editor)
    response = client.get(reverse("os2mo:structure-plan", args=[structure.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ret »Bibliotek« fra 1. januar 2027: omdøbes til »Biblioteker &lt;b&gt;«" in page
    assert "Afslut »Teknik og Miljø« i OS2mo fra 1. januar 2027" in page
    assert "Ændringer (2, heraf 2 ikke sendt)" in page
    assert "En sendt ændring." in page and editor.get_username() in page
    assert "Biblioteker <b>" not in page  # the unit's name is escaped
    download = client.get(reverse("os2mo:structure-plan-json", args=[structure.pk]))
    doc = json.loads(download.content)
    assert [m["mutation"] for m in doc["mutations"]] == ["org_unit_update", "org_unit_terminate"]
    # The structure page links to the plan.
    chart = client.get(structure.get_absolute_url()).content.decode()
    assert reverse("os2mo:structure-plan", args=[structure.pk]) in chart


@pytest.mark.parametrize("role", ["reader", "manager", "med_member"])
def test_nobody_but_an_editor_sees_the_plan(client, request, structure, role):
    user = request.getfixturevalue(role)
    client.force_login(user)
    for name in ("os2mo:structure-plan", "os2mo:structure-plan-json"):
        assert client.get(reverse(name, args=[structure.pk])).status_code == 404
    # Not even the link on the structure page (a published one they may see).
    services.set_status(structure, "published", user=None)
    chart = client.get(structure.get_absolute_url())
    assert reverse("os2mo:structure-plan", args=[structure.pk]) not in chart.content.decode()


def test_anonymous_goes_to_login(client, structure):
    response = client.get(reverse("os2mo:structure-plan", args=[structure.pk]))
    assert response.status_code == 302 and "login" in response["Location"]


def test_a_structure_not_from_os2mo_is_refused_in_danish(client, editor):
    basis, _ = basis_from_os2mo(editor, with_uuids=False)
    draft, _ = new_structure(editor, basis)
    structure = approve(editor, draft)
    client.force_login(editor)
    page = client.get(reverse("os2mo:structure-plan", args=[structure.pk])).content.decode()
    assert "bygger ikke på en organisering fra OS2mo" in page
    assert client.get(reverse("os2mo:structure-plan-json", args=[structure.pk])).status_code == 404


# --- the push button ---------------------------------------------------------------------------

os2mo = push_server.os2mo


def _plan_page(client, structure):
    return client.get(reverse("os2mo:structure-plan", args=[structure.pk])).content.decode()


def test_the_button_sends_the_plan_the_editor_confirmed(client, editor, structure, os2mo):
    client.force_login(editor)
    page = _plan_page(client, structure)
    assert "Send til OS2mo" in page
    digest = plans.plan(structure, version=29).digest
    send = reverse("os2mo:structure-push", args=[structure.pk])
    # Not confirmed, or a plan other than the one shown: nothing is sent.
    response = client.post(send, {"digest": digest}, follow=True)
    assert "Sæt kryds" in response.content.decode()
    response = client.post(send, {"digest": "gammel", "confirm": "yes"}, follow=True)
    assert "Planen er ændret" in response.content.decode()
    assert os2mo.mutations == [] and not Push.objects.exists()
    # Confirmed: a job sends it (at once: tasks are eager in the tests) as the editor.
    response = client.post(send, {"digest": digest, "confirm": "yes"})
    assert response.status_code == 302 and "/jobs/" in response["Location"]
    assert [m["name"] for m in os2mo.mutations] == ["org_unit_update", "org_unit_terminate"]
    run = Push.objects.get(structure=structure)
    assert run.user == editor and run.outcome == "done"
    # Everything sent: no button, and the log says who sent what.
    page = _plan_page(client, structure)
    assert "Send til OS2mo" not in page and "heraf 0 ikke sendt" in page


def test_a_refusal_through_the_button_is_told_on_the_job_page(client, editor, structure, os2mo):
    os2mo.refuse(mutation="org_unit_terminate", message="ErrorCodes.E_ORG_UNIT_HAS_CHILDREN")
    client.force_login(editor)
    digest = plans.plan(structure, version=29).digest
    response = client.post(reverse("os2mo:structure-push", args=[structure.pk]),
                           {"digest": digest, "confirm": "yes"}, follow=True)
    page = response.content.decode()
    assert "ErrorCodes.E_ORG_UNIT_HAS_CHILDREN" in page and "Sendt til OS2mo: 1 af 2" in page


def test_no_button_without_os2mo_set_up(client, editor, structure, settings):
    settings.OS2MO_URL = ""
    client.force_login(editor)
    assert "Send til OS2mo" not in _plan_page(client, structure)
    digest = plans.plan(structure, version=29).digest
    response = client.post(reverse("os2mo:structure-push", args=[structure.pk]),
                           {"digest": digest, "confirm": "yes"}, follow=True)
    assert "OS2mo er ikke sat op" in response.content.decode()
    assert not Push.objects.exists()


@pytest.mark.parametrize("role", ["reader", "manager", "med_member"])
def test_nobody_but_an_editor_can_press_it(client, request, structure, role, os2mo):
    client.force_login(request.getfixturevalue(role))
    digest = plans.plan(structure, version=29).digest
    response = client.post(reverse("os2mo:structure-push", args=[structure.pk]),
                           {"digest": digest, "confirm": "yes"})
    assert response.status_code == 404
    assert os2mo.mutations == [] and not Push.objects.exists()
