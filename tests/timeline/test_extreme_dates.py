"""The plan survives any stored date: rows written past the services (an old import, the
admin, a database restore) dated 0001-01-01 or 9999-12-31 leave every calendar feed, the plan,
the Gantt chart, the plan PDF and the organisation page answering, with the other entries
still there."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from icalendar import Calendar

from med import services as med_services
from med.models import Meeting
from timeline import services
from timeline.models import Deliverable, Milestone
from timeline.selectors import gantt

from .conftest import TODAY

D = datetime.date
UTC = datetime.UTC

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(on_date):
    on_date(TODAY)


@pytest.fixture
def extremes(plan, organisation, small, editor):
    """Beside the ordinary plan: milestones on the first and last day Python knows, one
    running to the last day, and deliverables as wide and as late as a date goes; a MED
    meeting at the last representable moment. All stored directly, as no service would."""
    ws = plan["workstream"]
    Milestone.objects.create(organisation=organisation, title="Ved tidens ende",
                             date=D(9999, 12, 31), forum="Byrådet")
    Milestone.objects.create(organisation=organisation, title="Ved tidens begyndelse",
                             date=D(1, 1, 1), forum="Byrådet")
    Milestone.objects.create(organisation=organisation, title="Uendelig periode",
                             date=D(2024, 12, 1), end_date=D(9999, 12, 31))
    Deliverable.objects.create(workstream=ws, title="Altomfattende leverance",
                               start=D(1, 1, 1), end=D(9999, 12, 31))
    Deliverable.objects.create(workstream=ws, title="Sidste dag", start=D(9999, 12, 31),
                               end=D(9999, 12, 31))
    structure, _ = small
    body = med_services.create_body(structure, name="HovedMED", level="hoved",
                                    valid_from=D(2024, 1, 1), user=editor)
    Meeting.objects.create(body=body, title="Sidste møde",
                           starts_at=datetime.datetime(9999, 12, 31, 23, 30, tzinfo=UTC))
    Meeting.objects.create(body=body, title="Første møde",
                           starts_at=datetime.datetime(1, 1, 1, 0, 0, tzinfo=UTC))
    return plan


def _feed(client, user, organisation) -> str:
    token = services.feed_token(user).token
    return reverse("timeline:feed", args=[organisation.pk, token])


@pytest.mark.parametrize("who", ["editor", "reader", "med_member", "manager"])
def test_every_feed_answers_with_the_other_entries(client, request, organisation, extremes,
                                                    who):
    user = request.getfixturevalue(who)
    response = client.get(_feed(client, user, organisation))
    assert response.status_code == 200
    events = {str(e["SUMMARY"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
    assert "Byrådet: Byrådet beslutter" in events
    assert events["Byrådet: Byrådet beslutter"].decoded("DTEND") == D(2024, 12, 17)
    last = events["Byrådet: Ved tidens ende"]
    assert last.decoded("DTSTART") == D(9999, 12, 31)
    # The day after the last day does not exist; the event ends where it starts.
    assert last.decoded("DTEND") == D(9999, 12, 31)
    assert events["Byrådet: Ved tidens begyndelse"].decoded("DTSTART") == D(1, 1, 1)


def test_plan_pages_answer_and_show_the_others(client, editor, organisation, extremes):
    client.force_login(editor)
    pages = {
        "plan": reverse("timeline:plan", args=[organisation.pk]),
        "filtered": reverse("timeline:plan", args=[organisation.pk])
        + "?start=0001-01-01&end=9999-12-31",
        "gantt": reverse("timeline:gantt", args=[organisation.pk]),
        "calendar": reverse("timeline:calendar", args=[organisation.pk]),
        "organisation": reverse("units:organisation-detail", args=[organisation.pk]),
        "home": reverse("units:home"),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
    plan_html = client.get(pages["plan"]).content.decode()
    for title in ("Byrådet beslutter", "Ved tidens ende", "Ved tidens begyndelse"):
        assert title in plan_html
    gantt_html = client.get(pages["gantt"]).content.decode()
    for title in ("Underorganisering af centre", "Fysisk flytning", "Altomfattende leverance",
                  "Sidste dag"):
        assert title in gantt_html
    for milestone in Milestone.objects.filter(organisation=organisation):
        for name in ("timeline:milestone-detail", "timeline:milestone-edit"):
            assert client.get(reverse(name, args=[milestone.pk])).status_code == 200
    for deliverable in Deliverable.objects.all():
        url = reverse("timeline:deliverable-edit", args=[deliverable.pk])
        assert client.get(url).status_code == 200


def test_plan_pdf_answers(client, editor, organisation, extremes):
    response = client.force_login(editor) or client.get(
        reverse("timeline:plan-pdf", args=[organisation.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_gantt_axis_stays_on_the_ordinary_deliverables(organisation, extremes):
    """Bars outside the sane range are drawn at the chart's edges instead of stretching the
    axis over eight thousand years (a tick per month)."""
    chart = gantt(organisation, today=TODAY)
    assert chart.start == D(2024, 10, 1)
    assert chart.end == D(2025, 4, 1)
    assert len(chart.ticks) == 6
    bars = {b.deliverable.title: b for row in chart.rows for b in row.bars}
    assert bars["Altomfattende leverance"].left == 0
    assert bars["Altomfattende leverance"].width == 100
    assert bars["Sidste dag"].left + bars["Sidste dag"].width <= 100
    assert "9999" in bars["Sidste dag"].dates_label


def test_gantt_of_extreme_deliverables_alone(organisation, editor):
    ws = services.create_workstream(organisation, name="Kun ekstremer", user=editor)
    Deliverable.objects.create(workstream=ws, title="Evig", start=D(1, 1, 1),
                               end=D(9999, 12, 31))
    chart = gantt(organisation, today=TODAY)
    assert chart.start is not None and chart.end is not None
    assert len(chart.ticks) <= 12 * 301 + 1
    assert re.match(r"\d+", chart.rows[0].bars[0].dates_label)


def test_med_pages_of_extreme_meetings_answer(client, editor, extremes):
    client.force_login(editor)
    for meeting in Meeting.objects.all():
        for url in (reverse("med:meeting-detail", args=[meeting.pk]),
                    reverse("med:meeting-edit", args=[meeting.pk]),
                    reverse("med:body-detail", args=[meeting.body_id])):
            assert client.get(url).status_code == 200, url


def test_admin_lists_of_extreme_dates_answer(client, extremes):
    from tests import factories

    client.force_login(factories.make_user("admin-dates", superuser=True))
    base = reverse("admin:timeline_milestone_changelist")
    for query in ("", "?date__year=9999", "?date__year=9999&date__month=12",
                  "?date__year=9999&date__month=12&date__day=31", "?date__year=1"):
        assert client.get(base + query).status_code in (200, 302), query


def test_med_coverage_of_a_structure_stored_on_the_first_day(client, editor, small):
    """A copy dated 0001-01-01 (stored past the services): its coverage report looks for the
    bodies ending the day before, which does not exist."""
    from units import services as unit_services

    structure, _ = small
    med_services.create_body(structure, name="HovedMED", level="hoved",
                             valid_from=D(2024, 1, 1), user=editor)
    copy = unit_services.copy_structure(structure, name="Kopi", effective_date=D(2025, 1, 1),
                                        user=editor)
    type(copy).objects.filter(pk=copy.pk).update(effective_date=D(1, 1, 1))
    client.force_login(editor)
    assert client.get(reverse("med:coverage", args=[copy.pk])).status_code == 200
