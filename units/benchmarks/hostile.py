"""Hostile import files: the builders the hostile-file tests use, every such file as one
catalogue, and the figure of running them all through the import preview (files tried,
partial writes, the slowest refusal, peak memory)."""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

import openpyxl

from units import interchange
from units.interchange.read_json import MAX_JSON_DEPTH
from units.interchange.read_xlsx import MAX_XLSX_MEMBERS, MAX_XLSX_UNPACKED_BYTES
from units.interchange.records import MAX_IMPORT_ROWS
from units.models import Organisation, Structure, Succession, Unit, UnitType

HEADER = ["Kode", "Navn", "Overordnet kode", "Antal medarbejdere", "Årsværk"]
SHEET = "xl/worksheets/sheet1.xml"


def workbook(*rows) -> bytes:
    """A plain workbook of the import's columns with `rows` (one unit when none)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows or (["K", "Kommunen", None, 10, 9.5],):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def rewritten(data: bytes, name: str, change: Callable[[bytes], bytes]) -> bytes:
    """The workbook with member `name` replaced by change(its bytes)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = src.read(info.filename)
            dst.writestr(info.filename, change(content) if info.filename == name else content)
    return out.getvalue()


def doctyped(xml: bytes, doctype: str) -> bytes:
    """`xml` with `doctype` after its XML declaration, or first when it has none."""
    head, sep, body = xml.partition(b"?>")
    if not sep:
        head, body = b"", xml
    return head + sep + doctype.encode() + body


def with_doctype(doctype: str, entity_use: str) -> bytes:
    """A normal workbook whose sheet XML declares `doctype` and uses an entity in a cell
    (openpyxl writes inline strings, so the cell's text is in the sheet itself)."""
    data = workbook(["K", "Kommunen", None, 10, 9.5])
    return rewritten(data, SHEET, lambda xml: doctyped(
        xml.replace(b">Kommunen<", f">{entity_use}<".encode()), doctype))


def bomb(member_bytes: int, *, name: str = SHEET) -> bytes:
    """A workbook with one member of `member_bytes` zeros, written in chunks (never held
    unpacked)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename != name:
                dst.writestr(info.filename, src.read(info.filename))
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        with dst.open(info, "w", force_zip64=True) as member:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(member_bytes // len(chunk)):
                member.write(chunk)
    return out.getvalue()


def patched_headers(data: bytes, name: str, offsets: tuple[int, int], value: bytes) -> bytes:
    """`data` with `value` written at offsets[0] into the local header of member `name` and
    at offsets[1] into its central directory entry."""
    patched = bytearray(data)
    for signature, at, name_at in ((b"PK\x03\x04", offsets[0], 30),
                                   (b"PK\x01\x02", offsets[1], 46)):
        header = patched.index(signature)
        while patched[header + name_at:header + name_at + len(name)] != name.encode():
            header = patched.index(signature, header + 4)
        patched[header + at:header + at + len(value)] = value
    return bytes(patched)


def orgreg_json(units) -> bytes:
    return json.dumps({"format": interchange.JSON_FORMAT_NAME, "units": units}).encode()


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10))
    return with_doctype(f"<!DOCTYPE x [{entities}]>", "&lol9;")


def corrupt_member() -> bytes:
    data = bytearray(workbook())
    start = data.index(SHEET.encode()) + len(SHEET) + 20
    data[start:start + 40] = b"\xff" * 40
    return bytes(data)


def too_many_members() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info.filename))
        for i in range(MAX_XLSX_MEMBERS + 1):
            dst.writestr(f"xl/media/{i}.bin", b"")
    return out.getvalue()


def lying_size() -> bytes:
    """20 MB of zeros that the archive's directory says are 100 bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(workbook())) as src, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            content = b"\0" * (20 * 1024 * 1024) if info.filename == SHEET else \
                src.read(info.filename)
            dst.writestr(info.filename, content)
    # The uncompressed size: 22 bytes into a local header, 24 into a directory entry.
    return patched_headers(out.getvalue(), SHEET, (22, 24), (100).to_bytes(4, "little"))


def far_row() -> bytes:
    """One cell at a row far past the limit, the rows before it blank."""
    far = MAX_IMPORT_ROWS * 20
    return rewritten(workbook(), SHEET, lambda xml: xml.replace(
        b"</sheetData>",
        f'<row r="{far}"><c r="A{far}" t="inlineStr"><is><t>X</t></is></c></row>'
        "</sheetData>".encode()))


def declared_rows() -> bytes:
    return rewritten(workbook(), SHEET, lambda xml: xml.replace(
        b'<dimension ref="A1:E2"', b'<dimension ref="A1:E1048576"'))


def nested_json(depth: int) -> bytes:
    return b'{"format": "orgreg-structure", "units": ' + b"[" * depth + b"]" * depth + b"}"


def number_row(headcount: str, fte: str) -> bytes:
    return (f"Kode;Navn;Overordnet kode;Antal medarbejdere;Årsværk\nK;K;;;\n"
            f"A;A;K;{headcount};{fte}\n").encode()


# Numbers out of range in a row: (headcount, fte). The tests pin each one's message.
BAD_NUMBERS = [("1e309", ""), ("1e999999999", ""), ("100001", ""), ("inf", ""), ("nan", ""),
               ("", "1e309"), ("", "100000,01"), ("", "-inf"), ("", "NaN"), ("", "Infinity")]


@dataclass(frozen=True)
class HostileFile:
    filename: str
    build: Callable[[], bytes]


def hostile_files() -> list[HostileFile]:
    """Every hostile file the tests of tests/io/test_hostile_files.py build, each of which
    the import preview must refuse."""
    files = [
        HostileFile("xxe.xlsx", lambda: with_doctype(
            '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")),
        HostileFile("billion_laughs.xlsx", billion_laughs),
        HostileFile("delt.xlsx", lambda: rewritten(
            workbook(), "xl/workbook.xml",
            lambda xml: doctyped(xml, '<!DOCTYPE x [<!ENTITY a "b">]>'))),
        HostileFile("afkortet.xlsx", lambda: rewritten(workbook(), SHEET,
                                                       lambda xml: xml[: len(xml) // 2])),
        HostileFile("korrupt.xlsx", corrupt_member),
        HostileFile("bombe.xlsx", lambda: bomb(MAX_XLSX_UNPACKED_BYTES + 10 * 1024 * 1024)),
        HostileFile("tæt.xlsx", lambda: bomb(5 * 1024 * 1024)),
        HostileFile("mange.xlsx", too_many_members),
        HostileFile("metode.xlsx", lambda: patched_headers(
            workbook(), SHEET, (8, 10), (99).to_bytes(2, "little"))),
        HostileFile("krypteret.xlsx", lambda: patched_headers(
            workbook(), SHEET, (6, 8), (1).to_bytes(2, "little"))),
        HostileFile("løgn.xlsx", lying_size),
        HostileFile("lang.xlsx", far_row),
        HostileFile("stor.xlsx", declared_rows),
        HostileFile("lang.csv", lambda: ("Kode;Navn;Overordnet kode\nK;K;\n"
                                         + "\n" * MAX_IMPORT_ROWS).encode()),
        HostileFile("sjis.csv", lambda: "Kode;Navn;Overordnet kode\nK;東京都庁;\nA;総務局総務部;K\n"
                    "B;財務局主計部;K\n".encode("shift_jis")),
        HostileFile("styretegn.csv",
                    lambda: "Kode;Navn;Overordnet kode\nK;Kom\u0085munen;\n".encode()),
        HostileFile("citat-aabent.csv", lambda: (
            b'Kode;Navn;Overordnet kode\nK;Kommunen;\nA;"Afdeling A;K\nB;Afdeling B;K\n'
            b"C;Afdeling C;K\n")),
        HostileFile("citat-forkert.csv", lambda: (
            b'Kode;Navn;Overordnet kode\nK;Kommunen;\nA;Afdeling A;K\nB;"Afdeling B;K\n'
            b'C;"Afdeling; C";K\n')),
        HostileFile("citat-linjeskift.csv", lambda: (
            b'Kode;Navn;Overordnet kode;Beskrivelse\nK;Kommunen;;"Linje 1\nLinje 2"\n'
            b'A;"Afdeling A;K;\n')),
        *[HostileFile(f"dyb-{depth}.json", lambda depth=depth: nested_json(depth))
          for depth in (MAX_JSON_DEPTH + 1, 5000, 1_000_000)],
        HostileFile("dyb-ubalanceret.json", lambda: b'{"format": "orgreg-structure", "units": '
                    + b"[" * 100_000 + b"}"),
        HostileFile("dyb-os2mo.json", lambda: b'{"data": {"org_units": {"objects": '
                    + b"[" * 3000 + b"]" * 3000 + b"}}}"),
        HostileFile("tal-langt.json",
                    lambda: orgreg_json([]).replace(b"[]", b"[" + b"9" * 5000 + b"]")),
        HostileFile("mange.json", lambda: orgreg_json([{}] * (MAX_IMPORT_ROWS + 1))),
        *[HostileFile(f"tal-{headcount or '-'}-{fte or '-'}.csv",
                      lambda h=headcount, f=fte: number_row(h, f))
          for headcount, fte in BAD_NUMBERS],
        HostileFile("tal-uendelig.xlsx", lambda: rewritten(
            workbook(["K", "Kommunen", None, 10, 9.5]), SHEET,
            lambda xml: xml.replace(b"<v>9.5</v>", b"<v>1e309</v>"))),
        HostileFile("tal-uendelig.json", lambda: orgreg_json(
            [{"key": "K", "name": "K", "headcount": 1e309}]).replace(b"Infinity", b"1e309")),
    ]
    return files


def stored_counts() -> tuple[int, int, int, int]:
    """Everything an import could write; a refused import leaves these as they were."""
    return (Structure.objects.count(), Unit.objects.count(), Succession.objects.count(),
            UnitType.objects.count())


@dataclass(frozen=True)
class HostileFigure:
    tried: int
    refused: int
    partial_writes: int
    slowest: tuple[str, float]
    peak_mib: float


def measure_hostile(organisation: Organisation) -> HostileFigure:
    """Every hostile file through the import preview (interchange.prepare): how many were
    refused, how many changed what is stored (partial writes), the slowest refusal in
    seconds and the peak Python memory of any one of them (building the file not counted;
    memory is traced in a second run, so tracing does not slow the time measured)."""
    refused = partial = 0
    slowest = ("", 0.0)
    peak = 0.0
    files = hostile_files()
    for hostile in files:
        data = hostile.build()

        def preview(data: bytes = data, filename: str = hostile.filename):
            return interchange.prepare(data, organisation=organisation, filename=filename)

        before = stored_counts()
        started = time.perf_counter()
        plan = preview()
        seconds = time.perf_counter() - started
        refused += not plan.ok
        partial += stored_counts() != before
        if seconds > slowest[1]:
            slowest = (hostile.filename, seconds)
        tracemalloc.start()
        try:
            preview()
            peak = max(peak, tracemalloc.get_traced_memory()[1] / 2**20)
        finally:
            tracemalloc.stop()
    return HostileFigure(len(files), refused, partial, slowest, peak)
