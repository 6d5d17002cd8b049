"""orgreg's own JSON format: the reader, and the JSON loading the OS2mo reader shares."""

from __future__ import annotations

import json
from typing import Any

from orgreg.text import danish_number

from .columns import TEXT_FIELDS
from .problems import FileRefused, Kind, Problem
from .records import MAX_IMPORT_ROWS, Record, Source, what_it_is

JSON_FORMAT_NAME = "orgreg-structure"

# orgreg's export nests five levels, OS2mo's answer about eight.
MAX_JSON_DEPTH = 50


def _depth(doc: Any) -> int:
    """How deeply lists and objects nest in `doc` (a scalar is 0), counted without recursion."""
    deepest = 0
    stack = [(doc, 1)] if isinstance(doc, dict | list) else []
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        children = node.values() if isinstance(node, dict) else node
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return deepest


def load_json(data: bytes) -> Any:
    """The parsed document; refuses bytes that are not JSON (naming a known binary type), a
    number too long to read, and lists and objects nested more than MAX_JSON_DEPTH deep
    (deeper than Python's parser can go is refused the same way)."""
    too_deep = FileRefused(f"JSON-filen er indlejret mere end {MAX_JSON_DEPTH} niveauer dybt; "
                           "sådan ser hverken orgregs eller OS2mo's filer ud.")
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except RecursionError:
        raise too_deep from None
    except (UnicodeDecodeError, ValueError) as exc:
        what = what_it_is(data)
        if what:
            raise FileRefused(f"Filen er ikke en JSON-fil, men {what}.") from None
        raise FileRefused(f"Filen er ikke gyldig JSON: {exc}.") from None
    if _depth(doc) > MAX_JSON_DEPTH:
        raise too_deep
    return doc


def check_unit_count(count: int) -> None:
    """Refuse a file of more units than a table may have rows (MAX_IMPORT_ROWS)."""
    if count > MAX_IMPORT_ROWS:
        limit = danish_number(MAX_IMPORT_ROWS)
        raise FileRefused(f"Filen har {danish_number(count)} enheder; højst {limit} kan "
                          "indlæses ad gangen.")


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
    check_unit_count(len(units))
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
