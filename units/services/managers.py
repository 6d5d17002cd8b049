"""Managers and their units: who sees a unit under Min enhed, and how they came to.

A link is made by hand (an editor on the unit's page) or by data (signing in: the unit's
leader identifier is one the identity provider gave for the user). Links by data follow the
data at every sign-in; links by hand stay until an editor removes them. Every link made,
changed or removed is recorded in history (units.models.ManagerLink.history)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import connection, transaction
from django.utils import timezone

from orgreg import clock
from orgreg.history import stamp
from orgreg.text import quoted

from .. import lifecycle
from ..leaders import normalise_identifier, normalised_identifiers
from ..lineage import Lineage, order_key
from ..models import LinkSource, ManagerLink, Structure, Unit
from .common import _fresh, _lock, _save

LINKED_BY_DATA = "Knyttet ved login: enhedens lederident er brugerens."
UNLINKED_BY_DATA = "Fjernet ved login: enhedens lederident er ikke længere brugerens."


def structures_that_matter(on_date: datetime.date | None = None) -> list[int]:
    """The pks of the structures a manager is linked in: of every organisation, the structure
    in force on `on_date` (today by default) and every decided structure that takes effect
    after it. Drafts and structures in consultation are not a manager's to see; a structure
    already replaced is history. One query."""
    on_date = on_date or clock.today()
    by_organisation: dict[int, list[Structure]] = defaultdict(list)
    for s in (Structure.objects.filter(status__in=lifecycle.IN_FORCE).order_by()
              .only("pk", "organisation_id", "status", "effective_date", "based_on_id")):
        by_organisation[s.organisation_id].append(s)
    found: list[int] = []
    for structures in by_organisation.values():
        in_force = Lineage.among(structures).in_force(on_date)
        found.extend(s.pk for s in structures
                     if in_force is None or order_key(s) >= order_key(in_force))
    return found


def _record_removed(links: list[ManagerLink], *, user, reason: str) -> None:
    """A '-' history record for each link, in one INSERT: what simple-history writes when a
    link is deleted one by one, without a query per link."""
    History = ManagerLink.history.model
    now = timezone.now()
    History.objects.bulk_create([
        History(id=link.pk, unit_id=link.unit_id, user_id=link.user_id, source=link.source,
                linked_at=link.linked_at, linked_by_id=link.linked_by_id, history_date=now,
                history_type="-", history_user=user, history_change_reason=reason)
        for link in links
    ])


def _delete(links: list[ManagerLink]) -> None:
    # One DELETE. Deleting through the ORM would send post_delete per link, and
    # simple-history would write its record one query at a time (see _record_removed).
    table = connection.ops.quote_name(ManagerLink._meta.db_table)
    placeholders = ", ".join(["%s"] * len(links))
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id IN ({placeholders})",
                       [link.pk for link in links])


@transaction.atomic
def link_leader_units(user, identifiers: Iterable[str], *,
                      on_date: datetime.date | None = None) -> list[Unit]:
    """Link `user` as manager of every unit whose leader identifier is one of `identifiers`
    (the claims the identity provider gave at sign-in; normalised as units.leaders does, so
    e-mails match whatever their case), in the structures that matter
    (`structures_that_matter`), and unlink the units linked by data before whose identifier
    no longer matches. Links made by hand are kept as they are. Idempotent; records every
    link made or removed in history, with the user as the one who did it. Returns the
    matching units, newest structure first, in tree order. Eight queries at most (and the
    transaction's), whatever the number of units, identifiers or links."""
    wanted = normalised_identifiers(identifiers)
    # Two sign-ins of one user at once must not both insert the same links.
    get_user_model().objects.select_for_update().filter(pk=user.pk).exists()
    units = []
    if wanted:
        units = list(
            Unit.objects.filter(structure_id__in=structures_that_matter(on_date),
                                leader_identifier__in=wanted)
            .select_related("structure").order_by("-structure__effective_date", "tree_id",
                                                   "lft"))
    matched = {u.pk for u in units}
    existing = {link.unit_id: link for link in ManagerLink.objects.filter(user=user)}
    new = [ManagerLink(unit=u, user=user, source=LinkSource.DATA)
           for u in units if u.pk not in existing]
    stale = [link for link in existing.values()
             if link.source == LinkSource.DATA and link.unit_id not in matched]
    if new:
        ManagerLink.objects.bulk_create(new)
        ManagerLink.history.bulk_history_create(new, default_user=user,
                                                default_change_reason=LINKED_BY_DATA)
    if stale:
        _record_removed(stale, user=user, reason=UNLINKED_BY_DATA)
        _delete(stale)
    return units


@transaction.atomic
def set_leader_identifier(unit: Unit, identifier: str, *, user,
                          reason: str | None = None) -> Unit:
    """Set who the unit's leader is by identifier, in any structure: a new leader is hired
    while a structure is in force, and the identifier names a person, not a part of the tree
    (which stays frozen past draft). Normalised as units.leaders says; refuses one longer than
    the field holds."""
    _lock(unit.structure)
    unit = _fresh(unit)
    value = normalise_identifier(identifier)
    limit = Unit._meta.get_field("leader_identifier").max_length
    if limit and len(value) > limit:
        raise ValidationError({"leader_identifier": f"Lederidenten er {len(value)} tegn lang; "
                                                    f"højst {limit}."})
    if value == unit.leader_identifier:
        return unit
    unit.leader_identifier = value
    return _save(unit, user, reason or f"{quoted(unit.name)}: lederident ændret.")


@transaction.atomic
def set_leader_email(unit: Unit, email: str, *, user, reason: str | None = None) -> Unit:
    """Set the e-mail address the unit's leader is mailed at (the udmelding), in any
    structure, like the leader identifier: it names a person, not a part of the frozen tree.
    Trimmed, the domain lower-cased; refuses what is not an e-mail address."""
    _lock(unit.structure)
    unit = _fresh(unit)
    value = (email or "").strip()
    if value:
        local, _, domain = value.rpartition("@")
        value = f"{local}@{domain.lower()}"
        try:
            validate_email(value)
        except ValidationError:
            raise ValidationError({"leader_email": "Lederens e-mail er ikke en gyldig "
                                                   "e-mailadresse."}) from None
    if value == unit.leader_email:
        return unit
    unit.leader_email = value
    return _save(unit, user, reason or f"{quoted(unit.name)}: lederens e-mail ændret.")


@transaction.atomic
def link_manager(unit: Unit, manager, *, user, reason: str | None = None) -> ManagerLink:
    """An editor links `manager` to `unit` by hand: the link stays, whatever the leader
    identifiers say, until an editor removes it. A link made by data becomes one made by hand.
    Refuses a user who cannot sign in."""
    if not manager.is_active:
        raise ValidationError(f"Brugeren {quoted(manager.get_username())} er deaktiveret og kan "
                              "ikke logge ind.")
    link = ManagerLink.objects.select_for_update().filter(unit=unit, user=manager).first()
    if link is not None and link.source == LinkSource.HAND:
        return link
    if link is None:
        link = ManagerLink(unit=unit, user=manager)
        text = f"{quoted(manager.get_username())} har fået adgang til {quoted(unit.name)}."
    else:
        text = (f"{quoted(manager.get_username())} bevarer adgangen til {quoted(unit.name)}, "
                "også hvis lederidenten ændres.")
    link.source, link.linked_by = LinkSource.HAND, user
    stamp(link, user, reason or text)
    link.save()
    return link


@transaction.atomic
def unlink_manager(unit: Unit, manager, *, user, reason: str | None = None) -> None:
    """An editor removes `manager`'s access to `unit` under Min enhed. A link made by data
    comes back at the manager's next sign-in while the unit's leader identifier is theirs.
    Refuses a link that does not exist."""
    link = ManagerLink.objects.select_for_update().filter(unit=unit, user=manager).first()
    if link is None:
        raise ValidationError(f"{quoted(manager.get_username())} er ikke knyttet til "
                              f"{quoted(unit.name)}.")
    stamp(link, user, reason or (f"{quoted(manager.get_username())} har ikke længere adgang "
                                 f"til {quoted(unit.name)}."))
    link.delete()
