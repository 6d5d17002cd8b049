"""The timeline and the med app: meetings appear by themselves, and milestones can point at a
MED body or meeting."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from med import services as med_services
from timeline import selectors, services
from timeline.models import Kind, Milestone, MilestoneStatus
from timeline.selectors import SOURCE_MEETING

from .conftest import TODAY

D = datetime.date


def at(day: datetime.date, hour: int = 14) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def med(editor, organisation, small, draft):
    published, _ = small
    hmu = med_services.create_body(published, name="HovedMED", level="hoved",
                                   valid_from=D(2024, 1, 1), user=editor)
    future = med_services.create_body(draft, name="Nyt LokalMED", level="lokal",
                                      valid_from=D(2024, 1, 1), user=editor)
    return {
        "hmu": hmu,
        "past": med_services.create_meeting(hmu, starts_at=at(D(2024, 11, 13)), user=editor),
        "next": med_services.create_meeting(hmu, starts_at=at(D(2024, 12, 4)), user=editor,
                                            title="Ekstraordinært HMU-møde"),
        "draft_meeting": med_services.create_meeting(future, starts_at=at(D(2024, 12, 10)),
                                                     user=editor),
    }


def meetings(entries):
    return [e for e in entries if e.source == SOURCE_MEETING]


def test_meetings_appear_in_the_plan(editor, organisation, med):
    found = meetings(selectors.plan(organisation, user=editor, today=TODAY))
    assert [(e.date, e.title, e.forum, e.kind, e.status) for e in found] == [
        (D(2024, 11, 13), "Møde i HovedMED", "HovedMED", Kind.MED, MilestoneStatus.DONE),
        (D(2024, 12, 4), "Ekstraordinært HMU-møde", "HovedMED", Kind.MED,
         MilestoneStatus.PLANNED),
        (D(2024, 12, 10), "Møde i Nyt LokalMED", "Nyt LokalMED", Kind.MED,
         MilestoneStatus.PLANNED),
    ]
    assert found[0].uid == f"meeting-{med['past'].pk}"


def test_meetings_of_a_drafts_body_are_hidden_from_readers(editor, reader, organisation, med):
    """The plan shows the meetings the MED pages show: editors', and those of the bodies the
    user is a member of (the plan showed every visible body's meetings to everyone, while the
    meeting's own page answered 404 to non-members)."""
    assert meetings(selectors.plan(organisation, user=reader, today=TODAY)) == []
    for body in (med["hmu"], med["draft_meeting"].body):
        med_services.add_membership(body, person_name="Lis Læser", side="medarbejder",
                                    valid_from=D(2024, 1, 1), person_user=reader,
                                    user=editor)
    member = type(reader).objects.get(pk=reader.pk)
    found = meetings(selectors.plan(organisation, user=member, today=TODAY))
    assert [e.forum for e in found] == ["HovedMED", "HovedMED"]  # not the draft's body


def test_meeting_entries_follow_filters(editor, organisation, med, plan):
    def plan_with(**kw):
        return meetings(selectors.plan(organisation, user=editor, today=TODAY,
                                       filters=selectors.PlanFilter(**kw)))

    assert len(plan_with(kinds=(Kind.MED,))) == 3
    assert plan_with(kinds=(Kind.DECISION,)) == []
    assert [e.forum for e in plan_with(forum="hovedmed")] == ["HovedMED", "HovedMED"]
    assert plan_with(workstream_id=plan["workstream"].pk) == []
    assert len(plan_with(start=D(2024, 12, 1), end=D(2024, 12, 5))) == 1


def test_a_milestone_on_a_meeting_replaces_its_line(editor, organisation, med):
    m = services.create_milestone(organisation, title="HMU godkender høringssvar",
                                  date=D(2024, 12, 4), kind=Kind.MED, meeting=med["next"],
                                  user=editor)
    assert (m.med_body, m.forum) == (med["hmu"], "HovedMED")  # taken from the meeting
    on_day = [e for e in selectors.plan(organisation, user=editor, today=TODAY)
              if e.date == D(2024, 12, 4)]
    assert [e.title for e in on_day] == ["HMU godkender høringssvar"]


def test_med_links_must_belong_to_the_organisation(editor, organisation, med,
                                                   other_organisation):
    from tests import factories

    structure, _ = factories.make_structure(editor, organisation=other_organisation,
                                            status="published")
    foreign = med_services.create_body(structure, name="Fremmed HMU", level="hoved",
                                       valid_from=D(2024, 1, 1), user=editor)
    with pytest.raises(ValidationError, match="hører til en anden organisation"):
        services.create_milestone(organisation, title="X", date=D(2024, 12, 1),
                                  med_body=foreign, user=editor)
    with pytest.raises(ValidationError, match="ikke i »HovedMED«"):
        services.create_milestone(organisation, title="X", date=D(2024, 12, 1),
                                  med_body=med["hmu"], meeting=med["draft_meeting"], user=editor)
    assert not Milestone.objects.exists()


def test_plan_query_count_with_meetings_is_fixed(editor, reader,
                                                 organisation, med):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for n in (2, 25):
        for i in range(n):
            med_services.create_meeting(med["hmu"], starts_at=at(D(2025, 1, 1) +
                                                                datetime.timedelta(days=i + n)),
                                        user=editor)
        fresh = type(reader).objects.get(pk=reader.pk)
        with CaptureQueriesContext(connection) as ctx:
            selectors.plan(organisation, user=fresh, today=TODAY)
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_detail_hides_a_med_body_of_a_structure_the_user_may_not_see(client, editor, reader,
                                                                     organisation, med):
    from django.urls import reverse

    body = med["draft_meeting"].body
    m = services.create_milestone(organisation, title="Nyt LokalMED konstitueres",
                                  date=D(2024, 12, 10), med_body=body, forum="LokalMED",
                                  user=editor)
    url = reverse("timeline:milestone-detail", args=[m.pk])
    client.force_login(editor)
    assert "Nyt LokalMED</dd>" in client.get(url).content.decode()
    client.force_login(reader)
    page = client.get(url).content.decode()
    assert "Nyt LokalMED konstitueres" in page and "Nyt LokalMED</dd>" not in page
