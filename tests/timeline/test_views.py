import datetime
import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from icalendar import Calendar

from timeline import services
from timeline.models import Kind, Milestone, MilestoneStatus

from .conftest import TODAY, add_milestones

D = datetime.date


@pytest.fixture(autouse=True)
def frozen_today(on_date):
    """Pages ask orgreg.clock for today; set every clock to the plan's today."""
    on_date(TODAY)


def login(client, user):
    client.force_login(user)
    return client


def text(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def listing(response) -> str:
    """The month list alone (the process bar above it also names upcoming steps)."""
    html = text(response)
    return html[html.index('id="tidsplan"'):]


# --- list -----------------------------------------------------------------------------


def test_plan_page_groups_by_month_with_a_today_line(client, editor, organisation, plan):
    response = login(client, editor).get(reverse("timeline:plan", args=[organisation.pk]))
    assert response.status_code == 200
    html = text(response)
    for month in ("Oktober 2024", "November 2024", "December 2024", "Januar 2025"):
        assert f">{month}</h2>" in html
    assert html.count('class="tl-today"') == 1
    assert "I dag, 15. november 2024" in html
    # The today line comes after the overdue step and before the next one.
    html = listing(response)
    assert html.index("Svar til faglige organisationer") < html.index("I dag, 15. november")
    assert html.index("I dag, 15. november") < html.index("Udmelding på Intra")
    assert "Ny organisering træder i kraft" in html
    full = text(response)
    assert "1 milepæl er overskredet" in full
    assert "2 af 6 milepæle gennemført (33 %)" in full  # the process bar


def test_plan_page_filters(client, editor, organisation, plan):
    url = reverse("timeline:plan", args=[organisation.pk])
    login(client, editor)
    html = listing(client.get(url, {"kind": "decision"}))
    assert "Byrådet beslutter" in html and "Pressemeddelelse" not in html
    html = listing(client.get(url, {"forum": "Direktionen"}))
    assert "Pressemeddelelse" in html and "Byrådet beslutter" not in html
    html = listing(client.get(url, {"workstream": plan["workstream"].pk}))
    assert "Udmelding på Intra" in html and "Byrådet beslutter" not in html
    assert "Ny organisering træder i kraft" not in html
    # Nonsense in the query string narrows nothing and breaks nothing.
    response = client.get(url, {"workstream": "abc", "start": "i går", "kind": "fest"})
    assert response.status_code == 200
    assert "Byrådet beslutter" in listing(response)


def test_reader_does_not_see_the_drafts_milestone(client, reader, organisation, plan):
    login(client, reader)
    html = text(client.get(reverse("timeline:plan", args=[organisation.pk])))
    assert "Byrådet beslutter" in html
    assert "Fortroligt" not in html and "Ny organisering 2025" not in html
    secret = plan["milestones"]["secret"]
    assert client.get(reverse("timeline:milestone-detail", args=[secret.pk])).status_code == 404
    ok = plan["milestones"]["council"]
    assert client.get(reverse("timeline:milestone-detail", args=[ok.pk])).status_code == 200


def test_pages_need_login(client, organisation, plan):
    for url in (reverse("timeline:index"), reverse("timeline:plan", args=[organisation.pk]),
                reverse("timeline:gantt", args=[organisation.pk]),
                reverse("timeline:plan-pdf", args=[organisation.pk])):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_untrusted_text_is_escaped(client, editor, organisation):
    services.create_milestone(organisation, title="<script>alert(1)</script>",
                              date=D(2024, 11, 20), forum="<b>HMU</b>", user=editor)
    html = login(client, editor).get(reverse("timeline:plan", args=[organisation.pk])).content
    assert b"<script>alert(1)" not in html and b"&lt;script&gt;" in html
    assert b"<b>HMU</b>" not in html


@pytest.mark.parametrize("role", ["editor", "reader"])
def test_plan_page_query_count_is_fixed(client, request, editor, organisation, small, role):
    user = request.getfixturevalue(role)
    login(client, user)
    url = reverse("timeline:plan", args=[organisation.pk])
    counts = []
    for n in (3, 40):
        add_milestones(organisation, editor, n)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


# --- editing --------------------------------------------------------------------------


def test_editor_creates_a_milestone(client, editor, organisation, plan):
    login(client, editor)
    url = reverse("timeline:milestone-create", args=[organisation.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"title": "Temamøde for administrative medarbejdere",
                                 "date": "2025-01-14", "kind": "communication",
                                 "status": "planned", "forum": "HR",
                                 "workstream": plan["workstream"].pk})
    assert response.status_code == 302
    m = Milestone.objects.get(title="Temamøde for administrative medarbejdere")
    assert (m.date, m.workstream, m.forum) == (D(2025, 1, 14), plan["workstream"], "HR")


def test_create_form_shows_danish_errors_and_saves_nothing(client, editor, organisation):
    login(client, editor)
    url = reverse("timeline:milestone-create", args=[organisation.pk])
    response = client.post(url, {"title": "X", "date": "2025-01-14", "end_date": "2025-01-01",
                                 "kind": "other", "status": "planned"})
    assert response.status_code == 200
    assert "Slutdatoen (1. januar 2025) ligger før datoen (14. januar 2025)." in text(response)
    response = client.post(url, {"title": "X", "date": "14/1", "kind": "other",
                                 "status": "planned"})
    assert "Skriv datoen som åååå-mm-dd" in text(response)
    assert not Milestone.objects.exists()


def test_edit_moves_the_date_only_with_a_reason(client, editor, plan):
    m = plan["milestones"]["council"]
    login(client, editor)
    url = reverse("timeline:milestone-edit", args=[m.pk])
    data = {"title": "Byrådet beslutter", "date": "2025-01-20", "kind": "decision",
            "status": "planned", "forum": "Byrådet"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Angiv en begrundelse for den nye dato." in text(response)
    m.refresh_from_db()
    assert m.date == D(2024, 12, 16)
    response = client.post(url, {**data, "reason": "Mødet er flyttet"})
    assert response.status_code == 302
    m.refresh_from_db()
    assert m.date == D(2025, 1, 20)
    detail = text(client.get(reverse("timeline:milestone-detail", args=[m.pk])))
    assert "Dato: 16. december 2024 → 20. januar 2025" in detail
    assert "Mødet er flyttet" in detail


def test_status_buttons(client, editor, plan):
    m = plan["milestones"]["late"]
    login(client, editor)
    url = reverse("timeline:milestone-status", args=[m.pk])
    client.post(url, {"status": "postponed"})
    m.refresh_from_db()
    assert m.status == MilestoneStatus.PLANNED  # refused: no reason
    client.post(url, {"status": "done"})
    m.refresh_from_db()
    assert m.status == MilestoneStatus.DONE


@pytest.mark.parametrize("role", ["reader", "manager", "med_member"])
def test_only_editors_edit(client, request, organisation, plan, role):
    login(client, request.getfixturevalue(role))
    m = plan["milestones"]["council"]
    posts = [
        (reverse("timeline:milestone-create", args=[organisation.pk]),
         {"title": "X", "date": "2025-01-01", "kind": "other", "status": "planned"}),
        (reverse("timeline:milestone-edit", args=[m.pk]),
         {"title": "X", "date": "2024-12-16", "kind": "other", "status": "planned"}),
        (reverse("timeline:milestone-status", args=[m.pk]), {"status": "cancelled",
                                                             "reason": "x"}),
        (reverse("timeline:milestone-delete", args=[m.pk]), {}),
        (reverse("timeline:workstream-create", args=[organisation.pk]), {"name": "Y"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 404  # as for what does not exist
    m.refresh_from_db()
    assert (m.title, m.status) == ("Byrådet beslutter", MilestoneStatus.PLANNED)
    assert Milestone.objects.count() == 7


# --- Gantt ----------------------------------------------------------------------------


def test_gantt_page(client, reader, organisation, plan):
    html = text(login(client, reader).get(reverse("timeline:gantt", args=[organisation.pk])))
    assert "Ny organisering" in html
    assert "Underorganisering af centre" in html and "Fysisk flytning" in html
    assert html.count('class="tl-bar tl-bar-') == 2
    # SVG geometry, no style attribute: the bar's place and length in percent of the track,
    # its fill in percent of the bar.
    bar = re.search(r'<svg class="tl-bar [^"]*" x="([\d.]+)%" y="[\d.]+%" width="([\d.]+)%"'
                    r'[^>]*aria-label="Underorganisering af centre:[^>]*>.*?'
                    r'<rect class="tl-bar-fill" width="(\d+)%"', html, re.S)
    assert bar, html
    assert 0 <= float(bar.group(1)) < 100 and 0 < float(bar.group(2)) <= 100
    assert bar.group(3) == "60"
    assert "style=" not in html
    assert "tl-today-line" in html
    assert "ny leverance" not in html  # readers get no edit links


def test_editor_adds_a_deliverable_from_the_gantt(client, editor, organisation, plan):
    login(client, editor)
    ws = plan["workstream"]
    url = reverse("timeline:deliverable-create", args=[ws.pk])
    response = client.post(url, {"title": "Q&A", "start": "2024-11-19", "end": "2024-12-31",
                                 "status": "active", "progress": "130"})
    assert "Fremdriften skal være mellem 0 og 100 %, ikke 130." in text(response)
    response = client.post(url, {"title": "Q&A", "start": "2024-11-19", "end": "2024-12-31",
                                 "status": "active", "progress": "30"})
    assert response.status_code == 302
    assert ws.deliverables.filter(title="Q&A", progress=30).exists()


# --- calendar feed --------------------------------------------------------------------


def feed_url(client, user, organisation):
    login(client, user)
    page = client.get(reverse("timeline:calendar", args=[organisation.pk]))
    url = re.search(r'id="feed-url"[^>]*value="([^"]+)"', page.content.decode()).group(1)
    client.logout()
    return url.replace("http://testserver", "")


def test_ics_feed_parses_back_without_a_session(client, editor, organisation, plan):
    url = feed_url(client, editor, organisation)
    response = client.get(url)  # logged out: the token is the credential
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    assert str(cal["X-WR-CALNAME"]) == f"Tidsplan: {organisation.name}"
    events = {str(e["UID"]): e for e in cal.walk("VEVENT")}
    council = plan["milestones"]["council"]
    event = events[f"milestone-{council.pk}@testserver"]
    assert event.decoded("DTSTART") == D(2024, 12, 16)
    assert event.decoded("DTEND") == D(2024, 12, 17)
    assert str(event["SUMMARY"]) == "Byrådet: Byrådet beslutter"
    cancelled = events[f"milestone-{plan['milestones']['cancelled'].pk}@testserver"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    draft = plan["draft"]
    assert str(events[f"structure-{draft.pk}@testserver"]["SUMMARY"]) == (
        "Ny organisering træder i kraft")
    assert len(events) == 7 + 2  # milestones and two effective dates


def test_ics_feed_shows_what_its_owner_may_see(client, reader, organisation, plan):
    url = feed_url(client, reader, organisation)
    cal = Calendar.from_ical(client.get(url).content)
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert "Chefteamet: Fortroligt: ledere orienteres" not in summaries
    assert "Byrådet: Byrådet beslutter" in summaries
    assert len(summaries) == 6 + 1  # the draft and its milestone are hidden


def test_ics_feed_refuses_unknown_and_regenerated_tokens(client, reader, organisation, plan):
    url = feed_url(client, reader, organisation)
    assert client.get(url.replace(".ics", "x.ics")).status_code == 404
    login(client, reader)
    client.post(reverse("timeline:calendar", args=[organisation.pk]))
    client.logout()
    assert client.get(url).status_code == 404
    reader.is_active = False
    reader.save()
    assert client.get(feed_url_for_inactive(reader, organisation)).status_code == 404


def feed_url_for_inactive(user, organisation):
    token = services.feed_token(user).token
    return reverse("timeline:feed", args=[organisation.pk, token])


# --- PDF and the process bar ----------------------------------------------------------


def test_plan_pdf_renders_what_the_user_may_see(client, reader, organisation, plan):
    from timeline.pdf import plan_context

    context = plan_context(organisation, user=reader, today=TODAY)
    shown = {r.title for m in context["months"] for r in m.rows if r != "today"}
    assert "Fortroligt: ledere orienteres" not in shown and "Byrådet beslutter" in shown
    response = login(client, reader).get(reverse("timeline:plan-pdf", args=[organisation.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_process_bar_tag(rf: RequestFactory, editor, reader, organisation, plan):
    template = Template("{% load timeline_tags %}{% process_bar organisation structure %}")

    def render(user, structure=None):
        request = rf.get("/")
        request.user = user
        return re.sub(r"\s+", " ", template.render(Context(
            {"request": request, "organisation": organisation, "structure": structure})))

    html = render(editor)
    assert "2 af 6 milepæle gennemført (33 %)" in html and 'max="100" value="33"' in html
    assert "Udmelding på Intra" in html and "Byrådet beslutter" in html
    html = render(reader)
    assert "2 af 5 milepæle gennemført (40 %)" in html and "Fortroligt" not in html
    html = render(editor, plan["draft"])
    assert "Proces: Ny organisering 2025" in html and "0 af 1 milepæl gennemført" in html
    assert render(AnonymousUser()).strip() == ""


def test_effective_kind_label_is_danish():
    assert Kind.EFFECTIVE.label == "Ikrafttræden"
