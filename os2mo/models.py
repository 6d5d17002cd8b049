"""Models of os2mo: the record of every pull from OS2mo, and the log of what orgreg sent to it.

A Pull is one reading of OS2mo into a new structure. A Push is one run of ``manage.py os2mo
push`` (or the plan page's button) for a structure: who ran it, when, for which GraphQL
version, and how it ended. A PushRecord is one mutation of the structure's plan as that run
sent it (or as OS2mo refused it). A mutation of a plan is sent at most once: a record in state
sent is unique per structure and plan key, and a later push skips the keys it finds sent
(os2mo.push).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from units.models import Organisation, Structure


class Pull(models.Model):
    """One reading of OS2mo's structure on a date into a new structure of an organisation:
    who, when, which GraphQL version and hierarchy, whether it was put in force, and the
    counts of the change since the structure it was based on (the previous pull's)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE,
                                     related_name="os2mo_pulls", verbose_name="organisation")
    structure = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True,
                                  related_name="os2mo_pulls", verbose_name="organisering")
    based_on = models.ForeignKey(Structure, on_delete=models.SET_NULL, null=True, blank=True,
                                 related_name="+", verbose_name="bygger på")
    on_date = models.DateField("gyldig pr.")
    version = models.PositiveSmallIntegerField("GraphQL-version")
    hierarchy = models.CharField("hierarki", max_length=200, blank=True)
    top = models.CharField("øverste enhed", max_length=200, blank=True)
    in_force = models.BooleanField("sat i kraft", default=False)
    pulled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, blank=True, related_name="+",
                                  verbose_name="hentet af")
    pulled_at = models.DateTimeField("hentet", auto_now_add=True)
    unit_count = models.PositiveIntegerField("enheder", default=0)
    # Change kind (units.changes.ChangeKind) → rows of the comparison with the basis.
    counts = models.JSONField("ændringer", default=dict, blank=True)

    class Meta:
        verbose_name = "hentning fra OS2mo"
        verbose_name_plural = "hentninger fra OS2mo"
        indexes = [models.Index(fields=["organisation", "-pulled_at"])]

    def __str__(self) -> str:
        return f"OS2mo pr. {self.on_date} ({self.organisation})"


class Push(models.Model):
    class Outcome(models.TextChoices):
        RUNNING = "running", "I gang"
        DONE = "done", "Gennemført"
        REFUSED = "refused", "Stoppet: OS2mo afviste en ændring"
        FAILED = "failed", "Stoppet: fejl"

    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="organisering")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="sendt af")
    started_at = models.DateTimeField("startet")
    finished_at = models.DateTimeField("afsluttet", null=True, blank=True)
    graphql_version = models.PositiveIntegerField("GraphQL-version")
    outcome = models.CharField("udfald", max_length=10, choices=Outcome.choices,
                               default=Outcome.RUNNING)
    sent = models.PositiveIntegerField("sendt", default=0)
    skipped = models.PositiveIntegerField("sendt før", default=0)
    message = models.TextField("besked", blank=True)

    class Meta:
        verbose_name = "afsendelse til OS2mo"
        verbose_name_plural = "afsendelser til OS2mo"
        ordering = ["-started_at", "-pk"]
        constraints = [
            # One push of a structure at a time.
            models.UniqueConstraint(fields=["structure"], condition=Q(outcome="running"),
                                    name="os2mo_push_one_running"),
            models.CheckConstraint(condition=Q(outcome__in=["running", "done", "refused",
                                                            "failed"]),
                                   name="os2mo_push_outcome_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.structure} → OS2mo ({self.get_outcome_display()})"


class PushRecord(models.Model):
    class State(models.TextChoices):
        SENT = "sent", "Sendt"
        REFUSED = "refused", "Afvist"

    push = models.ForeignKey(Push, on_delete=models.CASCADE, related_name="records",
                             verbose_name="afsendelse")
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="+",
                                  verbose_name="organisering")
    key = models.CharField("nøgle", max_length=120)
    mutation = models.CharField("mutation", max_length=40)
    input = models.JSONField("input")
    sentence = models.TextField("ændring")
    state = models.CharField("tilstand", max_length=10, choices=State.choices)
    response_uuid = models.CharField("uuid i svaret", max_length=64, blank=True)
    message = models.TextField("OS2mo's besked", blank=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="+", verbose_name="sendt af")
    sent_at = models.DateTimeField("tidspunkt")

    class Meta:
        verbose_name = "ændring sendt til OS2mo"
        verbose_name_plural = "ændringer sendt til OS2mo"
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["structure", "key"], condition=Q(state="sent"),
                                    name="os2mo_record_sent_once"),
            models.CheckConstraint(condition=Q(state__in=["sent", "refused"]),
                                   name="os2mo_record_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_state_display()})"
