"""Writes to MED bodies, memberships, meetings, agenda items and consultations.

One function per business operation: atomic, validating everything before the first write,
recording the acting user and a reason (the caller's words or a generated Danish sentence) in
history. A refusal is a ``ValidationError`` with a Danish message and leaves the database as it
was. Writes to one body (its members, meetings) are serialised by locking the body's row.
Dates outside 1900–2200 are refused (orgreg.dates). Updates refuse a stale `expected_version`
(orgreg.versions); None (imports, demo data, scripts) skips that check.
"""

from .bodies import (
    BODY_FIELDS,
    MEMBERSHIP_FIELDS,
    add_membership,
    create_body,
    end_membership,
    set_body_units,
    update_body,
    update_membership,
)
from .consultations import (
    CONSULTATION_FIELDS,
    SIGNED_ANSWER,
    create_consultation,
    record_answer,
    record_response,
    update_consultation,
)
from .meetings import (
    ITEM_FIELDS,
    MEETING_FIELDS,
    add_agenda_item,
    create_meeting,
    remove_agenda_item,
    send_agenda,
    update_agenda_item,
    update_meeting,
)

__all__ = [
    "BODY_FIELDS", "CONSULTATION_FIELDS", "ITEM_FIELDS", "MEETING_FIELDS", "MEMBERSHIP_FIELDS",
    "SIGNED_ANSWER", "add_agenda_item", "add_membership", "create_body", "create_consultation",
    "create_meeting", "end_membership", "record_answer", "record_response",
    "remove_agenda_item", "send_agenda", "set_body_units", "update_agenda_item",
    "update_body", "update_consultation", "update_meeting", "update_membership",
]
