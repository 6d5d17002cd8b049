"""Leader identifiers: how a unit names its leader so that signing in can find them.

A unit's ``leader_identifier`` is whatever the municipality's data knows the leader by: an
e-mail address, an employee number, or the person's uuid in OS2mo. The identity provider hands
the same values over as claims when the leader signs in (``sub``, ``email``,
``preferred_username`` …), and ``units.services.link_leader_units`` links the user to the units
whose identifier is one of them.

The one rule of what counts as the same identifier lives here and is applied on every way in
(the editing form, imports, OS2mo, the claims at sign-in), so a stored identifier and a
claim are compared as they are: trimmed; an e-mail address (anything with an @) and a uuid
in its usual hyphenated form lower-cased, since their case means nothing; any other
identifier (an employee number) kept as written.

It is personal data: who may see it is ``orgreg.roles.Policy.sees_leader_identifiers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

UUID_FORM = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-"
                       r"[0-9a-fA-F]{12}")


def normalise_identifier(value: object) -> str:
    """The identifier as it is stored and compared: " Bo.Holm@Kommune.DK " → "bo.holm@kommune.dk";
    empty for None."""
    text = "" if value is None else str(value).strip()
    if "@" in text or UUID_FORM.fullmatch(text):
        return text.lower()
    return text


def normalised_identifiers(values: Iterable[object]) -> set[str]:
    """Each non-empty identifier of `values`, normalised (claims at sign-in)."""
    return {found for found in (normalise_identifier(v) for v in values) if found}
