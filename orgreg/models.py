"""The project's one model of its own: DRF's API token as the admin shows it."""

from __future__ import annotations

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
