"""Import of a whole structure from a file: CSV, XLSX, orgreg's own JSON and OS2mo GraphQL JSON.

An import runs in three steps, so a dry run and the real run see exactly the same thing:

1. ``read_file`` turns the bytes into records (one per unit, with the row number a user sees
   in Excel or their editor) and refuses files that are not what they claim to be.
2. ``check`` finds every problem of every record before anything is written: missing or
   duplicate codes, unknown parents, rings, more than one root, empty names, unknown unit
   types, numbers that are not numbers, predecessor shares over 100 % … Each problem carries
   its row number and a Danish sentence. The result is an ``ImportPlan``; with no problems it
   also says what would be created (the dry run).
3. ``import_structure`` writes the plan through ``units.services.bulk.build_structure`` (and
   ``services.get_or_create_unit_type`` for unit types the user chose to create), all in one
   transaction: all or nothing, with history.

Columns are found by header name, Danish or English (see ``COLUMN_ALIASES``). Units are linked
to their parent by code ("overordnet kode"); a file may instead carry its own keys ("nøgle" and
"overordnet nøgle"), which orgreg's exports do when some unit has no code.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.text import join_danish, quoted

from . import services, shares
from .models import Category, Organisation, Structure, Unit, UnitType
from .services.bulk import UnitRow, build_structure

# Larger files are refused before they are parsed (a browser upload is also kept in the
# session between preview and confirmation, so this bounds that too).
MAX_IMPORT_BYTES = 10 * 1024 * 1024

FORMATS = {
    "csv": "CSV (Excel)",
    "xlsx": "Excel-regneark (xlsx)",
    "json": "orgreg JSON",
    "os2mo": "OS2mo GraphQL JSON",
}

ProgressCallback = Callable[[str, int, int], None]

# --- problems ---------------------------------------------------------------------------


class Kind:
    BAD_FILE = "bad_file"
    MISSING_CODE = "missing_code"
    DUPLICATE_CODE = "duplicate_code"
    UNKNOWN_PARENT = "unknown_parent"
    CYCLE = "cycle"
    SEVERAL_ROOTS = "several_roots"
    NO_ROOT = "no_root"
    EMPTY_NAME = "empty_name"
    UNKNOWN_UNIT_TYPE = "unknown_unit_type"
    NOT_A_NUMBER = "not_a_number"
    BAD_VALUE = "bad_value"
    UNKNOWN_PREDECESSOR = "unknown_predecessor"
    SHARE_OVER_100 = "share_over_100"
    REFUSED = "refused"


@dataclass(frozen=True)
class Problem:
    row: int | None
    message: str
    kind: str

    def __str__(self) -> str:
        return f"Række {self.row}: {self.message}" if self.row is not None else self.message


class FileRefused(Exception):
    """A file that cannot be read at all (raised inside readers, turned into a Problem)."""


# --- columns ----------------------------------------------------------------------------

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "code": ("kode", "code", "enhedskode", "unit code", "user key", "omkostningssted"),
    "name": ("navn", "name", "enhedsnavn", "unit name"),
    "short_name": ("kort navn", "short name", "forkortelse", "kortnavn"),
    "parent_code": ("overordnet kode", "parent code", "overordnet", "parent",
                    "overordnet enhed", "overordnet enhedskode"),
    "unit_type": ("enhedstype", "unit type", "type"),
    "category": ("kategori", "category"),
    "leader_title": ("ledertitel", "leader title"),
    "leader_name": ("leder", "leader name", "leader", "ledernavn", "navn på leder"),
    "headcount": ("antal medarbejdere", "headcount", "medarbejdere", "antal ansatte",
                  "ansatte"),
    "fte": ("årsværk", "fte", "aarsvaerk", "arsvaerk"),
    "location": ("placering", "location", "adresse", "adresse/placering"),
    "description": ("beskrivelse", "description"),
    "predecessors": ("forgænger", "forgængere", "forgængerkode", "forgængerkoder",
                     "predecessor", "predecessors", "predecessor code", "predecessor codes"),
    "key": ("nøgle", "key"),
    "parent_key": ("overordnet nøgle", "parent key"),
}
_ALIAS_TO_FIELD = {alias: f for f, aliases in COLUMN_ALIASES.items() for alias in aliases}

# How a column is named in a Danish sentence.
COLUMN_LABELS = {
    "code": "kode", "name": "navn", "short_name": "kort navn", "parent_code": "overordnet kode",
    "unit_type": "enhedstype", "category": "kategori", "leader_title": "ledertitel",
    "leader_name": "leder", "headcount": "antal medarbejdere", "fte": "årsværk",
    "location": "placering", "description": "beskrivelse", "predecessors": "forgængere",
    "key": "nøgle", "parent_key": "overordnet nøgle",
}

TEXT_FIELDS = ("name", "short_name", "code", "leader_title", "leader_name", "location",
               "description")


def normalise_header(text: Any) -> str:
    """'Forgænger(e) ' → 'forgængere', 'Parent_Code' → 'parent code'."""
    value = str(text or "").replace("\ufeff", "").casefold()
    value = re.sub(r"[()]", "", value)
    value = re.sub(r"[\s_\-]+", " ", value)
    return value.strip(" :.*")


# --- reading ----------------------------------------------------------------------------


@dataclass
class Record:
    """One unit as read from a file: `row` is the number the user sees (header = row 1)."""

    row: int
    values: dict[str, Any]


@dataclass
class Source:
    """What a reader found in a file."""

    format: str
    records: list[Record] = field(default_factory=list)
    has_keys: bool = False
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Structure fields a file may carry (orgreg JSON): name, effective_date.
    meta: dict[str, Any] = field(default_factory=dict)
    # CSV cells written by Excel-safe exports start with ' before = + - @.
    unescape_text: bool = False


def _bad(message: str) -> Problem:
    return Problem(None, message, Kind.BAD_FILE)


def detect_format(data: bytes, filename: str = "") -> str:
    """The format a file claims by its name, or by its first bytes when the name says nothing."""
    name = (filename or "").lower()
    if name.endswith((".xlsx", ".xlsm")):
        return "xlsx"
    if name.endswith(".json"):
        return "os2mo" if _looks_like_os2mo(data) else "json"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    if data.startswith(b"PK\x03\x04"):
        return "xlsx"
    if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith((b"{", b"[")):
        return "os2mo" if _looks_like_os2mo(data) else "json"
    return "csv"


def _looks_like_os2mo(data: bytes) -> bool:
    head = data[:4096]
    return b'"org_units"' in head or b'"data"' in head[:200]


def _what_it_is(data: bytes) -> str | None:
    """A Danish name for a binary file type, when the first bytes give it away."""
    signatures = [
        (b"PK\x03\x04", "en Excel- eller zip-fil"),
        (b"%PDF", "en PDF-fil"),
        (b"\xd0\xcf\x11\xe0",
         "en gammel Excel- eller Word-fil (xls/doc); gem den som xlsx eller CSV"),
        (b"\x89PNG", "et billede (PNG)"),
        (b"\xff\xd8\xff", "et billede (JPEG)"),
        (b"GIF8", "et billede (GIF)"),
        (b"\x1f\x8b", "en komprimeret fil (gzip)"),
    ]
    for magic, label in signatures:
        if data.startswith(magic):
            return label
    return None


def read_file(data: bytes, *, filename: str = "", fmt: str | None = None,
              on_date: datetime.date | None = None) -> Source:
    """Read the records of a file of format `fmt` (detected from name and content when None).
    Refuses an empty or oversized file and one that is not what its format says; those
    refusals are problems without a row number."""
    fmt = fmt or detect_format(data, filename)
    if fmt not in FORMATS:
        return Source(fmt, problems=[_bad(f"Ukendt format {quoted(fmt)}.")])
    if len(data) > MAX_IMPORT_BYTES:
        return Source(fmt, problems=[_bad(
            f"Filen fylder {len(data) / 1024 / 1024:.1f} MB; højst "
            f"{MAX_IMPORT_BYTES // 1024 // 1024} MB kan indlæses ad gangen."
        )])
    if not data.strip(b"\xef\xbb\xbf \t\r\n"):
        return Source(fmt, problems=[_bad("Filen er tom.")])
    try:
        if fmt == "csv":
            source = _read_csv(data)
        elif fmt == "xlsx":
            source = _read_xlsx(data)
        elif fmt == "json":
            source = _read_orgreg_json(data)
        else:
            source = _read_os2mo(data, on_date)
    except FileRefused as exc:
        return Source(fmt, problems=[_bad(str(exc))])
    if not source.problems and not source.records:
        source.problems.append(_bad("Filen indeholder ingen enheder."))
    return source


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(
            "Filens tegn kan hverken læses som UTF-8 eller Windows-1252; gem den igen som "
            "»CSV UTF-8« i Excel."
        ) from None


def _table(header: list[Any], body: Iterable[tuple[int, list[Any]]], fmt: str) -> Source:
    """Records from a header row and numbered body rows, columns found by header name."""
    source = Source(fmt)
    columns: dict[int, str] = {}
    seen: dict[str, str] = {}
    for index, title in enumerate(header):
        norm = normalise_header(title)
        if not norm:
            continue
        target = _ALIAS_TO_FIELD.get(norm)
        if target is None:
            source.warnings.append(
                f"Kolonnen {quoted(str(title).strip())} kendes ikke og springes over.")
            continue
        if target in seen:
            raise FileRefused(
                f"Kolonnerne {quoted(seen[target])} og {quoted(str(title).strip())} betyder begge "
                f"{quoted(COLUMN_LABELS[target])}; fjern den ene."
            )
        seen[target] = str(title).strip()
        columns[index] = target
    if not columns:
        raise FileRefused(
            "Filen ligner ikke en liste over enheder: første række har ingen af de kendte "
            "kolonneoverskrifter (fx »Kode«, »Navn«, »Overordnet kode«)."
        )
    source.has_keys = "key" in seen
    required = ["key", "parent_key", "name"] if source.has_keys else ["code", "parent_code", "name"]
    missing = [COLUMN_LABELS[c] for c in required if c not in seen]
    if missing:
        raise FileRefused(
            "Filen mangler "
            + ("kolonnen " if len(missing) == 1 else "kolonnerne ")
            + join_danish(quoted(m) for m in missing)
            + ". Fundne kolonner: " + join_danish(quoted(s) for s in seen.values()) + "."
        )
    for row_number, cells in body:
        if all(_blank(c) for c in cells):
            continue
        values = {target: cells[index] if index < len(cells) else None
                  for index, target in columns.items()}
        source.records.append(Record(row_number, values))
    return source


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _read_csv(data: bytes) -> Source:
    what = _what_it_is(data)
    if what:
        raise FileRefused(f"Filen er ikke en CSV-fil, men {what}.")
    if b"\x00" in data[:65536]:
        raise FileRefused(
            "Filen er ikke en CSV-fil: den indeholder binære data. Er den gemt som »UTF-16« "
            "eller som en anden filtype? Gem den som »CSV (semikolonsepareret)« i Excel."
        )
    text = _decode(data)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:65536]):
        raise FileRefused("Filen er ikke en CSV-fil: den indeholder styretegn, som tekst ikke har.")
    first_line = text.split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ";"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        rows = list(reader)
    except csv.Error as exc:
        raise FileRefused(f"Filen kan ikke læses som CSV: {exc}.") from None
    # Excel numbers rows by record, starting with the header as row 1.
    numbered = [(i, row) for i, row in enumerate(rows, start=1)]
    while numbered and all(_blank(c) for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise FileRefused("Filen er tom.")
    source = _table(numbered[0][1], numbered[1:], "csv")
    source.unescape_text = True
    return source


def _xlsx_value(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _read_xlsx(data: bytes) -> Source:
    import openpyxl

    if not data.startswith(b"PK\x03\x04"):
        what = _what_it_is(data)
        raise FileRefused(
            f"Filen er ikke et Excel-regneark (xlsx), men {what}." if what else
            "Filen er ikke et Excel-regneark (xlsx). Er det en CSV-fil med forkert filendelse?"
        )
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise FileRefused(f"Filen er ikke et gyldigt Excel-regneark (xlsx): {exc}.") from None
    try:
        sheet = workbook.worksheets[0]
        numbered = []
        for i, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            numbered.append((i, [_xlsx_value(v) for v in row]))
    finally:
        workbook.close()
    while numbered and all(_blank(c) for c in numbered[0][1]):
        numbered.pop(0)
    if not numbered:
        raise FileRefused("Regnearket er tomt.")
    return _table(numbered[0][1], numbered[1:], "xlsx")


def _load_json(data: bytes) -> Any:
    try:
        return json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        what = _what_it_is(data)
        if what:
            raise FileRefused(f"Filen er ikke en JSON-fil, men {what}.") from None
        raise FileRefused(f"Filen er ikke gyldig JSON: {exc}.") from None


JSON_FORMAT_NAME = "orgreg-structure"


def _read_orgreg_json(data: bytes) -> Source:
    doc = _load_json(data)
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


def _os2mo_date(value: Any) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(str(value)[:10])
    except ValueError:
        raise FileRefused(f"Datoen {quoted(str(value))} i OS2mo-filen kan ikke læses.") from None


def _read_os2mo(data: bytes, on_date: datetime.date | None) -> Source:
    """Units of an OS2mo GraphQL answer valid on `on_date` (today when None). Each object has
    `validities` (a list of versions) or `current`; the version whose validity covers the date
    is used. Several top-level units are placed under one new root named in `meta`."""
    doc = _load_json(data)
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
    on_date = on_date or datetime.date.today()
    source = Source("os2mo", has_keys=True)
    for index, obj in enumerate(objects, start=1):
        if not isinstance(obj, dict):
            source.problems.append(
                Problem(index, "objektet er ikke et JSON-objekt.", Kind.BAD_FILE))
            continue
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
        if chosen is None:
            continue
        parent = chosen.get("parent")
        parent_uuid = parent.get("uuid") if isinstance(parent, dict) else None
        parent_uuid = parent_uuid or chosen.get("parent_uuid")
        unit_type = chosen.get("unit_type")
        source.records.append(Record(index, {
            "key": chosen.get("uuid"),
            "parent_key": parent_uuid,
            "code": chosen.get("user_key"),
            "name": chosen.get("name"),
            "unit_type": unit_type.get("name") if isinstance(unit_type, dict) else unit_type,
        }))
    source.meta["on_date"] = on_date
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
    return source


# --- values -----------------------------------------------------------------------------


# orgreg's CSV export puts an apostrophe before text that Excel would run as a formula.
FORMULA_CHARACTERS = "=+-@"


def _text(value: Any, unescape: bool = False, strip: bool = True) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        value = f"{value:f}"
    text = str(value)
    if strip:
        text = text.strip()
    if unescape and text.startswith("'") and text.lstrip("'")[:1] in tuple(FORMULA_CHARACTERS):
        text = text[1:]
    return text


_DANISH_THOUSANDS = re.compile(r"^-?\d{1,3}(\.\d{3})+$")


def parse_number(value: Any) -> Decimal:
    """A number as Danes and Excel write it: "12,5", "1.234,50", "1 234", 12.5. Raises
    ValueError for anything else."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        text = text.replace(".", "").replace(",", ".")
    elif _DANISH_THOUSANDS.match(text) and text.count(".") > 1:
        text = text.replace(".", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(value) from None
    if not number.is_finite():
        raise ValueError(value)
    return number


def _parse_headcount(value: Any) -> int:
    text = value if not isinstance(value, str) else value.strip()
    if isinstance(text, str) and _DANISH_THOUSANDS.match(text):
        text = text.replace(".", "")
    number = parse_number(text)
    if number != number.to_integral_value():
        raise ValueError(value)
    return int(number)


def _category(value: str) -> str | None:
    wanted = value.casefold()
    for choice in Category:
        if wanted in (choice.value.casefold(), str(choice.label).casefold()):
            return choice.value
    return None


def _predecessor_pairs(value: Any) -> list[tuple[str, Any]]:
    """'A101:60|A102:40' or [{"code": "A101", "share": 60}, …] → [(code, share text), …]."""
    if _blank(value):
        return []
    if isinstance(value, list):
        pairs = []
        for item in value:
            if isinstance(item, dict):
                pairs.append((_text(item.get("code")), item.get("share", 100)))
            else:
                pairs.extend(_predecessor_pairs(item))
        return pairs
    pairs = []
    for part in re.split(r"[|\n]", str(value)):
        part = part.strip()
        if not part:
            continue
        code, sep, share = part.rpartition(":")
        if not sep:
            code, share = part, "100"
        pairs.append((code.strip(), share.strip().rstrip("%").strip() or "100"))
    return pairs


# --- checking ---------------------------------------------------------------------------


@dataclass
class PlannedUnit:
    row: int
    key: str
    parent_key: str | None
    fields: dict[str, Any]
    unit_type: str
    predecessors: list[tuple[str, Decimal]]
    level: int = 0


@dataclass
class ImportPlan:
    """What an import would create, or the problems that stop it."""

    format: str
    units: list[PlannedUnit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    new_unit_types: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    # Resolved against the database when checked: unit type names → ids, old codes → ids.
    unit_type_ids: dict[str, int] = field(default_factory=dict)
    predecessor_ids: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def succession_count(self) -> int:
        return sum(len(u.predecessors) for u in self.units)

    @property
    def headcount(self) -> int:
        return sum(u.fields.get("headcount") or 0 for u in self.units)

    @property
    def depth(self) -> int:
        return max((u.level for u in self.units), default=0) + 1 if self.units else 0

    def in_tree_order(self) -> list[PlannedUnit]:
        children: dict[str | None, list[PlannedUnit]] = defaultdict(list)
        for unit in self.units:
            children[unit.parent_key].append(unit)
        result: list[PlannedUnit] = []
        stack = list(reversed(children.get(None, [])))
        while stack:
            unit = stack.pop()
            result.append(unit)
            stack.extend(reversed(children.get(unit.key, [])))
        return result


def _max_length(name: str) -> int | None:
    return Unit._meta.get_field(name).max_length


def check(source: Source, *, organisation: Organisation, based_on: Structure | None = None,
          create_unit_types: bool = False,
          progress: ProgressCallback | None = None) -> ImportPlan:
    """Every problem of the records in `source`, each with its row number, before anything
    is written; and, when there are none, the units that would be created. Reads the unit
    types and the codes of `based_on` (two queries); writes nothing."""
    plan = ImportPlan(source.format, problems=list(source.problems),
                      warnings=list(source.warnings), meta=dict(source.meta))
    if any(p.row is None and p.kind == Kind.BAD_FILE for p in plan.problems):
        return plan
    problems = plan.problems
    has_keys = source.has_keys
    total = len(source.records)
    fte_rounded = 0
    existing_types = {name.casefold(): (pk, name) for pk, name in
                      UnitType.objects.values_list("pk", "name")}
    new_types: dict[str, str] = {}
    old_codes: dict[str, int] = {}
    if based_on is not None:
        old_codes = dict(Unit.objects.filter(tree_id=based_on.pk).exclude(code="")
                         .values_list("code", "pk"))
    key_rows: dict[str, int] = {}
    code_rows: dict[str, int] = {}
    units: list[PlannedUnit] = []
    unknown_parent_rows = source.meta.get("unknown_parents", set())
    id_label = "nøgle" if has_keys else "kode"

    for index, record in enumerate(source.records, start=1):
        if progress and index % 500 == 0:
            progress("Kontrollerer", index, total)
        row, values = record.row, record.values

        def text(name: str, values=values) -> str:
            # Descriptions keep their spacing as written; services strip the other texts.
            return _text(values.get(name), source.unescape_text, strip=name != "description")

        fields: dict[str, Any] = {}
        for name in TEXT_FIELDS:
            value = text(name)
            limit = _max_length(name)
            if limit and len(value) > limit:
                problems.append(Problem(row, f"{COLUMN_LABELS[name]} er {len(value)} tegn "
                                             f"lang; højst {limit}.", Kind.BAD_VALUE))
            fields[name] = value
        if not fields["name"]:
            problems.append(Problem(row, "enheden har intet navn.", Kind.EMPTY_NAME))

        code = fields["code"]
        key = text("key") if has_keys else code
        parent_key = (text("parent_key") if has_keys else text("parent_code")) or None
        if source.format == "os2mo" and not code:
            problems.append(Problem(row, "enheden har ingen user_key (kode).", Kind.MISSING_CODE))
        if not key:
            problems.append(Problem(row, f"enheden har ingen {id_label}.", Kind.MISSING_CODE))
        elif key in key_rows:
            problems.append(Problem(
                row, f"{id_label}n {quoted(key)} står også i række {key_rows[key]}.",
                Kind.DUPLICATE_CODE))
        else:
            key_rows[key] = row
        if code and has_keys:
            if code in code_rows:
                problems.append(Problem(
                    row, f"koden {quoted(code)} står også i række {code_rows[code]}.",
                    Kind.DUPLICATE_CODE))
            else:
                code_rows[code] = row

        unit_type = text("unit_type")
        if unit_type:
            found = existing_types.get(unit_type.casefold())
            if found:
                unit_type = found[1]
                plan.unit_type_ids[unit_type] = found[0]
            elif create_unit_types:
                unit_type = new_types.setdefault(unit_type.casefold(), unit_type)
            else:
                problems.append(Problem(
                    row, f"enhedstypen {quoted(unit_type)} findes ikke. Vælg »Opret manglende "
                         "enhedstyper« for at oprette den, eller ret rækken.",
                    Kind.UNKNOWN_UNIT_TYPE))

        category = text("category")
        if category:
            value = _category(category)
            if value is None:
                problems.append(Problem(
                    row, f"kategorien {quoted(category)} kendes ikke; brug "
                         + join_danish(quoted(str(c.label)) for c in Category) + ".",
                    Kind.BAD_VALUE))
            fields["category"] = value or ""
        else:
            fields["category"] = ""

        raw = values.get("headcount")
        fields["headcount"] = 0
        if not _blank(raw):
            try:
                headcount = _parse_headcount(raw)
            except ValueError:
                problems.append(Problem(
                    row, f"antal medarbejdere {quoted(_text(raw))} er ikke et helt tal.",
                    Kind.NOT_A_NUMBER))
            else:
                if headcount < 0:
                    problems.append(Problem(row, "antal medarbejdere kan ikke være negativt.",
                                            Kind.BAD_VALUE))
                fields["headcount"] = headcount
        raw = values.get("fte")
        fields["fte"] = None
        if not _blank(raw):
            try:
                fte = parse_number(raw)
            except ValueError:
                problems.append(Problem(row, f"årsværk {quoted(_text(raw))} er ikke et tal.",
                                        Kind.NOT_A_NUMBER))
            else:
                rounded = fte.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                if fte < 0:
                    problems.append(Problem(row, "årsværk kan ikke være negativt.", Kind.BAD_VALUE))
                elif rounded >= Decimal("10000000"):
                    problems.append(Problem(row, f"årsværk {quoted(_text(raw))} er for stort.",
                                            Kind.BAD_VALUE))
                if rounded != fte:
                    fte_rounded += 1
                fields["fte"] = rounded

        predecessors: list[tuple[str, Decimal]] = []
        pairs = _predecessor_pairs(values.get("predecessors"))
        if pairs and based_on is None:
            problems.append(Problem(
                row, "rækken har forgængere, men importen bygger ikke på en tidligere "
                     "organisering. Vælg den organisering, forgængerne hører til.",
                Kind.UNKNOWN_PREDECESSOR))
            pairs = []
        seen_old: set[str] = set()
        for old_code, raw_share in pairs:
            try:
                share = shares.parse_share(raw_share)
            except shares.ShareError as error:
                if error.number is None:
                    problems.append(Problem(
                        row, f"andelen {quoted(_text(raw_share))} for forgængeren "
                             f"{quoted(old_code)} er ikke et tal.", Kind.NOT_A_NUMBER))
                else:
                    problems.append(Problem(
                        row, f"andelen for forgængeren {quoted(old_code)} skal være mellem 0 og "
                             f"100 %, ikke {error.number_text}.", Kind.BAD_VALUE))
                continue
            if not old_code:
                problems.append(Problem(row, "en forgænger mangler sin kode.",
                                        Kind.UNKNOWN_PREDECESSOR))
                continue
            if old_code not in old_codes:
                problems.append(Problem(
                    row, f"forgængeren {quoted(old_code)} findes ikke i "
                         f"{quoted(based_on.name)}.", Kind.UNKNOWN_PREDECESSOR))
                continue
            if old_code in seen_old:
                problems.append(Problem(row, f"forgængeren {quoted(old_code)} står to gange.",
                                        Kind.BAD_VALUE))
                continue
            seen_old.add(old_code)
            predecessors.append((old_code, share))

        if key:
            units.append(PlannedUnit(row, key, parent_key, fields, unit_type, predecessors))

    plan.new_unit_types = sorted(new_types.values(), key=str.casefold)
    if fte_rounded:
        plan.warnings.append(f"Årsværk er afrundet til to decimaler i {fte_rounded} "
                             + ("række." if fte_rounded == 1 else "rækker."))
    _check_tree(units, key_rows, plan, has_keys, unknown_parent_rows, id_label)
    _check_shares(units, plan)
    if based_on is not None:
        plan.predecessor_ids = {code: old_codes[code] for u in units for code, _ in u.predecessors}
    plan.problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    plan.units = units
    if progress:
        progress("Kontrollerer", total, total)
    return plan


def _check_tree(units: list[PlannedUnit], key_rows: dict[str, int], plan: ImportPlan,
                has_keys: bool, unknown_parent_rows: set[int], id_label: str) -> None:
    """Unknown parents, rings and the one root; sets each unit's level."""
    problems = plan.problems
    first = {u.key: u for u in units if u.key and key_rows.get(u.key) == u.row}
    parent_label = "overordnede nøgle" if has_keys else "overordnede kode"
    roots = [u for u in units if u.parent_key is None]
    synthetic = plan.meta.get("synthetic_root")
    for u in units:
        if u.parent_key is not None and u.parent_key not in first:
            if u.row in unknown_parent_rows:
                message = (f"den overordnede enhed {quoted(u.parent_key)} er ikke gyldig på "
                           "datoen eller findes ikke i filen.")
            else:
                message = f"den {parent_label} {quoted(u.parent_key)} findes ikke i filen."
            problems.append(Problem(u.row, message, Kind.UNKNOWN_PARENT))
    if not synthetic and len(roots) > 1:
        top = roots[0]
        for extra in roots[1:]:
            problems.append(Problem(
                extra.row, f"{quoted(extra.fields['name'] or extra.key)} har ingen overordnet "
                           f"enhed, men det har {quoted(top.fields['name'] or top.key)} i række "
                           f"{top.row} heller ikke. En organisering har præcis én øverste enhed.",
                Kind.SEVERAL_ROOTS))
    # Rings: follow each unit's parents; a unit met again on the same walk closes a ring.
    state: dict[str, int] = {}  # 1: on the current walk, 2: done
    rings = 0
    for start in first.values():
        path: list[PlannedUnit] = []
        current: PlannedUnit | None = start
        while current is not None and state.get(current.key) is None:
            state[current.key] = 1
            path.append(current)
            current = first.get(current.parent_key) if current.parent_key else None
        if current is not None and state.get(current.key) == 1:
            ring = path[path.index(current):]
            rings += 1
            if len(ring) == 1:
                problems.append(Problem(ring[0].row, f"{quoted(ring[0].fields['name'])} er sin "
                                                     "egen overordnede enhed.", Kind.CYCLE))
            else:
                members = sorted(ring, key=lambda u: u.row)
                problems.append(Problem(
                    members[0].row,
                    "rækkerne " + join_danish(str(u.row) for u in members) + " ("
                    + join_danish(quoted(u.fields["name"] or u.key) for u in members)
                    + ") er hinandens overordnede enheder i en ring.", Kind.CYCLE))
        for u in path:
            state[u.key] = 2
    if not roots and not synthetic and units:
        empty = "overordnet nøgle" if has_keys else "overordnet kode"
        problems.append(Problem(None, f"Ingen enhed er øverst: én række skal have en tom {empty}.",
                                Kind.NO_ROOT))
    # Levels, for the preview.
    children: dict[str | None, list[PlannedUnit]] = defaultdict(list)
    for u in units:
        children[u.parent_key].append(u)
    stack = [(u, 0) for u in roots]
    visited: set[int] = set()
    while stack:
        u, level = stack.pop()
        if id(u) in visited:
            continue
        visited.add(id(u))
        u.level = level + (1 if synthetic else 0)
        stack.extend((c, level + 1) for c in children.get(u.key, ()) if u.key)


def _check_shares(units: list[PlannedUnit], plan: ImportPlan) -> None:
    rows: dict[str, list[int]] = defaultdict(list)
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for u in units:
        for code, share in u.predecessors:
            totals[code] += share
            rows[code].append(u.row)
    for code, total in totals.items():
        if shares.passes_100(total):
            plan.problems.append(Problem(
                rows[code][-1],
                f"forgængeren {quoted(code)} fordeles med {shares.share_text(total)} i alt "
                "(rækkerne "
                + join_danish(str(r) for r in rows[code]) + "); højst 100 %.",
                Kind.SHARE_OVER_100))


# --- writing ----------------------------------------------------------------------------


@transaction.atomic
def import_structure(plan: ImportPlan, *, organisation: Organisation, name: str,
                     effective_date: datetime.date, user, based_on: Structure | None = None,
                     reason: str | None = None) -> Structure:
    """Write a checked plan as a new draft structure of `organisation`: the unit types the
    user chose to create, then every unit with its successions, in one transaction. Refuses a
    plan with problems."""
    if not plan.ok:
        raise ValidationError("Importen har fejl og kan ikke gennemføres: "
                              + "; ".join(str(p) for p in plan.problems[:5]))
    type_ids = dict(plan.unit_type_ids)
    for type_name in plan.new_unit_types:
        type_ids[type_name] = services.get_or_create_unit_type(
            type_name, user=user,
            reason=f"Enhedstypen {quoted(type_name)} oprettet ved import.",
        ).pk
    types = {t.pk: t for t in UnitType.objects.filter(pk__in=set(type_ids.values()))}
    rows: list[UnitRow] = []
    root_key = None
    if plan.meta.get("synthetic_root"):
        root_key = "\x00root"
        rows.append(UnitRow(root_key, None, {"name": organisation.name}))
    for u in plan.units:
        fields = dict(u.fields)
        fields["unit_type"] = types[type_ids[u.unit_type]] if u.unit_type else None
        rows.append(UnitRow(
            u.key, u.parent_key if u.parent_key is not None else root_key, fields,
            predecessors=[(plan.predecessor_ids[code], share) for code, share in u.predecessors],
        ))
    label = FORMATS.get(plan.format, plan.format)
    reason = reason or (
        f"Organiseringen {quoted(name.strip())} indlæst fra {label} med {len(rows)} enheder."
    )
    return build_structure(organisation, name=name, effective_date=effective_date, rows=rows,
                           user=user, reason=reason, based_on=based_on)


def prepare(data: bytes, *, organisation: Organisation, filename: str = "",
            fmt: str | None = None, based_on: Structure | None = None,
            create_unit_types: bool = False, on_date: datetime.date | None = None,
            progress: ProgressCallback | None = None) -> ImportPlan:
    """Read and check a file in one go: the dry run."""
    source = read_file(data, filename=filename, fmt=fmt, on_date=on_date)
    return check(source, organisation=organisation, based_on=based_on,
                 create_unit_types=create_unit_types, progress=progress)
