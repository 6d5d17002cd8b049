"""Roles and visibility: one policy per user, asked by every page, PDF, export, feed, API
answer and command, in the manner of Wagtail's permission policies.

Groups: Redaktør (editor), Leder (manager), MED (MED member), Læser (reader).
Superusers see and edit everything; so does the server itself (`server_policy`, for
management commands run without ``--user``).

- A draft or discarded structure is seen by editors only.
- A structure in consultation or approved is seen by editors and MED members.
- A published structure is seen by everyone logged in, but before its
  confidential_until date only by editors and MED members.
- A unit, a MED body and a milestone tied to a structure are seen by whoever sees that
  structure; a milestone without a structure, workstreams, deliverables and organisations by
  everyone logged in.
- A body's meetings (agendas, minutes) are seen by editors and by the members of the body.
- Consultations: editors see every one; a MED member those on structures they may see; a
  member of a body (outside the MED group) those sent to their own bodies.
- Comments and høringssvar (MED members and managers, on a structure in consultation; a
  body's only by its member) are seen only by whoever sees the structure now (`comments`).
- Only editors edit, and of a structure's tree only a draft.
- An uploaded file waiting to be imported is its uploader's only (while they are an editor).
- A unit's leader identifier (an e-mail, employee number or OS2mo uuid: personal data) is
  seen by editors only — never on a PDF, in an export or API answer for anyone else, nor in
  history shown to them. Editors link managers to units by hand, in any structure they see.
- Two structures are compared only within one organisation.
- Reading OS2mo into a new structure (a pull), and the record of pulls, are for editors
  only, and only once OS2mo is set up (OS2MO_URL).
- A structure's plan for OS2mo (the changes to hand back, with every unit's uuid there), the
  log of what was pushed and the push itself are for editors only; to anyone else the plan
  page is a 404, as an editing page is.
- A user signed in through the identity provider without any of the four roles (and not a
  superuser) gets no session at all (`Policy.has_role`), and so sees nothing.

A refusal is a 404 whether the thing is hidden or missing, so that nothing's existence leaks:
non-editors get 404 from every editing page. An editor, who may see everything, gets a Danish
403 when asking to edit a structure that is past draft.

`policy(user)` is computed once per user object (and so once per request).

The rules live in this package, one module per part of orgreg: structures and units
(`structures`), MED, consultations and comments (`med`), the plan (`plan`), composed into
`Policy` (`policy`); `base` holds the roles' names and what the rules share.
"""

from .base import (
    ALL_GROUPS,
    EDITOR,
    HIDDEN_STRUCTURE,
    MANAGER,
    MED,
    NOT_COMPARABLE,
    NOT_EDITABLE,
    NOT_FOUND,
    READER,
    comparable,
)
from .policy import (
    Policy,
    editor_required,
    everyone_policy,
    policy,
    public_from,
    role_policy,
    server_policy,
)

__all__ = [
    "ALL_GROUPS",
    "EDITOR",
    "HIDDEN_STRUCTURE",
    "MANAGER",
    "MED",
    "NOT_COMPARABLE",
    "NOT_EDITABLE",
    "NOT_FOUND",
    "READER",
    "Policy",
    "comparable",
    "editor_required",
    "everyone_policy",
    "policy",
    "public_from",
    "role_policy",
    "server_policy",
]
