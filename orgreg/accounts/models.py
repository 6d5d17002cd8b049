"""Who a user is at the identity provider, and the record of the roles it gave them."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from orgreg import clock


class Identity(models.Model):
    """A user as the identity provider knows them: the issuer and its `sub` (subject), which
    never changes for the person and is never given to another. Users are matched by this pair
    only, never by e-mail (an address can be reused or changed at the provider)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="identities", verbose_name="bruger")
    issuer = models.CharField("udsteder", max_length=500)
    sub = models.CharField("subjekt (sub)", max_length=255)
    created = models.DateTimeField("oprettet", default=clock.now)
    last_login = models.DateTimeField("seneste login", default=clock.now)

    class Meta:
        verbose_name = "login-identitet"
        verbose_name_plural = "login-identiteter"
        constraints = [models.UniqueConstraint(fields=["issuer", "sub"],
                                               name="identity_unique_issuer_sub")]

    def __str__(self) -> str:
        return f"{self.user} ({self.sub})"


class RoleChange(models.Model):
    """Roles given or taken by a sign-in: what the provider's groups said, against what the
    user had. Written only when something changed."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="role_changes", verbose_name="bruger")
    at = models.DateTimeField("tidspunkt", default=clock.now)
    added = models.JSONField("givet", default=list)
    removed = models.JSONField("frataget", default=list)
    source = models.CharField("kilde", max_length=500,
                              help_text="Den identitetsudbyder, hvis grupper gav ændringen.")

    class Meta:
        verbose_name = "rolleændring"
        verbose_name_plural = "rolleændringer"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user}: {self.summary}"

    @property
    def summary(self) -> str:
        parts = []
        if self.added:
            parts.append("givet " + ", ".join(self.added))
        if self.removed:
            parts.append("frataget " + ", ".join(self.removed))
        return "; ".join(parts) or "ingen ændring"
