"""The login page, the start of a sign-in at the identity provider, its callback, and the
logout that ends the provider's session too. Thin: the backend checks the tokens, the services
write, orgreg/roles.py decides whether a user may have a session."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

import requests
from django.conf import settings
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from orgreg.accounts import discovery
from orgreg.accounts.backends import LoginRefused, local_login_offered
from orgreg.roles import policy

log = logging.getLogger(__name__)

STATE_UNKNOWN = ("Login-svaret hører ikke til et login-forsøg i denne browser, eller det er "
                 "allerede brugt. Start forfra fra orgregs login-side.")
PROVIDER_FAILED = ("Kommunens login svarer ikke, eller det afviste login-forsøget. Prøv igen "
                   "om lidt.")
CANCELLED = "Login blev afbrudt hos kommunens login. Du er ikke logget ind."
INACTIVE = "Din bruger er spærret i orgreg. Kontakt en administrator."
NOT_SIGNED_IN = "Du kunne ikke logges ind. Start forfra fra orgregs login-side."


class LoginView(auth_views.LoginView):
    """Django's login page, offering the identity provider when OIDC is on and the password
    form only to those who may use it (backends.local_login_offered)."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["oidc_login"] = discovery.enabled()
        context["password_login"] = local_login_offered()
        return context


class LogoutView(auth_views.LogoutView):
    """Django's logout; a user who signed in through the provider is then sent to the
    provider's end_session_endpoint (where it advertises one), so its session ends too."""

    def post(self, request, *args, **kwargs):
        end_session = provider_logout_url(request) if request.user.is_authenticated else None
        response = super().post(request, *args, **kwargs)
        return HttpResponseRedirect(end_session) if end_session else response


def provider_logout_url(request) -> str | None:
    """The provider's end_session_endpoint with id_token_hint and post_logout_redirect_uri
    (orgreg's login page), for a session that signed in through the provider; None when it
    did not, OIDC is off, or the provider advertises no such endpoint."""
    id_token = request.session.get("oidc_id_token")
    if not id_token or not discovery.enabled():
        return None
    try:
        endpoint = discovery.provider().end_session_endpoint
    except discovery.ProviderUnavailable:
        return None
    if not endpoint:
        return None
    query = urlencode({"id_token_hint": id_token, "client_id": settings.OIDC_CLIENT_ID,
                       "post_logout_redirect_uri": request.build_absolute_uri(reverse("login"))})
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def refusal(request, message: str, *, title: str = "Login mislykkedes", status: int = 403):
    """The Danish page of a refused sign-in; whatever session the browser had is ended."""
    if request.user.is_authenticated:
        auth.logout(request)
    return render(request, "accounts/login_refused.html",
                  {"title": title, "message": message}, status=status)


class AuthenticateView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider's authorization endpoint with state, nonce and a PKCE
    challenge (kept in the session for the callback)."""

    def __init__(self, *args, **kwargs) -> None:
        # The library's reads the endpoint from settings here; ours is discovered per request.
        super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)

    @property
    def OIDC_OP_AUTH_ENDPOINT(self) -> str:  # noqa: N802  (the library's attribute name)
        return discovery.provider().authorization_endpoint

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_CLIENT_ID

    def get(self, request):
        if not discovery.enabled():
            raise Http404("Kommunens login er ikke sat op.")
        try:
            return super().get(request)
        except discovery.ProviderUnavailable:
            return refusal(request, PROVIDER_FAILED, status=503)


class CallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer. The state must be one this browser's session sent (once), the
    code is exchanged with the PKCE verifier, the tokens are checked by the backend, and the
    user must hold a role (roles.Policy.has_role); every refusal is a Danish page and leaves
    no session."""

    user = None

    def get(self, request):
        if not discovery.enabled():
            raise Http404("Kommunens login er ikke sat op.")
        try:
            return super().get(request)
        except LoginRefused as exc:
            log.warning("OIDC sign-in refused: %s", exc)
            return refusal(request, exc.message)
        except SuspiciousOperation as exc:
            log.warning("OIDC sign-in refused: %s", exc)
            return refusal(request, STATE_UNKNOWN, status=400)
        except (requests.RequestException, discovery.ProviderUnavailable) as exc:
            log.warning("OIDC sign-in failed at the provider: %s", exc)
            return refusal(request, PROVIDER_FAILED, status=502)

    def login_failure(self):
        request = self.request
        if request.GET.get("error"):
            log.info("OIDC sign-in cancelled at the provider: %s", request.GET.get("error"))
            return refusal(request, CANCELLED)
        if self.user is not None and not self.user.is_active:
            log.warning("OIDC sign-in refused: %s is inactive", self.user.get_username())
            return refusal(request, INACTIVE)
        if "code" in request.GET and "oidc_states" not in request.session:
            log.warning("OIDC callback without a sign-in under way in this session")
            return refusal(request, STATE_UNKNOWN, status=400)
        return refusal(request, NOT_SIGNED_IN)

    def login_success(self):
        request, user = self.request, self.user
        if not policy(user).has_role:
            log.warning("OIDC sign-in of %s refused: no group maps to an orgreg role",
                        user.get_username())
            end_session = provider_logout_url(request)
            if request.user.is_authenticated:
                auth.logout(request)
            else:
                request.session.flush()
            return render(request, "accounts/no_access.html",
                          {"person": user, "end_session": end_session}, status=403)
        log.info("%s signed in through OIDC", user.get_username())
        return super().login_success()
