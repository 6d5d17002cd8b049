"""orgreg's outgoing mail: every message recorded before it is sent (notify.services.queue),
with what was sent, to whom, and how the sending went.

A message is never deleted by orgreg: the record of what people were told is the point. Its
attachments are kept with it (the bytes, as sent), so a retry sends exactly what was queued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Message(models.Model):
    """One e-mail to one address."""

    class State(models.TextChoices):
        QUEUED = "queued", "I kø"
        SENT = "sent", "Sendt"
        FAILED = "failed", "Fejlet"
        HELD = "held", "Tilbageholdt"
        CANCELLED = "cancelled", "Ikke sendt"

    # Kinds are the sending app's: notify's own udmelding, the consultation mails, ...
    kind = models.CharField("slags", max_length=40, db_index=True)
    # The idempotency key: queueing twice with one key gives the one message, and it is sent
    # once ("udmelding:12:345:1"); it is also the message's Message-ID.
    key = models.CharField("nøgle", max_length=200, unique=True)
    structure = models.ForeignKey("units.Structure", verbose_name="organisering", null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    unit = models.ForeignKey("units.Unit", verbose_name="enhed", null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    # Who it is to, as a person reads it, and what the sender knows them by (another app's
    # record, "med.membership:12"), for finding a recipient's messages again.
    recipient_name = models.CharField("modtager", max_length=300, blank=True)
    recipient_ref = models.CharField("modtagerreference", max_length=100, blank=True,
                                     db_index=True)
    address = models.CharField("adresse", max_length=254, blank=True)
    subject = models.CharField("emne", max_length=300)
    body_text = models.TextField("tekst")
    body_html = models.TextField("HTML", blank=True)
    state = models.CharField("status", max_length=20, choices=State.choices,
                             default=State.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField("forsøg", default=0)
    last_error = models.TextField("seneste fejl", blank=True)
    created = models.DateTimeField("oprettet", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="oprettet af",
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    # When a queued message is next tried (the scheduler sends what a lost task left behind);
    # `locked_until`: a sender has claimed it until then.
    next_attempt_at = models.DateTimeField("næste forsøg", null=True, blank=True)
    locked_until = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField("sendt", null=True, blank=True)
    finished_at = models.DateTimeField("afsluttet", null=True, blank=True)

    class Meta:
        verbose_name = "e-mail"
        verbose_name_plural = "e-mails"
        ordering = ["created", "pk"]
        indexes = [models.Index(fields=["structure", "kind"], name="message_structure_kind")]

    def __str__(self) -> str:
        return f"{self.subject} → {self.address or '(ingen adresse)'}"

    @property
    def attachment_names(self) -> list[str]:
        """The attachments' file names (prefetch `attachments` to read them without a
        query)."""
        return [a.filename for a in self.attachments.all()]


class Attachment(models.Model):
    """A file sent with a message, kept as sent."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField("filnavn", max_length=200)
    content_type = models.CharField(max_length=100, default="application/pdf")
    data = models.BinaryField()

    class Meta:
        verbose_name = "vedhæftet fil"
        verbose_name_plural = "vedhæftede filer"
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.filename


class Udmelding(models.Model):
    """A published structure's udmelding: the e-mail to each affected unit's leader
    (notify.udmelding). Made when the structure is published; its letters are queued once,
    when the structure may be told (`dispatched_at`), unless an editor holds it."""

    structure = models.OneToOneField("units.Structure", verbose_name="organisering",
                                     on_delete=models.CASCADE, related_name="udmelding")
    published_at = models.DateTimeField("udmeldt")
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    held = models.BooleanField("tilbageholdt", default=False)
    held_reason = models.CharField("begrundelse", max_length=300, blank=True)
    held_at = models.DateTimeField(null=True, blank=True)
    held_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    dispatched_at = models.DateTimeField("sendt ud", null=True, blank=True)

    class Meta:
        verbose_name = "udmelding"
        verbose_name_plural = "udmeldinger"

    def __str__(self) -> str:
        return f"Udmelding af {self.structure}"
