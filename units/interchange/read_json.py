"""orgreg's own JSON format: the reader, and the JSON loading the OS2mo reader shares."""

from __future__ import annotations

import json
from typing import Any

from .columns import TEXT_FIELDS
from .problems import FileRefused, Kind, Problem
from .records import Record, Source, what_it_is

JSON_FORMAT_NAME = "orgreg-structure"


def load_json(data: bytes) -> Any:
    """The parsed document; refuses bytes that are not JSON, naming a known binary type."""
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        what = what_it_is(data)
        if what:
            raise FileRefused(f"Filen er ikke en JSON-fil, men {what}.") from None
        raise FileRefused(f"Filen er ikke gyldig JSON: {exc}.") from None


def read_orgreg_json(data: bytes) -> Source:
    """The units of an orgreg JSON export, linked by their own keys, with the structure's
    name and effective date; refuses other JSON (and says so for an OS2mo answer)."""
    doc = load_json(data)
    if not isinstance(doc, dict) or doc.get("format") != JSON_FORMAT_NAME:
        if isinstance(doc, dict) and "data" in doc:
            raise FileRefused("Filen er et svar fra OS2mo; vælg formatet »OS2mo GraphQL JSON«.")
        raise FileRefused(
            "JSON-filen er ikke i orgregs eget format (der mangler \"format\": "
            f"\"{JSON_FORMAT_NAME}\")."
        )
    units = doc.get("units")
    if not isinstance(units, list):
        raise FileRefused("JSON-filen har ingen liste \"units\".")
    source = Source("json", has_keys=True)
    meta = doc.get("structure") or {}
    if isinstance(meta, dict):
        source.meta = {k: meta.get(k) for k in ("name", "effective_date") if meta.get(k)}
    for index, unit in enumerate(units, start=1):
        if not isinstance(unit, dict):
            source.problems.append(Problem(index, "enheden er ikke et JSON-objekt.", Kind.BAD_FILE))
            continue
        values = {k: unit.get(k) for k in (*TEXT_FIELDS, "unit_type", "category", "headcount",
                                           "fte", "predecessors")}
        values["key"] = unit.get("key")
        values["parent_key"] = unit.get("parent")
        source.records.append(Record(index, values))
    return source
