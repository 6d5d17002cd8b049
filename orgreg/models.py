"""The project's own models: DRF's API token as the admin shows it, the background job, and the
record of role changes."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from rest_framework.authtoken.models import TokenProxy


class ApiToken(TokenProxy):
    """A DRF API token named by its user, never by its key (the admin's titles, messages and
    log of actions use str(token))."""

    class Meta:
        proxy = True
        verbose_name = "API-nøgle"
        verbose_name_plural = "API-nøgler"

    def __str__(self) -> str:
        return f"API-nøgle for {self.user}"


class Job(models.Model):
    """One piece of long work a user asked for (a big org chart, the notices of a structure),
    run by a Celery task; its file is kept with it. What it is about (a structure) is in
    `params`, read by the job kind that registered `kind` (orgreg.jobs)."""

    class State(models.TextChoices):
        QUEUED = "queued", "I kø"
        RUNNING = "running", "I gang"
        DONE = "done", "Færdig"
        FAILED = "failed", "Fejlet"

    kind = models.CharField(max_length=50)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                     related_name="jobs")
    params = models.JSONField(default=dict)
    state = models.CharField(max_length=10, choices=State.choices, default=State.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="jobs/%Y/%m/", blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    error = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "baggrundsjob"
        verbose_name_plural = "baggrundsjob"
        indexes = [models.Index(fields=["requested_by", "-created"])]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def percent(self) -> int:
        if self.state == self.State.DONE:
            return 100
        return min(99, self.done * 100 // self.total) if self.total else 0
