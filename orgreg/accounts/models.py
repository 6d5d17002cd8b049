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
    """A change of one user's roles (their groups), kept for whoever must later answer who
    had which role when: what was added and removed, where the change came from (the admin,
    the identity provider at sign-in, the system) and who made it. Names are kept as text too,
    so the record outlives the users. Written by orgreg.accounts.audit; read-only in the
    admin."""

    at = models.DateTimeField("tidspunkt", default=clock.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                             related_name="role_changes", verbose_name="bruger")
    username = models.CharField("brugernavn", max_length=150)
    added = models.JSONField("tilføjede roller", default=list)
    removed = models.JSONField("fjernede roller", default=list)
    source = models.CharField("kilde", max_length=20,
                              help_text="admin, oidc (kommunens login), web eller system.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+",
                                   verbose_name="ændret af")
    changed_by_name = models.CharField("ændret af (brugernavn)", max_length=150, blank=True)
    request_id = models.CharField("request-id", max_length=128, blank=True)

    class Meta:
        verbose_name = "rolleændring"
        verbose_name_plural = "rolleændringer"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["username", "-at"])]

    def __str__(self) -> str:
        return f"Roller for {self.username} {self.at:%Y-%m-%d %H:%M}"

    @property
    def summary(self) -> str:
        parts = []
        if self.added:
            parts.append("givet " + ", ".join(self.added))
        if self.removed:
            parts.append("frataget " + ", ".join(self.removed))
        return "; ".join(parts) or "ingen ændring"
