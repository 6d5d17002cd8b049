"""Comments on a structure in consultation, and the MED bodies' answers (høringssvar).

A comment belongs to a structure and, optionally, to one of its units. It is either a person's
comment or a body's høringssvar, signed by the member who submitted it on the body's behalf;
a høringssvar is the answer of the consultation it was given to (med.Consultation.answer).
Editors mark a comment handled with a reply. Who sees a comment is orgreg.roles' business
(`Policy.comments`): never anyone who may not see its structure. Writes go through
comments.services; everything has history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from med.models import MedBody, Membership
from units.models import Structure, Unit


class Kind(models.TextChoices):
    COMMENT = "kommentar", "Kommentar"
    ANSWER = "hoeringssvar", "Høringssvar"


class Comment(models.Model):
    structure = models.ForeignKey(Structure, on_delete=models.PROTECT, related_name="comments",
                                  verbose_name="organisering")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="comments", verbose_name="enhed",
                             help_text="Tom: kommentaren gælder hele organiseringen.")
    kind = models.CharField("slags", max_length=20, choices=Kind.choices, default=Kind.COMMENT)
    text = models.TextField("tekst")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="orgreg_comments", verbose_name="skrevet af")
    # The name as it was signed, kept when the user or the membership later changes.
    author_name = models.CharField("underskrevet af", max_length=200)
    body = models.ForeignKey(MedBody, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="comments", verbose_name="på vegne af")
    membership = models.ForeignKey(Membership, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="comments", verbose_name="medlemskab")
    created_at = models.DateTimeField("afgivet")
    handled_at = models.DateTimeField("behandlet", null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   null=True, blank=True, related_name="handled_comments",
                                   verbose_name="behandlet af")
    reply = models.TextField("svar", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "kommentar"
        verbose_name_plural = "kommentarer"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["structure", "unit"])]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="comment_kind_valid"),
            models.CheckConstraint(
                condition=(Q(kind=Kind.ANSWER) & Q(body__isnull=False))
                | (Q(kind=Kind.COMMENT) & Q(body__isnull=True)),
                name="comment_answer_has_body",
            ),
            models.CheckConstraint(
                condition=Q(handled_at__isnull=True) | Q(handled_by__isnull=False),
                name="comment_handled_by_someone",
            ),
        ]

    def __str__(self) -> str:
        what = (f"Høringssvar fra {self.body}" if self.body_id
                else f"Kommentar fra {self.author_name}")
        return f"{what} om {self.unit or self.structure}"

    def get_absolute_url(self) -> str:
        return reverse("comments:structure-comments", args=[self.structure_id]) + f"#c{self.pk}"

    @property
    def is_answer(self) -> bool:
        return self.kind == Kind.ANSWER

    @property
    def is_handled(self) -> bool:
        return self.handled_at is not None
