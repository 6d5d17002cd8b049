"""A structure's status and what it allows: the one home of the status machine.

Status moves forward only: udkast → i høring → vedtaget → udmeldt, skipping steps if need
be; forkastet can follow any status before udmeldt and nothing follows it. Only a draft can
be edited; every other status is frozen (a change is a new structure based on it). A
structure can be in force, and its units be sent placement notices, once it is decided
(vedtaget or udmeldt). A printout of a structure that is not decided carries a stamp.

The status values themselves are ``units.models.Status``; the rules about them live here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from .models import Status

# The order status moves forward in; discarded lies outside it.
ORDER: tuple[Status, ...] = (Status.DRAFT, Status.CONSULTATION, Status.APPROVED,
                             Status.PUBLISHED)

# Decided: the structure has been adopted. (Tuples, so that queries filter on them in order.)
DECIDED: tuple[Status, ...] = (Status.APPROVED, Status.PUBLISHED)
# Statuses a structure can be in force with (see units.lineage for "in force on a date").
IN_FORCE: tuple[Status, ...] = DECIDED
# Statuses whose units may be sent placement notices about the structure.
NOTICE: tuple[Status, ...] = DECIDED
# Statuses whose structure, units and successions may still be changed.
EDITABLE: tuple[Status, ...] = (Status.DRAFT,)
# A proposal: still on its way to a decision.
PROPOSAL: tuple[Status, ...] = (Status.DRAFT, Status.CONSULTATION)

# What a printout says across every page while the structure is not (or never will be) decided.
STAMPS: dict[str, str] = {
    Status.DRAFT: "UDKAST",
    Status.CONSULTATION: "I HØRING",
    Status.DISCARDED: "FORKASTET",
}


def next_statuses(status: str) -> tuple[Status, ...]:
    """The statuses a structure in `status` may move to, in order: every later status of the
    forward order, and discarded unless it is published or discarded already."""
    current = Status(status)
    if current == Status.DISCARDED:
        return ()
    later = ORDER[ORDER.index(current) + 1:]
    return later if current == Status.PUBLISHED else (*later, Status.DISCARDED)


def check_transition(current: str, wanted: str) -> Status:
    """The status `wanted` once it may follow `current` (the same status is allowed and
    changes nothing); a ValidationError in Danish when it is unknown or may not follow:
    nothing follows discarded, a published structure cannot be discarded, and status never
    goes back."""
    if wanted not in Status.values:
        raise ValidationError(f"Ukendt status: {wanted}.")
    wanted_status, current_status = Status(wanted), Status(current)
    if wanted_status == current_status or wanted_status in next_statuses(current_status):
        return wanted_status
    if current_status == Status.DISCARDED:
        raise ValidationError("Organiseringen er forkastet; dens status kan ikke ændres.")
    if wanted_status == Status.DISCARDED:
        raise ValidationError("En udmeldt organisering kan ikke forkastes.")
    raise ValidationError(
        f"Status kan kun gå frem: fra {current_status.label} kan organiseringen ikke gå tilbage "
        f"til {wanted_status.label}. Kopiér den til et nyt udkast i stedet."
    )


def is_editable(status: str) -> bool:
    """Whether a structure in `status` may be changed: only a draft; the rest are frozen."""
    return status in EDITABLE


def is_frozen(status: str) -> bool:
    """Whether a structure in `status` can no longer change (anything but a draft)."""
    return not is_editable(status)


def counts_in_force(status: str) -> bool:
    """Whether a structure in `status` can be the one in force: approved or published."""
    return status in IN_FORCE


def prints_notices(status: str) -> bool:
    """Whether placement notices may be made about a structure in `status`: once decided."""
    return status in NOTICE


def is_proposal(status: str) -> bool:
    """Whether a structure in `status` is still a proposal (a draft or in consultation)."""
    return status in PROPOSAL


def stamp(*statuses: str) -> str:
    """The stamp of a printout about structures in these statuses: UDKAST, I HØRING or
    FORKASTET for the first that has one, in the order given; empty when all are decided."""
    return next((STAMPS[s] for s in statuses if s in STAMPS), "")
