"""Models of os2mo: the record of every pull from OS2mo."""

from __future__ import annotations

from django.conf import settings
from django.db import models

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
