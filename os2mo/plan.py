"""The plan for OS2mo: the dated GraphQL mutations that make OS2mo's units what a decided
structure says, computed from the structure's successions to its basis.

What happened to each unit is units.selectors.compare's answer (units.changes decides the
kinds); this module decides only what OS2mo needs for it. OS2mo knows a unit by its uuid,
which the basis' units carry as their external id (they came from OS2mo, or from an earlier
plan, which stores the uuids it chose on its units). The rules, which the plan also states
in Danish (`RULES`):

- Every line old → new of the comparison may carry the old unit's uuid on. Each uuid goes
  to one new unit and each new unit gets at most one: the lines are taken by the staff
  going along them (most first), then the line whose new unit already carries that uuid
  (a copy, the unit merged into, a split's first part), then the larger share, then tree
  order. So a continued, renamed or moved unit keeps its uuid; a merger keeps the uuid of
  the predecessor bringing the most staff and terminates the others; a split keeps the uuid
  on the part taking the most staff and creates the other parts.
- A unit of the structure without a uuid from the basis is created, with a uuid chosen
  here: the one it already carries when that is a uuid no unit of the basis has (chosen
  before and stored), otherwise a name-based uuid of the structure and unit, so the plan is
  the same every time it is computed. Pushing stores the chosen uuids on the units.
- A unit that keeps a uuid is updated with what differs in OS2mo's terms from the effective
  date on: name, parent (by uuid: a unit whose parent's uuid changes is moved there, also
  when the comparison calls it continued), unit type and level.
- A unit of the basis whose uuid goes to no unit is terminated. GraphQL v28 and below read
  `to` as the last day of validity (the day before the effective date); from v29 it is the
  first day no longer valid (the effective date itself).
- Order: creates and updates in the new tree's order (a parent before its children, so a
  parent exists before a unit is put under it), then terminations from the bottom up (a
  unit's children have been moved away or terminated before it).
- A basis whose top unit has no uuid came from an export with several top units, which the
  import hung under a new top: that top stands for the organisation itself, and the units
  under it are top units in OS2mo (no parent).

Types and levels are OS2mo classes known by uuid; the plan names them (`PlanItem.classes`)
and the push looks them up in OS2mo (os2mo.push).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid as uuid_module
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from orgreg.dates import day_before
from orgreg.text import counted, danish_date, join_danish, quoted
from units import lifecycle
from units.changes import ChangeKind
from units.models import Structure, Unit
from units.selectors import UnitNode, compare

# From this GraphQL version on, a validity's `to` is exclusive (half-open [from, to)).
EXCLUSIVE_TO_FROM_VERSION = 29

# The namespace of the uuids the plan chooses for new units (uuid5 of structure and unit).
NAMESPACE = uuid_module.UUID("5b0c7f52-8d1e-4c1a-9a57-0f6c2b7e3d41")

CREATE, UPDATE, TERMINATE = "org_unit_create", "org_unit_update", "org_unit_terminate"

QUERIES = {
    CREATE: "mutation OrgUnitCreate($input: OrganisationUnitCreateInput!) "
            "{ org_unit_create(input: $input) { uuid } }",
    UPDATE: "mutation OrgUnitUpdate($input: OrganisationUnitUpdateInput!) "
            "{ org_unit_update(input: $input) { uuid } }",
    TERMINATE: "mutation OrgUnitTerminate($input: OrganisationUnitTerminateInput!) "
               "{ org_unit_terminate(input: $input) { uuid } }",
}

# The OS2mo facets the classes of `PlanItem.classes` belong to.
FACETS = {"org_unit_type": "org_unit_type", "org_unit_level": "org_unit_level"}

RULES = (
    "OS2mo kender en enhed på dens uuid. En enhed, der fortsætter – også omdøbt eller "
    "flyttet – beholder sit uuid og rettes med org_unit_update fra ikrafttrædelsesdatoen.",
    "Ved en sammenlægning beholder den nye enhed uuid'et fra den forgænger, der bringer flest "
    "medarbejdere med (ved lighed: den forgænger, hvis uuid enheden allerede har, ellers den "
    "største andel og så den første i den gamle organisering). De andre forgængere afsluttes "
    "med org_unit_terminate.",
    "Ved en deling beholder den del, der får flest medarbejdere (ved lighed: den del, der "
    "allerede har uuid'et, ellers den største andel og så den første), enhedens uuid. De "
    "andre dele oprettes som nye enheder med org_unit_create.",
    "Nye enheder oprettes med et uuid, som orgreg vælger. Det er det samme, hver gang planen "
    "beregnes, og det gemmes på enheden, når planen sendes, så en organisering bygget på "
    "denne kender enhedernes uuid i OS2mo.",
    "Nedlagte enheder afsluttes. Til og med GraphQL v28 er »to« den sidste gyldige dag (dagen "
    "før ikrafttrædelsen); fra v29 er »to« den første dag, enheden ikke længere gælder "
    "(ikrafttrædelsesdatoen selv).",
    "Rækkefølge: oprettelser og rettelser i den nye organiserings træorden, så en "
    "overordnet enhed findes, før der lægges enheder under den; derefter afslutninger "
    "nedefra, underenheder før deres overordnede.",
    "Enhedstyper og niveauer er klasser i OS2mo (facetterne org_unit_type og "
    "org_unit_level). Planen nævner dem ved navn; de slås op i OS2mo, når planen sendes.",
)


@dataclass(frozen=True)
class PlanItem:
    """One mutation of the plan. `key` names it for good (the mutation and the uuid it acts
    on): a push records it, and a later push skips what was sent. `input` is the mutation's
    input as sent, except the classes named in `classes` (input field → class name), which
    the push looks up in OS2mo. `unit_id` is the unit of the structure (create, update) or
    of the basis (terminate) it concerns."""

    key: str
    mutation: str
    input: dict[str, Any]
    sentence: str
    kind: str
    unit_id: int
    classes: dict[str, str] = field(default_factory=dict)

    @property
    def query(self) -> str:
        return QUERIES[self.mutation]

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "mutation": self.mutation, "query": self.query,
                "variables": {"input": self.input}, "classes": self.classes,
                "text": self.sentence}


@dataclass(frozen=True)
class Plan:
    """The mutations OS2mo needs for `structure`, in the order they are sent; `uuids` maps
    each unit of the structure that is in OS2mo to its uuid there, `to_store` the units
    whose stored external id is not yet that uuid; `problems` are what stops the plan from
    being sent (Danish), `version` the GraphQL version the dates are written for."""

    structure: Structure
    basis: Structure
    version: int
    items: list[PlanItem]
    uuids: dict[int, str]
    to_store: dict[int, str]
    problems: list[str]

    @property
    def rules(self) -> tuple[str, ...]:
        return RULES

    @property
    def exclusive_to(self) -> bool:
        return self.version >= EXCLUSIVE_TO_FROM_VERSION

    def as_json(self) -> dict[str, Any]:
        return {
            "structure": self.structure.pk, "basis": self.basis.pk,
            "effective_date": self.structure.effective_date.isoformat(),
            "graphql_version": self.version,
            "mutations": [item.as_json() for item in self.items],
            "problems": self.problems,
        }

    def json_text(self) -> str:
        return json.dumps(self.as_json(), ensure_ascii=False, indent=2)

    @property
    def digest(self) -> str:
        """A short fingerprint of the plan's mutations: the push button sends it, so an
        editor confirms the plan they saw and no other."""
        return hashlib.sha256(self.json_text().encode()).hexdigest()[:20]

    def text(self) -> str:
        """The plan as Danish text: what it is for, the rules, each step, the problems."""
        lines = [
            f"Plan for OS2mo: {quoted(self.structure.name)} bygget på {quoted(self.basis.name)}, "
            f"gældende fra {danish_date(self.structure.effective_date)} "
            f"(GraphQL v{self.version}).",
            "",
            "Regler:",
            *(f"- {rule}" for rule in RULES),
            "",
        ]
        if self.items:
            lines.append(f"{counted(len(self.items), 'ændring', 'ændringer')}:")
            lines += [f"{n}. {item.sentence}" for n, item in enumerate(self.items, start=1)]
        else:
            lines.append("OS2mo har allerede denne organisering: ingen ændringer.")
        if self.problems:
            lines += ["", "Planen kan ikke sendes, før dette er rettet:",
                      *(f"- {p}" for p in self.problems)]
        return "\n".join(lines)


def terminate_to(effective_date: datetime.date, version: int) -> datetime.date:
    """The `to` of a unit that ends when `effective_date` begins: the day before up to v28
    (inclusive last day), the effective date itself from v29 (exclusive)."""
    if version >= EXCLUSIVE_TO_FROM_VERSION:
        return effective_date
    return day_before(effective_date)


def _is_uuid(text: str) -> bool:
    try:
        uuid_module.UUID(text)
    except ValueError:
        return False
    return True


def check_plannable(structure: Structure) -> Structure:
    """The basis of a structure a plan can be made for: decided (approved or published) and
    based on another structure. A ValidationError in Danish otherwise."""
    if structure.status not in lifecycle.DECIDED:
        raise ValidationError(
            f"Kun en vedtaget eller udmeldt organisering kan meldes tilbage til OS2mo; "
            f"{quoted(structure.name)} er {structure.get_status_display().lower()}.")
    if structure.based_on_id is None:
        raise ValidationError(
            f"{quoted(structure.name)} bygger ikke på en anden organisering, så der er intet "
            "at sammenligne med OS2mo. Hent organiseringen fra OS2mo og byg den nye på den.")
    return Structure.objects.get(pk=structure.based_on_id)


@dataclass
class _Side:
    """The external id and level of every unit of both trees (one query)."""

    external: dict[int, str]
    level: dict[int, str]


def _side(basis: Structure, structure: Structure) -> _Side:
    rows = Unit.objects.filter(tree_id__in=[basis.pk, structure.pk]).values_list(
        "id", "external_id", "org_level")
    external, level = {}, {}
    for uid, ext, lvl in rows:
        external[uid] = (ext or "").strip().lower()
        level[uid] = lvl or ""
    return _Side(external, level)


def _basis_uuids(old_tree: list[UnitNode], side: _Side, basis: Structure) -> dict[int, str]:
    """Each unit of the basis with its uuid in OS2mo; the top may have none (it stands for
    the organisation). Refuses a basis with no uuid at all, and units below the top without
    one or with an external id that is no uuid."""
    if not any(side.external[n.id] for n in old_tree):
        raise ValidationError(
            f"Organiseringen bygger ikke på en organisering fra OS2mo: ingen enhed i "
            f"{quoted(basis.name)} har et OS2mo-uuid. Hent organiseringen fra OS2mo (manage.py "
            "os2mo pull eller indlæsning af en OS2mo-fil), og byg den nye organisering på den.")
    missing = [n.name for n in old_tree[1:] if not side.external[n.id]]
    if missing:
        raise ValidationError(
            f"{counted(len(missing), 'enhed', 'enheder')} i {quoted(basis.name)} har intet "
            f"OS2mo-uuid, så planen kan ikke vide, hvilke enheder i OS2mo de er: "
            f"{join_danish(quoted(m) for m in missing[:5])}{' …' if len(missing) > 5 else ''}. "
            f"Er {quoted(basis.name)} selv en ny organisering bygget på en fra OS2mo, så send "
            "først dens plan til OS2mo (os2mo push): det giver dens nye enheder et uuid.")
    wrong = [n.name for n in old_tree if side.external[n.id] and not _is_uuid(side.external[n.id])]
    if wrong:
        raise ValidationError(
            f"Det eksterne id på {join_danish(quoted(w) for w in wrong[:5])} i "
            f"{quoted(basis.name)} er ikke et uuid fra OS2mo.")
    return {n.id: side.external[n.id] for n in old_tree if side.external[n.id]}


def _matched(comparison, old_uuid: dict[int, str], side: _Side, skip_new: int | None
             ) -> dict[int, int]:
    """new unit id → the old unit whose uuid it keeps (see the module's first rule)."""
    candidates = []
    for change in comparison.old_changes.values():
        o = change.unit
        if o.id not in old_uuid or not change.successors:
            continue
        for link, people in zip(change.successors, change.staff_moving(), strict=True):
            n = link.unit
            if n.id == skip_new:
                continue
            carries = side.external[n.id] == old_uuid[o.id]
            candidates.append(((-people, not carries, -link.share, o.lft, n.lft), o.id, n.id))
    candidates.sort()
    taken_old: set[int] = set()
    kept: dict[int, int] = {}
    for _, o_id, n_id in candidates:
        if o_id in taken_old or n_id in kept:
            continue
        taken_old.add(o_id)
        kept[n_id] = o_id
    return kept


def _fresh_uuid(structure: Structure, node: UnitNode, carried: str, used: set[str]) -> str:
    """The uuid a new unit is created with: the one it carries when no other unit has it,
    otherwise one named by the structure and the unit (the same at every computation)."""
    if carried and _is_uuid(carried) and carried not in used:
        return carried
    name = f"orgreg/{structure.pk}/{node.id}/{structure.created_at.isoformat()}"
    return str(uuid_module.uuid5(NAMESPACE, name))


def plan(structure: Structure, *, version: int) -> Plan:
    """The plan for OS2mo of a decided structure against its basis, for GraphQL `version`
    (see the module for the rules). Refuses, in Danish, a structure that is not decided, one
    with no basis, and a basis that did not come from OS2mo. Six queries whatever the size."""
    basis = check_plannable(structure)
    comparison = compare(basis, structure)
    side = _side(basis, structure)
    old_tree, new_tree = comparison.old_tree, comparison.new_tree
    old_uuid = _basis_uuids(old_tree, side, basis)
    # A top without a uuid is the organisation: so is the new top that follows it.
    org_top = bool(old_tree) and old_tree[0].id not in old_uuid
    new_top = new_tree[0].id if new_tree and org_top else None
    kept = _matched(comparison, old_uuid, side, new_top)
    used = set(old_uuid.values())
    uuids: dict[int, str] = {}
    for n in new_tree:
        if n.id == new_top:
            continue
        if n.id in kept:
            uuids[n.id] = old_uuid[kept[n.id]]
        else:
            uuids[n.id] = _fresh_uuid(structure, n, side.external[n.id], used)
            used.add(uuids[n.id])
    builder = _Builder(structure, comparison, side, old_uuid, uuids, kept, version)
    for n in new_tree:
        if n.id != new_top:
            builder.new_unit(n)
    given_on = set(kept.values())
    for o in reversed(old_tree):
        if o.id in old_uuid and o.id not in given_on:
            builder.terminate(o)
    to_store = {uid: u for uid, u in uuids.items() if side.external[uid] != u}
    return Plan(structure, basis, version, builder.creates_updates + builder.terminates,
                uuids, to_store, builder.problems)


class _Builder:
    """Writes the items and their Danish sentences."""

    def __init__(self, structure, comparison, side, old_uuid, uuids, kept, version) -> None:
        self.structure, self.comparison, self.side = structure, comparison, side
        self.old_uuid, self.uuids, self.kept, self.version = old_uuid, uuids, kept, version
        self.old_by_id = {n.id: n for n in comparison.old_tree}
        self.new_by_id = {n.id: n for n in comparison.new_tree}
        self.date = structure.effective_date
        self.when = danish_date(self.date)
        self.validity = {"from": self.date.isoformat(), "to": None}
        self.creates_updates: list[PlanItem] = []
        self.terminates: list[PlanItem] = []
        self.problems: list[str] = []
        # Names used more than once in a tree ("Administration" under every school) are told
        # with their parent.
        self.repeated = {tree_id: {name for name, k in Counter(n.name for n in nodes).items()
                                   if k > 1}
                         for tree_id, nodes in ((structure.based_on_id, comparison.old_tree),
                                                (structure.pk, comparison.new_tree))}

    def _label(self, node: UnitNode, by_id: dict[int, UnitNode]) -> str:
        """The unit's name, with its parent's when the name is repeated in its tree."""
        parent = by_id.get(node.parent_id) if node.parent_id else None
        if parent is not None and node.name in self.repeated.get(node.structure_id, ()):
            return f"{quoted(node.name)} under {quoted(parent.name)}"
        return quoted(node.name)

    def _parent_name(self, node: UnitNode, by_id: dict[int, UnitNode]) -> str:
        parent = by_id.get(node.parent_id) if node.parent_id else None
        if parent is None or (parent.id not in self.old_uuid and parent.id not in self.uuids):
            return "øverst i OS2mo"
        return quoted(parent.name)

    def _old_parent_uuid(self, o: UnitNode) -> str | None:
        return self.old_uuid.get(o.parent_id) if o.parent_id else None

    def new_unit(self, n: UnitNode) -> None:
        change = self.comparison.new_changes[n.id]
        parent_uuid = self.uuids.get(n.parent_id) if n.parent_id else None
        if n.id in self.kept:
            self._update(n, self.old_by_id[self.kept[n.id]], parent_uuid, change)
        else:
            self._create(n, parent_uuid, change)

    def _create(self, n: UnitNode, parent_uuid: str | None, change) -> None:
        uuid = self.uuids[n.id]
        data: dict[str, Any] = {"uuid": uuid, "name": n.name, "parent": parent_uuid,
                                "validity": self.validity}
        if n.code:
            data["user_key"] = n.code
        classes = {}
        if n.unit_type:
            classes["org_unit_type"] = n.unit_type
        else:
            self.problems.append(
                f"{self._label(n, self.new_by_id)} har ingen enhedstype; OS2mo kræver en "
                "(org_unit_type) for at oprette en enhed.")
        if self.side.level[n.id]:
            classes["org_unit_level"] = self.side.level[n.id]
        why = ""
        if ChangeKind.SPLIT in change.kinds and change.predecessors:
            why = f" som del af {quoted(change.predecessors[0].unit.name)}, der deles"
        elif ChangeKind.MERGED in change.kinds:
            why = (" ved sammenlægning af "
                   f"{join_danish(quoted(p.unit.name) for p in change.predecessors)}, hvis "
                   "uuid'er bruges af andre enheder")
        else:
            why = " som ny enhed"
        sentence = (f"Opret {quoted(n.name)} under {self._parent_name(n, self.new_by_id)} fra "
                    f"{self.when}{why} (uuid {uuid}).")
        self.creates_updates.append(PlanItem(f"{CREATE}:{uuid}", CREATE, data, sentence,
                                             change.kind, n.id, classes))

    def _update(self, n: UnitNode, o: UnitNode, parent_uuid: str | None, change) -> None:
        uuid = self.uuids[n.id]
        data: dict[str, Any] = {"uuid": uuid, "validity": self.validity}
        classes: dict[str, str] = {}
        parts = []
        if n.name != o.name:
            data["name"] = n.name
            parts.append(f"omdøbes til {quoted(n.name)}")
        if parent_uuid != self._old_parent_uuid(o):
            data["parent"] = parent_uuid
            parts.append(f"flyttes fra {self._parent_name(o, self.old_by_id)} til "
                         f"{self._parent_name(n, self.new_by_id)}")
        if n.unit_type and n.unit_type != o.unit_type:
            classes["org_unit_type"] = n.unit_type
            parts.append(f"får enhedstypen {quoted(n.unit_type)}")
        level = self.side.level[n.id]
        if level and level != self.side.level[o.id]:
            classes["org_unit_level"] = level
            parts.append(f"får niveauet {quoted(level)}")
        if not parts:
            return
        note = ""
        if ChangeKind.MERGED in change.kinds:
            merged = join_danish(quoted(p.unit.name) for p in change.predecessors)
            note = f" Sammenlægning af {merged}: enheden beholder uuid'et fra {quoted(o.name)}."
        elif ChangeKind.SPLIT in change.kinds:
            note = f" Deling af {quoted(o.name)}: denne del beholder enhedens uuid."
        sentence = (f"Ret {self._label(o, self.old_by_id)} fra {self.when}: "
                    f"{'; '.join(parts)}.{note}")
        self.creates_updates.append(PlanItem(f"{UPDATE}:{uuid}", UPDATE, data, sentence,
                                             change.kind, n.id, classes))

    def terminate(self, o: UnitNode) -> None:
        uuid = self.old_uuid[o.id]
        change = self.comparison.old_changes[o.id]
        to = terminate_to(self.date, self.version)
        if self.version >= EXCLUSIVE_TO_FROM_VERSION:
            dates = (f"fra {self.when} (to = {to.isoformat()}, første dag uden enheden, "
                     f"GraphQL v{self.version})")
        else:
            dates = (f"med {danish_date(to)} som sidste dag (to = {to.isoformat()}, til og med, "
                     f"GraphQL v{self.version})")
        if ChangeKind.MERGED in change.kinds and change.successors:
            target = change.successors[0].unit
            keeper = self.old_by_id.get(self.kept.get(target.id, -1))
            why = (f": lagt sammen i {quoted(target.name)}, som beholder uuid'et fra "
                   f"{quoted(keeper.name)}" if keeper else
                   f": lagt sammen i {quoted(target.name)}, som oprettes som ny enhed")
        elif ChangeKind.SPLIT in change.kinds:
            why = (f": delt i {join_danish(quoted(s.unit.name) for s in change.successors)}, "
                   "som har andre uuid'er")
        elif change.successors:
            why = f": fortsætter i {quoted(change.successors[0].unit.name)}, som har et andet uuid"
        else:
            why = ": nedlagt"
        sentence = f"Afslut {self._label(o, self.old_by_id)} i OS2mo {dates}{why}."
        self.terminates.append(PlanItem(
            f"{TERMINATE}:{uuid}", TERMINATE, {"uuid": uuid, "to": to.isoformat()}, sentence,
            change.kind, o.id))
