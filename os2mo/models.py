"""Models of os2mo: the log of what orgreg sent to OS2mo.

A Push is one run of ``manage.py os2mo push`` for a structure: who ran it, when, for which
GraphQL version, and how it ended. A PushRecord is one mutation of the structure's plan as
that run sent it (or as OS2mo refused it). A mutation of a plan is sent at most once: a
record in state sent is unique per structure and plan key, and a later push skips the keys
it finds sent (os2mo.push).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from units.models import Structure


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
