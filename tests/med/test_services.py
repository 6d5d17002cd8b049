import datetime

import pytest
from django.utils import timezone

from med import services
from med.models import AgendaItem, Consultation, ConsultationStatus, MedBody, Membership
from tests import factories
from units import services as unit_services

D = datetime.date


def at(*args):
    return timezone.make_aware(datetime.datetime(*args))


# --- bodies -----------------------------------------------------------------------------


def test_create_body_covers_units_and_records_history(small, editor):
    structure, units = small
    body = services.create_body(structure, name="  HovedMED ", level="hoved",
                                valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor,
                                reason="Aftalt i HovedMED")
    assert body.name == "HovedMED"
    assert body.organisation_id == structure.organisation_id
    assert list(body.units.all()) == [units["ROOT"]]
    records = list(body.history.order_by("history_date"))
    assert records and all(r.history_user == editor for r in records)
    assert all(r.history_change_reason == "Aftalt i HovedMED" for r in records)
    # The covered units are part of history too.
    assert [u.unit_id for u in records[-1].units.all()] == [units["ROOT"].pk]


def test_create_body_generates_a_danish_reason(small, editor):
    structure, _ = small
    body = services.create_body(structure, name="OvergangsMED", level="hoved",
                                valid_from=D(2025, 1, 1), user=editor)
    assert body.history.first().history_change_reason == (
        "MED-udvalget »OvergangsMED« oprettet (fra 1. januar 2025)."
    )


def test_create_body_refuses_units_of_another_structure(small, editor, unchanged):
    structure, units = small
    other, other_units = factories.make_structure(editor, {"X": "Fremmed enhed"})
    with unchanged(match="hører ikke til organiseringen"):
        services.create_body(structure, name="LokalMED", level="lokal", valid_from=D(2024, 1, 1),
                             units=[units["A"], other_units["X"]], user=editor)


@pytest.mark.parametrize("kwargs, message", [
    ({"name": "  "}, "skal have et navn"),
    ({"level": "kommune"}, "Ukendt niveau"),
    ({"valid_to": D(2023, 12, 31)}, "kan ikke slutte"),
    ({"valid_from": None}, "gælder fra"),
])
def test_create_body_refusals(small, editor, unchanged, kwargs, message):
    structure, _ = small
    args = {"name": "LokalMED", "level": "lokal", "valid_from": D(2024, 1, 1), **kwargs}
    with unchanged(match=message):
        services.create_body(structure, user=editor, **args)


def test_create_body_refuses_parent_of_another_organisation(small, editor, unchanged):
    structure, _ = small
    other, _ = factories.make_structure(editor)
    foreign = services.create_body(other, name="Fremmed", level="hoved",
                                   valid_from=D(2024, 1, 1), user=editor)
    with unchanged(match="anden organisation"):
        services.create_body(structure, name="LokalMED", level="lokal", parent=foreign,
                             valid_from=D(2024, 1, 1), user=editor)


def test_create_body_refuses_a_duplicate(bodies, small, editor, unchanged):
    structure, _ = small
    with unchanged(match="findes allerede"):
        services.create_body(structure, name="hovedmed", level="hoved",
                             valid_from=D(2024, 1, 1), user=editor)


def test_set_body_units_replaces_and_refuses_foreign_units(bodies, small, editor, unchanged):
    structure, units = small
    body = bodies["A"]
    services.set_body_units(body, [units["A1"], units["C"]], user=editor)
    assert set(body.units.all()) == {units["A1"], units["C"]}
    assert "dækker nu også" in body.history.first().history_change_reason
    draft = unit_services.copy_structure(structure, name="Udkast", effective_date=D(2025, 1, 1),
                                         user=editor)
    draft_unit = draft.units.get(code="B")
    with unchanged(match="hører ikke til organiseringen"):
        services.set_body_units(body, [units["A"], draft_unit], user=editor)


def test_update_body_refuses_a_cycle(bodies, editor, unchanged):
    with unchanged(match="under sig selv"):
        services.update_body(bodies["hoved"], parent=bodies["A"], user=editor)
    with unchanged(match="under sig selv"):
        services.update_body(bodies["A"], parent=bodies["A"], user=editor)


def test_update_body_changes_fields_with_reason(bodies, editor):
    body = services.update_body(bodies["A"], name="LokalMED Afdeling A",
                                valid_to=D(2024, 12, 31), user=editor)
    assert body.name == "LokalMED Afdeling A"
    assert body.valid_to == D(2024, 12, 31)
    assert "navn" in body.history.first().history_change_reason


def test_update_body_refuses_a_period_that_drops_members(bodies, editor, unchanged):
    services.add_membership(bodies["A"], person_name="Karen Lind", side="ledelse", role="formand",
                            valid_from=D(2024, 1, 1), user=editor)
    with unchanged(match="uden for den nye periode"):
        services.update_body(bodies["A"], valid_to=D(2024, 6, 30), user=editor)


# --- memberships ------------------------------------------------------------------------


def test_chair_and_vice_chair(bodies, editor, med_member):
    body = bodies["hoved"]
    chair = services.add_membership(body, person_name="Karen Lind", side="ledelse",
                                    role="formand", valid_from=D(2024, 1, 1), user=editor)
    vice = services.add_membership(body, person_name="Jens Holm", side="medarbejder",
                                   role="naestformand", union="FOA", valid_from=D(2024, 1, 1),
                                   person_user=med_member, user=editor)
    assert chair.role == "formand" and vice.user == med_member
    assert Membership.objects.filter(body=body).count() == 2
    assert "som næstformand (medarbejdersiden)" in vice.history.first().history_change_reason


def test_chair_must_come_from_management(bodies, editor, unchanged):
    with unchanged(match="Formanden kommer fra ledelsessiden"):
        services.add_membership(bodies["hoved"], person_name="Jens Holm", side="medarbejder",
                                role="formand", valid_from=D(2024, 1, 1), user=editor)


def test_vice_chair_must_come_from_employees(bodies, editor, unchanged):
    with unchanged(match="Næstformanden kommer fra medarbejdersiden"):
        services.add_membership(bodies["hoved"], person_name="Karen Lind", side="ledelse",
                                role="naestformand", valid_from=D(2024, 1, 1), user=editor)


def test_one_chair_at_a_time(bodies, editor, unchanged):
    body = bodies["hoved"]
    first = services.add_membership(body, person_name="Karen Lind", side="ledelse",
                                    role="formand", valid_from=D(2024, 1, 1), user=editor)
    with unchanged(match="allerede formand"):
        services.add_membership(body, person_name="Ole Dam", side="ledelse", role="formand",
                                valid_from=D(2024, 6, 1), user=editor)
    # After the first chair leaves, a new one may take over the next day.
    services.end_membership(first, on=D(2024, 5, 31), user=editor)
    second = services.add_membership(body, person_name="Ole Dam", side="ledelse",
                                     role="formand", valid_from=D(2024, 6, 1), user=editor)
    assert second.pk
    first.refresh_from_db()
    assert first.valid_to == D(2024, 5, 31)
    assert "udtrådt" in first.history.first().history_change_reason
    # Moving the first chair's end past the second's start would overlap again.
    with unchanged(match="allerede formand"):
        services.update_membership(first, valid_to=D(2024, 6, 15), user=editor)


def test_one_vice_chair_at_a_time(bodies, editor, unchanged):
    body = bodies["hoved"]
    services.add_membership(body, person_name="Jens Holm", side="medarbejder",
                            role="naestformand", valid_from=D(2024, 1, 1),
                            valid_to=D(2024, 12, 31), user=editor)
    with unchanged(match="allerede næstformand"):
        services.add_membership(body, person_name="Sara Bech", side="medarbejder",
                                role="naestformand", valid_from=D(2024, 12, 31), user=editor)


@pytest.mark.parametrize("kwargs, message", [
    ({"person_name": ""}, "medlemmets navn"),
    ({"side": "midten"}, "ledelsessiden eller medarbejdersiden"),
    ({"role": "konge"}, "Ukendt rolle"),
    ({"valid_to": D(2023, 1, 1)}, "kan ikke slutte"),
    ({"valid_from": D(2023, 6, 1)}, "inden for udvalgets periode"),
])
def test_membership_refusals(bodies, editor, unchanged, kwargs, message):
    args = {"person_name": "Karen Lind", "side": "ledelse", "role": "medlem",
            "valid_from": D(2024, 1, 1), **kwargs}
    with unchanged(match=message):
        services.add_membership(bodies["A"], user=editor, **args)


def test_membership_must_end_within_an_ending_body(bodies, editor, unchanged):
    body = services.update_body(bodies["A"], valid_to=D(2024, 12, 31), user=editor)
    with unchanged(match="inden for udvalgets periode"):
        services.add_membership(body, person_name="Karen Lind", side="ledelse",
                                valid_from=D(2024, 1, 1), user=editor)


# --- meetings and agendas ---------------------------------------------------------------


def test_meeting_within_the_body_period(bodies, editor, unchanged):
    body = services.update_body(bodies["hoved"], valid_to=D(2024, 12, 31), user=editor)
    meeting = services.create_meeting(body, starts_at=at(2024, 11, 13, 13), place="Rådhuset",
                                      user=editor)
    assert meeting.pk and "13. november 2024" in meeting.history.first().history_change_reason
    with unchanged(match="findes ikke den 15. januar 2025"):
        services.create_meeting(body, starts_at=at(2025, 1, 15, 13), user=editor)
    with unchanged(match="findes ikke"):
        services.update_meeting(meeting, starts_at=at(2023, 1, 15, 13), user=editor)


def test_agenda_items_are_numbered_and_pinned_when_sent(bodies, small, editor):
    structure, _ = small
    meeting = services.create_meeting(bodies["hoved"], starts_at=at(2024, 11, 13, 13),
                                      user=editor)
    first = services.add_agenda_item(meeting, title="Godkendelse af dagsorden",
                                     treatment="orientering", user=editor)
    second = services.add_agenda_item(meeting, title="Underorganisering af driftscentre",
                                      treatment="droeftelse", structure=structure, user=editor)
    assert (first.number, second.number) == (1, 2)
    assert second.structure_at is None
    # The structure's history starts when the test made it, so the agenda is sent after that.
    sent = timezone.now()
    services.send_agenda(meeting, at=sent, user=editor)
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.structure_at == sent
    assert first.structure_at is None
    # An item added after sending is pinned to the same moment.
    third = services.add_agenda_item(meeting, title="Høring", treatment="medbestemmelse",
                                     structure=structure, user=editor)
    assert third.structure_at == sent
    services.update_agenda_item(third, minutes="HovedMED tiltræder.", user=editor)
    third.refresh_from_db()
    assert third.minutes == "HovedMED tiltræder."


def test_agenda_item_refusals(bodies, small, editor, unchanged):
    meeting = services.create_meeting(bodies["hoved"], starts_at=at(2024, 11, 13, 13),
                                      user=editor)
    item = services.add_agenda_item(meeting, title="Status", treatment="orientering",
                                    user=editor)
    other, _ = factories.make_structure(editor)
    with unchanged(match="overskrift"):
        services.add_agenda_item(meeting, title=" ", treatment="orientering", user=editor)
    with unchanged(match="behandlingsform"):
        services.add_agenda_item(meeting, title="X", treatment="afstemning", user=editor)
    with unchanged(match="anden organisation"):
        services.add_agenda_item(meeting, title="X", treatment="droeftelse", structure=other,
                                 user=editor)
    with unchanged(match="allerede et punkt 1"):
        services.add_agenda_item(meeting, title="X", treatment="droeftelse", number=1,
                                 user=editor)
    services.update_agenda_item(item, minutes="Taget til efterretning.", user=editor)
    with unchanged(match="har et referat"):
        services.remove_agenda_item(item, user=editor)


def test_remove_agenda_item(bodies, editor):
    meeting = services.create_meeting(bodies["hoved"], starts_at=at(2024, 11, 13, 13),
                                      user=editor)
    item = services.add_agenda_item(meeting, title="Status", treatment="orientering",
                                    user=editor)
    services.remove_agenda_item(item, user=editor)
    assert not AgendaItem.objects.filter(pk=item.pk).exists()
    assert AgendaItem.history.filter(id=item.pk, history_type="-").get().history_user == editor


def test_send_agenda_refusals(bodies, small, editor, unchanged):
    meeting = services.create_meeting(bodies["hoved"], starts_at=at(2024, 11, 13, 13),
                                      user=editor)
    with unchanged(match="tom"):
        services.send_agenda(meeting, user=editor)
    services.add_agenda_item(meeting, title="Status", treatment="orientering", user=editor)
    with unchanged(match="fremtiden"):
        services.send_agenda(meeting, at=timezone.now() + datetime.timedelta(days=1), user=editor)
    structure, _ = small
    services.add_agenda_item(meeting, title="Organisering", treatment="droeftelse",
                             structure=structure, user=editor)
    with unchanged(match="fandtes ikke endnu"):
        services.send_agenda(meeting, at=structure.created_at - datetime.timedelta(days=1),
                             user=editor)


# --- consultations ----------------------------------------------------------------------


def test_consultation_lifecycle(bodies, small, editor):
    structure, _ = small
    c = services.create_consultation(structure, council="Ældrerådet", sent_on=D(2024, 8, 14),
                                     deadline=D(2024, 11, 16), user=editor)
    assert c.status_on(D(2024, 11, 16)) == ConsultationStatus.SENT
    assert c.status_on(D(2024, 11, 17)) == ConsultationStatus.OVERDUE
    assert "Ældrerådet" in c.history.first().history_change_reason
    c = services.record_response(c, response="Ældrerådet bakker op.", responded_on=D(2024, 11, 18),
                                 user=editor)
    assert c.status_on(D(2024, 11, 20)) == ConsultationStatus.ANSWERED
    assert c.answered_late
    assert "(efter fristen)" in c.history.first().history_change_reason
    body_c = services.create_consultation(structure, body=bodies["hoved"],
                                          sent_on=D(2024, 8, 14), deadline=D(2024, 11, 16),
                                          user=editor)
    assert body_c.consulted == "HovedMED"


@pytest.mark.parametrize("kwargs, message", [
    ({}, "Angiv hvilket MED-udvalg eller råd"),
    ({"council": "Handicaprådet", "body": "hoved"}, "ikke begge"),
    ({"council": "Handicaprådet", "deadline": D(2024, 8, 1)}, "ligger før høringen"),
    ({"body": "ended"}, "findes ikke den 14. august 2024"),
])
def test_consultation_refusals(bodies, small, editor, unchanged, kwargs, message):
    structure, _ = small
    if kwargs.get("body") == "hoved":
        kwargs["body"] = bodies["hoved"]
    elif kwargs.get("body") == "ended":
        kwargs["body"] = services.update_body(bodies["A"], valid_to=D(2024, 6, 30), user=editor)
    args = {"sent_on": D(2024, 8, 14), "deadline": D(2024, 11, 16), **kwargs}
    with unchanged(match=message):
        services.create_consultation(structure, user=editor, **args)


def test_consultation_refuses_body_of_another_organisation(small, editor, unchanged):
    structure, _ = small
    other, _ = factories.make_structure(editor)
    foreign = services.create_body(other, name="Fremmed", level="hoved",
                                   valid_from=D(2024, 1, 1), user=editor)
    with unchanged(match="anden organisation"):
        services.create_consultation(structure, body=foreign, sent_on=D(2024, 8, 14),
                                     deadline=D(2024, 11, 16), user=editor)


def test_response_refusals(small, editor, unchanged):
    structure, _ = small
    c = services.create_consultation(structure, council="Handicaprådet", sent_on=D(2024, 8, 14),
                                     deadline=D(2024, 11, 16), user=editor)
    with unchanged(match="Skriv høringssvaret"):
        services.record_response(c, response="  ", responded_on=D(2024, 9, 1), user=editor)
    with unchanged(match="før høringen blev sendt"):
        services.record_response(c, response="Svar", responded_on=D(2024, 8, 1), user=editor)
    with unchanged(match="fremtiden"):
        services.record_response(c, response="Svar",
                                 responded_on=timezone.localdate() + datetime.timedelta(days=2),
                                 user=editor)
    c = services.update_consultation(c, deadline=D(2024, 11, 20), user=editor)
    assert Consultation.objects.get(pk=c.pk).deadline == D(2024, 11, 20)
    with unchanged(match="ligger før"):
        services.update_consultation(c, deadline=D(2024, 8, 1), user=editor)


def test_unknown_fields_are_a_programming_error(bodies, editor):
    with pytest.raises(TypeError):
        services.update_body(bodies["A"], structure=None, user=editor)
    assert MedBody.objects.count() == 3
