"""A system check of the sign-in settings, so `manage.py check` (and every start) names a
mistake in OIDC_* before a user meets it."""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from orgreg.accounts.claims import role_map


@checks.register(checks.Tags.security)
def oidc_settings(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    if not settings.OIDC_ISSUER:
        return []
    found: list[checks.CheckMessage] = []
    if not settings.OIDC_CLIENT_ID:
        found.append(checks.Error("OIDC_ISSUER is set but OIDC_CLIENT_ID is not.",
                                  id="accounts.E001"))
    if "openid" not in settings.OIDC_SCOPES.split():
        found.append(checks.Error("OIDC_SCOPES must include openid.", id="accounts.E002"))
    try:
        mapping = role_map()
    except ImproperlyConfigured as exc:
        found.append(checks.Error(str(exc), id="accounts.E003"))
    else:
        if not mapping.roles and not mapping.superuser_values:
            found.append(checks.Warning(
                "OIDC_ROLE_MAP maps no group: nobody signing in through OIDC gets access.",
                id="accounts.W001"))
    return found
