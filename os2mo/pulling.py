"""Reading OS2mo live into a new structure (the pull), the writes.

`pull(organisation, on_date=…, user=…)` reads every unit valid on the date from OS2mo's
GraphQL API (os2mo.client, paged), turns the answer into records the way a saved export is
read (units.interchange.os2mo_source: uuid as key and external id, unique codes, the
hierarchy and top unit chosen, validity by the client's GraphQL version), checks them as an
import is checked and writes them as a new structure (a draft, or approved — in force — when
the editor chose so). The structure is based on the one the organisation's previous pull
made, each unit succeeding the unit with the same OS2mo uuid (external_id) there, so the
ordinary comparison of the two shows what changed in OS2mo between the pulls: new units,
closed ones, renamed, moved. Every pull is recorded (os2mo.models.Pull) with the counts of
that comparison.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.text import danish_date, quoted
from units import interchange, selectors, services
from units.changes import ChangeKind
from units.interchange import FileRefused
from units.models import Organisation, Status, Structure, Unit
from units.selectors.compare import Comparison

from .client import Os2moClient
from .models import Pull

# (done, total), as a job reports its progress.
Progress = Callable[[int, int], None]
UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
# Problems named in a refusal.
NAMED_PROBLEMS = 10


@dataclass
class PullResult:
    pull: Pull
    structure: Structure
    comparison: Comparison | None
    warnings: list[str] = field(default_factory=list)


def previous_pull(organisation: Organisation) -> Pull | None:
    """The organisation's latest pull whose structure is still there and not discarded."""
    return (Pull.objects.filter(organisation=organisation, structure__isnull=False)
            .exclude(structure__status=Status.DISCARDED).select_related("structure")
            .order_by("-pulled_at", "-pk").first())


def _refused(plan: interchange.ImportPlan) -> ValidationError:
    named = "; ".join(str(p) for p in plan.problems[:NAMED_PROBLEMS])
    more = len(plan.problems) - NAMED_PROBLEMS
    return ValidationError(
        "OS2mo's enheder kan ikke blive til en organisering; intet er gemt: " + named
        + (f" (og {more} fejl til)" if more > 0 else "") + ".")


def _link_by_uuid(plan: interchange.ImportPlan, basis: Structure | None) -> int | None:
    """Each planned unit succeeds (100 %) the unit of `basis` with its OS2mo uuid; the root
    of basis without a uuid (a root orgreg put above OS2mo's tops), if any, is returned for
    the new such root. One query."""
    if basis is None:
        return None
    old = {}
    plain_root = None
    for pk, external_id, parent_id in Unit.objects.filter(tree_id=basis.pk).values_list(
            "pk", "external_id", "parent_id"):
        if external_id:
            old[external_id] = pk
        elif parent_id is None:
            plain_root = pk
    for unit in plan.units:
        external_id = unit.fields.get("external_id")
        if external_id in old:
            key = f"uuid:{external_id}"
            unit.predecessors = [(key, Decimal(100))]
            plan.predecessor_ids[key] = old[external_id]
    return plain_root if plan.meta.get("synthetic_root") else None


def pull(organisation: Organisation, *, on_date: datetime.date, user, in_force: bool = False,
         hierarchy: str = "", top: str = "", client: Os2moClient | None = None,
         progress: Progress | None = None) -> PullResult:
    """Read OS2mo's structure valid on `on_date` into a new structure of `organisation` (see
    the module). Refuses (ValidationError, in Danish, nothing written) when OS2mo cannot be
    read (os2mo.client.Os2moError), when its units do not make a tree, and when a structure
    to be put in force would share its date with one in force already."""
    client = client or Os2moClient.from_settings()
    previous = previous_pull(organisation)
    estimate = max(previous.unit_count if previous else 0, client.page_size)

    def reading(done: int, _total: int | None) -> None:
        if progress:
            progress(done, 2 * max(estimate, done + 1))

    hierarchies = [hierarchy.strip()] if UUID.match(hierarchy.strip()) else None
    objects = client.org_units_on(on_date, hierarchies=hierarchies, progress=reading)
    try:
        source = interchange.os2mo_source(objects, on_date, version=client.version,
                                          hierarchy=hierarchy, top=top)
    except FileRefused as exc:
        raise ValidationError(str(exc)) from None
    plan = interchange.check(source, organisation=organisation, create_unit_types=True)
    if not plan.ok:
        raise _refused(plan)
    if progress:
        progress(len(plan.units), 2 * len(plan.units) + 1)
    basis = previous.structure if previous else None
    with transaction.atomic():
        root_predecessor = _link_by_uuid(plan, basis)
        name = f"OS2mo pr. {danish_date(on_date)}"
        structure = interchange.import_structure(
            plan, organisation=organisation, name=name, effective_date=on_date, user=user,
            based_on=basis, root_predecessor=root_predecessor,
            reason=(f"Hentet fra OS2mo (GraphQL v{client.version}): enhederne gyldige pr. "
                    f"{danish_date(on_date)}."))
        if in_force:
            structure = services.set_status(
                structure, Status.APPROVED, user=user,
                reason=f"Hentet fra OS2mo som organiseringen i kraft pr. {danish_date(on_date)}.")
        comparison = selectors.compare(basis, structure) if basis is not None else None
        record = Pull.objects.create(
            organisation=organisation, structure=structure, based_on=basis, on_date=on_date,
            version=client.version, hierarchy=hierarchy, top=top, in_force=in_force,
            pulled_by=user if getattr(user, "pk", None) else None,
            unit_count=len(plan.units) + (1 if plan.meta.get("synthetic_root") else 0),
            counts=dict(comparison.counts) if comparison else {})
    return PullResult(record, structure, comparison, list(plan.warnings))


def describe(result: PullResult, *, limit: int = 25) -> list[str]:
    """The change summary in Danish, a line each: what was made, then per kind of change the
    count and the first units' names."""
    structure = result.structure
    status = "sat i kraft (vedtaget)" if result.pull.in_force else "oprettet som udkast"
    lines = [f"{quoted(structure.name)} (id {structure.pk}) er {status} med "
             f"{result.pull.unit_count} enheder."]
    lines += [f"Bemærk: {w}" for w in result.warnings]
    comparison = result.comparison
    if comparison is None:
        lines.append("Første hentning: der er intet at sammenligne med.")
        return lines
    lines.append(f"Ændret i OS2mo siden {quoted(comparison.old.name)}:")
    shown = [k for k in ChangeKind.PRIORITY if k != ChangeKind.CONTINUED]
    changed = False
    for kind in shown:
        rows = [r for r in comparison.rows() if kind in r.kinds]
        if not rows:
            continue
        changed = True
        names = []
        for row in rows[:limit]:
            after = row.successors[0].unit.name if row.successors else ""
            names.append(f"{row.unit.name} → {after}" if kind == ChangeKind.RENAMED and after
                         else row.unit.name)
        more = f" og {len(rows) - limit} til" if len(rows) > limit else ""
        lines.append(f"  {ChangeKind.LABELS[kind]}: {len(rows)}: " + ", ".join(names) + more)
    if not changed:
        lines.append("  Intet: enhederne er de samme.")
    return lines
