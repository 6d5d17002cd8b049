"""Sending a structure's plan to OS2mo (``manage.py os2mo push``).

Only an editor pushes, and only by an explicit command. A push computes the plan
(os2mo.plan) for the GraphQL version the client speaks, refuses a plan with problems before
anything is sent, stores the uuids the plan chose on the structure's units, looks up the
classes (unit types, levels) the items name, and sends the items in order, skipping every
key a push of the structure has sent before. Each sent item is recorded as soon as OS2mo
answers, so a push that stops — OS2mo refuses an item (its message is kept), or cannot be
reached — leaves a record of what was sent, and the next push continues from the item that
stopped it. A second push of a structure that was sent in full sends nothing.

If OS2mo applied an item but its answer never arrived (a timeout, or the process died before
the record), the next push sends that item again: an update or termination says the same
again; a create of a uuid OS2mo already has is refused, so on a refused create the push asks
OS2mo whether the unit exists, and if so records the item as sent and goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError

from orgreg.roles import policy
from orgreg.text import counted, join_danish, quoted
from units.models import Structure

from . import plan as plans
from . import services
from .client import Os2moClient, Os2moError
from .models import Push, PushRecord
from .plan import FACETS, Plan, PlanItem
from .selectors import sent_keys

EXISTS_QUERY = """
query UnitExists($uuids: [UUID!]) {
  org_units(filter: {uuids: $uuids, from_date: null, to_date: null}) { objects { uuid } }
}
"""

CLASSES_QUERY = """
query Classes($facets: [String!]) {
  classes(filter: {facet_user_keys: $facets}) {
    objects { current { uuid user_key name facet { user_key } } }
  }
}
"""


ALREADY = ("Fandtes allerede i OS2mo: sendt ved en tidligere afsendelse, hvis svar ikke nåede "
           "frem.")


@dataclass
class PushReport:
    """What one push did: the items it sent, those sent before, and where it stopped."""

    push: Push
    plan: Plan
    sent: list[PlanItem] = field(default_factory=list)
    skipped: list[PlanItem] = field(default_factory=list)
    stopped_at: PlanItem | None = None
    message: str = ""

    @property
    def complete(self) -> bool:
        return self.push.outcome == Push.Outcome.DONE

    def text(self) -> str:
        """The report in Danish: the figures, each item sent, and the refusal if any."""
        lines = []
        if self.complete and not self.sent:
            lines.append(f"Intet at sende: planen for {quoted(self.plan.structure.name)} "
                         f"({counted(len(self.plan.items), 'ændring', 'ændringer')}) er sendt "
                         "til OS2mo før.")
        else:
            lines.append(f"Sendt til OS2mo: {len(self.sent)} af "
                         f"{counted(len(self.plan.items), 'ændring', 'ændringer')} "
                         f"({len(self.skipped)} var sendt før).")
        lines += [f"- sendt: {item.sentence}" for item in self.sent]
        if self.stopped_at is not None:
            lines.append(f"Stoppet ved: {self.stopped_at.sentence}")
        if self.message:
            lines.append(self.message)
        if not self.complete:
            rest = len(self.plan.items) - len(self.sent) - len(self.skipped)
            lines.append(f"{counted(rest, 'ændring', 'ændringer')} er ikke sendt. Ret årsagen, "
                         "og send igen: det, der er sendt, sendes ikke igen.")
        return "\n".join(lines)


def _check_pusher(user) -> None:
    if user is None or not policy(user).is_editor:
        raise PermissionDenied("Kun en redaktør kan sende en organisering til OS2mo.")


def _classes(client: Os2moClient, items: list[PlanItem]) -> dict[tuple[str, str], str]:
    """(input field, class name) → the class's uuid in OS2mo, for every class the items
    name, matched by name or user_key (case ignored) within the field's facet. Os2moError
    naming the classes OS2mo does not have."""
    wanted = {(f, name) for item in items for f, name in item.classes.items()}
    if not wanted:
        return {}
    facets = sorted({FACETS[f] for f, _ in wanted})
    data = client.execute(CLASSES_QUERY, {"facets": facets})
    known: dict[tuple[str, str], str] = {}
    for obj in (data.get("classes") or {}).get("objects") or []:
        current = obj.get("current") or {}
        facet = ((current.get("facet") or {}).get("user_key")) or ""
        for label in (current.get("name"), current.get("user_key")):
            if label and current.get("uuid"):
                known.setdefault((facet, str(label).casefold()), str(current["uuid"]))
    found, missing = {}, []
    for f, name in sorted(wanted):
        uuid = known.get((FACETS[f], name.casefold()))
        if uuid is None:
            missing.append(f"{quoted(name)} ({FACETS[f]})")
        else:
            found[f, name] = uuid
    if missing:
        raise Os2moError(f"OS2mo har ikke klasserne {join_danish(missing)}. Opret dem i OS2mo, "
                         "eller ret enhedstypen eller niveauet i orgreg.")
    return found


def _exists(client: Os2moClient, uuid: str) -> bool:
    """Whether OS2mo has a unit `uuid` at any time; False when it cannot tell."""
    try:
        data = client.execute(EXISTS_QUERY, {"uuids": [uuid]})
    except Os2moError:
        return False
    objects = (data.get("org_units") or {}).get("objects") or []
    return any(isinstance(o, dict) and str(o.get("uuid", "")).lower() == uuid for o in objects)


def _input(item: PlanItem, classes: dict[tuple[str, str], str]) -> dict[str, Any]:
    return {**item.input, **{f: classes[f, name] for f, name in item.classes.items()}}


def push(structure: Structure, *, user, client: Os2moClient | None = None) -> PushReport:
    """Send the plan of `structure` to OS2mo as `user` (see the module). Refuses a user who
    is not an editor (PermissionDenied), and, in Danish with nothing sent, a structure no
    plan can be made for, a plan with problems and a push of the structure already
    running. A refusal by OS2mo or a failure to reach it ends the push with a report."""
    _check_pusher(user)
    client = client or Os2moClient.from_settings()
    plan = plans.plan(structure, version=client.version)
    if plan.problems:
        raise ValidationError("Planen kan ikke sendes: " + " ".join(plan.problems))
    run = services.start_push(structure, user=user, version=client.version)
    report = PushReport(run, plan)
    try:
        services.store_uuids(structure, plan.to_store, user=user)
        done = sent_keys(structure)
        report.skipped = [item for item in plan.items if item.key in done]
        todo = [item for item in plan.items if item.key not in done]
        try:
            classes = _classes(client, todo)
        except Os2moError as exc:
            report.message = str(exc)
            services.finish_push(run, outcome=Push.Outcome.REFUSED, sent=0,
                                 skipped=len(report.skipped), message=report.message)
            return report
        for item in todo:
            data_input = _input(item, classes)
            try:
                data = client.execute(item.query, {"input": data_input})
            except Os2moError as exc:
                if item.mutation == plans.CREATE and _exists(client, item.input["uuid"]):
                    services.record(run, key=item.key, mutation=item.mutation,
                                    input=data_input, sentence=item.sentence,
                                    state=PushRecord.State.SENT,
                                    response_uuid=item.input["uuid"], message=ALREADY)
                    report.sent.append(item)
                    continue
                report.stopped_at = item
                report.message = str(exc)
                services.record(run, key=item.key, mutation=item.mutation, input=data_input,
                                sentence=item.sentence, state=PushRecord.State.REFUSED,
                                message=exc.os2mo_message or str(exc))
                outcome = Push.Outcome.REFUSED if exc.os2mo_message else Push.Outcome.FAILED
                services.finish_push(run, outcome=outcome, sent=len(report.sent),
                                     skipped=len(report.skipped), message=report.message)
                return report
            answer = data.get(item.mutation) if isinstance(data, dict) else None
            response_uuid = str((answer or {}).get("uuid") or "")
            services.record(run, key=item.key, mutation=item.mutation, input=data_input,
                            sentence=item.sentence, state=PushRecord.State.SENT,
                            response_uuid=response_uuid)
            report.sent.append(item)
        services.finish_push(run, outcome=Push.Outcome.DONE, sent=len(report.sent),
                             skipped=len(report.skipped))
        return report
    except BaseException as exc:
        if run.outcome == Push.Outcome.RUNNING:
            services.finish_push(run, outcome=Push.Outcome.FAILED, sent=len(report.sent),
                                 skipped=len(report.skipped), message=f"Fejl: {exc}"[:500])
        raise
