"""No lost update in the plan: milestone, workstream and deliverable edits carry the version
they were made from (orgreg.versions); a stale save is refused in Danish, nothing written, and
a partial post keeps what it does not send."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from orgreg.versions import current_version
from timeline import services
from timeline.models import Deliverable, Milestone, MilestoneStatus, Workstream

from .conftest import TODAY

D = datetime.date
STALE = "er ændret, siden du åbnede formularen"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today(on_date):
    on_date(TODAY)


def state() -> list:
    models = [Milestone, Workstream, Deliverable]
    return [list(m.objects.order_by("pk").values()) for m in models] + [
        m.history.count() for m in models]


@pytest.fixture
def objects(plan):
    ws = plan["workstream"]
    return {"milestone": plan["milestones"]["council"], "workstream": ws,
            "deliverable": ws.deliverables.order_by("start").first()}


def _read(model, pk, field):
    return getattr(model.objects.get(pk=pk), field)


# name: (object, someone else's change, my change from a stale form, how to read mine back)
CASES = {
    "update_milestone": (
        "milestone",
        lambda o, u, **v: services.update_milestone(o, forum="Økonomiudvalget", user=u, **v),
        lambda o, u, **v: services.update_milestone(o, title="Byrådet vedtager", user=u, **v),
        lambda o: _read(Milestone, o.pk, "title") == "Byrådet vedtager"),
    "reschedule_milestone": (
        "milestone",
        lambda o, u, **v: services.update_milestone(o, description="Punkt 7", user=u, **v),
        lambda o, u, **v: services.reschedule_milestone(o, date=D(2025, 1, 20),
                                                        reason="Nyt møde", user=u, **v),
        lambda o: _read(Milestone, o.pk, "date") == D(2025, 1, 20)),
    "set_milestone_status": (
        "milestone",
        lambda o, u, **v: services.reschedule_milestone(o, date=D(2025, 2, 1), reason="Flyttet",
                                                        user=u, **v),
        lambda o, u, **v: services.set_milestone_status(o, MilestoneStatus.CANCELLED,
                                                        reason="Droppet", user=u, **v),
        lambda o: _read(Milestone, o.pk, "status") == MilestoneStatus.CANCELLED),
    "edit_milestone": (
        "milestone",
        lambda o, u, **v: services.update_milestone(o, forum="Økonomiudvalget", user=u, **v),
        lambda o, u, **v: services.edit_milestone(o, title="Ny titel", date=D(2024, 12, 17),
                                                  reason="Dagen efter", user=u, **v),
        lambda o: _read(Milestone, o.pk, "date") == D(2024, 12, 17)),
    "update_workstream": (
        "workstream",
        lambda o, u, **v: services.update_workstream(o, description="Alt om flytning", user=u,
                                                     **v),
        lambda o, u, **v: services.update_workstream(o, name="Flytning", user=u, **v),
        lambda o: _read(Workstream, o.pk, "name") == "Flytning"),
    "update_deliverable": (
        "deliverable",
        lambda o, u, **v: services.update_deliverable(o, progress=80, user=u, **v),
        lambda o, u, **v: services.update_deliverable(o, progress=40, user=u, **v),
        lambda o: _read(Deliverable, o.pk, "progress") == 40),
    "deliverable_dates": (
        "deliverable",
        lambda o, u, **v: services.update_deliverable(o, title="Centre", user=u, **v),
        lambda o, u, **v: services.update_deliverable(o, end=D(2025, 1, 31), user=u, **v),
        lambda o: _read(Deliverable, o.pk, "end") == D(2025, 1, 31)),
}


@pytest.mark.parametrize("case", CASES)
def test_every_update_refuses_a_stale_version(objects, editor, case):
    key, theirs, mine, saved = CASES[case]
    obj = objects[key]
    seen = current_version(obj)
    theirs(obj, editor)
    before = state()
    with pytest.raises(ValidationError, match=STALE):
        mine(obj, editor, expected_version=seen)
    assert state() == before
    assert not saved(obj)
    mine(obj, editor, expected_version=current_version(obj))
    assert saved(obj)


def _version(html: str) -> str:
    return re.search(r'name="version" value="(\d+)"', html).group(1)


def test_stale_milestone_edit_form_is_refused(client, editor, objects):
    client.force_login(editor)
    milestone = objects["milestone"]
    url = reverse("timeline:milestone-edit", args=[milestone.pk])
    version = _version(client.get(url).content.decode())
    assert version == str(current_version(milestone))
    form = {"title": milestone.title, "date": "2024-12-16", "end_date": "", "kind": "decision",
            "status": "planned", "forum": "Byrådet", "description": "", "version": version}
    assert client.post(url, {**form, "title": "Byrådet vedtager"}).status_code == 302
    before = state()
    response = client.post(url, {**form, "date": "2024-12-18", "reason": "Flyttet"})
    assert response.status_code == 200
    assert STALE in response.content.decode()
    assert state() == before
    milestone.refresh_from_db()
    assert (milestone.title, milestone.date) == ("Byrådet vedtager", D(2024, 12, 16))


def test_stale_status_button_is_refused(client, editor, objects):
    client.force_login(editor)
    milestone = objects["milestone"]
    detail = reverse("timeline:milestone-detail", args=[milestone.pk])
    version = _version(client.get(detail).content.decode())
    services.reschedule_milestone(milestone, date=D(2025, 1, 5), reason="Nyt møde", user=editor)
    before = state()
    response = client.post(reverse("timeline:milestone-status", args=[milestone.pk]),
                           {"status": "cancelled", "reason": "Droppet", "version": version},
                           follow=True)
    assert STALE in response.content.decode()
    assert state() == before


def test_stale_deliverable_and_workstream_forms_are_refused(client, editor, objects):
    client.force_login(editor)
    d, ws = objects["deliverable"], objects["workstream"]
    d_url = reverse("timeline:deliverable-edit", args=[d.pk])
    ws_url = reverse("timeline:workstream-edit", args=[ws.pk])
    d_version = _version(client.get(d_url).content.decode())
    ws_version = _version(client.get(ws_url).content.decode())
    services.update_deliverable(d, progress=90, user=editor)
    services.update_workstream(ws, description="Ny beskrivelse", user=editor)
    before = state()
    for url, data in ((d_url, {"progress": "10", "version": d_version}),
                      (ws_url, {"name": "Andet navn", "version": ws_version})):
        response = client.post(url, data)
        assert STALE in response.content.decode(), url
    assert state() == before


def test_partial_posts_keep_what_they_do_not_send(client, editor, objects):
    client.force_login(editor)
    milestone, d, ws = objects["milestone"], objects["deliverable"], objects["workstream"]
    services.update_milestone(milestone, description="Punkt 7 på dagsordenen", user=editor)
    services.update_workstream(ws, description="Alt om den nye organisering", user=editor)
    posts = [
        (reverse("timeline:milestone-edit", args=[milestone.pk]), {"title": "Byrådet vedtager"}),
        (reverse("timeline:deliverable-edit", args=[d.pk]), {"progress": "75"}),
        (reverse("timeline:workstream-edit", args=[ws.pk]), {"name": "Organisering"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:3000])
    milestone.refresh_from_db()
    d.refresh_from_db()
    ws.refresh_from_db()
    assert (milestone.title, milestone.date, milestone.forum, milestone.kind,
            milestone.status, milestone.description) == (
        "Byrådet vedtager", D(2024, 12, 16), "Byrådet", "decision", "planned",
        "Punkt 7 på dagsordenen")
    assert (d.title, d.start, d.end, d.progress) == (
        "Underorganisering af centre", D(2024, 10, 1), D(2024, 12, 31), 75)
    assert (ws.name, ws.description) == ("Organisering", "Alt om den nye organisering")


def test_a_milestone_end_date_sent_empty_is_cleared(client, editor, objects):
    client.force_login(editor)
    milestone = objects["milestone"]
    services.reschedule_milestone(milestone, date=D(2024, 12, 16), end_date=D(2024, 12, 17),
                                  reason="To dage", user=editor)
    url = reverse("timeline:milestone-edit", args=[milestone.pk])
    assert client.post(url, {"end_date": "", "reason": "Én dag"}).status_code == 302
    milestone.refresh_from_db()
    assert (milestone.date, milestone.end_date) == (D(2024, 12, 16), None)
