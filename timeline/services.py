"""Writes to the plan: milestones, workstreams, deliverables and calendar tokens.

Every function is one business operation: atomic, validating before the first write, and
recording the acting user and a reason in history (the editor's own words where given, else a
Danish sentence that says what happened). A refusal is a ``ValidationError`` with a Danish
message and leaves the database as it was. Rescheduling needs a reason; the old date stays in
the milestone's history. Dates outside 1900–2200 are refused (orgreg.dates). Every change to an
existing milestone, workstream or deliverable takes `expected_version`
(orgreg.versions.current_version when the edit form was made) and refuses to save over a change
made since then; None (demo data, scripts) skips that check.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg import clock
from orgreg.dates import check_dates
from orgreg.history import apply_changes, stamp
from orgreg.text import danish_date, quoted
from orgreg.versions import check_version
from units.models import Organisation, Structure

from .models import (
    Deliverable,
    DeliverableStatus,
    FeedToken,
    Kind,
    Milestone,
    MilestoneStatus,
    Workstream,
)

MILESTONE_FIELDS = ("title", "description", "forum", "kind", "structure", "workstream",
                    "med_body", "meeting")
WORKSTREAM_FIELDS = ("name", "description", "order")
DELIVERABLE_FIELDS = ("title", "description", "start", "end", "status", "progress", "order")


def _lock_milestone(milestone: Milestone, expected_version: int | None = None) -> Milestone:
    try:
        locked = (Milestone.objects.select_for_update(of=("self",))
                  .select_related("organisation", "structure", "workstream", "med_body",
                                  "meeting__body").get(pk=milestone.pk))
    except Milestone.DoesNotExist:
        raise ValidationError("Milepælen findes ikke længere.") from None
    check_version(locked, expected_version, what=f"Milepælen {quoted(locked.title)}")
    return locked


def _clean_text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check_dates(date: datetime.date | None, end_date: datetime.date | None) -> None:
    if not date:
        raise ValidationError({"date": "Angiv en dato."})
    check_dates(date=date, end_date=end_date)
    if end_date and end_date < date:
        raise ValidationError({"end_date": (
            f"Slutdatoen ({danish_date(end_date)}) ligger før datoen ({danish_date(date)})."
        )})


def _check_links(organisation_id: int, structure: Structure | None,
                 workstream: Workstream | None, med_body=None, meeting=None) -> None:
    if structure is not None and structure.organisation_id != organisation_id:
        raise ValidationError({"structure": (
            f"Organiseringen {quoted(structure.name)} hører til en anden organisation."
        )})
    if workstream is not None and workstream.organisation_id != organisation_id:
        raise ValidationError({"workstream": (
            f"Indsatsområdet {quoted(workstream.name)} hører til en anden organisation."
        )})
    if med_body is not None and med_body.organisation_id != organisation_id:
        raise ValidationError({"med_body": (
            f"MED-udvalget {quoted(med_body.name)} hører til en anden organisation."
        )})
    if meeting is not None:
        if meeting.body.organisation_id != organisation_id:
            raise ValidationError({"meeting": "Mødet hører til en anden organisations MED."})
        if med_body is not None and meeting.body_id != med_body.pk:
            raise ValidationError({"meeting": (
                f"Mødet er et møde i {quoted(meeting.body.name)}, ikke i {quoted(med_body.name)}."
            )})


def _check_choice(value: str, choices, field: str, label: str) -> None:
    if value not in choices.values:
        raise ValidationError({field: f"Ukendt {label}: {quoted(str(value))}."})


def _check_not_future(date: datetime.date) -> None:
    if date > clock.today():
        raise ValidationError({"status": (
            f"Milepælen ligger {danish_date(date)} og kan ikke være gennemført endnu. "
            "Flyt den først, hvis den er gennemført tidligere."
        )})


# --- milestones -------------------------------------------------------------------------


@transaction.atomic
def create_milestone(organisation: Organisation, *, title: str, date: datetime.date, user,
                     end_date: datetime.date | None = None, description: str = "",
                     forum: str = "", kind: str = Kind.OTHER,
                     status: str = MilestoneStatus.PLANNED, structure: Structure | None = None,
                     workstream: Workstream | None = None, med_body=None, meeting=None,
                     reason: str | None = None) -> Milestone:
    """A new milestone in the organisation's plan. Refuses an empty title, a missing date, an
    end before the start, a date outside 1900–2200, and a structure, workstream, MED body or
    meeting of another organisation. A meeting brings its body, and a body its name as the
    forum, when those are not given."""
    title = _clean_text(title)
    if not title:
        raise ValidationError({"title": "Milepælen skal have en titel."})
    _check_dates(date, end_date)
    _check_choice(kind, Kind, "kind", "type")
    _check_choice(status, MilestoneStatus, "status", "status")
    _check_links(organisation.pk, structure, workstream, med_body, meeting)
    if meeting is not None and med_body is None:
        med_body = meeting.body
    if med_body is not None and not _clean_text(forum):
        forum = med_body.name
    if status == MilestoneStatus.DONE:
        _check_not_future(date)
    milestone = Milestone(
        organisation=organisation, title=title, date=date, end_date=end_date,
        description=_clean_text(description), forum=_clean_text(forum), kind=kind,
        status=status, structure=structure, workstream=workstream, med_body=med_body,
        meeting=meeting,
    )
    milestone.full_clean(exclude=["organisation", "structure", "workstream", "med_body",
                                  "meeting"])
    stamp(milestone, user, reason or f"Milepælen {quoted(title)} oprettet "
                                      f"pr. {danish_date(date)}.")
    milestone.save()
    return milestone


@transaction.atomic
def update_milestone(milestone: Milestone, *, user, reason: str | None = None,
                     expected_version: int | None = None, **fields) -> Milestone:
    """Change a milestone's text, forum, kind, structure or workstream. Dates change only
    through `reschedule_milestone` and status through `set_milestone_status`, so that each
    of those carries its own reason. Refuses a milestone saved since `expected_version`."""
    unknown = set(fields) - set(MILESTONE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown milestone fields: {', '.join(sorted(unknown))}")
    locked = _lock_milestone(milestone, expected_version)
    for key in ("title", "description", "forum"):
        if key in fields:
            fields[key] = _clean_text(fields[key])
    if "title" in fields and not fields["title"]:
        raise ValidationError({"title": "Milepælen skal have en titel."})
    if "kind" in fields:
        _check_choice(fields["kind"], Kind, "kind", "type")
    if fields.get("meeting") is not None and fields.get("med_body", locked.med_body) is None:
        fields["med_body"] = fields["meeting"].body
    _check_links(locked.organisation_id, fields.get("structure"), fields.get("workstream"),
                 fields.get("med_body", locked.med_body), fields.get("meeting", locked.meeting))
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    locked.full_clean(exclude=["organisation", "structure", "workstream", "med_body", "meeting"])
    stamp(locked, user, reason or f"Ændret: {', '.join(changed)}.")
    locked.save()
    return locked


@transaction.atomic
def reschedule_milestone(milestone: Milestone, *, date: datetime.date,
                         end_date: datetime.date | None = None, reason: str,
                         user, expected_version: int | None = None) -> Milestone:
    """Move a milestone to a new date. The reason is required and recorded with the old date
    in history. A postponed milestone with a new date is planned again. Refuses a done or
    cancelled milestone, an end before the start, a date outside 1900–2200 and a milestone
    saved since `expected_version`."""
    reason = _clean_text(reason)
    if not reason:
        raise ValidationError({"reason": "Angiv en begrundelse for den nye dato."})
    locked = _lock_milestone(milestone, expected_version)
    if locked.status in (MilestoneStatus.DONE, MilestoneStatus.CANCELLED):
        raise ValidationError(
            f"Milepælen {quoted(locked.title)} er {locked.get_status_display().lower()} "
            "og kan ikke flyttes."
        )
    _check_dates(date, end_date)
    if locked.date == date and locked.end_date == end_date:
        return locked
    old = danish_date(locked.date)
    locked.date, locked.end_date = date, end_date
    if locked.status == MilestoneStatus.POSTPONED:
        locked.status = MilestoneStatus.PLANNED
    stamp(locked, user, f"Flyttet fra {old} til {danish_date(date)}: {reason}")
    locked.save()
    return locked


@transaction.atomic
def set_milestone_status(milestone: Milestone, status: str, *, user,
                         reason: str | None = None,
                         expected_version: int | None = None) -> Milestone:
    """Mark a milestone planned, done, postponed or cancelled. Postponing or cancelling needs
    a reason; a milestone cannot be marked done before its date. Refuses a milestone saved
    since `expected_version`."""
    _check_choice(status, MilestoneStatus, "status", "status")
    locked = _lock_milestone(milestone, expected_version)
    reason = _clean_text(reason)
    if locked.status == status:
        return locked
    if status in (MilestoneStatus.POSTPONED, MilestoneStatus.CANCELLED) and not reason:
        raise ValidationError({"reason": (
            f"Angiv en begrundelse for at milepælen er {MilestoneStatus(status).label.lower()}."
        )})
    if status == MilestoneStatus.DONE:
        _check_not_future(locked.date)
    old_label = locked.get_status_display()
    locked.status = status
    stamp(locked, user, reason or (
        f"Status ændret fra {old_label} til {MilestoneStatus(status).label}."
    ))
    locked.save()
    return locked


def mark_done(milestone: Milestone, *, user, reason: str | None = None) -> Milestone:
    """The milestone happened."""
    return set_milestone_status(milestone, MilestoneStatus.DONE, user=user, reason=reason)


def mark_postponed(milestone: Milestone, *, user, reason: str) -> Milestone:
    """The milestone will not happen on its date; a new date is not known yet."""
    return set_milestone_status(milestone, MilestoneStatus.POSTPONED, user=user, reason=reason)


@transaction.atomic
def edit_milestone(milestone: Milestone, *, user, reason: str = "",
                   expected_version: int | None = None, **fields) -> Milestone:
    """One edit from the browser: text and links, then a new date, then a new status, each
    through its own operation so each keeps its own rule (a new date needs a reason, a done
    or cancelled milestone keeps its date). `date`, `end_date` and `status` among `fields`
    are optional: left out, they keep their stored value (a partial form). The version is
    checked once, before the first write. All or nothing."""
    reason = _clean_text(reason)
    moves = {k: fields.pop(k) for k in ("date", "end_date", "status") if k in fields}
    updated = update_milestone(milestone, user=user, reason=reason or None,
                               expected_version=expected_version, **fields)
    date = moves.get("date", updated.date)
    end_date = moves.get("end_date", updated.end_date)
    status = moves.get("status", updated.status)
    if updated.date != date or updated.end_date != end_date:
        if updated.status in (MilestoneStatus.DONE, MilestoneStatus.CANCELLED) \
                and status == MilestoneStatus.PLANNED:
            # Reopening and moving in one edit: reopen first so the move is allowed.
            updated = set_milestone_status(updated, status, user=user, reason=reason or None)
        updated = reschedule_milestone(updated, date=date, end_date=end_date, reason=reason,
                                       user=user)
    if updated.status != status:
        updated = set_milestone_status(updated, status, user=user, reason=reason or None)
    return updated


@transaction.atomic
def delete_milestone(milestone: Milestone, *, user, reason: str | None = None) -> None:
    """Remove a milestone entered by mistake; history keeps its last state."""
    locked = _lock_milestone(milestone)
    stamp(locked, user, reason or f"Milepælen {quoted(locked.title)} slettet.")
    locked.delete()


# --- workstreams and deliverables -------------------------------------------------------


def _check_workstream_name(organisation_id: int, name: str, exclude_pk: int | None = None):
    if not name:
        raise ValidationError({"name": "Indsatsområdet skal have et navn."})
    clash = Workstream.objects.filter(organisation_id=organisation_id, name__iexact=name)
    if exclude_pk:
        clash = clash.exclude(pk=exclude_pk)
    if clash.exists():
        raise ValidationError({"name": f"Der findes allerede et indsatsområde ved navn "
                                       f"{quoted(name)}."})


@transaction.atomic
def create_workstream(organisation: Organisation, *, name: str, user, description: str = "",
                      order: int | None = None, reason: str | None = None) -> Workstream:
    """A new workstream, last in order unless `order` is given. Refuses an empty or taken
    name."""
    name = _clean_text(name)
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    _check_workstream_name(organisation.pk, name)
    if order is None:
        last = (Workstream.objects.filter(organisation=organisation)
                .order_by("-order").values_list("order", flat=True).first())
        order = 0 if last is None else last + 1
    workstream = Workstream(organisation=organisation, name=name,
                            description=_clean_text(description), order=order)
    stamp(workstream, user, reason or f"Indsatsområdet {quoted(name)} oprettet.")
    workstream.save()
    return workstream


@transaction.atomic
def update_workstream(workstream: Workstream, *, user, reason: str | None = None,
                      expected_version: int | None = None, **fields) -> Workstream:
    """Rename, describe or reorder a workstream. Refuses an empty or taken name, and a
    workstream saved since `expected_version`."""
    unknown = set(fields) - set(WORKSTREAM_FIELDS)
    if unknown:
        raise TypeError(f"Unknown workstream fields: {', '.join(sorted(unknown))}")
    locked = Workstream.objects.select_for_update().get(pk=workstream.pk)
    check_version(locked, expected_version, what=f"Indsatsområdet {quoted(locked.name)}")
    if "name" in fields:
        fields["name"] = _clean_text(fields["name"])
        _check_workstream_name(locked.organisation_id, fields["name"], exclude_pk=locked.pk)
    if "description" in fields:
        fields["description"] = _clean_text(fields["description"])
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    stamp(locked, user, reason or f"Ændret: {', '.join(changed)}.")
    locked.save()
    return locked


def _validate_deliverable(d: Deliverable) -> None:
    if not d.title:
        raise ValidationError({"title": "Leverancen skal have en titel."})
    if not d.start or not d.end:
        raise ValidationError({"start": "Angiv både start og slut."})
    check_dates(start=d.start, end=d.end)
    if d.end < d.start:
        raise ValidationError({"end": (
            f"Slut ({danish_date(d.end)}) ligger før start ({danish_date(d.start)})."
        )})
    try:
        progress = int(d.progress)
    except (TypeError, ValueError):
        raise ValidationError({"progress": "Fremdriften skal være et tal fra 0 til 100."}) from None
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": f"Fremdriften skal være mellem 0 og 100 %, "
                                           f"ikke {progress}."})
    d.progress = progress
    _check_choice(d.status, DeliverableStatus, "status", "status")


@transaction.atomic
def create_deliverable(workstream: Workstream, *, title: str, start: datetime.date,
                       end: datetime.date, user, description: str = "",
                       status: str = DeliverableStatus.PLANNED, progress: int = 0,
                       order: int = 0, reason: str | None = None) -> Deliverable:
    """A new deliverable of a workstream. Refuses an empty title, an end before the start,
    a date outside 1900–2200 and progress outside 0–100."""
    deliverable = Deliverable(workstream=workstream, title=_clean_text(title),
                              description=_clean_text(description), start=start, end=end,
                              status=status, progress=progress, order=order)
    _validate_deliverable(deliverable)
    stamp(deliverable, user, reason or f"Leverancen {quoted(deliverable.title)} oprettet.")
    deliverable.save()
    return deliverable


@transaction.atomic
def update_deliverable(deliverable: Deliverable, *, user, reason: str | None = None,
                       expected_version: int | None = None, **fields) -> Deliverable:
    """Change a deliverable: dates, status, progress or text. Same refusals as creating one,
    and a deliverable saved since `expected_version`; progress 100 marks it done."""
    unknown = set(fields) - set(DELIVERABLE_FIELDS)
    if unknown:
        raise TypeError(f"Unknown deliverable fields: {', '.join(sorted(unknown))}")
    locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    check_version(locked, expected_version, what=f"Leverancen {quoted(locked.title)}")
    for key in ("title", "description"):
        if key in fields:
            fields[key] = _clean_text(fields[key])
    changed = apply_changes(locked, fields)
    if not changed:
        return locked
    _validate_deliverable(locked)
    if locked.progress == 100 and "status" not in fields:
        locked.status = DeliverableStatus.DONE
    stamp(locked, user, reason or f"Ændret: {', '.join(changed)}.")
    locked.save()
    return locked


@transaction.atomic
def delete_deliverable(deliverable: Deliverable, *, user, reason: str | None = None) -> None:
    """Remove a deliverable entered by mistake; history keeps its last state."""
    locked = Deliverable.objects.select_for_update().get(pk=deliverable.pk)
    stamp(locked, user, reason or f"Leverancen {quoted(locked.title)} slettet.")
    locked.delete()


# --- calendar tokens --------------------------------------------------------------------


@transaction.atomic
def feed_token(user) -> FeedToken:
    """The user's calendar token, created on first use."""
    found = FeedToken.objects.filter(user=user).first()
    if found is not None:
        return found
    return FeedToken.objects.create(user=user, token=FeedToken.new_token())


@transaction.atomic
def regenerate_feed_token(user) -> FeedToken:
    """A new calendar token for the user; subscriptions with the old one stop working."""
    found = FeedToken.objects.select_for_update().filter(user=user).first()
    if found is None:
        return FeedToken.objects.create(user=user, token=FeedToken.new_token())
    found.token = FeedToken.new_token()
    found.save(update_fields=["token"])
    return found
