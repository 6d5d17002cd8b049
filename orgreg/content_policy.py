"""The Content-Security-Policy middleware: django-csp's, with the identity provider's origin
added to form-action while sign-in goes through it (settings.OIDC_ISSUER). "Log ud" posts to
orgreg, which sends a user who signed in at the provider on to the provider's logout page, and
browsers hold the redirects of a form's submission to form-action as well."""

from __future__ import annotations

from urllib.parse import urlsplit

from csp.middleware import CSPMiddleware, PolicyParts
from django.conf import settings


def provider_origin() -> str | None:
    """scheme://host[:port] of OIDC_ISSUER, or None while sign-in is by local password."""
    issuer = urlsplit(getattr(settings, "OIDC_ISSUER", "") or "")
    return f"{issuer.scheme}://{issuer.netloc}" if issuer.scheme and issuer.netloc else None


class ContentSecurityPolicy(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only)
        origin = provider_origin()
        if origin:
            update = dict(parts.update or {})
            update["form-action"] = [*update.get("form-action", ()), origin]
            parts.update = update
        return parts
