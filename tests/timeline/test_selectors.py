import datetime

import pytest

from orgreg.roles import policy
from tests import factories
from timeline import selectors, services
from timeline.models import Kind, MilestoneStatus
from timeline.selectors import EFFECTIVE_TITLE, SOURCE_STRUCTURE, PlanFilter
from timeline.selectors import TODAY as TODAY_ROW
from units import services as unit_services

from .conftest import TODAY, add_milestones

D = datetime.date


def titles(entries):
    return [e.title for e in entries]


# --- plan and derived entries ---------------------------------------------------------


def test_plan_is_in_date_order_with_derived_effective_dates(editor, organisation, plan):
    entries = selectors.plan(organisation, user=editor, today=TODAY)
    assert [e.date for e in entries] == sorted(e.date for e in entries)
    derived = [e for e in entries if e.source == SOURCE_STRUCTURE]
    # The published 2024 structure and the 2025 draft, both from their own effective dates.
    assert [(e.date, e.title, e.structure_name) for e in derived] == [
        (D(2024, 1, 1), EFFECTIVE_TITLE, "Organisering 2024"),
        (D(2025, 1, 1), EFFECTIVE_TITLE, "Ny organisering 2025"),
    ]
    assert derived[0].status == MilestoneStatus.DONE  # in force since 2024
    assert derived[1].status == MilestoneStatus.PLANNED  # a draft is not in force
    assert all(e.kind == Kind.EFFECTIVE and e.derived for e in derived)


def test_derived_entries_follow_the_structure_not_a_copy(editor, organisation, plan):
    draft = plan["draft"]
    unit_services.update_structure(draft, effective_date=D(2025, 2, 1), user=editor)
    entries = selectors.plan(organisation, user=editor, today=TODAY)
    assert [e.date for e in entries if e.structure_id == draft.pk and e.derived] == [D(2025, 2, 1)]
    unit_services.set_status(draft, "discarded", user=editor)
    entries = selectors.plan(organisation, user=editor, today=TODAY)
    assert not [e for e in entries if e.structure_id == draft.pk and e.derived]


def test_an_effective_milestone_replaces_the_derived_entry(editor, organisation, plan):
    draft = plan["draft"]
    services.create_milestone(organisation, title="Ét SOF træder i kraft", date=D(2025, 1, 1),
                              kind=Kind.EFFECTIVE, structure=draft, user=editor)
    on_new_year = [e for e in selectors.plan(organisation, user=editor, today=TODAY)
                   if e.date == D(2025, 1, 1)]
    assert titles(on_new_year) == ["Ét SOF træder i kraft"]


def test_plan_between_two_dates_keeps_a_milestone_spanning_the_start(editor, organisation, plan):
    services.create_milestone(organisation, title="Høringsperiode", date=D(2024, 10, 30),
                              end_date=D(2024, 11, 16), kind=Kind.HEARING, user=editor)
    entries = selectors.plan(organisation, user=editor, start=D(2024, 11, 14),
                             end=D(2024, 11, 19), today=TODAY)
    assert titles(entries) == ["Høringsperiode", "Svar til faglige organisationer",
                               "Udmelding på Intra"]


def test_filters_by_kind_forum_and_workstream(editor, organisation, plan):
    def plan_with(**kw):
        return titles(selectors.plan(organisation, user=editor, filters=PlanFilter(**kw),
                                     today=TODAY))

    assert plan_with(kinds=(Kind.DECISION,)) == ["Byrådet beslutter"]
    assert plan_with(kinds=(Kind.EFFECTIVE,)) == [EFFECTIVE_TITLE, EFFECTIVE_TITLE]
    assert plan_with(forum="direktionen") == ["Pressemeddelelse", "Udmelding på Intra"]
    assert plan_with(workstream_id=plan["workstream"].pk) == [
        "HovedMED drøfter udkast", "Udmelding på Intra"]


def test_forums_are_distinct_and_danish_sorted(editor, organisation, plan):
    assert selectors.forums(organisation, user=editor) == [
        "Byrådet", "Chefteamet", "Direktionen", "HovedMED"]


# --- next and overdue -----------------------------------------------------------------


def test_overdue_is_planned_with_a_past_date(editor, organisation, plan):
    overdue = selectors.overdue(organisation, user=editor, today=TODAY)
    assert titles(overdue) == ["Svar til faglige organisationer"]
    # A range that started before today but ends after it is under way, not overdue.
    services.create_milestone(organisation, title="Interviews", date=D(2024, 10, 9),
                              end_date=D(2024, 11, 30), user=editor)
    assert titles(selectors.overdue(organisation, user=editor, today=TODAY)) == [
        "Svar til faglige organisationer"]
    services.mark_done(plan["milestones"]["late"], user=editor)
    assert selectors.overdue(organisation, user=editor, today=TODAY) == []


def test_next_is_the_planned_entries_from_today(editor, reader, organisation, plan):
    nxt = selectors.next_entries(organisation, user=editor, today=TODAY, limit=3)
    assert titles(nxt) == ["Udmelding på Intra", "Fortroligt: ledere orienteres",
                           "Byrådet beslutter"]
    # The reader may not see the draft's milestone, and the cancelled one is never next.
    nxt = selectors.next_entries(organisation, user=reader, today=TODAY, limit=3)
    assert titles(nxt) == ["Udmelding på Intra", "Byrådet beslutter"]


def test_progress_counts_done_out_of_not_cancelled(editor, reader, organisation, plan):
    p = selectors.progress(organisation, user=editor, today=TODAY)
    assert (p.done, p.total, p.overdue, p.percent) == (2, 6, 1, 33)
    assert titles(p.next) == ["Udmelding på Intra", "Fortroligt: ledere orienteres",
                              "Byrådet beslutter"]
    p = selectors.progress(organisation, user=reader, today=TODAY)
    assert (p.done, p.total) == (2, 5)


def test_progress_of_a_structure(editor, organisation, plan):
    p = selectors.progress(organisation, user=editor, structure=plan["draft"], today=TODAY)
    assert (p.done, p.total) == (0, 1)
    assert titles(p.next) == ["Fortroligt: ledere orienteres", EFFECTIVE_TITLE]


def test_progress_of_an_empty_plan(editor, organisation):
    p = selectors.progress(organisation, user=editor, today=TODAY)
    assert (p.total, p.percent, p.next) == (0, 0, [])


# --- visibility -----------------------------------------------------------------------


@pytest.fixture
def by_status(editor, organisation, small):
    """A milestone tied to a structure in each status, and one with no structure."""
    published, _ = small
    out = {"open": services.create_milestone(organisation, title="open", date=D(2024, 11, 1),
                                             user=editor)}
    for i, status in enumerate(["draft", "consultation", "approved", "published"]):
        s = unit_services.copy_structure(published, name=f"S {status}",
                                         effective_date=D(2025, 1, 1 + i), user=editor)
        if status != "draft":
            unit_services.set_status(s, "consultation", user=editor)
        if status in ("approved", "published"):
            unit_services.set_status(s, "approved", user=editor)
        if status == "published":
            unit_services.set_status(s, "published", user=editor)
        out[status] = services.create_milestone(organisation, title=status, date=D(2024, 11, 2),
                                                structure=s, user=editor)
    confidential = unit_services.copy_structure(published, name="S fortrolig",
                                                effective_date=D(2025, 6, 1), user=editor)
    unit_services.update_structure(confidential, confidential_until=D(2199, 1, 1), user=editor)
    for status in ("consultation", "approved", "published"):
        unit_services.set_status(confidential, status, user=editor)
    out["confidential"] = services.create_milestone(organisation, title="confidential",
                                                    date=D(2024, 11, 3), structure=confidential,
                                                    user=editor)
    return out


@pytest.mark.parametrize("role, expected", [
    ("editor", {"open", "draft", "consultation", "approved", "published", "confidential"}),
    ("med_member", {"open", "consultation", "approved", "published", "confidential"}),
    ("manager", {"open", "published"}),
    ("reader", {"open", "published"}),
])
def test_visibility_per_role(request, organisation, by_status, role, expected):
    user = request.getfixturevalue(role)
    milestones = {e.title for e in selectors.plan(organisation, user=user, today=TODAY)
                  if not e.derived}
    assert milestones == expected
    for name, m in by_status.items():
        fresh = type(m).objects.select_related("structure").get(pk=m.pk)
        assert policy(user).can_see_milestone(fresh) == (name in expected)
    # Derived effective dates obey the same rule: S fortrolig is hidden from readers.
    derived = {e.structure_name for e in selectors.plan(organisation, user=user, today=TODAY)
               if e.derived}
    assert ("S fortrolig" in derived) == ("confidential" in expected)
    assert ("S draft" in derived) == ("draft" in expected)


def test_anonymous_sees_nothing(organisation, by_status):
    from django.contrib.auth.models import AnonymousUser

    assert selectors.plan(organisation, user=AnonymousUser(), today=TODAY) == []


# --- month groups and the today line --------------------------------------------------


def test_today_line_sits_before_the_first_later_entry(editor, organisation, plan):
    months = selectors.by_month(selectors.plan(organisation, user=editor, today=TODAY), TODAY)
    november = next(m for m in months if (m.year, m.month) == (2024, 11))
    rows = [r if r == TODAY_ROW else r.title for r in november.rows]
    assert rows == ["HovedMED drøfter udkast", "Svar til faglige organisationer", TODAY_ROW,
                    "Udmelding på Intra", "Fortroligt: ledere orienteres", "Aflyst temamøde"]
    assert november.label == "November 2024"


def test_today_gets_a_month_of_its_own_when_nothing_happens_then(editor, organisation, plan):
    today = D(2026, 5, 10)
    months = selectors.by_month(selectors.plan(organisation, user=editor, today=today), today)
    assert (months[-1].year, months[-1].month, months[-1].rows) == (2026, 5, [TODAY_ROW])


# --- Gantt ----------------------------------------------------------------------------


def test_gantt_lays_out_bars_in_whole_months(editor, organisation, plan):
    chart = selectors.gantt(organisation, today=TODAY)
    assert (chart.start, chart.end) == (D(2024, 10, 1), D(2025, 4, 1))
    (row,) = chart.rows
    first, second = row.bars
    assert first.left == 0
    span = (chart.end - chart.start).days
    assert first.width == pytest.approx(100 * 92 / span, abs=0.01)
    assert second.left + second.width == pytest.approx(100, abs=0.01)
    assert 0 < chart.today_left < second.left
    assert [t.label for t in chart.ticks] == ["okt. 2024", "nov.", "dec.", "jan. 2025", "feb.",
                                              "mar."]
    # Weighted by length: 92 days at 60 %, 90 days at 0 %.
    assert row.progress == round(92 * 60 / 182)


def test_gantt_without_deliverables(editor, organisation):
    services.create_workstream(organisation, name="Tom", user=editor)
    chart = selectors.gantt(organisation, today=TODAY)
    assert chart.start is None and [r.workstream.name for r in chart.rows] == ["Tom"]


# --- history ----------------------------------------------------------------------------


def test_milestone_history_shows_the_old_date(editor, plan):
    m = plan["milestones"]["council"]
    services.reschedule_milestone(m, date=D(2025, 1, 20), reason="Mødet er flyttet", user=editor)
    history = selectors.milestone_history(m)
    assert [h.type_label for h in history] == ["Ændret", "Oprettet"]
    (change,) = history[0].changes
    assert (change.label, change.old, change.new) == ("Dato", "16. december 2024",
                                                      "20. januar 2025")


# --- query counts ---------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_plan_query_count_does_not_grow_with_the_plan(request, django_assert_num_queries,
                                                      editor, organisation, small, role):
    user = request.getfixturevalue(role)
    structure, _ = small
    user = type(user).objects.get(pk=user.pk)  # fresh: no cached groups

    def count(n):
        add_milestones(organisation, editor, n)
        fresh = type(user).objects.get(pk=user.pk)
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            selectors.plan(organisation, user=fresh, today=TODAY)
            selectors.progress(organisation, user=fresh, today=TODAY)
            selectors.overdue(organisation, user=fresh, today=TODAY)
        return len(ctx.captured_queries)

    small_count = count(3)
    large_count = count(60)
    assert small_count == large_count
    fresh = type(user).objects.get(pk=user.pk)
    with django_assert_num_queries(small_count):
        selectors.plan(organisation, user=fresh, today=TODAY)
        selectors.progress(organisation, user=fresh, today=TODAY)
        selectors.overdue(organisation, user=fresh, today=TODAY)


def test_gantt_query_count_is_fixed(django_assert_num_queries, editor, organisation):
    ws = services.create_workstream(organisation, name="A", user=editor)
    for n in (2, 30):
        for i in range(n):
            services.create_deliverable(ws, title=f"L{n}-{i}", start=D(2025, 1, 1),
                                        end=D(2025, 2, 1), user=editor)
        with django_assert_num_queries(2):
            selectors.gantt(organisation, today=TODAY)


def test_other_organisations_plans_are_apart(editor, organisation, plan, other_organisation):
    factories.make_structure(editor, {"X": "X"}, organisation=other_organisation,
                             status="published")
    services.create_milestone(other_organisation, title="Andet", date=D(2024, 11, 20),
                              user=editor)
    assert "Andet" not in titles(selectors.plan(organisation, user=editor, today=TODAY))
    assert titles(selectors.plan(other_organisation, user=editor, today=TODAY)) == [
        EFFECTIVE_TITLE, "Andet"]
