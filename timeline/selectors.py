"""Reads of the plan: the entries of an organisation between two dates, what comes next, what
is overdue, how far the process is, and the Gantt chart of workstreams.

The plan is the organisation's milestones plus entries derived from their sources, never
copied: every visible structure's effective date ("Ny organisering træder i kraft") and, when
the med app has them, every MED meeting and consultation deadline (timeline.entries). Each
selector runs a fixed number of queries whatever the number of milestones. What a user sees
is orgreg.roles.policy's answer: a milestone tied to a structure is seen by those who may see
the structure, one without by everyone logged in, a structure's date by those who may see it,
a MED meeting by the editors and the members of its body (as on the MED pages), a
consultation's deadline by those who see the consultation.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import cast

from django.db.models import Model, Q
from django.urls import NoReverseMatch, reverse

from orgreg import clock
from orgreg.dates import clamp, day_after, in_range, local_date, next_month
from orgreg.history import HISTORY_TYPES, FieldChange, field_changes, field_label, history_user
from orgreg.roles import Policy, policy
from orgreg.text import MONTHS, danish_date
from units import lifecycle
from units.models import Organisation, Status, Structure

from .entries import (  # the plan's entries, re-exported: callers read them from here
    SOURCE_CONSULTATION,  # noqa: F401
    SOURCE_MEETING,
    SOURCE_MILESTONE,
    SOURCE_STRUCTURE,
    PlanEntry,
    consultation_entries,
    is_late,  # noqa: F401
)
from .models import Deliverable, DeliverableStatus, Kind, Milestone, MilestoneStatus, Workstream

EFFECTIVE_TITLE = "Ny organisering træder i kraft"

@dataclass(frozen=True)
class PlanFilter:
    """What the plan page may be narrowed to. Empty means no narrowing."""

    start: datetime.date | None = None
    end: datetime.date | None = None
    kinds: tuple[str, ...] = ()
    forum: str = ""
    workstream_id: int | None = None
    structure_id: int | None = None


def milestone_forum(m: Milestone, viewer: Policy) -> str:
    """The milestone's forum as `viewer` may read it. A milestone linked to a MED body took
    the body's name as its forum; a body the viewer may not see is not named: such a forum
    is left out. A forum naming a structure the viewer may not see is told neutrally."""
    forum = m.forum
    body = m.med_body if m.med_body_id else None
    if body is not None and not viewer.can_see_med_body(body) and body.name.strip() \
            and body.name.casefold() in forum.casefold():
        return ""
    return viewer.redact(forum)


def _milestone_entry(m: Milestone, viewer: Policy) -> PlanEntry:
    return PlanEntry(
        date=m.date, end_date=m.end_date, title=m.title, description=m.description,
        forum=milestone_forum(m, viewer), kind=m.kind, status=m.status, source=SOURCE_MILESTONE,
        milestone_id=m.pk, structure_id=m.structure_id, meeting_id=m.meeting_id,
        structure_name=m.structure.name if m.structure else "",
        workstream_id=m.workstream_id,
        workstream_name=m.workstream.name if m.workstream else "",
        url=reverse("timeline:milestone-detail", args=[m.pk]),
    )


def _structure_entry(s: Structure, today: datetime.date) -> PlanEntry:
    in_force = lifecycle.counts_in_force(s.status)
    done = in_force and s.effective_date <= today
    description = f"{s.name} ({s.get_status_display().lower()})."
    if s.decision:
        description += f" Beslutning: {s.decision}."
    return PlanEntry(
        date=s.effective_date, end_date=None, title=EFFECTIVE_TITLE, description=description,
        forum="", kind=Kind.EFFECTIVE,
        status=MilestoneStatus.DONE if done else MilestoneStatus.PLANNED,
        source=SOURCE_STRUCTURE, structure_id=s.pk, structure_name=s.name,
        url=s.get_absolute_url(),
    )


def _milestones(organisation: Organisation, user, f: PlanFilter) -> list[Milestone]:
    qs = policy(user).milestones(Milestone.objects.filter(organisation=organisation))
    if f.start:
        qs = qs.filter(Q(end_date__gte=f.start) | Q(end_date__isnull=True, date__gte=f.start))
    if f.end:
        qs = qs.filter(date__lte=f.end)
    if f.kinds:
        qs = qs.filter(kind__in=f.kinds)
    if f.forum:
        qs = qs.filter(forum__iexact=f.forum)
    if f.workstream_id:
        qs = qs.filter(workstream_id=f.workstream_id)
    if f.structure_id:
        qs = qs.filter(structure_id=f.structure_id)
    found = list(qs.select_related("structure", "workstream", "med_body__structure")
                 .order_by("date", "end_date", "pk"))
    if f.forum:
        # The forum as the user reads it (`milestone_forum`): filtering by a hidden body's name
        # must not find the milestones that name it.
        viewer = policy(user)
        found = [m for m in found
                 if milestone_forum(m, viewer).casefold() == f.forum.casefold()]
    return found


def _structures(organisation: Organisation, user, f: PlanFilter,
                replaced: set[int]) -> list[Structure]:
    """Visible, not discarded structures whose effective date falls in the range. A structure
    whose in-force date already has a milestone of kind ikrafttræden written by an editor is
    left out: the milestone says more."""
    if f.forum or f.workstream_id or (f.kinds and Kind.EFFECTIVE not in f.kinds):
        return []
    qs = policy(user).structures().filter(organisation=organisation).exclude(
        status=Status.DISCARDED)
    if f.start:
        qs = qs.filter(effective_date__gte=f.start)
    if f.end:
        qs = qs.filter(effective_date__lte=f.end)
    if f.structure_id:
        qs = qs.filter(pk=f.structure_id)
    return [s for s in qs.order_by("effective_date", "pk") if s.pk not in replaced]


def _meeting_entries(organisation: Organisation, user, f: PlanFilter,
                     today: datetime.date, replaced: set[int]) -> list[PlanEntry]:
    """MED meetings of the organisation's bodies, when the med app has them. Read lazily so
    the timeline works before (and without) the med app's meetings."""
    if f.workstream_id or f.structure_id or (f.kinds and Kind.MED not in f.kinds):
        return []
    try:
        from med.models import Meeting
    except ImportError:
        return []
    return [e for e in _read_meetings(Meeting, organisation, user, f, today)
            if e.meeting_id not in replaced]


def _read_meetings(Meeting, organisation, user, f: PlanFilter,
                   today: datetime.date) -> list[PlanEntry]:
    field_names = {fld.name for fld in Meeting._meta.get_fields()}
    date_field = next((n for n in ("date", "held_on", "starts_at", "start") if n in field_names),
                      None)
    body_field = next((n for n in ("body", "med_body") if n in field_names), None)
    if date_field is None or body_field is None:
        return []
    is_datetime = Meeting._meta.get_field(date_field).get_internal_type() == "DateTimeField"
    # The meetings the MED pages show the user: editors', and those of the bodies the user is
    # a member of (of a structure the user may see).
    qs = policy(user).meetings(Meeting.objects.filter(**{f"{body_field}__organisation":
                                                        organisation}))
    lookup = f"{date_field}__date" if is_datetime else date_field
    if f.start:
        qs = qs.filter(**{f"{lookup}__gte": f.start})
    if f.end:
        qs = qs.filter(**{f"{lookup}__lte": f.end})
    entries = []
    for meeting in qs.select_related(body_field).order_by(date_field, "pk"):
        body = getattr(meeting, body_field)
        when = getattr(meeting, date_field)
        if is_datetime:
            when = local_date(when)
        if f.forum and f.forum.casefold() != body.name.casefold():
            continue
        title = getattr(meeting, "title", "") or f"Møde i {body.name}"
        try:
            url = meeting.get_absolute_url()
        except (AttributeError, NoReverseMatch):
            url = ""
        entries.append(PlanEntry(
            date=when, end_date=None, title=title,
            description=getattr(meeting, "description", "") or "",
            forum=body.name, kind=Kind.MED,
            status=MilestoneStatus.DONE if when < today else MilestoneStatus.PLANNED,
            source=SOURCE_MEETING, meeting_id=meeting.pk, url=url,
        ))
    return entries


def plan(organisation: Organisation, *, user, start: datetime.date | None = None,
         end: datetime.date | None = None, filters: PlanFilter | None = None,
         today: datetime.date | None = None) -> list[PlanEntry]:
    """The organisation's plan as `user` may see it, in date order: milestones between
    `start` and `end` (a milestone spanning the start counts), the effective dates of visible
    structures and MED meetings. Filters by kind, forum, workstream or structure narrow it;
    derived entries have no workstream, so a workstream filter keeps milestones only.
    Four queries (milestones, structures, meetings, consultations) whatever the size of the
    plan."""
    today = today or clock.today()
    f = filters or PlanFilter()
    if start or end:
        f = PlanFilter(start=start or f.start, end=end or f.end, kinds=f.kinds, forum=f.forum,
                       workstream_id=f.workstream_id, structure_id=f.structure_id)
    milestones = _milestones(organisation, user, f)
    replaced = {m.structure_id for m in milestones
                if m.kind == Kind.EFFECTIVE and m.structure_id
                and m.structure and m.date == m.structure.effective_date}
    entries = [_milestone_entry(m, policy(user)) for m in milestones]
    entries += [_structure_entry(s, today) for s in _structures(organisation, user, f, replaced)]
    meetings_replaced = {m.meeting_id for m in milestones if m.meeting_id}
    entries += _meeting_entries(organisation, user, f, today, meetings_replaced)
    entries += consultation_entries(organisation, user, start=f.start, end=f.end,
                                    kinds=f.kinds, forum=f.forum, structure_id=f.structure_id,
                                    workstream_id=f.workstream_id)
    entries.sort(key=lambda e: (e.date, e.end_date or e.date, e.source != SOURCE_STRUCTURE,
                                e.title))
    return entries


def next_entries(organisation: Organisation, *, user, today: datetime.date | None = None,
                 limit: int = 3, structure: Structure | None = None) -> list[PlanEntry]:
    """What comes next: planned entries dated today or later (or spanning today), soonest
    first."""
    today = today or clock.today()
    f = PlanFilter(start=today, structure_id=structure.pk if structure else None)
    upcoming = [e for e in plan(organisation, user=user, filters=f, today=today)
                if e.status == MilestoneStatus.PLANNED]
    return upcoming[:limit]


def overdue(organisation: Organisation, *, user, today: datetime.date | None = None
            ) -> list[Milestone]:
    """Milestones still planned although their (last) date is past (`is_late`, as a query):
    the plan needs an update. Derived entries are never overdue. One query."""
    today = today or clock.today()
    qs = policy(user).milestones(Milestone.objects.filter(
        organisation=organisation, status=MilestoneStatus.PLANNED))
    qs = qs.filter(Q(end_date__lt=today) | Q(end_date__isnull=True, date__lt=today))
    return list(qs.select_related("structure", "workstream").order_by("date", "pk"))


# --- progress ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    """How far the process is: milestones done out of those not cancelled, and what's next."""

    total: int
    done: int
    overdue: int
    next: list[PlanEntry] = field(default_factory=list)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 0


def progress(organisation: Organisation, *, user, structure: Structure | None = None,
             today: datetime.date | None = None, next_count: int = 3) -> Progress:
    """The process bar's numbers: the share of visible milestones done (cancelled ones do not
    count), how many are overdue, and the next `next_count` entries of the plan. For a
    structure: its own milestones and its effective date. Four queries."""
    today = today or clock.today()
    f = PlanFilter(structure_id=structure.pk if structure else None)
    entries = plan(organisation, user=user, filters=f, today=today)
    counted = [e for e in entries if e.source == SOURCE_MILESTONE
               and e.status != MilestoneStatus.CANCELLED]
    done = sum(1 for e in counted if e.status == MilestoneStatus.DONE)
    late = sum(1 for e in counted if e.is_overdue(today))
    upcoming = [e for e in entries if e.status == MilestoneStatus.PLANNED and e.last_date >= today]
    return Progress(total=len(counted), done=done, overdue=late, next=upcoming[:next_count])


# --- month groups -----------------------------------------------------------------------


@dataclass(frozen=True)
class MonthGroup:
    year: int
    month: int
    rows: list  # PlanEntry, or TODAY where today's line goes

    @property
    def label(self) -> str:
        return f"{MONTHS[self.month - 1].capitalize()} {self.year}"

    @property
    def anchor(self) -> str:
        return f"m{self.year}-{self.month:02d}"


TODAY = "today"


def by_month(entries: Iterable[PlanEntry], today: datetime.date, *,
             show_today: bool = True) -> list[MonthGroup]:
    """Entries grouped by the month they start in, with the "today" line placed before the
    first entry dated after today (a month of its own when nothing falls in it)."""
    groups: dict[tuple[int, int], list] = {}
    for entry in entries:
        groups.setdefault((entry.date.year, entry.date.month), []).append(entry)
    key_today = (today.year, today.month)
    if show_today:
        rows = groups.setdefault(key_today, [])
        position = next((i for i, e in enumerate(rows) if e.date > today), len(rows))
        rows.insert(position, TODAY)
    return [MonthGroup(year=y, month=m, rows=rows) for (y, m), rows in sorted(groups.items())]


def forums(organisation: Organisation, *, user) -> list[str]:
    """The fora used in the plan's milestones, for the filter, as `user` may read them (see
    `milestone_forum`); one query."""
    viewer = policy(user)
    qs = viewer.milestones(Milestone.objects.filter(organisation=organisation))
    shown = (milestone_forum(m, viewer) for m in
             qs.exclude(forum="").select_related("med_body__structure"))
    names = {n.strip() for n in shown if n.strip()}
    from orgreg.text import danish_sort_key

    return sorted(names, key=danish_sort_key)


def workstreams(organisation: Organisation) -> list[Workstream]:
    return list(Workstream.objects.filter(organisation=organisation).order_by("order", "name"))


# --- Gantt ------------------------------------------------------------------------------


@dataclass(frozen=True)
class GanttBar:
    deliverable: Deliverable
    left: float  # percent of the chart's width
    width: float

    @property
    def status_label(self) -> str:
        return DeliverableStatus(self.deliverable.status).label

    @property
    def dates_label(self) -> str:
        return f"{danish_date(self.deliverable.start)} – {danish_date(self.deliverable.end)}"


@dataclass(frozen=True)
class GanttRow:
    workstream: Workstream
    bars: list[GanttBar]

    @property
    def progress(self) -> int:
        """Average progress of the row's deliverables, weighted by their length in days."""
        weights = [((b.deliverable.end - b.deliverable.start).days + 1, b.deliverable.progress)
                   for b in self.bars if b.deliverable.status != DeliverableStatus.CANCELLED]
        total = sum(w for w, _ in weights)
        return round(sum(w * p for w, p in weights) / total) if total else 0


@dataclass(frozen=True)
class GanttTick:
    label: str
    left: float


@dataclass(frozen=True)
class Gantt:
    start: datetime.date | None
    end: datetime.date | None
    rows: list[GanttRow]
    ticks: list[GanttTick]
    today_left: float | None
    today: datetime.date | None = None

    @property
    def today_outside(self) -> str:
        """"før" or "efter" when today lies outside the chart's period (no line is drawn);
        empty when it lies inside, or the chart is empty."""
        if self.start is None or self.end is None or self.today is None:
            return ""
        return "før" if self.today < self.start else "efter" if self.today >= self.end else ""


def _month_starts(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    months, d = [], start.replace(day=1)
    while d <= end:
        months.append(d)
        d = next_month(d)
    return months


def _axis(deliverables: list[Deliverable]) -> tuple[datetime.date, datetime.date]:
    """Whole months from the first start to the last end of the deliverables within orgreg.dates'
    range (one stored outside it would stretch the axis over millennia); with none, the range."""
    dated = [d for d in deliverables if in_range(d.start) and in_range(d.end)]
    first = min((d.start for d in dated), default=None) or clamp(
        min(d.start for d in deliverables))
    last = max((d.end for d in dated), default=None) or clamp(max(d.end for d in deliverables))
    return first.replace(day=1), next_month(last)


def gantt(organisation: Organisation, *, today: datetime.date | None = None) -> Gantt:
    """Workstreams and their deliverables laid out on a time axis from the first start to the
    last end, whole months; positions in percent so HTML, SVG and PDF can all draw it. A bar
    reaching past the axis (a date outside orgreg.dates' range) is cut at its edge. Two
    queries."""
    today = today or clock.today()
    streams = workstreams(organisation)
    deliverables = list(Deliverable.objects.filter(workstream__organisation=organisation)
                        .order_by("start", "order", "pk"))
    if not deliverables:
        return Gantt(start=None, end=None, rows=[GanttRow(w, []) for w in streams], ticks=[],
                     today_left=None, today=today)
    start, end = _axis(deliverables)
    span = (end - start).days or 1

    def pos(d: datetime.date) -> float:
        return round(100 * (clamp(d, start, end) - start).days / span, 3)

    by_stream: dict[int, list[GanttBar]] = {w.pk: [] for w in streams}
    for d in deliverables:
        left = min(pos(d.start), 99.5)
        width = max(round(pos(day_after(d.end)) - left, 3), 0.5)
        by_stream.setdefault(d.workstream_id, []).append(GanttBar(d, left, width))
    ticks = [GanttTick(f"{MONTHS[m.month - 1][:3]}. {m.year}" if m.month == 1 or i == 0
                       else f"{MONTHS[m.month - 1][:3]}.", pos(m))
             for i, m in enumerate(_month_starts(start, end - datetime.timedelta(days=1)))]
    today_left = pos(today) if start <= today < end else None
    return Gantt(start=start, end=end, rows=[GanttRow(w, by_stream[w.pk]) for w in streams],
                 ticks=ticks, today_left=today_left, today=today)


# --- history ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MilestoneRecord:
    when: datetime.datetime
    user: str
    type: str
    reason: str
    changes: tuple[FieldChange, ...]

    @property
    def type_label(self) -> str:
        return HISTORY_TYPES.get(self.type, self.type)


# Said instead of a link (structure, MED body, meeting) the viewer may not see.
HIDDEN_LINK = "(ikke tilgængelig for dig)"

_HISTORY_FIELDS = ("title", "date", "end_date", "status", "kind", "forum", "description",
                   "structure_id", "workstream_id", "med_body_id", "meeting_id")


def _link_names(records: list, viewer: Policy | None
                ) -> tuple[dict[tuple[str, int], str], set[str]]:
    """The names of the structures, workstreams, MED bodies and meetings the records link to,
    keyed by (field, id), and the (casefolded) names of linked bodies the viewer may not see;
    each link the viewer may not see named `HIDDEN_LINK`."""
    structure_ids = {r.structure_id for r in records if r.structure_id}
    workstream_ids = {r.workstream_id for r in records if r.workstream_id}
    names = {("structure_id", pk): name for pk, name in
             Structure.objects.filter(pk__in=structure_ids).values_list("pk", "name")}
    names |= {("workstream_id", pk): name for pk, name in
              Workstream.objects.filter(pk__in=workstream_ids).values_list("pk", "name")}
    for f in ("med_body_id", "meeting_id"):
        ids = {getattr(r, f) for r in records if getattr(r, f)}
        if ids:
            model = cast(type[Model],
                         Milestone._meta.get_field(f.removesuffix("_id")).related_model)
            names |= {(f, obj.pk): str(obj)
                      for obj in model._default_manager.filter(pk__in=ids)}
    hidden_bodies: set[str] = set()
    if viewer is not None and not viewer.sees_everything:
        # What the viewer may not see is not named: the policy decides for each link.
        seen = {
            "structure_id": set(viewer.structures().filter(pk__in=structure_ids)
                                .values_list("pk", flat=True)),
            "med_body_id": set(viewer.med_bodies().filter(
                pk__in=[pk for f, pk in names if f == "med_body_id"]).values_list("pk", flat=True)),
            "meeting_id": set(viewer.meetings().filter(
                pk__in=[pk for f, pk in names if f == "meeting_id"]).values_list("pk", flat=True)),
        }
        for (f, pk) in list(names):
            if f in seen and pk not in seen[f]:
                if f == "med_body_id":
                    hidden_bodies.add(names[(f, pk)].casefold())
                names[(f, pk)] = HIDDEN_LINK
    return names, hidden_bodies


def milestone_history(milestone: Milestone, *, viewer: Policy | None = None
                      ) -> list[MilestoneRecord]:
    """Who changed the milestone, when, what and why, newest first; old dates of a
    rescheduled milestone show here. For a `viewer`, a structure, MED body or meeting the
    viewer may not see is not named (nor a forum naming such a body), and reasons naming a
    hidden structure are told neutrally. Three queries, and one more for each kind of MED
    link that appears."""
    records = list(milestone.history.select_related("history_user")
                   .order_by("history_date", "history_id"))
    names, hidden_bodies = _link_names(records, viewer)
    labels = {f: field_label(Milestone, f) for f in _HISTORY_FIELDS}

    def show(f: str, value) -> str:
        if value in (None, ""):
            return "–"
        if f in ("date", "end_date"):
            return danish_date(value)
        if f == "status":
            return MilestoneStatus(value).label
        if f == "kind":
            return Kind(value).label
        if f in ("structure_id", "workstream_id", "med_body_id", "meeting_id"):
            return names.get((f, value), HIDDEN_LINK if viewer is not None else str(value))
        if f == "forum" and any(b in str(value).casefold() for b in hidden_bodies):
            return HIDDEN_LINK
        return viewer.redact(str(value)) if viewer is not None else str(value)

    out, before = [], None
    for rec in records:
        changes: tuple[FieldChange, ...] = ()
        if before is not None and rec.history_type == "~":
            changes = field_changes(before, rec, _HISTORY_FIELDS, labels, show)
        out.append(MilestoneRecord(
            when=rec.history_date, user=history_user(rec.history_user), type=rec.history_type,
            reason=(viewer.redact(rec.history_change_reason or "") if viewer is not None
                    else rec.history_change_reason or ""), changes=changes,
        ))
        before = rec
    out.reverse()
    return out
