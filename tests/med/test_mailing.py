"""Consultation mails and reminders (med.mailing) against a real SMTP server on loopback
(aiosmtpd, the smtp_server fixture): to the consulted bodies' members valid that day only,
nothing while the structure is a draft, the reminder only to bodies that have not answered, at
fixed clock times; the deadline in the mail and in the calendar feed."""

from __future__ import annotations

import datetime
import subprocess
import tempfile
from pathlib import Path

import pytest
from icalendar import Calendar

from comments import services as comment_services
from med import mailing
from med import services as med_services
from notify import due
from notify.models import Message
from orgreg import clock
from tests import factories
from timeline import services as timeline_services
from units import services

D = datetime.date
DEADLINE = D(2026, 11, 20)


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as f:
        Path(f.name).write_bytes(data)
        return subprocess.run(["pdftotext", "-layout", f.name, "-"], capture_output=True,
                              check=True, text=True).stdout


@pytest.fixture
def proposal(on_date, editor, small, med_member):
    """A proposal based on a draft alternative ("HEMMELIG MODEL", which MED members may not
    see), with a HovedMED (two members with addresses, one without, one who has left) and a
    LokalMED (one member, the MED member's user), on 2 November 2026."""
    on_date(D(2026, 11, 2))
    base, _ = small
    hidden = services.copy_structure(base, name="HEMMELIG MODEL", user=editor,
                                     effective_date=D(2027, 1, 1))
    structure = services.copy_structure(hidden, name="Forslag <2027> & co", user=editor,
                                        effective_date=D(2027, 1, 1))
    root = structure.units.get(parent=None)
    hoved = med_services.create_body(structure, name="HovedMED", level="hoved",
                                     valid_from=D(2024, 1, 1), units=[root], user=editor)
    lokal = med_services.create_body(structure, name="LokalMED A", level="lokal",
                                     valid_from=D(2024, 1, 1), user=editor)
    members = {}
    for body, name, email, valid_to in [
            (hoved, "Birgitte Holm", "birgitte@randers.example", None),
            (hoved, "Anders Kjær", "anders@randers.example", None),
            (hoved, "Uden Adresse", "", None),
            (hoved, "Fratrådt Frede", "frede@randers.example", D(2026, 10, 31)),
            (lokal, "Lone Lokal", "lone@randers.example", None)]:
        members[name] = med_services.add_membership(
            body, person_name=name, side="medarbejder", valid_from=D(2024, 1, 1),
            valid_to=valid_to, email=email, user=editor,
            person_user=med_member if body == lokal else None)
    return {"structure": structure, "hoved": hoved, "lokal": lokal, "members": members}


def consult(p, editor, body, capture):
    with capture(execute=True):
        return med_services.create_consultation(p["structure"], body=body,
                                                sent_on=clock.today(), deadline=DEADLINE,
                                                title="Ny struktur", user=editor)


def sweep(capture) -> int:
    with capture(execute=True):
        return due.run(clock.now())


def test_nothing_is_mailed_while_the_structure_is_a_draft_then_its_members_are(
        proposal, editor, smtp_server, django_capture_on_commit_callbacks, on_date):
    capture = django_capture_on_commit_callbacks
    c = consult(proposal, editor, proposal["hoved"], capture)
    assert sweep(capture) == 0
    assert not Message.objects.exists() and smtp_server.received == []

    services.set_status(proposal["structure"], "consultation", user=editor)
    on_date(D(2026, 11, 3))
    assert sweep(capture) == 3  # two addresses and one without
    got = smtp_server.wait(2)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "anders@randers.example", "birgitte@randers.example"]
    cancelled = Message.objects.get(state=Message.State.CANCELLED)
    assert cancelled.recipient_name == "Uden Adresse"
    # Nothing more at the next sweep: each member is mailed once.
    assert sweep(capture) == 0
    mail = next(m for m in got if m["To"].addresses[0].display_name == "Birgitte Holm")
    # (Python's mail folds a long encoded subject onto a line of its own: a leading space.)
    assert mail["Subject"].strip() == "Høring: Forslag <2027> & co – frist 20. november 2026"
    text = mail.get_body(("plain",)).get_content()
    assert "Kære Birgitte Holm" in text and "Fristen for udvalgets høringssvar er " \
        "20. november 2026." in text
    assert f"http://127.0.0.1:8000/structure/{proposal['structure'].pk}/" in text
    assert f"/kommentarer/structure/{proposal['structure'].pk}/" in text
    html = mail.get_body(("html",)).get_content()
    assert "Forslag &lt;2027&gt; &amp; co" in html
    [attachment] = list(mail.iter_attachments())
    chart = pdf_text(attachment.get_content())
    assert "Forslag <2027> & co" in chart and "Afdeling A" in chart
    assert "HEMMELIG" not in chart + text + html  # the hidden basis is never named
    messages = Message.objects.filter(kind=mailing.SENT, structure=proposal["structure"])
    assert messages.count() == 3
    assert {m.recipient_ref for m in messages} == {
        f"med.membership:{proposal['members'][n].pk}"
        for n in ("Birgitte Holm", "Anders Kjær", "Uden Adresse")}
    assert c.pk  # the consultation stays as it was


def test_a_consultation_on_a_structure_in_consultation_is_mailed_at_once(
        proposal, editor, smtp_server, django_capture_on_commit_callbacks):
    services.set_status(proposal["structure"], "consultation", user=editor)
    consult(proposal, editor, proposal["lokal"], django_capture_on_commit_callbacks)
    [got] = smtp_server.wait(1)
    assert smtp_server.received[0].rcpt_tos == ["lone@randers.example"]
    assert "LokalMED A er sendt i høring" in got.get_body(("plain",)).get_content()


def test_the_reminder_goes_on_its_day_to_the_bodies_that_have_not_answered(
        proposal, editor, smtp_server, django_capture_on_commit_callbacks, on_date, settings,
        med_member):
    settings.ORGREG_CONSULTATION_REMINDER_DAYS = 3
    capture = django_capture_on_commit_callbacks
    services.set_status(proposal["structure"], "consultation", user=editor)
    consult(proposal, editor, proposal["hoved"], capture)
    lokal = consult(proposal, editor, proposal["lokal"], capture)
    smtp_server.wait(3)
    smtp_server.clear()
    # LokalMED A answers through its member Lone Lokal, the MED member.
    on_date(D(2026, 11, 10))
    comment_services.submit_answer(lokal, text="Vi bakker op.",
                                   user=factories.User.objects.get(pk=med_member.pk))
    # 16 November, the day before the reminder day: nothing.
    on_date(D(2026, 11, 16))
    assert sweep(capture) == 0
    # 17 November, three days before the deadline: the HovedMED's members, not LokalMED A's.
    on_date(D(2026, 11, 17))
    assert sweep(capture) == 3
    got = smtp_server.wait(2)
    assert sorted(r.rcpt_tos[0] for r in smtp_server.received) == [
        "anders@randers.example", "birgitte@randers.example"]
    assert got[0]["Subject"].strip() == "Påmindelse: høringsfrist 20. november 2026 – " \
        "Forslag <2027> & co"
    assert "Fristen er 20. november 2026, om 3 dage." in got[0].get_body(
        ("plain",)).get_content()
    on_date(D(2026, 11, 18))
    assert sweep(capture) == 0  # one reminder each
    # After the deadline nothing more.
    on_date(D(2026, 11, 21))
    assert sweep(capture) == 0


def test_a_reminder_of_a_body_that_answered_meanwhile_is_held(proposal, editor, on_date,
                                                              django_capture_on_commit_callbacks,
                                                              smtp_server):
    capture = django_capture_on_commit_callbacks
    services.set_status(proposal["structure"], "consultation", user=editor)
    c = consult(proposal, editor, proposal["lokal"], capture)
    smtp_server.wait(1)
    on_date(D(2026, 11, 17))
    with capture(execute=False):  # queued, not yet sent
        assert mailing.queue_due(clock.today()) == 1
    med_services.record_response(c, response="Svar pr. brev", responded_on=clock.today(),
                                 user=editor)
    from notify import sending

    reminder = Message.objects.get(kind=mailing.REMINDER)
    sending.deliver(reminder.pk)
    reminder.refresh_from_db()
    assert reminder.state == Message.State.HELD
    assert reminder.last_error == "Udvalget har allerede svaret på høringen."
    assert len(smtp_server.received) == 1


def test_the_calendar_feed_shows_the_deadline(proposal, editor, client, med_member,
                                              django_capture_on_commit_callbacks):
    services.set_status(proposal["structure"], "consultation", user=editor)
    c = consult(proposal, editor, proposal["hoved"], django_capture_on_commit_callbacks)
    organisation = proposal["structure"].organisation
    for user in (editor, med_member):
        token = timeline_services.feed_token(user).token
        response = client.get(f"/plan/{organisation.pk}/kalender/{token}.ics")
        assert response.status_code == 200
        events = {str(e["UID"]): e for e in Calendar.from_ical(response.content).walk("VEVENT")}
        event = events[f"consultation-{c.pk}@testserver"]
        assert event.decoded("DTSTART") == DEADLINE
        assert str(event["SUMMARY"]) == "HovedMED: Høringsfrist"
        assert "frist 20. november 2026" in str(event["DESCRIPTION"])


def test_the_feed_tells_a_reader_nothing_of_a_consultation_they_may_not_see(
        proposal, editor, client, reader, django_capture_on_commit_callbacks):
    c = consult(proposal, editor, proposal["hoved"], django_capture_on_commit_callbacks)
    token = timeline_services.feed_token(reader).token
    organisation = proposal["structure"].organisation
    response = client.get(f"/plan/{organisation.pk}/kalender/{token}.ics")
    assert f"consultation-{c.pk}" not in response.content.decode()
    assert "Høringsfrist" not in response.content.decode()


def test_a_membership_address_must_be_one(proposal, editor):
    from med.models import Membership

    before = list(Membership.objects.order_by("pk").values())
    with pytest.raises(Exception, match="er ikke en e-mailadresse"):
        med_services.add_membership(proposal["hoved"], person_name="Ny", side="ledelse",
                                    valid_from=D(2024, 1, 1), email="ikke en adresse",
                                    user=editor)
    with pytest.raises(Exception, match="er ikke en e-mailadresse"):
        med_services.update_membership(proposal["members"]["Anders Kjær"], email="x@",
                                       user=editor)
    assert list(Membership.objects.order_by("pk").values()) == before
