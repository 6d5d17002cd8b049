"""Comments and høringssvar are written through the services: who may, what is refused (and
that a refusal changes nothing), history, handling, and the høringssvar as the consultation's
answer."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from comments import services
from comments.models import Comment, Kind
from med import services as med_services
from med.models import Consultation, ConsultationStatus
from tests import factories
from units import services as unit_services

D = datetime.date


def snapshot():
    return (list(Comment.objects.order_by("pk").values()), Comment.history.count(),
            list(Consultation.objects.order_by("pk").values()), Consultation.history.count())


def test_a_med_member_comments_on_a_unit_and_history_says_who(hearing, med_member):
    unit = hearing.units["A"]
    comment = services.add_comment(hearing.structure, text="  Hvem leder A?  ", unit=unit,
                                   user=med_member)
    assert (comment.kind, comment.text, comment.unit, comment.author) == (
        Kind.COMMENT, "Hvem leder A?", unit, med_member)
    (record,) = comment.history.all()
    assert record.history_user == med_member
    assert "Afdeling A" in record.history_change_reason


@pytest.mark.parametrize("who", ["editor", "reader", "manager"])
def test_only_those_who_see_the_consultation_as_med_or_manager_may_comment(hearing, request, who):
    before = snapshot()
    with pytest.raises(ValidationError, match="i høring"):
        services.add_comment(hearing.structure, text="Hej", user=request.getfixturevalue(who))
    assert snapshot() == before


@pytest.mark.parametrize("status", ["draft", "published"])
def test_no_comment_outside_consultation(small, editor, med_member, status):
    structure, units = small
    if status == "draft":
        structure = unit_services.copy_structure(structure, name="Udkast", user=editor,
                                                 effective_date=D(2027, 1, 1))
    before = snapshot()
    with pytest.raises(ValidationError):
        services.add_comment(structure, text="Hej", user=med_member)
    assert snapshot() == before


def test_empty_text_and_a_unit_of_another_structure_are_refused(hearing, small, med_member):
    before = snapshot()
    with pytest.raises(ValidationError, match="Skriv din kommentar"):
        services.add_comment(hearing.structure, text="   ", user=med_member)
    with pytest.raises(ValidationError, match="hører ikke til"):
        services.add_comment(hearing.structure, text="Hej", unit=small[1]["A"], user=med_member)
    assert snapshot() == before


def test_a_member_gives_the_bodys_answer_and_it_becomes_the_consultations(hearing, med_member,
                                                                          today):
    answer = services.submit_answer(hearing.consultation, text="HovedMED bakker op.",
                                    user=med_member)
    assert (answer.kind, answer.body, answer.membership, answer.author_name) == (
        Kind.ANSWER, hearing.body, hearing.membership, "Birgitte Holm")
    c = Consultation.objects.select_related("answer").get(pk=hearing.consultation.pk)
    assert c.answer == answer
    assert (c.answer_text, c.answered_by, c.responded_on, c.response) == (
        "HovedMED bakker op.", "Birgitte Holm", today, "")
    assert c.answered_at == answer.created_at
    assert c.status_on(today) == ConsultationStatus.ANSWERED
    newest = c.history.first()
    assert newest.history_user == med_member
    assert "afgivet af Birgitte Holm" in newest.history_change_reason


def test_only_a_member_of_the_body_may_answer_for_it(hearing, med_member, second_med):
    before = snapshot()
    with pytest.raises(ValidationError, match="Kun et medlem af »LokalMED A«"):
        services.submit_answer(hearing.other_consultation, text="Svar", user=med_member)
    with pytest.raises(ValidationError, match="Kun et medlem af »HovedMED«"):
        services.submit_answer(hearing.consultation, text="Svar", user=second_med)
    assert snapshot() == before


def test_a_membership_that_has_ended_signs_nothing(hearing, med_member, editor):
    med_services.end_membership(hearing.membership, on=D(2026, 11, 1), user=editor)
    before = snapshot()
    with pytest.raises(ValidationError, match="Kun et medlem"):
        services.submit_answer(hearing.consultation, text="Svar", user=med_member)
    assert snapshot() == before


def test_one_answer_per_consultation_and_none_over_a_recorded_one(hearing, med_member, editor,
                                                                   today):
    services.submit_answer(hearing.consultation, text="Første", user=med_member)
    before = snapshot()
    with pytest.raises(ValidationError, match="allerede svaret"):
        services.submit_answer(hearing.consultation, text="Andet", user=med_member)
    with pytest.raises(ValidationError, match="kan ikke rettes her"):
        med_services.record_response(hearing.consultation, response="Overskrevet",
                                     responded_on=today, user=editor)
    assert snapshot() == before


def test_a_response_recorded_by_an_editor_stays_the_answer(hearing, med_member, editor, today):
    med_services.record_response(hearing.consultation, response="Svar pr. brev",
                                 responded_on=today, user=editor)
    before = snapshot()
    with pytest.raises(ValidationError, match="allerede svaret"):
        services.submit_answer(hearing.consultation, text="Også", user=med_member)
    assert snapshot() == before
    c = Consultation.objects.get(pk=hearing.consultation.pk)
    assert (c.answer_text, c.answered_by, c.answered_at) == ("Svar pr. brev", "", None)


def test_a_council_answers_outside_orgreg(hearing, med_member, editor):
    council = med_services.create_consultation(hearing.structure, council="Ældrerådet",
                                               sent_on=D(2026, 11, 2), deadline=D(2026, 11, 20),
                                               user=editor)
    before = snapshot()
    with pytest.raises(ValidationError, match="Ældrerådet svarer uden for orgreg"):
        services.submit_answer(council, text="Svar", user=med_member)
    assert snapshot() == before


def test_an_editor_handles_a_comment_with_a_reply_and_history_keeps_both(hearing, med_member,
                                                                         editor):
    comment = services.add_comment(hearing.structure, text="Spørgsmål", user=med_member)
    handled = services.handle_comment(comment, reply="Svaret er ja.", user=editor)
    assert (handled.reply, handled.handled_by, handled.is_handled) == ("Svaret er ja.", editor,
                                                                       True)
    again = services.handle_comment(handled, reply="Svaret er nej.", user=editor)
    records = list(again.history.order_by("history_id"))
    assert [r.reply for r in records] == ["", "Svaret er ja.", "Svaret er nej."]
    assert [r.history_user for r in records] == [med_member, editor, editor]
    assert records[2].history_change_reason.startswith("Svar rettet")


def test_handling_is_for_editors_and_needs_a_reply(hearing, med_member, editor):
    comment = services.add_comment(hearing.structure, text="Spørgsmål", user=med_member)
    before = snapshot()
    with pytest.raises(ValidationError, match="Kun redaktører"):
        services.handle_comment(comment, reply="Ja", user=med_member)
    with pytest.raises(ValidationError, match="Skriv et svar"):
        services.handle_comment(comment, reply=" ", user=editor)
    assert snapshot() == before


def test_a_stale_reply_form_is_refused(hearing, med_member, editor):
    from orgreg.versions import current_version

    comment = services.add_comment(hearing.structure, text="Spørgsmål", user=med_member)
    version = current_version(comment)
    services.handle_comment(comment, reply="Ja", user=editor)
    before = snapshot()
    with pytest.raises(ValidationError, match="ændret, siden"):
        services.handle_comment(comment, reply="Nej", user=factories.make_editor(),
                                expected_version=version)
    assert snapshot() == before
