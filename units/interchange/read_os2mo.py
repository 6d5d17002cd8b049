"""The OS2mo reader: the units of a GraphQL answer valid on a chosen date.

OS2mo identifies a unit by its `uuid`; its `user_key` is a free label that defaults to the
name, so a municipality has many "Administration"s and "Kantine"s. Units are linked by uuid
(the record's key, kept as the unit's `external_id`); the code is the user_key where it is
unique among the units read, and otherwise the user_key, a hyphen and the first eight
characters of the uuid (`Administration-1f3a9c2e`; longer when even that repeats), so the
same export always gives the same codes; a warning lists the repeated user_keys.

Which version of a unit is read depends on the GraphQL version that answered (`to` is the
last day up to v28, the first day after from v29; os2mo_validity): taken from the file
(`graphql_version` beside `data`, as orgreg's pull and the test samples write it, or
`extensions.graphql_version`), else the one chosen (Os2moOptions.version), else v29+.

Several hierarchies (`org_unit_hierarchy_model`: the line organisation beside a payroll
tree) can be read together under a new root, or one chosen by name or uuid; a top unit
(uuid, user_key or name) can be chosen to read only it and what lies under it. A root has
a null parent (GraphQL v28 on); in older answers a root's parent is the organisation's uuid,
which is no unit of the file, so such a unit is a root too.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from orgreg import clock
from orgreg.dates import OUT_OF_RANGE, in_range
from orgreg.text import counted, join_danish, quoted

from .os2mo_validity import DEFAULT_VERSION, valid_on
from .problems import FileRefused, Kind, Problem
from .read_json import check_unit_count, load_json
from .records import Record, Source

# Older answers name the organisation as a root's parent; from v28 a root's parent is null.
NULL_ROOT_PARENT_FROM = 28
CODE_LENGTH = 64
# How many repeated user_keys the warning names.
NAMED_REPEATS = 15


@dataclass(frozen=True)
class Os2moOptions:
    """How to read an OS2mo answer: the GraphQL version that gave it (None: the file's, else
    DEFAULT_VERSION), the hierarchy to keep (name or uuid; "" keeps all) and the top unit
    (uuid, user_key or name; "" reads every tree)."""

    version: int | None = None
    hierarchy: str = ""
    top: str = ""

    def as_json(self) -> dict[str, Any]:
        return {"version": self.version, "hierarchy": self.hierarchy, "top": self.top}

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Os2moOptions:
        data = data or {}
        version = data.get("version")
        return cls(int(version) if version else None, data.get("hierarchy") or "",
                   data.get("top") or "")


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


def file_version(doc: Any) -> int | None:
    """The GraphQL version a saved answer names, if it names one."""
    if not isinstance(doc, dict):
        return None
    value = doc.get("graphql_version")
    if value is None and isinstance(doc.get("extensions"), dict):
        value = doc["extensions"].get("graphql_version")
    if value is None:
        return None
    try:
        version = int(str(value).lstrip("vV"))
    except ValueError:
        raise FileRefused(f"GraphQL-versionen {quoted(str(value))} i OS2mo-filen er ikke et "
                          "tal.") from None
    if not 1 <= version <= 999:
        raise FileRefused(f"GraphQL-versionen {version} i OS2mo-filen findes ikke.")
    return version


def _version_on(obj: dict[str, Any], on_date: datetime.date,
                version: int) -> dict[str, Any] | None:
    """The last of the object's versions (`validities`, or `current`) valid on `on_date`."""
    versions = obj.get("validities")
    if versions is None:
        versions = [obj["current"]] if obj.get("current") else []
    chosen = None
    for candidate in versions if isinstance(versions, list) else ():
        if not isinstance(candidate, dict):
            continue
        validity = candidate.get("validity") or {}
        start, end = _os2mo_date(validity.get("from")), _os2mo_date(validity.get("to"))
        if valid_on(start, end, on_date, version):
            chosen = candidate
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


def _headcount(version: dict[str, Any]) -> dict[str, Any]:
    """The number of engagements, when the answer has them."""
    engagements = version.get("engagements")
    if isinstance(engagements, list):
        return {"headcount": len(engagements)}
    return {}


def _record(index: int, version: dict[str, Any]) -> Record:
    """A unit version as a record: uuid and parent uuid link it (the uuid is also its external
    id), user_key is its code (made unique later), and its manager (if any) is its leader."""
    parent = version.get("parent")
    parent_uuid = parent.get("uuid") if isinstance(parent, dict) else None
    parent_uuid = parent_uuid or version.get("parent_uuid")
    uuid = version.get("uuid")
    return Record(index, {
        "key": str(uuid) if uuid else None,
        "parent_key": str(parent_uuid) if parent_uuid else None,
        "code": version.get("user_key"),
        "name": version.get("name"),
        "unit_type": _name(version.get("unit_type")),
        "org_level": _name(version.get("org_unit_level")),
        "external_id": str(uuid) if uuid else None,
        **_manager(version),
        **_headcount(version),
    })


def _hierarchy(version: dict[str, Any]) -> tuple[str, str]:
    model = version.get("org_unit_hierarchy_model")
    if not isinstance(model, dict):
        return "", ""
    return str(model.get("uuid") or ""), str(model.get("name") or "")


def _keep_hierarchy(source: Source, hierarchies: dict[int, tuple[str, str]],
                    wanted: str) -> None:
    found = {h for h in hierarchies.values() if any(h)}
    names = sorted({name or uuid for uuid, name in found}, key=str.casefold)
    source.meta["hierarchies"] = names
    if not wanted:
        if len(names) > 1:
            source.warnings.append(
                f"Filen har {len(names)} hierarkier ({join_danish(quoted(n) for n in names)}); "
                "alle er indlæst. Vælg et hierarki for kun at indlæse det ene.")
        return
    match = wanted.strip().casefold()
    keep = {row for row, (uuid, name) in hierarchies.items()
            if match in (uuid.casefold(), name.casefold())}
    if not keep:
        known = join_danish(quoted(n) for n in names) if names else "ingen"
        raise FileRefused(f"Hierarkiet {quoted(wanted)} findes ikke blandt enhederne; filen "
                          f"har {known}.")
    source.records = [r for r in source.records if r.row in keep]


def _keep_top(source: Source, wanted: str) -> None:
    """Only the unit `wanted` (uuid, user_key or name) and what lies under it; it becomes the
    root."""
    match = wanted.strip().casefold()
    for field in ("key", "code", "name"):
        tops = [r for r in source.records
                if str(r.values.get(field) or "").casefold() == match]
        if tops:
            break
    if not tops:
        raise FileRefused(f"Den øverste enhed {quoted(wanted)} findes ikke blandt enhederne, "
                          "der er gyldige på datoen.")
    if len(tops) > 1:
        raise FileRefused(f"{quoted(wanted)} passer på {len(tops)} enheder; angiv den øverste "
                          "enheds uuid.")
    top = tops[0]
    children: dict[str, list[Record]] = defaultdict(list)
    for record in source.records:
        children[str(record.values.get("parent_key"))].append(record)
    kept, stack = [], [top]
    while stack:
        record = stack.pop()
        kept.append(record)
        stack.extend(children.get(str(record.values["key"]), []))
    kept_rows = {r.row for r in kept}
    top.values["parent_key"] = None
    source.records = [r for r in source.records if r.row in kept_rows]


def _unique_codes(source: Source) -> None:
    """user_key as code where unique among the records; the rest get a code from the uuid."""
    counts = Counter(str(r.values.get("code") or "").strip() for r in source.records)
    taken = {code for code, count in counts.items() if count == 1 and code}
    repeated = sorted((code for code, count in counts.items() if count > 1 and code),
                      key=lambda c: (-counts[c], c.casefold()))
    for record in source.records:
        user_key = str(record.values.get("code") or "").strip()
        if user_key in taken:
            continue
        uuid = str(record.values.get("key") or "")
        code = _derived_code(user_key, uuid, taken)
        record.values["code"] = code
        taken.add(code)
    if repeated:
        named = ", ".join(f"{quoted(c)} ({counts[c]})" for c in repeated[:NAMED_REPEATS])
        more = len(repeated) - NAMED_REPEATS
        source.warnings.append(
            f"{counted(len(repeated), 'user_key', 'user_keys')} går igen i OS2mo: {named}"
            + (f" og {more} til" if more > 0 else "")
            + ". Enhederne med dem har fået en kode af user_key og starten af deres uuid "
              "(fx »Administration-1f3a9c2e«); de kendes fortsat på deres uuid.")
    blank = counts.get("", 0)
    if blank:
        source.warnings.append(f"{counted(blank, 'enhed', 'enheder')} uden user_key har fået "
                               "en kode af starten af deres uuid.")


def _derived_code(user_key: str, uuid: str, taken: set[str]) -> str:
    compact = uuid.replace("-", "")
    for length in (8, 12, 32):
        suffix = compact[:length] or "uden-uuid"
        code = f"{user_key[:CODE_LENGTH - len(suffix) - 1]}-{suffix}" if user_key else suffix
        if code not in taken:
            return code
    return uuid[:CODE_LENGTH]


def _mark_tops_and_unknown_parents(source: Source, all_uuids: set[str], version: int) -> None:
    known = {r.values["key"] for r in source.records}
    if version < NULL_ROOT_PARENT_FROM:
        # The organisation's uuid stands where v28+ has null: no unit of the file at all.
        for record in source.records:
            parent = record.values.get("parent_key")
            if parent and parent not in all_uuids:
                record.values["parent_key"] = None
    # OS2mo hangs its top units on the organisation itself, not on one unit: give them one.
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


def chosen_version(found: int | None, chosen: int | None, warnings: list[str]) -> int:
    """The file's version, else the one chosen, else DEFAULT_VERSION."""
    if found and chosen and found != chosen:
        warnings.append(f"Filen er et svar fra GraphQL v{found}; den læses efter v{found}, ikke "
                        f"den valgte v{chosen}.")
    return found or chosen or DEFAULT_VERSION


def os2mo_source(objects: list[Any], on_date: datetime.date, *, version: int,
                 hierarchy: str = "", top: str = "") -> Source:
    """Records of OS2mo's org_unit objects (each with `validities` or `current`) valid on
    `on_date`, read by GraphQL `version`; see the module's docstring."""
    source = Source("os2mo", has_keys=True)
    hierarchies: dict[int, tuple[str, str]] = {}
    all_uuids: set[str] = set()
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            source.problems.append(
                Problem(index, "objektet er ikke et JSON-objekt.", Kind.BAD_FILE))
            continue
        for candidate in obj.get("validities") or [obj.get("current")]:
            if isinstance(candidate, dict) and candidate.get("uuid"):
                all_uuids.add(str(candidate["uuid"]))
        chosen = _version_on(obj, on_date, version)
        if chosen is not None:
            source.records.append(_record(index, chosen))
            hierarchies[index] = _hierarchy(chosen)
    source.meta.update(on_date=on_date, graphql_version=version)
    _keep_hierarchy(source, hierarchies, hierarchy)
    if top:
        _keep_top(source, top)
    _unique_codes(source)
    _mark_tops_and_unknown_parents(source, all_uuids, version)
    return source


def read_os2mo(data: bytes, on_date: datetime.date | None,
               options: Os2moOptions | None = None) -> Source:
    """Units of an OS2mo GraphQL answer valid on `on_date` (today when None). Each object has
    `validities` (a list of versions) or `current`; the version whose validity covers the date
    is used. Several top-level units are placed under one new root named in `meta`. Refuses
    an `on_date` outside 1900–2200 (orgreg.dates); validities in the file may lie anywhere
    (open-ended ones often end 9999-12-31), as they are only compared, never stored."""
    if not in_range(on_date):
        raise FileRefused(f"Læst pr. {on_date}: {OUT_OF_RANGE}")
    options = options or Os2moOptions()
    doc = load_json(data)
    objects = _objects(doc)
    warnings: list[str] = []
    version = chosen_version(file_version(doc), options.version, warnings)
    source = os2mo_source(objects, on_date or clock.today(), version=version,
                          hierarchy=options.hierarchy, top=options.top)
    source.warnings[:0] = warnings
    return source
