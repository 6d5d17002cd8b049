import datetime

import pytest
from django.core.exceptions import ValidationError

from tests import factories
from timeline import services
from timeline.models import (
    Deliverable,
    DeliverableStatus,
    FeedToken,
    Kind,
    Milestone,
    MilestoneStatus,
    Workstream,
)

D = datetime.date


def snapshot(obj):
    obj.refresh_from_db()
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


# --- create ---------------------------------------------------------------------------


def test_create_milestone_records_user_and_reason(editor, organisation):
    m = services.create_milestone(organisation, title="  HMU-møde  ", date=D(2024, 11, 13),
                                  kind=Kind.MED, forum=" HovedMED ", user=editor)
    assert m.title == "HMU-møde" and m.forum == "HovedMED"
    assert m.status == MilestoneStatus.PLANNED
    record = m.history.get()
    assert record.history_user == editor
    assert record.history_change_reason == "Milepælen »HMU-møde« oprettet pr. 13. november 2024."


@pytest.mark.parametrize("kwargs, field, text", [
    ({"title": "  "}, "title", "skal have en titel"),
    ({"date": None}, "date", "Angiv en dato"),
    ({"end_date": D(2024, 11, 1)}, "end_date", "ligger før datoen"),
    ({"kind": "party"}, "kind", "Ukendt type"),
    ({"status": "done", "date": D(2199, 1, 1)}, "status", "kan ikke være gennemført endnu"),
])
def test_create_milestone_refusals_change_nothing(editor, organisation, kwargs, field, text):
    args = {"title": "Møde", "date": D(2024, 11, 13), **kwargs}
    with pytest.raises(ValidationError) as exc:
        services.create_milestone(organisation, user=editor, **args)
    assert text in " ".join(exc.value.message_dict[field])
    assert not Milestone.objects.exists()
    assert not Milestone.history.exists()


def test_create_refuses_structure_or_workstream_of_another_organisation(
        editor, organisation, small, other_organisation):
    structure, _ = small
    foreign_ws = services.create_workstream(other_organisation, name="Andet", user=editor)
    with pytest.raises(ValidationError, match="hører til en anden organisation"):
        services.create_milestone(other_organisation, title="X", date=D(2024, 1, 1),
                                  structure=structure, user=editor)
    with pytest.raises(ValidationError, match="hører til en anden organisation"):
        services.create_milestone(organisation, title="X", date=D(2024, 1, 1),
                                  workstream=foreign_ws, user=editor)
    assert not Milestone.objects.exists()


# --- edit, reschedule, status ---------------------------------------------------------


def test_update_milestone_changes_text_with_reason(editor, plan):
    m = plan["milestones"]["council"]
    services.update_milestone(m, title="Byrådet: 2. behandling", forum="Byrådet",
                              user=editor, reason="Præciseret efter 1. behandling")
    m.refresh_from_db()
    assert m.title == "Byrådet: 2. behandling"
    assert m.history.first().history_change_reason == "Præciseret efter 1. behandling"


def test_update_milestone_does_not_take_dates(editor, plan):
    with pytest.raises(TypeError):
        services.update_milestone(plan["milestones"]["council"], date=D(2025, 1, 1), user=editor)


def test_reschedule_keeps_old_date_in_history(editor, plan):
    m = plan["milestones"]["council"]
    services.reschedule_milestone(m, date=D(2025, 1, 20), reason="Byrådsmødet er flyttet",
                                  user=editor)
    m.refresh_from_db()
    assert m.date == D(2025, 1, 20)
    latest, previous = m.history.all()[:2]
    assert previous.date == D(2024, 12, 16)
    assert latest.history_change_reason == (
        "Flyttet fra 16. december 2024 til 20. januar 2025: Byrådsmødet er flyttet")
    assert latest.history_user == editor


def test_reschedule_needs_a_reason_and_changes_nothing_without(editor, plan):
    m = plan["milestones"]["council"]
    before = snapshot(m)
    history = m.history.count()
    with pytest.raises(ValidationError, match="begrundelse"):
        services.reschedule_milestone(m, date=D(2025, 1, 20), reason="  ", user=editor)
    assert snapshot(m) == before and m.history.count() == history


def test_reschedule_refuses_end_before_start_and_done_milestones(editor, plan):
    m = plan["milestones"]["council"]
    before = snapshot(m)
    with pytest.raises(ValidationError, match="Slutdatoen"):
        services.reschedule_milestone(m, date=D(2025, 1, 20), end_date=D(2025, 1, 1),
                                      reason="x", user=editor)
    assert snapshot(m) == before
    done = plan["milestones"]["press"]
    with pytest.raises(ValidationError, match="gennemført og kan ikke flyttes"):
        services.reschedule_milestone(done, date=D(2025, 1, 20), reason="x", user=editor)
    assert done.history.count() == 1


def test_postponed_then_rescheduled_is_planned_again(editor, plan):
    m = plan["milestones"]["council"]
    services.mark_postponed(m, reason="Afventer budgetforhandlinger", user=editor)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.POSTPONED
    services.reschedule_milestone(m, date=D(2025, 2, 3), reason="Ny dato fra Magistraten",
                                  user=editor)
    m.refresh_from_db()
    assert (m.status, m.date) == (MilestoneStatus.PLANNED, D(2025, 2, 3))


def test_postponing_or_cancelling_needs_a_reason(editor, plan):
    m = plan["milestones"]["council"]
    for status in (MilestoneStatus.POSTPONED, MilestoneStatus.CANCELLED):
        with pytest.raises(ValidationError, match="begrundelse"):
            services.set_milestone_status(m, status, user=editor)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.PLANNED


def test_mark_done_refuses_a_future_date(editor, organisation):
    m = services.create_milestone(organisation, title="Fremtid", date=D(2199, 1, 1), user=editor)
    with pytest.raises(ValidationError, match="kan ikke være gennemført endnu"):
        services.mark_done(m, user=editor)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.PLANNED


def test_mark_done_records_status_change(editor, plan):
    m = plan["milestones"]["late"]
    services.mark_done(m, user=editor)
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DONE
    assert m.history.first().history_change_reason == "Status ændret fra Planlagt til Gennemført."


def test_edit_milestone_is_all_or_nothing(editor, plan):
    """A new title and a new date without a reason: the date is refused, so the title is not
    saved either."""
    m = plan["milestones"]["council"]
    before = snapshot(m)
    with pytest.raises(ValidationError):
        services.edit_milestone(m, user=editor, title="Nyt navn", date=D(2025, 1, 5),
                                end_date=None, status=MilestoneStatus.PLANNED, reason="")
    assert snapshot(m) == before
    services.edit_milestone(m, user=editor, title="Nyt navn", date=D(2025, 1, 5),
                            end_date=None, status=MilestoneStatus.PLANNED,
                            reason="Ny mødekalender")
    m.refresh_from_db()
    assert (m.title, m.date) == ("Nyt navn", D(2025, 1, 5))


def test_delete_milestone_keeps_history(editor, plan):
    m = plan["milestones"]["cancelled"]
    pk = m.pk
    services.delete_milestone(m, user=editor, reason="Oprettet ved en fejl")
    assert not Milestone.objects.filter(pk=pk).exists()
    last = Milestone.history.filter(id=pk).first()
    assert last.history_type == "-" and last.history_change_reason == "Oprettet ved en fejl"


# --- workstreams and deliverables -----------------------------------------------------


def test_workstreams_are_ordered_and_names_unique(editor, organisation):
    a = services.create_workstream(organisation, name="Ét SOF: Formål", user=editor)
    b = services.create_workstream(organisation, name="Kompetenceudvikling", user=editor)
    assert (a.order, b.order) == (0, 1)
    with pytest.raises(ValidationError, match="findes allerede"):
        services.create_workstream(organisation, name="kompetenceudvikling", user=editor)
    with pytest.raises(ValidationError, match="findes allerede"):
        services.update_workstream(a, name="Kompetenceudvikling", user=editor)
    assert Workstream.objects.count() == 2
    a.refresh_from_db()
    assert a.name == "Ét SOF: Formål"


@pytest.mark.parametrize("kwargs, text", [
    ({"progress": 101}, "mellem 0 og 100"),
    ({"progress": -1}, "mellem 0 og 100"),
    ({"end": D(2024, 12, 31)}, "ligger før start"),
    ({"title": ""}, "skal have en titel"),
    ({"status": "bogus"}, "Ukendt status"),
])
def test_deliverable_refusals(editor, organisation, kwargs, text):
    ws = services.create_workstream(organisation, name="Styring", user=editor)
    args = {"title": "Arbejdsgange", "start": D(2025, 1, 1), "end": D(2025, 6, 30), **kwargs}
    with pytest.raises(ValidationError, match=text):
        services.create_deliverable(ws, user=editor, **args)
    assert not Deliverable.objects.exists()


def test_deliverable_at_100_percent_is_done(editor, organisation):
    ws = services.create_workstream(organisation, name="Styring", user=editor)
    d = services.create_deliverable(ws, title="Arbejdsgange", start=D(2025, 1, 1),
                                    end=D(2025, 6, 30), user=editor)
    services.update_deliverable(d, progress=100, user=editor)
    d.refresh_from_db()
    assert (d.progress, d.status) == (100, DeliverableStatus.DONE)
    with pytest.raises(ValidationError):
        services.update_deliverable(d, progress=150, user=editor)
    d.refresh_from_db()
    assert d.progress == 100


# --- calendar tokens ------------------------------------------------------------------


def test_feed_token_is_stable_until_regenerated(reader):
    first = services.feed_token(reader).token
    assert services.feed_token(reader).token == first
    new = services.regenerate_feed_token(reader).token
    assert new != first and len(new) >= 40
    assert FeedToken.objects.filter(user=reader).count() == 1
    other = factories.make_user("anden")
    assert services.feed_token(other).token not in (first, new)
