"""Authentication backends: the identity provider's (mozilla-django-oidc's code flow, with
orgreg's matching by `sub` and stricter ID token checks) and the local password's, which
serves only break-glass superusers while OIDC is on."""

from __future__ import annotations

import logging

import jwt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from orgreg.accounts import discovery, services

log = logging.getLogger(__name__)

# Seconds of clock difference between orgreg and the provider that the ID token's times allow.
CLOCK_SKEW = 60


class LoginRefused(Exception):
    """A sign-in refused for a reason the user is told (in Danish, `message`). Not a
    SuspiciousOperation, which the library's backend would swallow into a bare failure: the
    callback view answers it."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(detail or message)
        self.message = message


INVALID_TOKEN = ("Kommunens login sendte et ID-token, som ikke kunne godkendes (signaturen "
                 "passer ikke). Du er ikke logget ind.")
WRONG_AUDIENCE = ("Kommunens login sendte et ID-token, der er udstedt til et andet system end "
                  "orgreg. Du er ikke logget ind.")
WRONG_ISSUER = ("Kommunens login sendte et ID-token fra en anden udsteder end den, orgreg er "
                "sat op til. Du er ikke logget ind.")
EXPIRED = ("Kommunens login sendte et ID-token, der er udløbet. Prøv at logge ind igen.")
NONCE_MISMATCH = ("Login-svaret hører ikke til dette login-forsøg. Start forfra fra orgregs "
                  "login-side.")


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's authorization code flow with the endpoints from discovery and
    the client from OIDC_CLIENT_ID/OIDC_CLIENT_SECRET. The ID token must be signed with
    OIDC_SIGN_ALGO by a key of the provider's JWKS and name the provider as issuer and orgreg
    as audience, be unexpired and carry the nonce of the attempt; the userinfo answer must be
    about the same `sub`. Does nothing unless OIDC_ISSUER is set."""

    OIDC_RP_IDP_SIGN_KEY = None

    def __init__(self, *args, **kwargs) -> None:
        # Unlike the library's, reads no setting here: the provider is discovered when a
        # sign-in needs it, and a process without OIDC_ISSUER never asks.
        self.UserModel = get_user_model()

    @property
    def OIDC_OP_TOKEN_ENDPOINT(self) -> str:  # noqa: N802  (the library's attribute names)
        return discovery.provider().token_endpoint

    @property
    def OIDC_OP_USER_ENDPOINT(self) -> str:  # noqa: N802
        return discovery.provider().userinfo_endpoint

    @property
    def OIDC_OP_JWKS_ENDPOINT(self) -> str:  # noqa: N802
        return discovery.provider().jwks_uri

    @property
    def OIDC_RP_CLIENT_ID(self) -> str:  # noqa: N802
        return settings.OIDC_CLIENT_ID

    @property
    def OIDC_RP_CLIENT_SECRET(self) -> str:  # noqa: N802
        return settings.OIDC_CLIENT_SECRET

    @property
    def OIDC_RP_SIGN_ALGO(self) -> str:  # noqa: N802
        return settings.OIDC_SIGN_ALGO

    def authenticate(self, request, **kwargs):
        if request is None or not discovery.enabled():
            return None
        return super().authenticate(request, **kwargs)

    def verify_token(self, token, **kwargs):
        """The token's claims, once its signature, issuer, audience, times and nonce hold."""
        if not token:
            raise LoginRefused(INVALID_TOKEN, "The token response has no ID token.")
        try:
            key = self.retrieve_matching_jwk(token)
        except (jwt.PyJWTError, SuspiciousOperation, KeyError, TypeError) as exc:
            raise LoginRefused(INVALID_TOKEN, f"No key for the token: {exc}") from exc
        payload = self._verify_jws(token, key)
        if payload.get("nonce") != kwargs.get("nonce"):
            raise LoginRefused(NONCE_MISMATCH, "JWT nonce verification failed.")
        return payload

    def _verify_jws(self, payload, key):
        algorithm = self.OIDC_RP_SIGN_ALGO
        try:
            header = jwt.get_unverified_header(payload)
        except jwt.PyJWTError as exc:
            raise LoginRefused(INVALID_TOKEN, f"Unreadable token: {exc}") from exc
        if header.get("alg") != algorithm:
            raise LoginRefused(INVALID_TOKEN, f"Token algorithm {header.get('alg')!r} is not "
                                              f"{algorithm!r}.")
        try:
            claims = jwt.decode(
                payload, key, algorithms=[algorithm], audience=self.OIDC_RP_CLIENT_ID,
                issuer=discovery.provider().issuer, leeway=CLOCK_SKEW,
                options={"require": ["iss", "sub", "aud", "exp", "iat"]})
        except jwt.ExpiredSignatureError as exc:
            raise LoginRefused(EXPIRED, str(exc)) from exc
        except jwt.InvalidAudienceError as exc:
            raise LoginRefused(WRONG_AUDIENCE, str(exc)) from exc
        except jwt.InvalidIssuerError as exc:
            raise LoginRefused(WRONG_ISSUER, str(exc)) from exc
        except jwt.PyJWTError as exc:
            raise LoginRefused(INVALID_TOKEN, str(exc)) from exc
        # OpenID Connect Core 3.1.3.7: with several audiences, orgreg must be the authorised
        # party.
        audience = claims.get("aud")
        if isinstance(audience, list) and len(audience) > 1 \
                and claims.get("azp") != self.OIDC_RP_CLIENT_ID:
            raise LoginRefused(WRONG_AUDIENCE, "Several audiences and orgreg is not the azp.")
        return claims

    def get_userinfo(self, access_token, id_token, payload):
        """The ID token's claims with the userinfo endpoint's added (a provider may send the
        groups in either); the userinfo answer must be about the ID token's subject."""
        claims = dict(payload)
        if self.OIDC_OP_USER_ENDPOINT and access_token:
            info = super().get_userinfo(access_token, id_token, payload)
            if info.get("sub") != payload.get("sub"):
                raise LoginRefused(INVALID_TOKEN, "Userinfo is about another sub.")
            protocol = {"iss", "aud", "exp", "iat", "nbf", "nonce", "azp", "at_hash"}
            claims.update({key: value for key, value in info.items() if key not in protocol})
        return claims

    def verify_claims(self, claims) -> bool:
        return bool(claims.get("sub"))

    def get_or_create_user(self, access_token, id_token, payload):
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise LoginRefused(INVALID_TOKEN, "The claims carry no sub.")
        return services.sign_in_from_claims(issuer=payload["iss"], claims=claims)


class LocalPasswordBackend(ModelBackend):
    """Django's user name and password. With OIDC on, only superusers may use it (break-glass,
    OIDC_BREAK_GLASS), unless OIDC_ALLOW_LOCAL_LOGIN lets everyone; it also keeps the sessions
    of users signed in through the provider, like ModelBackend."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and not local_password_allowed(user):
            log.warning("Local password refused for %s: sign-in goes through OIDC",
                        user.get_username())
            return None
        return user


def local_password_allowed(user) -> bool:
    """Whether this user may sign in with a local password under the settings."""
    if not discovery.enabled() or settings.OIDC_ALLOW_LOCAL_LOGIN:
        return True
    return bool(settings.OIDC_BREAK_GLASS and user.is_superuser)


def local_login_offered() -> str:
    """What the login page offers besides the provider: "all" (no OIDC, or OIDC_ALLOW_LOCAL_
    LOGIN), "break-glass" (superusers only) or "" (no password form)."""
    if not discovery.enabled() or settings.OIDC_ALLOW_LOCAL_LOGIN:
        return "all"
    return "break-glass" if settings.OIDC_BREAK_GLASS else ""
