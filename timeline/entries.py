"""The plan's entries: a milestone, or an entry derived from its source (a structure's
effective date, a MED meeting, a consultation's deadline), and when one is late. The derived
entries of consultations are read here from the med app, lazily, so the timeline works without
it; orgreg.roles decides which the user sees (`Policy.consultations`, and a body is named only
to those who may see it)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from orgreg.roles import policy
from orgreg.text import danish_date
from units.models import Organisation

from .models import Deliverable, DeliverableStatus, Kind, Milestone, MilestoneStatus

SOURCE_MILESTONE = "milestone"
SOURCE_STRUCTURE = "structure"
SOURCE_MEETING = "meeting"
SOURCE_CONSULTATION = "consultation"


# --- late ("Forsinket") -----------------------------------------------------------------


def is_late(item: PlanEntry | Milestone | Deliverable, today: datetime.date) -> bool:
    """Forsinket: a milestone (or plan entry) still planned after its last date, or a
    deliverable neither done nor cancelled after its end. A derived entry is never late: its
    source decides (a structure's date is done once in force, a meeting once held)."""
    if isinstance(item, Deliverable):
        return item.end < today and item.status not in (DeliverableStatus.DONE,
                                                         DeliverableStatus.CANCELLED)
    if isinstance(item, PlanEntry) and item.derived:
        return False
    return item.status == MilestoneStatus.PLANNED and (item.end_date or item.date) < today


# --- plan entries -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PlanEntry:
    """One line of the plan, whether a milestone or derived from a structure or a meeting."""

    date: datetime.date
    end_date: datetime.date | None
    title: str
    description: str
    forum: str
    kind: str
    status: str
    source: str
    milestone_id: int | None = None
    structure_id: int | None = None
    structure_name: str = ""
    workstream_id: int | None = None
    workstream_name: str = ""
    meeting_id: int | None = None
    consultation_id: int | None = None
    url: str = ""

    @property
    def derived(self) -> bool:
        return self.source != SOURCE_MILESTONE

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label

    @property
    def status_label(self) -> str:
        return MilestoneStatus(self.status).label

    @property
    def last_date(self) -> datetime.date:
        return self.end_date or self.date

    @property
    def date_label(self) -> str:
        if self.end_date and self.end_date != self.date:
            return f"{danish_date(self.date)} – {danish_date(self.end_date)}"
        return danish_date(self.date)

    def is_overdue(self, today: datetime.date) -> bool:
        return is_late(self, today)

    @property
    def uid(self) -> str:
        """Stable identity for calendar clients."""
        if self.source == SOURCE_MILESTONE:
            return f"milestone-{self.milestone_id}"
        if self.source == SOURCE_STRUCTURE:
            return f"structure-{self.structure_id}"
        if self.source == SOURCE_CONSULTATION:
            return f"consultation-{self.consultation_id}"
        return f"meeting-{self.meeting_id}"


def consultation_entries(organisation: Organisation, user, *, start: datetime.date | None,
                         end: datetime.date | None, kinds: tuple[str, ...] = (),
                         forum: str = "", structure_id: int | None = None,
                         workstream_id: int | None = None) -> list[PlanEntry]:
    """The deadline of every consultation the user may see (orgreg.roles), between `start`
    and `end`: "Høringsfrist", the consulted body or council as its forum (a body the user
    may not see is not named), done once answered. One query."""
    if workstream_id or (kinds and Kind.HEARING not in kinds):
        return []
    try:
        from med.models import Consultation
    except ImportError:  # pragma: no cover - the timeline without the med app
        return []
    rules = policy(user)
    qs = rules.consultations(Consultation.objects.filter(structure__organisation=organisation))
    if start:
        qs = qs.filter(deadline__gte=start)
    if end:
        qs = qs.filter(deadline__lte=end)
    if structure_id:
        qs = qs.filter(structure_id=structure_id)
    entries = []
    for c in qs.select_related("structure", "body__structure").order_by("deadline", "pk"):
        name = c.council if c.body_id is None else (
            c.body.name if rules.can_see_med_body(c.body) else "")
        if forum and forum.casefold() != name.casefold():
            continue
        answered = c.responded_on is not None
        description = f"Høring om {c.structure.name}: frist {danish_date(c.deadline)}."
        if c.title:
            description += f" Emne: {c.title}."
        if answered:
            description += f" Svar modtaget {danish_date(c.responded_on)}."
        entries.append(PlanEntry(
            date=c.deadline, end_date=None, title="Høringsfrist", description=description,
            forum=name, kind=Kind.HEARING,
            status=MilestoneStatus.DONE if answered else MilestoneStatus.PLANNED,
            source=SOURCE_CONSULTATION, structure_id=c.structure_id,
            structure_name=c.structure.name, consultation_id=c.pk,
            url=c.get_absolute_url()))
    return entries
