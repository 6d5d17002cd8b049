"""Consultation mails: a MED body consulted on a structure tells its members by e-mail, with
the deadline, a link to the draft and the org chart as a PDF, and reminds them N days before
the deadline (settings.ORGREG_CONSULTATION_REMINDER_DAYS) while the body has not answered.

Every message is recorded and sent by notify (notify.services.queue, idempotent by its key:
one consultation mail and one reminder per consultation and membership). What goes when is
decided at fixed moments by `produce`, which notify's scheduler calls every minute
(notify.due), and which a new consultation also asks at once (med.tasks): a mail goes only
once the structure is one MED members may see (orgreg.roles asked for an anonymous MED member:
in consultation, approved or published), the consultation has been sent (sent_on) and its
deadline has not passed; so a consultation recorded on a draft is mailed when the draft is
sent in consultation, and nothing about a draft reaches anyone. The members are those of the
body valid that day; a member without an address is recorded as not sent. Before each attempt
`check` asks again (the structure discarded, the body answered meanwhile: held).
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse

from notify import services as notify
from notify.models import Message
from notify.services import File
from orgreg import clock, roles
from orgreg.pdf import render_pdf
from orgreg.text import danish_date
from units import printing
from units.models import Structure

from .models import Consultation, Membership

log = logging.getLogger(__name__)

SENT = "consultation"
REMINDER = "consultation-reminder"


def med_viewer() -> roles.Policy:
    """Who a consultation mail is written for: a MED member, no one in particular. The mail's
    recipients are addresses, not users; what they may be told is what orgreg.roles lets any
    MED member see (and its org chart is drawn as one would see it)."""
    return roles.role_policy(roles.MED)


def may_tell(structure: Structure) -> bool:
    """Whether a mail to a MED body's members may carry `structure` (its name, a link, its
    chart): when any MED member may see it (orgreg.roles)."""
    return med_viewer().can_see_structure(structure)


def key(kind: str, consultation_id: int, membership_id: int) -> str:
    return f"{kind}:{consultation_id}:{membership_id}"


def _parse(message_key: str) -> tuple[int, int] | None:
    try:
        _, c, m = message_key.split(":")
        return int(c), int(m)
    except ValueError:
        return None


def reminder_day(consultation: Consultation) -> datetime.date:
    return consultation.deadline - datetime.timedelta(
        days=settings.ORGREG_CONSULTATION_REMINDER_DAYS)


def _answered(c: Consultation) -> bool:
    return c.answer_id is not None or c.responded_on is not None


@dataclass(frozen=True)
class Due:
    """A mail that has come due: its kind, consultation and the member it goes to."""

    kind: str
    consultation: Consultation
    membership: Membership


def due(today: datetime.date) -> list[Due]:
    """The consultation mails and reminders due `today` that are not recorded yet: for each
    unanswered consultation of a body that has been sent and whose deadline has not passed,
    on a structure MED members may see, one mail per member valid today, and from the reminder
    day one reminder each (none when the consultation was sent that late itself). Three
    queries whatever the number of consultations and members."""
    window = Q(sent_on__lte=today, deadline__gte=today, body__isnull=False)
    consultations = [
        c for c in Consultation.objects.filter(window)
        .select_related("structure__organisation", "body") if may_tell(c.structure)]
    if not consultations:
        return []
    members = list(Membership.objects.filter(
        body_id__in={c.body_id for c in consultations}, valid_from__lte=today)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=today)).order_by("pk"))
    wanted: list[Due] = []
    for c in consultations:
        if _answered(c):
            continue
        reminding = reminder_day(c) <= today and c.sent_on < reminder_day(c)
        for m in members:
            if m.body_id != c.body_id:
                continue
            wanted.append(Due(SENT, c, m))
            if reminding:
                wanted.append(Due(REMINDER, c, m))
    recorded = set(Message.objects.filter(
        key__in=[key(d.kind, d.consultation.pk, d.membership.pk) for d in wanted])
        .values_list("key", flat=True))
    return [d for d in wanted if key(d.kind, d.consultation.pk, d.membership.pk)
            not in recorded]


def _links(structure: Structure) -> dict[str, str]:
    site = settings.ORGREG_SITE_URL
    return {"draft_url": site + structure.get_absolute_url(),
            "comments_url": site + reverse("comments:structure-comments", args=[structure.pk])}


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _chart(structure: Structure) -> File:
    """The org chart as a MED member sees it (no name of a basis they may not see)."""
    options = printing.parse_chart_options({})
    chart = printing.org_chart(structure, med_viewer().user, options)
    data = render_pdf("units/pdf_org_chart.html", chart.context)
    name = "".join(ch if ch.isalnum() else "-" for ch in structure.name.lower())[:60].strip("-")
    return File(f"organisationsdiagram-{name or 'udkast'}.pdf", data)


def _message(d: Due, today: datetime.date) -> dict:
    c, structure = d.consultation, d.consultation.structure
    context = {
        "consultation": c, "structure": structure, "member": d.membership, "body": c.body,
        "organisation": structure.organisation.name, "reminder": d.kind == REMINDER,
        "deadline": danish_date(c.deadline), "sent_on": danish_date(c.sent_on),
        "effective_date": danish_date(structure.effective_date),
        "days_left": (c.deadline - today).days, **_links(structure),
    }
    subject = (f"Påmindelse: høringsfrist {danish_date(c.deadline)} – {structure.name}"
               if d.kind == REMINDER else
               f"Høring: {structure.name} – frist {danish_date(c.deadline)}")
    return {
        "kind": d.kind, "key": key(d.kind, c.pk, d.membership.pk),
        "address": d.membership.email, "recipient_name": d.membership.person_name,
        "recipient_ref": f"med.membership:{d.membership.pk}", "structure": structure,
        "subject": _one_line(subject),
        "body_text": render_to_string("med/mail/consultation.txt", context),
        "body_html": render_to_string("med/mail/consultation.html", context),
    }


def queue_due(today: datetime.date | None = None, *, consultation_id: int | None = None
              ) -> int:
    """Queue every consultation mail and reminder due `today` (of one consultation, when
    given); the org chart is drawn once per structure. How many were queued."""
    today = today or clock.today()
    found = [d for d in due(today)
             if consultation_id is None or d.consultation.pk == consultation_id]
    charts: dict[int, File] = {}
    for d in found:
        structure = d.consultation.structure
        if structure.pk not in charts:
            charts[structure.pk] = _chart(structure)
        notify.queue(**_message(d, today), attachments=[charts[structure.pk]])
    if found:
        log.info("queued %d consultation mails", len(found))
    return len(found)


def produce(now: datetime.datetime) -> int:
    """notify's scheduler, every minute: the mails due on `now`'s day in Copenhagen."""
    return queue_due(now.astimezone(clock.zone()).date())


def check(message) -> str:
    """Asked before each attempt: a Danish reason to hold the message instead — the
    structure no longer one MED members may see (discarded), the consultation gone, or, for a
    reminder, the body has answered meanwhile."""
    ids = _parse(message.key)
    c = Consultation.objects.select_related("structure").filter(pk=ids[0]).first() \
        if ids else None
    if c is None:
        return "Høringen findes ikke længere."
    if not may_tell(c.structure):
        return "Organiseringen kan ikke længere ses af MED-medlemmer."
    if message.kind == REMINDER and _answered(c):
        return "Udvalget har allerede svaret på høringen."
    return ""
