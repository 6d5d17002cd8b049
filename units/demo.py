"""Demo data: four Danish organisations and their structures, built through the services.

Each file in ``fixtures/demo/`` describes one organisation (see ``fixtures/demo/README.md``):
its first structure as a nested tree, loaded with ``units.services.bulk.build_structure``;
every later structure as a copy of an earlier one (``copy_structure``) followed by the
operations that lead to it (add, update, move, merge, split, close), each with the reason a
consultant would give; and the status steps each structure went through. So the history, the
successions and the comparisons are the same as if a person had done it in the browser.

History is dated as the seed documents tell it, not by the moment of loading: a structure
may give the moment it was ``recorded`` and ``operations_until``, and each status step its
``date``; the operations are spread evenly in between. So "the draft as it was when it went to
HovedMED on 8 November 2024" can be shown, and MED agendas of 2024 can refer to it.

Loading is idempotent: an organisation that already exists (by name) is skipped, users that
exist are left as they are, and linking the manager to units adds nothing twice.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.signals import pre_create_historical_record

from orgreg import roles

from . import services
from .models import Organisation, Structure, Succession, Unit, UnitType
from .services.bulk import UnitRow, build_structure

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "orgreg-demo"


@dataclass(frozen=True)
class DemoUser:
    username: str
    group: str | None
    description: str
    superuser: bool = False
    first_name: str = ""
    last_name: str = ""


DEMO_USERS = [
    DemoUser("admin", None, "administrator: alt, også Django-admin på /admin/", superuser=True,
             first_name="Ada", last_name="Admin"),
    DemoUser("redaktoer", roles.EDITOR, "redaktør (HR-/organisationskonsulent): ser og "
             "redigerer alt, også udkast", first_name="Rikke", last_name="Redaktør"),
    DemoUser("leder", roles.MANAGER, "leder: 'Min enhed' i Københavns Socialforvaltning 2024",
             first_name="Lone", last_name="Leder"),
    DemoUser("med", roles.MED, "MED-medlem: ser også organiseringer i høring",
             first_name="Mikkel", last_name="MED"),
    DemoUser("laeser", roles.READER, "læser: ser udmeldte organiseringer",
             first_name="Lasse", last_name="Læser"),
]


@dataclass
class DemoSummary:
    created: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    structures: int = 0
    units: int = 0
    users_created: list[str] = field(default_factory=list)
    users_existing: list[str] = field(default_factory=list)
    editor: Any = None


def fixture_paths() -> list[Path]:
    return sorted(FIXTURE_DIR.glob("*.json"))


def read_fixture(path: Path) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


# --- users --------------------------------------------------------------------------------


def ensure_users(summary: DemoSummary) -> dict[str, Any]:
    """The demo users, one per role, created with the demo password when missing."""
    User = get_user_model()
    users = {}
    # One hash for all: the password is public, and each PBKDF2 round costs a noticeable
    # fraction of a second.
    password = None
    for spec in DEMO_USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            password = password or make_password(DEMO_PASSWORD)
            user = User(username=spec.username, first_name=spec.first_name,
                        last_name=spec.last_name, is_superuser=spec.superuser,
                        is_staff=spec.superuser, password=password)
            user.save()
            summary.users_created.append(spec.username)
        else:
            summary.users_existing.append(spec.username)
        if spec.group:
            user.groups.add(Group.objects.get_or_create(name=spec.group)[0])
        users[spec.username] = user
    return users


# --- structures ---------------------------------------------------------------------------


class _Loader:
    """Builds one organisation from its fixture, acting as `user`."""

    def __init__(self, data: dict[str, Any], user):
        self.data = data
        self.user = user
        self.types: dict[str, UnitType] = {}
        self.structures: dict[str, Structure] = {}
        # The moment history records get while loading; None: the real moment.
        self.clock: datetime.datetime | None = None

    # dated history

    def _date_record(self, sender, history_instance, **kwargs) -> None:
        if self.clock is not None:
            history_instance.history_date = self.clock

    def _date_bulk(self, structure: Structure) -> None:
        """Date what the bulk writers (build_structure, copy_structure) recorded for a new
        structure; they write history without signals. The history rows are bookkeeping, not
        domain data, so they are set directly."""
        if self.clock is None:
            return
        Structure.objects.filter(pk=structure.pk).update(created_at=self.clock)
        Unit.history.filter(structure_id=structure.pk).update(history_date=self.clock)
        Succession.history.filter(to_unit__tree_id=structure.pk).update(
            history_date=self.clock)

    # fields

    def unit_type(self, name: str | None) -> UnitType | None:
        if not name:
            return None
        if name not in self.types:
            self.types[name] = services.get_or_create_unit_type(name, user=self.user)
        return self.types[name]

    def fields(self, node: dict[str, Any]) -> dict[str, Any]:
        """Unit fields of a fixture node (its `type` as a UnitType; no children)."""
        result = {}
        for key, value in node.items():
            if key in ("children", "type", "unit_type"):
                continue
            # FTE are written as text in the files ("12.5"): exact, as the field is.
            result[key] = Decimal(value) if key == "fte" and value is not None else value
        type_name = node.get("type", node.get("unit_type"))
        if type_name is not None:
            result["unit_type"] = self.unit_type(type_name)
        return result

    # the first structure

    def rows(self, node: dict[str, Any], parent_key: str | None = None) -> list[UnitRow]:
        key = node["code"]
        rows = [UnitRow(key=key, parent_key=parent_key, fields=self.fields(node))]
        for child in node.get("children", []):
            rows.extend(self.rows(child, key))
        return rows

    def build_first(self, organisation: Organisation, spec: dict[str, Any]) -> Structure:
        self.clock = _moment(spec.get("recorded"))
        structure = build_structure(
            organisation, name=spec["name"], effective_date=_date(spec["effective_date"]),
            rows=self.rows(spec["tree"]), user=self.user,
            reason=spec.get("reason"),
            **_structure_fields(spec),
        )
        self._date_bulk(structure)
        return structure

    # later structures

    def build_copy(self, spec: dict[str, Any]) -> Structure:
        basis = self.structures[spec["based_on"]]
        start = self.clock = _moment(spec.get("recorded"))
        draft = services.copy_structure(
            basis, name=spec["name"], effective_date=_date(spec["effective_date"]),
            user=self.user, reason=spec.get("reason"),
        )
        self._date_bulk(draft)
        extra = _structure_fields(spec)
        if extra:
            draft = services.update_structure(draft, user=self.user, **extra)
        operations = spec.get("operations", [])
        end = _moment(spec.get("operations_until"))
        for number, operation in enumerate(operations, start=1):
            if start is not None and end is not None:
                self.clock = start + (end - start) * number / len(operations)
            try:
                self.apply(draft, operation)
            except (ValidationError, KeyError) as exc:
                raise ValidationError(
                    f"{spec['name']}: trin {number} ({operation.get('op')}) fejlede: {exc}"
                ) from exc
        return draft

    def unit(self, structure: Structure, code: str) -> Unit:
        return self.units(structure, [code])[0]

    def units(self, structure: Structure, codes: list[str]) -> list[Unit]:
        """The units of `structure` with these codes, in that order; one query. Their tree
        fields may go stale as others move, which is fine: the services re-read them."""
        found = {u.code: u for u in Unit.objects.filter(tree_id=structure.pk, code__in=codes)}
        missing = [code for code in codes if code not in found]
        if missing:
            raise ValidationError(f"Ingen enhed med koden {missing[0]} i {structure.name}.")
        for unit in found.values():
            unit.structure = structure  # the services lock it by pk; spare a query per call
        return [found[code] for code in codes]

    def add(self, parent: Unit, node: dict[str, Any], reason: str | None) -> None:
        fields = self.fields(node)
        name = fields.pop("name")
        unit = services.add_unit(parent, name=name, user=self.user, reason=reason, **fields)
        for child in node.get("children", []):
            self.add(unit, child, reason)

    def apply(self, structure: Structure, operation: dict[str, Any]) -> None:
        kind = operation["op"]
        reason = operation.get("reason")
        user = self.user
        if kind == "add":
            self.add(self.unit(structure, operation["parent"]), operation["unit"], reason)
        elif kind == "update":
            services.update_unit(self.unit(structure, operation["unit"]), user=user,
                                 reason=reason, **self.fields(operation["fields"]))
        elif kind == "move":
            target = self.unit(structure, operation["to"])
            for unit in self.units(structure, operation["units"]):
                services.move_unit(unit, target, user=user, reason=reason)
        elif kind == "merge":
            units = self.units(structure, operation["units"])
            fields = self.fields(operation.get("fields", {}))
            if operation.get("into"):
                into: Unit | str = self.unit(structure, operation["into"])
            else:
                into = fields.pop("name")
            services.merge_units(units, into=into, user=user, reason=reason, **fields)
        elif kind == "split":
            parts = []
            for part in operation["parts"]:
                part = dict(part)
                children = self.units(structure, part.pop("children", []))
                parts.append({**self.fields(part), "children": children})
            services.split_unit(self.unit(structure, operation["unit"]), parts, user=user,
                                reason=reason)
        elif kind == "close":
            transfer = operation.get("transfer_children_to")
            services.close_unit(
                self.unit(structure, operation["unit"]), user=user, reason=reason,
                transfer_children_to=self.unit(structure, transfer) if transfer else None,
            )
        else:
            raise ValidationError(f"Ukendt operation i demodata: {kind}.")

    def set_statuses(self, structure: Structure, steps: list[dict[str, Any]]) -> Structure:
        for step in steps:
            self.clock = _moment(step.get("date")) or self.clock
            structure = services.set_status(structure, step["status"], user=self.user,
                                            reason=step.get("reason"))
        return structure

    def load(self) -> Organisation:
        pre_create_historical_record.connect(self._date_record, weak=False,
                                             dispatch_uid="units.demo.dated-history")
        try:
            return self._load()
        finally:
            pre_create_historical_record.disconnect(dispatch_uid="units.demo.dated-history")

    @transaction.atomic
    def _load(self) -> Organisation:
        org_spec = self.data["organisation"]
        self.clock = _moment(self.data["structures"][0].get("recorded"))
        organisation = services.create_organisation(
            name=org_spec["name"], short_name=org_spec.get("short_name", ""),
            description=org_spec.get("description", ""), user=self.user,
            reason=org_spec.get("reason"),
        )
        for spec in self.data["structures"]:
            if "tree" in spec:
                structure = self.build_first(organisation, spec)
            else:
                structure = self.build_copy(spec)
            structure = self.set_statuses(structure, spec.get("status", []))
            self.structures[spec["key"]] = structure
        return organisation


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


def _moment(value: str | None) -> datetime.datetime | None:
    """An ISO date or date-time of the fixtures as an aware moment in the local time zone;
    a bare date means 9 o'clock that day."""
    if not value:
        return None
    moment = datetime.datetime.fromisoformat(value if "T" in value else f"{value}T09:00")
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


def _structure_fields(spec: dict[str, Any]) -> dict[str, Any]:
    fields = {}
    for key in ("decision", "description", "notice_text"):
        if spec.get(key):
            fields[key] = spec[key]
    if spec.get("confidential_until"):
        fields["confidential_until"] = _date(spec["confidential_until"])
    return fields


def link_managers(data: dict[str, Any], users: dict[str, Any]) -> list[Unit]:
    """Give demo users access to their units ('Min enhed'): ``managers`` in a structure's
    fixture maps a username to unit codes. Adding a link twice changes nothing."""
    linked = []
    organisation = Organisation.objects.filter(name=data["organisation"]["name"]).first()
    if organisation is None:
        return linked
    for spec in data["structures"]:
        for username, codes in spec.get("managers", {}).items():
            user = users.get(username)
            structure = Structure.objects.filter(organisation=organisation,
                                                 name=spec["name"]).first()
            if user is None or structure is None:
                continue
            for unit in Unit.objects.filter(tree_id=structure.pk, code__in=codes):
                unit.managers.add(user)
                linked.append(unit)
    return linked


def load(*, out: Callable[[str], None] | None = None) -> DemoSummary:
    """Load every organisation of ``fixtures/demo/`` that is not there yet, the demo users,
    and the manager's links to units. Returns what was done."""
    out = out or (lambda text: None)
    summary = DemoSummary()
    users = ensure_users(summary)
    editor = summary.editor = users["redaktoer"]
    for path in fixture_paths():
        data = read_fixture(path)
        name = data["organisation"]["name"]
        if Organisation.objects.filter(name__iexact=name).exists():
            summary.skipped.append(name)
            out(f"Springer over {name}: organisationen findes allerede.")
        else:
            organisation = _Loader(data, editor).load()
            structures = Structure.objects.filter(organisation=organisation)
            units = Unit.objects.filter(structure__organisation=organisation).count()
            summary.created.append(name)
            summary.structures += structures.count()
            summary.units += units
            out(f"Oprettet {name}: {structures.count()} organiseringer, {units} enheder.")
        link_managers(data, users)
    return summary
