"""The dated plan that leads an organisation to its new structure.

A Milestone is one dated step (a decision, a MED meeting, a hearing, a piece of
communication ...). A Workstream groups Deliverables that start, end and report progress
(Ét SOF's hovedtidsplan). Structures' effective dates and MED meetings are not stored here:
the selectors derive them, so they never drift from their source.

A milestone tied to a structure is seen only by those who may see that structure; one
without a structure belongs to the organisation's open plan and is seen by everyone logged in.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Kind(models.TextChoices):
    DECISION = "decision", "Beslutning"
    MED = "med", "MED-behandling"
    HEARING = "hearing", "Høring"
    COMMUNICATION = "communication", "Kommunikation"
    HIRING = "hiring", "Ansættelse"
    EFFECTIVE = "effective", "Ikrafttræden"
    EVALUATION = "evaluation", "Evaluering"
    OTHER = "other", "Andet"


class MilestoneStatus(models.TextChoices):
    PLANNED = "planned", "Planlagt"
    DONE = "done", "Gennemført"
    POSTPONED = "postponed", "Udskudt"
    CANCELLED = "cancelled", "Aflyst"


class DeliverableStatus(models.TextChoices):
    PLANNED = "planned", "Planlagt"
    ACTIVE = "active", "I gang"
    DONE = "done", "Gennemført"
    POSTPONED = "postponed", "Udskudt"
    CANCELLED = "cancelled", "Aflyst"


class Workstream(models.Model):
    """An indsatsområde of the plan, e.g. "SOF flytter fysisk og digitalt til et nyt SOF"."""

    organisation = models.ForeignKey(
        "units.Organisation", on_delete=models.PROTECT, related_name="workstreams",
        verbose_name="organisation",
    )
    name = models.CharField("navn", max_length=200)
    description = models.TextField("beskrivelse", blank=True)
    order = models.PositiveIntegerField("rækkefølge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "indsatsområde"
        verbose_name_plural = "indsatsområder"
        ordering = ["organisation", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"],
                                    name="workstream_name_unique_in_organisation"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("timeline:gantt", args=[self.organisation_id])


class Deliverable(models.Model):
    """A leverance of a workstream: it starts, ends and reports how far it has come."""

    workstream = models.ForeignKey(
        Workstream, on_delete=models.CASCADE, related_name="deliverables",
        verbose_name="indsatsområde",
    )
    title = models.CharField("titel", max_length=300)
    description = models.TextField("beskrivelse", blank=True)
    start = models.DateField("start")
    end = models.DateField("slut")
    status = models.CharField("status", max_length=20, choices=DeliverableStatus.choices,
                              default=DeliverableStatus.PLANNED)
    progress = models.PositiveSmallIntegerField("fremdrift (%)", default=0)
    order = models.PositiveIntegerField("rækkefølge", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "leverance"
        verbose_name_plural = "leverancer"
        ordering = ["workstream", "start", "order", "title"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gte=models.F("start")),
                                   name="deliverable_ends_after_start"),
            models.CheckConstraint(condition=Q(progress__lte=100),
                                   name="deliverable_progress_0_100"),
            models.CheckConstraint(condition=Q(status__in=DeliverableStatus.values),
                                   name="deliverable_status_valid"),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """One dated step of an organisation's plan."""

    organisation = models.ForeignKey(
        "units.Organisation", on_delete=models.PROTECT, related_name="milestones",
        verbose_name="organisation",
    )
    structure = models.ForeignKey(
        "units.Structure", on_delete=models.PROTECT, null=True, blank=True,
        related_name="milestones", verbose_name="organisering",
        help_text="Den organisering milepælen fører til. Milepælen ses kun af dem, "
                  "der må se organiseringen.",
    )
    workstream = models.ForeignKey(
        Workstream, on_delete=models.SET_NULL, null=True, blank=True, related_name="milestones",
        verbose_name="indsatsområde",
    )
    med_body = models.ForeignKey(
        "med.MedBody", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="milestones", verbose_name="MED-udvalg",
    )
    meeting = models.ForeignKey(
        "med.Meeting", on_delete=models.SET_NULL, null=True, blank=True,
        related_name="milestones", verbose_name="MED-møde",
        help_text="Mødet træder i stedet for mødets egen linje i tidsplanen.",
    )
    date = models.DateField("dato")
    end_date = models.DateField("slutdato", null=True, blank=True)
    title = models.CharField("titel", max_length=300)
    description = models.TextField("beskrivelse", blank=True)
    forum = models.CharField("forum", max_length=200, blank=True,
                             help_text="Byrådet, HMU, Chefteamet …")
    kind = models.CharField("type", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    status = models.CharField("status", max_length=20, choices=MilestoneStatus.choices,
                              default=MilestoneStatus.PLANNED)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "milepæl"
        verbose_name_plural = "milepæle"
        ordering = ["date", "end_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("date")),
                name="milestone_ends_after_start",
            ),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="milestone_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=MilestoneStatus.values),
                                   name="milestone_status_valid"),
        ]
        indexes = [models.Index(fields=["organisation", "date"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("timeline:milestone-detail", args=[self.pk])


class FeedToken(models.Model):
    """A user's secret for calendar subscriptions: a calendar client cannot log in, so the
    feed URL carries this token and the feed shows what its owner may see. Regenerating it
    cuts off every old subscription."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="timeline_feed_token", verbose_name="bruger")
    token = models.CharField("nøgle", max_length=64, unique=True)
    created_at = models.DateTimeField("oprettet", auto_now_add=True)

    class Meta:
        verbose_name = "kalendernøgle"
        verbose_name_plural = "kalendernøgler"

    def __str__(self) -> str:
        return f"Kalendernøgle for {self.user}"

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
