"""The OS2mo reader: the units of a GraphQL answer valid on a chosen date."""

from __future__ import annotations

import datetime
from typing import Any

from orgreg import clock
from orgreg.dates import OUT_OF_RANGE, in_range
from orgreg.text import quoted

from .problems import FileRefused, Kind, Problem
from .read_json import check_unit_count, load_json
from .records import Record, Source


def _os2mo_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise FileRefused(f"Datoen {quoted(str(value))} i OS2mo-filen kan ikke læses.") from None


def _objects(doc: Any) -> list[Any]:
    """data → org_units → objects; refuses an error answer or anything else."""
    try:
        objects = doc["data"]["org_units"]["objects"]
    except (KeyError, TypeError):
        if isinstance(doc, dict) and doc.get("errors"):
            raise FileRefused("OS2mo-svaret indeholder fejl i stedet for data: "
                               f"{str(doc['errors'])[:300]}") from None
        raise FileRefused(
            "Filen er ikke et svar fra OS2mo's GraphQL-API: der mangler "
            "data → org_units → objects."
        ) from None
    if not isinstance(objects, list):
        raise FileRefused("data → org_units → objects i OS2mo-filen er ikke en liste.")
    check_unit_count(len(objects))
    return objects


def _version_on(obj: dict[str, Any], on_date: datetime.date) -> dict[str, Any] | None:
    """The last of the object's versions (`validities`, or `current`) valid on `on_date`."""
    versions = obj.get("validities")
    if versions is None:
        versions = [obj["current"]] if obj.get("current") else []
    chosen = None
    for version in versions:
        if not isinstance(version, dict):
            continue
        validity = version.get("validity") or {}
        start, end = _os2mo_date(validity.get("from")), _os2mo_date(validity.get("to"))
        if (start is None or start <= on_date) and (end is None or on_date <= end):
            chosen = version
    return chosen


def _name(value: Any) -> Any:
    """`{name: …}` as its name; anything else as it is."""
    return value.get("name") if isinstance(value, dict) else value


def _manager(version: dict[str, Any]) -> dict[str, Any]:
    """The unit's leader from its first manager with a person (a vacant manager post has
    none): the person's uuid as the leader identifier, their name, and the manager type as
    the leader title. `person` is a list of people in OS2mo's answer (one person, or none), an
    object in some exports; `employee_uuid` is the older field for the uuid."""
    managers = version.get("managers")
    for manager in managers if isinstance(managers, list) else ():
        if not isinstance(manager, dict):
            continue
        person = manager.get("person")
        if isinstance(person, list):
            person = next((p for p in person if isinstance(p, dict)), None)
        person = person if isinstance(person, dict) else {}
        uuid = person.get("uuid") or manager.get("employee_uuid")
        if uuid:
            return {"leader_identifier": uuid, "leader_name": person.get("name"),
                    "leader_title": _name(manager.get("manager_type"))}
    return {}


def _record(index: int, version: dict[str, Any]) -> Record:
    """A unit version as a record: uuid and parent uuid link it, user_key is its code, and
    its manager (if any) is its leader."""
    parent = version.get("parent")
    parent_uuid = parent.get("uuid") if isinstance(parent, dict) else None
    parent_uuid = parent_uuid or version.get("parent_uuid")
    return Record(index, {
        "key": version.get("uuid"),
        "parent_key": parent_uuid,
        "code": version.get("user_key"),
        "name": version.get("name"),
        "unit_type": _name(version.get("unit_type")),
        **_manager(version),
    })


def _mark_tops_and_unknown_parents(source: Source) -> None:
    # OS2mo hangs its top units on the organisation itself, not on one unit: give them one.
    known = {r.values["key"] for r in source.records}
    tops = [r for r in source.records if not r.values.get("parent_key")]
    if len(tops) > 1:
        source.meta["synthetic_root"] = True
        source.warnings.append(
            f"{len(tops)} enheder ligger øverst i OS2mo; de placeres under en ny øverste enhed "
            "med organisationens navn."
        )
    source.meta["unknown_parents"] = {
        r.row for r in source.records
        if r.values.get("parent_key") and r.values["parent_key"] not in known
    }


def read_os2mo(data: bytes, on_date: datetime.date | None) -> Source:
    """Units of an OS2mo GraphQL answer valid on `on_date` (today when None). Each object has
    `validities` (a list of versions) or `current`; the version whose validity covers the date
    is used. Several top-level units are placed under one new root named in `meta`. Refuses
    an `on_date` outside 1900–2200 (orgreg.dates); validities in the file may lie anywhere
    (open-ended ones often end 9999-12-31), as they are only compared, never stored."""
    if not in_range(on_date):
        raise FileRefused(f"Læst pr. {on_date}: {OUT_OF_RANGE}")
    objects = _objects(load_json(data))
    on_date = on_date or clock.today()
    source = Source("os2mo", has_keys=True)
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            source.problems.append(
                Problem(index, "objektet er ikke et JSON-objekt.", Kind.BAD_FILE))
            continue
        version = _version_on(obj, on_date)
        if version is not None:
            source.records.append(_record(index, version))
    source.meta["on_date"] = on_date
    _mark_tops_and_unknown_parents(source)
    return source
