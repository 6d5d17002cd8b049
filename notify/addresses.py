"""Recipient addresses: whether orgreg may mail one, and how an address and a name go into a
header safely."""

from __future__ import annotations

from email.headerregistry import Address

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email


def clean(address: str) -> str:
    """The address trimmed, its domain lower-cased."""
    address = (address or "").strip()
    local, at, domain = address.rpartition("@")
    return f"{local}@{domain.lower()}" if at else address


def is_address(value: str) -> bool:
    try:
        validate_email((value or "").strip())
    except ValidationError:
        return False
    return True


def domain_allowed(address: str) -> bool:
    """Whether ORGREG_MAIL_ALLOWED_DOMAINS lets orgreg mail `address` (empty: every domain;
    a domain allows its subdomains)."""
    allowed = settings.ORGREG_MAIL_ALLOWED_DOMAINS
    if not allowed:
        return True
    domain = clean(address).rpartition("@")[2]
    return any(domain == d or domain.endswith("." + d) for d in allowed)


def refusal(address: str) -> str:
    """Why a message to `address` may not be sent, in Danish; empty when it may."""
    if not settings.ORGREG_MAIL_ENABLED:
        return "Afsendelse af e-mail er slået fra (ORGREG_MAIL_ENABLED)."
    if not (address or "").strip():
        return "Der er ingen e-mailadresse."
    if not is_address(address):
        return "E-mailadressen er ikke gyldig."
    if not domain_allowed(address):
        return "Domænet er ikke på listen over tilladte modtagerdomæner."
    return ""


def one_line(text: str) -> str:
    """`text` on one line: a header never carries a line break from data."""
    return " ".join((text or "").split())


def header_address(name: str, address: str) -> str:
    """"Name <address>" for a To: header, the name quoted or RFC 2047-encoded as it needs
    (Django's mail encodes it again as it sends, which is safe); a bare address without a
    name."""
    address = clean(address)
    name = one_line(name)
    if not name:
        return address
    local, _, domain = address.rpartition("@")
    return str(Address(display_name=name, username=local, domain=domain))
