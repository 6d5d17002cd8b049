"""orgreg.dates: one range of dates (1900-01-01 … 2200-12-31) that every form, import,
service and ?at= asks; a date outside it is refused in Danish and changes nothing."""

from __future__ import annotations

import contextlib
import datetime
import inspect
import json

import pytest
from django import forms as django_forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from med import forms as med_forms
from med import services as med_services
from med.models import Consultation, Meeting, Membership
from orgreg import forms as orgreg_forms
from orgreg.dates import OUT_OF_RANGE, check_date, check_dates, day_after, in_range, local_date
from orgreg.moments import parse_moment
from timeline import forms as timeline_forms
from timeline import services as timeline_services
from units import forms as unit_forms
from units import interchange
from units import services as unit_services
from units.interchange import forms as import_forms

D = datetime.date
TOO_EARLY = D(1899, 12, 31)
TOO_LATE = D(2201, 1, 1)

pytestmark = pytest.mark.django_db


# --- the rule -------------------------------------------------------------------------


def test_the_range_and_its_edges():
    assert in_range(D(1900, 1, 1)) and in_range(D(2200, 12, 31)) and in_range(None)
    assert not in_range(TOO_EARLY) and not in_range(TOO_LATE)
    assert not in_range(datetime.datetime(9999, 12, 31, 12, 0))
    with pytest.raises(ValidationError) as raised:
        check_date(D(9999, 12, 31), "date")
    assert raised.value.message_dict == {"date": [OUT_OF_RANGE]}
    with pytest.raises(ValidationError) as raised:
        check_dates(start=D(2025, 1, 1), end=D(1, 1, 1))
    assert raised.value.message_dict == {"end": [OUT_OF_RANGE]}
    check_dates(start=D(1900, 1, 1), end=D(2200, 12, 31))


def test_arithmetic_at_the_ends_of_the_calendar():
    assert day_after(D(2024, 12, 31)) == D(2025, 1, 1)
    assert day_after(datetime.date.max) == datetime.date.max
    last = datetime.datetime(9999, 12, 31, 23, 30, tzinfo=datetime.UTC)
    assert local_date(last) == D(9999, 12, 31)
    assert local_date(datetime.datetime(2024, 12, 31, 23, 30, tzinfo=datetime.UTC)) == D(
        2025, 1, 1)  # Copenhagen is an hour ahead


def test_the_moment_parser_refuses_moments_outside_the_range():
    for raw in ("0001-01-01", "9999-12-31", "2201-01-01T00:00", "1899-12-31T23:59"):
        with pytest.raises(ValidationError) as raised:
            parse_moment(raw)
        assert raised.value.messages == [OUT_OF_RANGE]
    assert parse_moment("2200-12-31").date() == D(2200, 12, 31)


def test_history_page_answers_400_for_a_moment_out_of_range(client, editor, small):
    structure, _ = small
    client.force_login(editor)
    url = reverse("units:structure-history", args=[structure.pk])
    response = client.get(url, {"at": "9999-12-31"})
    assert response.status_code == 400
    assert OUT_OF_RANGE in response.content.decode()
    assert client.get(url, {"at": "2199-01-01"}).status_code == 200


# --- every date field of every form is bounded ------------------------------------------


FORM_MODULES = [unit_forms, med_forms, timeline_forms, import_forms]


def _forms():
    for module in FORM_MODULES:
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, django_forms.BaseForm) and cls.__module__ == module.__name__:
                yield cls


def test_every_date_field_of_every_form_is_the_bounded_one():
    seen = 0
    for cls in _forms():
        for name, field in cls.base_fields.items():
            if isinstance(field, django_forms.DateTimeField):
                assert isinstance(field, orgreg_forms.DateTimeField), (cls, name)
                seen += 1
            elif isinstance(field, django_forms.DateField):
                assert isinstance(field, orgreg_forms.DateField), (cls, name)
                seen += 1
    assert seen >= 20


@pytest.mark.parametrize("field", [orgreg_forms.DateField(), orgreg_forms.DateTimeField()])
@pytest.mark.parametrize("raw", ["0001-01-01", "9999-12-31", "1899-12-31", "2201-01-01"])
def test_date_fields_refuse_out_of_range_in_danish(field, raw):
    value = raw if isinstance(field, orgreg_forms.DateField) else f"{raw}T12:00"
    with pytest.raises(ValidationError) as raised:
        field.clean(value)
    assert raised.value.messages == [OUT_OF_RANGE]


def test_date_fields_accept_the_edges():
    assert orgreg_forms.DateField().clean("1900-01-01") == D(1900, 1, 1)
    assert orgreg_forms.DateTimeField().clean("2200-12-31T23:59").date() == D(2200, 12, 31)


# --- services refuse, nothing changes ---------------------------------------------------


def db_state() -> dict:
    """Every row of orgreg's own apps and of their history, to show a refusal wrote nothing."""
    state = {}
    for model in apps.get_models():
        if model._meta.app_label in ("units", "med", "timeline"):
            state[model._meta.label] = list(model.objects.order_by("pk").values())
    return state


@contextlib.contextmanager
def refused_unchanged():
    before = db_state()
    with pytest.raises(ValidationError) as raised:
        yield raised
    assert OUT_OF_RANGE in raised.value.messages
    assert db_state() == before


@pytest.fixture
def world(small, editor):
    structure, units = small
    body = med_services.create_body(structure, name="HovedMED", level="hoved",
                                    valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor)
    member = med_services.add_membership(body, person_name="Anna", side="ledelse",
                                         valid_from=D(2024, 1, 1), user=editor)
    meeting = med_services.create_meeting(
        body, starts_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 10)), user=editor)
    med_services.add_agenda_item(meeting, title="Budget", treatment="orientering", user=editor)
    consultation = med_services.create_consultation(structure, body=body, sent_on=D(2024, 2, 1),
                                                    deadline=D(2024, 3, 1), user=editor)
    organisation = structure.organisation
    milestone = timeline_services.create_milestone(organisation, title="Byrådet",
                                                   date=D(2024, 6, 1), user=editor)
    ws = timeline_services.create_workstream(organisation, name="Flytning", user=editor)
    deliverable = timeline_services.create_deliverable(ws, title="Kasser", start=D(2024, 1, 1),
                                                       end=D(2024, 2, 1), user=editor)
    return {"structure": structure, "body": body, "member": member, "meeting": meeting,
            "consultation": consultation, "organisation": organisation,
            "milestone": milestone, "workstream": ws, "deliverable": deliverable}


FAR = datetime.datetime(9999, 12, 31, 12, 0)


def _calls(w, user):
    s, o = w["structure"], w["organisation"]
    return {
        "create_structure": lambda: unit_services.create_structure(
            o, name="Ny", effective_date=TOO_LATE, user=user),
        "create_structure_confidential": lambda: unit_services.create_structure(
            o, name="Ny", effective_date=D(2025, 1, 1), confidential_until=TOO_LATE, user=user),
        "update_structure": lambda: unit_services.update_structure(
            s, confidential_until=D(9999, 12, 31), user=user),
        "copy_structure": lambda: unit_services.copy_structure(
            s, name="Kopi", effective_date=TOO_EARLY, user=user),
        "build_structure": lambda: unit_services.build_structure(
            o, name="Import", effective_date=D(1, 1, 1),
            rows=[unit_services.UnitRow("R", None, {"name": "Rod"})], user=user),
        "create_body": lambda: med_services.create_body(
            s, name="Nyt udvalg", level="lokal", valid_from=TOO_EARLY, user=user),
        "update_body": lambda: med_services.update_body(
            w["body"], valid_to=TOO_LATE, user=user),
        "add_membership": lambda: med_services.add_membership(
            w["body"], person_name="Bo", side="medarbejder", valid_from=D(2024, 1, 1),
            valid_to=TOO_LATE, user=user),
        "update_membership": lambda: med_services.update_membership(
            w["member"], valid_to=D(9999, 12, 31), user=user),
        "end_membership": lambda: med_services.end_membership(
            w["member"], on=TOO_LATE, user=user),
        "create_meeting": lambda: med_services.create_meeting(
            w["body"], starts_at=FAR, user=user),
        "update_meeting": lambda: med_services.update_meeting(
            w["meeting"], starts_at=FAR, user=user),
        "send_agenda": lambda: med_services.send_agenda(
            w["meeting"], at=datetime.datetime(1899, 1, 1, 12, 0), user=user),
        "create_consultation": lambda: med_services.create_consultation(
            s, body=w["body"], sent_on=D(2024, 2, 1), deadline=TOO_LATE, user=user),
        "update_consultation": lambda: med_services.update_consultation(
            w["consultation"], deadline=D(9999, 12, 31), user=user),
        "record_response": lambda: med_services.record_response(
            w["consultation"], response="Ja", responded_on=TOO_LATE, user=user),
        "create_milestone": lambda: timeline_services.create_milestone(
            o, title="Evig", date=D(9999, 12, 31), user=user),
        "create_milestone_end": lambda: timeline_services.create_milestone(
            o, title="Lang", date=D(2024, 1, 1), end_date=TOO_LATE, user=user),
        "reschedule_milestone": lambda: timeline_services.reschedule_milestone(
            w["milestone"], date=TOO_LATE, reason="Udskudt", user=user),
        "edit_milestone": lambda: timeline_services.edit_milestone(
            w["milestone"], date=D(2024, 6, 1), end_date=TOO_LATE, status="planned",
            reason="Længere", title="Ny titel", user=user),
        "create_deliverable": lambda: timeline_services.create_deliverable(
            w["workstream"], title="Evig", start=D(1, 1, 1), end=D(2024, 1, 1), user=user),
        "update_deliverable": lambda: timeline_services.update_deliverable(
            w["deliverable"], end=D(9999, 12, 31), title="Ny", user=user),
    }


SERVICES = ["create_structure", "create_structure_confidential", "update_structure",
            "copy_structure", "build_structure", "create_body", "update_body", "add_membership",
            "update_membership", "end_membership", "create_meeting", "update_meeting",
            "send_agenda", "create_consultation", "update_consultation", "record_response",
            "create_milestone", "create_milestone_end", "reschedule_milestone",
            "edit_milestone", "create_deliverable", "update_deliverable"]


@pytest.mark.parametrize("name", SERVICES)
def test_services_refuse_dates_out_of_range_and_change_nothing(world, editor, name):
    call = _calls(world, editor)[name]
    with refused_unchanged():
        call()


def test_services_accept_the_edges(world, editor):
    unit_services.update_structure(world["structure"], confidential_until=D(2200, 12, 31),
                                   user=editor)
    timeline_services.reschedule_milestone(world["milestone"], date=D(1900, 1, 1),
                                           reason="Historisk", user=editor)
    med_services.update_membership(world["member"], valid_to=D(2200, 12, 31), user=editor)
    assert Membership.objects.get(pk=world["member"].pk).valid_to == D(2200, 12, 31)


# --- pages and imports ------------------------------------------------------------------


def test_forms_show_the_refusal_and_save_nothing(client, editor, world):
    client.force_login(editor)
    o = world["organisation"]
    before = db_state()
    posts = {
        reverse("timeline:milestone-create", args=[o.pk]): {
            "title": "Evig", "date": "9999-12-31", "kind": "other", "status": "planned"},
        reverse("med:meeting-create", args=[world["body"].pk]): {
            "starts_at": "9999-12-31T10:00"},
        reverse("med:consultation-edit", args=[world["consultation"].pk]): {
            "body": world["body"].pk, "sent_on": "2024-02-01", "deadline": "0001-01-01"},
        reverse("units:structure-settings", args=[world["structure"].pk]): {
            "structure-confidential_until": "2201-01-01"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code in (200, 400), url
        assert OUT_OF_RANGE in response.content.decode(), url
    assert db_state() == before
    assert not Meeting.objects.filter(starts_at__year=9999).exists()
    assert Consultation.objects.get().deadline == D(2024, 3, 1)


def test_import_page_refuses_an_effective_date_out_of_range(client, editor, world):
    client.force_login(editor)
    before = db_state()
    upload = django_upload("kode;navn;overordnet kode\nR;Rod;\n")
    response = client.post(reverse("units:structure-import", args=[world["organisation"].pk]),
                           {"file": upload, "name": "Import", "effective_date": "9999-12-31",
                            "format": "", "on_date": ""})
    assert OUT_OF_RANGE in response.content.decode()
    assert db_state() == before


def django_upload(text: str):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("enheder.csv", text.encode(), content_type="text/csv")


def test_os2mo_import_read_on_a_date_out_of_range_is_refused(world):
    data = json.dumps({"data": {"org_units": {"objects": []}}}).encode()
    plan = interchange.prepare(data, organisation=world["organisation"], fmt="os2mo",
                               on_date=D(9999, 12, 31))
    assert not plan.ok
    assert any(OUT_OF_RANGE in str(p) for p in plan.problems)


def test_import_command_refuses_an_effective_date_out_of_range(tmp_path, world):
    path = tmp_path / "enheder.csv"
    path.write_text("kode;navn;overordnet kode\nR;Rod;\n", encoding="utf-8")
    before = db_state()
    with pytest.raises((CommandError, ValidationError)) as raised:
        call_command("importstructure", str(path), organisation=world["organisation"].name,
                     name="Import", effective_date="9999-12-31")
    assert OUT_OF_RANGE in str(raised.value)
    assert db_state() == before


def test_day_before_at_the_start_of_the_calendar():
    from orgreg.dates import day_before

    assert day_before(D(2025, 1, 1)) == D(2024, 12, 31)
    assert day_before(datetime.date.min) == datetime.date.min


def test_next_month_at_the_end_of_the_calendar():
    from orgreg.dates import next_month

    assert next_month(D(2024, 12, 31)) == D(2025, 1, 1)
    assert next_month(D(2025, 1, 31)) == D(2025, 2, 1)
    assert next_month(D(9999, 12, 5)) == datetime.date.max
