"""The identity provider's endpoints, read from OIDC_ISSUER's
``/.well-known/openid-configuration`` the first time they are needed and kept in the process
for OIDC_DISCOVERY_TTL seconds."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import requests
from django.conf import settings

log = logging.getLogger(__name__)

_cache: dict[str, tuple[float, ProviderConfig]] = {}
_lock = threading.Lock()


class ProviderUnavailable(Exception):
    """The provider's discovery document could not be read or is not one orgreg can use."""


@dataclass(frozen=True)
class ProviderConfig:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str
    userinfo_endpoint: str = ""
    end_session_endpoint: str = ""


def enabled() -> bool:
    """Whether sign-in through an identity provider is configured."""
    return bool(settings.OIDC_ISSUER)


def discovery_url(issuer: str) -> str:
    return issuer.rstrip("/") + "/.well-known/openid-configuration"


def provider() -> ProviderConfig:
    """The configured provider's endpoints. Refuses (ProviderUnavailable) a document that
    cannot be read, lacks an endpoint orgreg needs, or names another issuer than OIDC_ISSUER
    (OpenID Connect Discovery 1.0, section 4.3)."""
    issuer = settings.OIDC_ISSUER
    if not issuer:
        raise ProviderUnavailable("OIDC_ISSUER is not set.")
    now = time.monotonic()
    cached = _cache.get(issuer)
    if cached and now - cached[0] < settings.OIDC_DISCOVERY_TTL:
        return cached[1]
    with _lock:
        cached = _cache.get(issuer)
        if cached and now - cached[0] < settings.OIDC_DISCOVERY_TTL:
            return cached[1]
        config = _read(issuer)
        _cache[issuer] = (time.monotonic(), config)
        return config


def forget() -> None:
    """Drop what was read, so the next sign-in reads the document again."""
    with _lock:
        _cache.clear()


def _read(issuer: str) -> ProviderConfig:
    url = discovery_url(issuer)
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        document = response.json()
    except (requests.RequestException, ValueError) as exc:
        log.error("OIDC discovery failed at %s: %s", url, exc)
        raise ProviderUnavailable(f"{url}: {exc}") from exc
    if not isinstance(document, dict):
        raise ProviderUnavailable(f"{url} is not a JSON object.")
    if str(document.get("issuer", "")).rstrip("/") != issuer.rstrip("/"):
        log.error("OIDC discovery at %s names issuer %r, not %r", url,
                  document.get("issuer"), issuer)
        raise ProviderUnavailable(f"{url} names another issuer: {document.get('issuer')!r}.")
    missing = [key for key in ("authorization_endpoint", "token_endpoint", "jwks_uri")
               if not document.get(key)]
    if missing:
        raise ProviderUnavailable(f"{url} lacks {', '.join(missing)}.")
    log.info("OIDC provider %s discovered", document["issuer"])
    return ProviderConfig(
        issuer=document["issuer"],
        authorization_endpoint=document["authorization_endpoint"],
        token_endpoint=document["token_endpoint"],
        jwks_uri=document["jwks_uri"],
        userinfo_endpoint=document.get("userinfo_endpoint") or "",
        end_session_endpoint=document.get("end_session_endpoint") or "",
    )
