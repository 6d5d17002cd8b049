"""No lost update for MED bodies: the edit form carries the body's version
(orgreg.versions) and update_body refuses a stale one, nothing written."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from med import services
from med.models import AgendaItem, Consultation, MedBody, Meeting, Membership
from orgreg.versions import current_version

pytestmark = pytest.mark.django_db


def test_update_body_refuses_a_stale_version(bodies, editor, unchanged):
    body = bodies["A"]
    seen = current_version(body)
    services.update_body(body, name="LokalMED Afdeling A", user=editor)
    with unchanged(match="MED-udvalget »LokalMED Afdeling A« er ændret"):
        services.update_body(body, name="Gammelt navn", user=editor, expected_version=seen)
    services.update_body(body, description="Frisk", user=editor,
                         expected_version=current_version(body))
    services.update_body(body, description="Uden version", user=editor)
    assert MedBody.objects.get(pk=body.pk).description == "Uden version"


def test_stale_body_edit_form_is_refused(client, bodies, editor):
    client.force_login(editor)
    body = bodies["A"]
    url = reverse("med:body-edit", args=[body.pk])
    html = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    assert version == str(current_version(body))
    form = {"name": body.name, "level": body.level, "parent": body.parent_id,
            "valid_from": "2024-01-01", "description": "", "version": version}
    assert client.post(url, {**form, "name": "LokalMED A1"}).status_code == 302
    history = MedBody.history.count()
    response = client.post(url, {**form, "description": "Gammel formular"})
    assert "er ændret, siden du åbnede formularen" in response.content.decode()
    body.refresh_from_db()
    assert (body.name, body.description) == ("LokalMED A1", "")
    assert MedBody.history.count() == history
    assert body.valid_from == datetime.date(2024, 1, 1)


# --- every other MED update -------------------------------------------------------------

STALE = "er ændret, siden du åbnede formularen"


@pytest.fixture
def things(bodies, editor, small):
    """A member, a meeting with an item, and a consultation of the HovedMED."""
    structure, _ = small
    hoved = bodies["hoved"]
    member = services.add_membership(hoved, person_name="Anna Holm", side="ledelse",
                                     valid_from=datetime.date(2024, 1, 1), user=editor)
    meeting = services.create_meeting(
        hoved, starts_at=timezone.make_aware(datetime.datetime(2024, 3, 1, 10)), user=editor)
    item = services.add_agenda_item(meeting, title="Budget", treatment="orientering",
                                    user=editor)
    consultation = services.create_consultation(
        structure, body=hoved, sent_on=datetime.date(2024, 2, 1),
        deadline=datetime.date(2024, 3, 1), user=editor)
    return {"member": member, "meeting": meeting, "item": item, "consultation": consultation,
            "body": hoved, "units": small[1]}


# name: (object, someone else's change, my change from a stale form, how to read mine back)
CASES = {
    "membership": ("member",
                   lambda o, u, **v: services.update_membership(o, union="FOA", user=u, **v),
                   lambda o, u, **v: services.update_membership(o, union="3F", user=u, **v),
                   lambda o: Membership.objects.get(pk=o.pk).union == "3F"),
    "end_membership": ("member",
                       lambda o, u, **v: services.update_membership(o, union="FOA", user=u,
                                                                    **v),
                       lambda o, u, **v: services.end_membership(
                           o, on=datetime.date(2024, 12, 31), user=u, **v),
                       lambda o: Membership.objects.get(pk=o.pk).valid_to
                       == datetime.date(2024, 12, 31)),
    "meeting": ("meeting",
                lambda o, u, **v: services.update_meeting(o, place="Rådhuset", user=u, **v),
                lambda o, u, **v: services.update_meeting(o, title="Ekstra", user=u, **v),
                lambda o: Meeting.objects.get(pk=o.pk).title == "Ekstra"),
    "agenda_item": ("item",
                    lambda o, u, **v: services.update_agenda_item(o, minutes="Taget til "
                                                                  "efterretning", user=u, **v),
                    lambda o, u, **v: services.update_agenda_item(o, title="Budget 2025",
                                                                  user=u, **v),
                    lambda o: AgendaItem.objects.get(pk=o.pk).title == "Budget 2025"),
    "consultation": ("consultation",
                     lambda o, u, **v: services.update_consultation(o, title="Ny struktur",
                                                                    user=u, **v),
                     lambda o, u, **v: services.update_consultation(
                         o, deadline=datetime.date(2024, 4, 1), user=u, **v),
                     lambda o: Consultation.objects.get(pk=o.pk).deadline
                     == datetime.date(2024, 4, 1)),
    "response": ("consultation",
                 lambda o, u, **v: services.record_response(
                     o, response="Vi bakker op", responded_on=datetime.date(2024, 2, 20),
                     user=u, **v),
                 lambda o, u, **v: services.record_response(
                     o, response="Vi er imod", responded_on=datetime.date(2024, 2, 21),
                     user=u, **v),
                 lambda o: Consultation.objects.get(pk=o.pk).response == "Vi er imod"),
    "body_units": ("body",
                   lambda o, u, **v: services.update_body(o, description="Ny", user=u, **v),
                   lambda o, u, **v: services.set_body_units(o, [], user=u, **v),
                   lambda o: not MedBody.objects.get(pk=o.pk).units.exists()),
}


@pytest.mark.parametrize("case", CASES)
def test_every_update_refuses_a_stale_version(things, editor, unchanged, case):
    key, theirs, mine, saved = CASES[case]
    obj = things[key]
    seen = current_version(obj)
    theirs(obj, editor)
    with unchanged(match=STALE):
        mine(obj, editor, expected_version=seen)
    assert not saved(obj)
    mine(obj, editor, expected_version=current_version(obj))
    assert saved(obj)


def test_stale_membership_edit_form_is_refused(client, things, editor):
    client.force_login(editor)
    member = things["member"]
    url = reverse("med:membership-edit", args=[member.pk])
    html = client.get(url).content.decode()
    version = re.search(r'name="version" value="(\d+)"', html).group(1)
    form = {"person_name": "Anna Holm", "side": "ledelse", "role": "medlem", "union": "",
            "valid_from": "2024-01-01", "valid_to": "", "version": version}
    assert client.post(url, {**form, "union": "HK"}).status_code == 302
    history = Membership.history.count()
    response = client.post(url, {**form, "person_name": "Anna H. Holm"})
    assert STALE in response.content.decode()
    member.refresh_from_db()
    assert (member.person_name, member.union) == ("Anna Holm", "HK")
    assert Membership.history.count() == history


def test_stale_response_form_is_refused(client, things, editor):
    client.force_login(editor)
    c = things["consultation"]
    url = reverse("med:consultation-response", args=[c.pk])
    version = re.search(r'name="version" value="(\d+)"',
                        client.get(url).content.decode()).group(1)
    services.record_response(c, response="Første svar", responded_on=datetime.date(2024, 2, 2),
                             user=editor)
    response = client.post(url, {"response": "Andet svar", "responded_on": "2024-02-03",
                                 "version": version})
    assert STALE in response.content.decode()
    assert Consultation.objects.get(pk=c.pk).response == "Første svar"


# --- partial posts ----------------------------------------------------------------------


def test_partial_posts_keep_what_they_do_not_send(client, things, editor):
    client.force_login(editor)
    body, member, c = things["body"], things["member"], things["consultation"]
    services.update_body(body, description="HovedMED for hele kommunen", user=editor)
    services.update_membership(member, union="HK", user=editor)
    services.update_consultation(c, title="Ny struktur", user=editor)
    posts = [
        (reverse("med:body-edit", args=[body.pk]), {"name": "Hoved-MED"}),
        (reverse("med:membership-edit", args=[member.pk]), {"person_name": "Anna B. Holm"}),
        (reverse("med:consultation-edit", args=[c.pk]), {"deadline": "2024-03-15"}),
        (reverse("med:meeting-edit", args=[things["meeting"].pk]), {"place": "Rådhuset"}),
        (reverse("med:item-edit", args=[things["item"].pk]), {"minutes": "Godkendt"}),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content.decode()[:2000])
    body.refresh_from_db()
    member.refresh_from_db()
    c.refresh_from_db()
    assert (body.name, body.description, body.level) == (
        "Hoved-MED", "HovedMED for hele kommunen", "hoved")
    assert (member.person_name, member.union, member.valid_from) == (
        "Anna B. Holm", "HK", datetime.date(2024, 1, 1))
    assert (c.title, c.deadline, c.body_id) == ("Ny struktur", datetime.date(2024, 3, 15),
                                                body.pk)
    meeting = Meeting.objects.get(pk=things["meeting"].pk)
    assert (meeting.place, meeting.starts_at) == ("Rådhuset", things["meeting"].starts_at)
    item = AgendaItem.objects.get(pk=things["item"].pk)
    assert (item.title, item.minutes, item.treatment) == ("Budget", "Godkendt", "orientering")
