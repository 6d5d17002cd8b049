"""The demo's mail addresses (called by `loaddemo` after the units, MED and plans are
loaded): every demo leader and MED member gets an invented address under the
municipality's `.example` domain ("birgitte.bonde@randers.example", a domain that never
receives mail), so that publishing a demo structure shows the whole udmelding flow — in the
trial the mail is written to the log. Addresses already set are left as they are, so
running it again changes nothing. Written as demo data (no history of its own), like the
rest of the demo's bulk rows."""

from __future__ import annotations

import re
import unicodedata

from med.models import Membership
from units.models import Unit

# The first word of the organisation's name → the invented domain.
DOMAINS = {"aarhus": "aarhus.example", "københavns": "kobenhavn.example",
           "norddjurs": "norddjurs.example", "randers": "randers.example"}
_FOLD = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def local_part(name: str) -> str:
    """"Birgitte Bønde" → "birgitte.boende": Danish letters spelt out, other accents
    dropped, anything else a dot."""
    text = unicodedata.normalize("NFKD", name.translate(_FOLD))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", ".", text).strip(".")[:60] or "leder"


def domain_for(organisation_name: str) -> str:
    first = (organisation_name.split() or [""])[0].lower().rstrip(",")
    return DOMAINS.get(first, "kommune.example")


def address(name: str, organisation_name: str) -> str:
    return f"{local_part(name)}@{domain_for(organisation_name)}"


def load(*, stdout=None) -> int:
    """Give every demo leader and MED member without an address an invented one; how many
    addresses were set."""
    units = list(Unit.objects.filter(leader_email="").exclude(leader_name="")
                 .select_related("structure__organisation"))
    for unit in units:
        unit.leader_email = address(unit.leader_name, unit.structure.organisation.name)
    Unit.objects.bulk_update(units, ["leader_email"], batch_size=500)
    members = list(Membership.objects.filter(email="").exclude(person_name="")
                   .select_related("body__organisation"))
    for member in members:
        member.email = address(member.person_name, member.body.organisation.name)
    Membership.objects.bulk_update(members, ["email"], batch_size=500)
    if stdout is not None and (units or members):
        stdout.write(f"Demo-adresser: {len(units)} ledere og {len(members)} MED-medlemmer "
                     "fik en opdigtet e-mailadresse (….example).")
    return len(units) + len(members)
