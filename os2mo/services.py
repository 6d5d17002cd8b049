"""Writes of os2mo: the push log, and the OS2mo uuids a plan chose kept on the units.

A decided structure is frozen for editing (units.lifecycle), but which uuid its units have in
OS2mo is the integration's bookkeeping, not an edit: `store_uuids` writes only that field,
with history saying why, so a structure copied from this one carries the uuids on.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from orgreg import clock
from orgreg.history import stamp
from orgreg.text import danish_datetime, quoted
from units import lifecycle
from units.models import Structure, Unit

from .models import Push, PushRecord

# A push still marked running this long after it started was cut off (the process died).
STALE_AFTER = datetime.timedelta(hours=1)


@transaction.atomic
def store_uuids(structure: Structure, uuids: dict[int, str], *, user) -> int:
    """Set the external id of each unit of a decided `structure` named in `uuids` (unit id →
    OS2mo uuid) to that uuid, where it differs; returns how many changed. Refuses a structure
    that is not decided (a draft's units are edited through units.services)."""
    if structure.status not in lifecycle.DECIDED:
        raise ValidationError("Kun en vedtaget eller udmeldt organiserings OS2mo-uuid'er "
                              "gemmes af planen til OS2mo.")
    changed = 0
    units = Unit.objects.select_for_update().filter(tree_id=structure.pk, pk__in=list(uuids))
    for unit in units.order_by("lft"):
        wanted = uuids[unit.pk]
        if unit.external_id == wanted:
            continue
        old = unit.external_id
        unit.external_id = wanted
        reason = (f"OS2mo-uuid fastlagt af planen til OS2mo: {wanted}"
                  + (f" (før {old})." if old else "."))
        stamp(unit, user, reason)
        unit.save(update_fields=["external_id"])
        changed += 1
    return changed


@transaction.atomic
def start_push(structure: Structure, *, user, version: int) -> Push:
    """A new push of `structure`, marked running. Refuses while another push of it runs; a
    push left running longer than STALE_AFTER (its process died) is marked failed first."""
    now = clock.now()
    Structure.objects.select_for_update().filter(pk=structure.pk).first()
    stale = Push.objects.filter(structure=structure, outcome=Push.Outcome.RUNNING,
                                started_at__lt=now - STALE_AFTER)
    stale.update(outcome=Push.Outcome.FAILED, finished_at=now,
                 message="Afbrudt: afsendelsen blev aldrig afsluttet.")
    running = Push.objects.filter(structure=structure, outcome=Push.Outcome.RUNNING).first()
    if running is not None:
        raise ValidationError(
            f"{quoted(structure.name)} er ved at blive sendt til OS2mo (startet "
            f"{danish_datetime(running.started_at)}); vent, til den afsendelse er færdig.")
    try:
        with transaction.atomic():
            return Push.objects.create(structure=structure, user=user, started_at=now,
                                       graphql_version=version)
    except IntegrityError:
        raise ValidationError(f"{quoted(structure.name)} er ved at blive sendt til OS2mo; "
                              "vent, til den afsendelse er færdig.") from None


def record(push: Push, *, key: str, mutation: str, input: dict[str, Any], sentence: str,
           state: str, response_uuid: str = "", message: str = "") -> PushRecord:
    """One mutation as `push` sent it (state sent) or OS2mo refused it (state refused)."""
    return PushRecord.objects.create(
        push=push, structure_id=push.structure_id, key=key, mutation=mutation, input=input,
        sentence=sentence, state=state, response_uuid=response_uuid[:64], message=message,
        user_id=push.user_id, sent_at=clock.now())


def finish_push(push: Push, *, outcome: str, sent: int, skipped: int, message: str = ""
                ) -> Push:
    """Mark `push` ended with `outcome` and its figures."""
    push.outcome = outcome
    push.sent, push.skipped, push.message = sent, skipped, message
    push.finished_at = clock.now()
    push.save(update_fields=["outcome", "sent", "skipped", "message", "finished_at"])
    return push
