"""The Django admin shows domain models read-only: a superuser's POST changes nothing, not by
the change form, the add form, the delete page or simple-history's revert form. Reference data
(unit types) stays editable."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from med import services as med_services
from tests import factories
from timeline import services as timeline_services
from units import services
from units.models import Organisation, Structure, Succession, Unit, UnitType

D = datetime.date


@pytest.fixture
def staff(db):
    return factories.make_user("admin", superuser=True)


def state(structure: Structure) -> tuple:
    structure.refresh_from_db()
    units = list(Unit.objects.filter(tree_id=structure.pk).order_by("pk")
                 .values_list("pk", "name", "parent_id", "headcount"))
    return (structure.name, structure.status, structure.description, structure.effective_date,
            units, Structure.history.count(), Unit.history.count(), Structure.objects.count())


def test_a_superusers_post_to_change_a_published_structure_changes_nothing(client, staff,
                                                                           small):
    structure, units = small
    services.update_structure(structure, description="Før", user=staff)
    before = state(structure)
    client.force_login(staff)
    change = reverse("admin:units_structure_change", args=[structure.pk])
    assert client.get(change).status_code == 200  # it can be looked at
    form = {"organisation": structure.organisation_id, "name": "Ændret i admin",
            "status": "draft", "effective_date": "2030-01-01", "description": "Efter"}
    assert client.post(change, form).status_code == 403
    version = structure.history.order_by("history_id").first()
    revert = reverse("admin:units_structure_simple_history",
                     args=[structure.pk, version.history_id])
    assert client.post(revert, form).status_code == 403
    assert client.post(reverse("admin:units_structure_delete", args=[structure.pk]),
                       {"post": "yes"}).status_code == 403
    assert client.post(reverse("admin:units_structure_add"), form).status_code == 403
    unit = units["A"]
    assert client.post(reverse("admin:units_unit_change", args=[unit.pk]), {
        "name": "Ændret", "structure": structure.pk, "code": "A"}).status_code == 403
    assert state(structure) == before


@pytest.mark.parametrize("model", [Organisation, Structure, Unit, Succession])
def test_units_domain_models_are_read_only(rf, staff, model):
    request = rf.get("/admin/")
    request.user = staff
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_med_and_timeline_models_are_read_only(rf, staff):
    from med.models import AgendaItem, Consultation, MedBody, Meeting, Membership
    from timeline.models import Deliverable, Milestone, Workstream

    request = rf.get("/admin/")
    request.user = staff
    from comments.models import Comment

    for model in (MedBody, Meeting, Consultation, Milestone, Workstream, Comment):
        model_admin = admin.site._registry[model]
        assert model_admin.has_view_permission(request), model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model
        for inline in model_admin.get_inline_instances(request):
            assert not inline.has_add_permission(request, None), inline
            assert not inline.has_change_permission(request), inline
            assert not inline.has_delete_permission(request), inline
    inlined = {inline.model for model in (MedBody, Meeting, Workstream)
               for inline in admin.site._registry[model].inlines}
    assert inlined == {Membership, AgendaItem, Deliverable}


def test_med_body_and_milestone_posts_change_nothing(client, staff, small):
    structure, _ = small
    body = med_services.create_body(structure, name="HovedMED", level="hoved",
                                    valid_from=D(2024, 1, 1), user=staff)
    milestone = timeline_services.create_milestone(structure.organisation, title="Byrådet",
                                                   date=D(2024, 12, 16), user=staff)
    client.force_login(staff)
    assert client.post(reverse("admin:med_medbody_change", args=[body.pk]),
                       {"name": "Ændret"}).status_code == 403
    assert client.post(reverse("admin:timeline_milestone_change", args=[milestone.pk]),
                       {"title": "Ændret"}).status_code == 403
    body.refresh_from_db()
    milestone.refresh_from_db()
    assert (body.name, milestone.title) == ("HovedMED", "Byrådet")


def test_unit_types_stay_editable(client, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:units_unittype_add"), {"name": "Sektion"})
    assert response.status_code == 302
    assert UnitType.objects.filter(name="Sektion").exists()
