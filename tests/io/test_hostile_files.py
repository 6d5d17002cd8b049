"""Hostile import files: each is built here, refused in the preview with a Danish reason,
and nothing is written. Refusals that guard memory and time (zip bombs, entity expansion,
deep nesting, many rows) are bounded by design: the archive's directory is measured before
anything is unpacked, entities are never expanded, rows stop at the limit."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from orgreg.text import danish_number
from units import interchange
from units.benchmarks.hostile import (
    SHEET,
    bomb,
    declared_rows,
    doctyped,
    far_row,
    hostile_files,
    lying_size,
    measure_hostile,
    orgreg_json,
    patched_headers,
    rewritten,
    too_many_members,
    with_doctype,
    workbook,
)
from units.interchange import Kind
from units.interchange.read_json import MAX_JSON_DEPTH
from units.interchange.read_xlsx import (
    MAX_XLSX_MEMBERS,
    MAX_XLSX_UNPACKED_BYTES,
    check_archive,
)
from units.interchange.records import MAX_IMPORT_ROWS

from .conftest import counts

LIMIT = danish_number(MAX_IMPORT_ROWS)


def refused(data: bytes, filename: str, organisation, *words: str) -> str:
    before = counts()
    plan = interchange.prepare(data, organisation=organisation, filename=filename)
    assert not plan.ok
    assert [(p.row, p.kind) for p in plan.problems] == [(None, Kind.BAD_FILE)], \
        [str(p) for p in plan.problems]
    message = plan.problems[0].message
    for word in words:
        assert word in message, message
    assert counts() == before
    return message


# --- xlsx ---------------------------------------------------------------------------------

def test_openpyxl_parses_through_defusedxml():
    from openpyxl import DEFUSEDXML

    assert DEFUSEDXML is True


def test_the_workbook_builder_is_accepted(organisation):
    assert interchange.prepare(workbook(), organisation=organisation, filename="a.xlsx").ok
    # openpyxl writes inline strings: the cell text the entity builders replace is there.
    with zipfile.ZipFile(io.BytesIO(workbook())) as archive:
        assert b">Kommunen<" in archive.read(SHEET)


def test_external_entity_is_refused(organisation):
    data = with_doctype('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;")
    message = refused(data, "xxe.xlsx", organisation, "entiteter", "indlæses ikke")
    assert "root:" not in message


def test_billion_laughs_is_refused(organisation):
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10 if i > 1 else "&lol;" * 10}">'
        for i in range(1, 10))
    data = with_doctype(f"<!DOCTYPE x [{entities}]>", "&lol9;")
    refused(data, "billion_laughs.xlsx", organisation, "entiteter")


def test_entity_in_a_part_read_when_the_workbook_opens_is_refused(organisation):
    data = rewritten(workbook(), "xl/workbook.xml",
                     lambda xml: doctyped(xml, '<!DOCTYPE x [<!ENTITY a "b">]>'))
    refused(data, "delt.xlsx", organisation, "entiteter")


def test_truncated_sheet_xml_is_refused(organisation):
    data = rewritten(workbook(), SHEET, lambda xml: xml[: len(xml) // 2])
    refused(data, "afkortet.xlsx", organisation, "ikke et gyldigt Excel-regneark")


def test_corrupt_member_data_is_refused(organisation):
    data = bytearray(workbook())
    start = data.index(SHEET.encode()) + len(SHEET) + 20
    data[start:start + 40] = b"\xff" * 40
    refused(bytes(data), "korrupt.xlsx", organisation, "Excel-regneark")


def test_zip_bomb_is_refused_from_the_directory_alone(organisation):
    data = bomb(MAX_XLSX_UNPACKED_BYTES + 10 * 1024 * 1024)
    assert len(data) < 1024 * 1024
    refused(data, "bombe.xlsx", organisation, "udpakket", "højst 50 MB")


def test_member_packed_absurdly_tight_is_refused(organisation):
    data = bomb(5 * 1024 * 1024)
    refused(data, "tæt.xlsx", organisation, "pakket", "gange tættere")


def test_archive_with_too_many_members_is_refused(organisation):
    refused(too_many_members(), "mange.xlsx", organisation, "filer", f"højst {MAX_XLSX_MEMBERS}")


@pytest.mark.parametrize("offsets,value,words", [
    ((8, 10), (99).to_bytes(2, "little"), "pakket på en måde"),  # compression method
    ((6, 8), (1).to_bytes(2, "little"), "krypteret"),            # general purpose flags
])
def test_member_packed_or_encrypted_otherwise_than_excel_is_refused(offsets, value, words,
                                                                     organisation):
    refused(patched_headers(workbook(), SHEET, offsets, value), "mærkelig.xlsx", organisation,
            words)


def test_check_archive_reads_only_the_directory():
    check_archive(workbook())
    with pytest.raises(interchange.FileRefused, match="udpakket"):
        check_archive(bomb(MAX_XLSX_UNPACKED_BYTES + 1024 * 1024))


def test_member_lying_about_its_size_is_unpacked_only_as_far_as_it_claims(organisation):
    # 20 MB of zeros that the archive's directory says are 100 bytes: too small to be
    # measured by ratio, and zipfile stops after 100 bytes, so the lie costs nothing.
    refused(lying_size(), "løgn.xlsx", organisation, "ikke et gyldigt Excel-regneark")


def test_sheet_with_more_rows_than_the_limit_is_refused(organisation):
    # One cell at a row far past the limit: the rows before it are blank, and reading
    # stops at the limit instead of filling in a million empty rows.
    refused(far_row(), "lang.xlsx", organisation, f"mere end {LIMIT} rækker")


def test_sheet_declaring_more_rows_than_the_limit_is_refused_before_reading(organisation):
    refused(declared_rows(), "stor.xlsx", organisation, f"mere end {LIMIT} rækker")


# --- csv ----------------------------------------------------------------------------------

def test_csv_with_more_rows_than_the_limit_is_refused(organisation):
    data = ("Kode;Navn;Overordnet kode\nK;K;\n" + "\n" * MAX_IMPORT_ROWS).encode()
    refused(data, "lang.csv", organisation, f"mere end {LIMIT} rækker")


def test_shift_jis_is_refused_naming_the_encodings_tried(organisation):
    text = "Kode;Navn;Overordnet kode\nK;東京都庁;\nA;総務局総務部;K\nB;財務局主計部;K\n"
    refused(text.encode("shift_jis"), "sjis.csv", organisation,
            "UTF-8 (med eller uden BOM) og Windows-1252", "CSV UTF-8")


def test_windows_1252_danish_with_a_stray_sign_is_still_read(organisation):
    text = ("Kode;Navn;Overordnet kode;Beskrivelse\nK;Ærø Kommune;;Økonomi – „drift“ ¤\n"
            "A;Sundhed og Ældre;K;Café på Åbo\n")
    plan = interchange.prepare(text.encode("cp1252"), organisation=organisation,
                               filename="dansk.csv")
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.units[0].fields["name"] == "Ærø Kommune"


def test_c1_control_characters_are_refused(organisation):
    data = "Kode;Navn;Overordnet kode\nK;Kom\u0085munen;\n".encode()
    refused(data, "styretegn.csv", organisation, "styretegn")


def test_unclosed_quote_is_refused_with_the_row_it_opens_in(organisation):
    text = ('Kode;Navn;Overordnet kode\nK;Kommunen;\nA;"Afdeling A;K\nB;Afdeling B;K\n'
            "C;Afdeling C;K\n")
    refused(text.encode(), "citat.csv", organisation, "anførselstegn", "række 3", "én celle")


def test_quote_closed_in_the_wrong_place_is_refused_with_its_row(organisation):
    text = ('Kode;Navn;Overordnet kode\nK;Kommunen;\nA;Afdeling A;K\nB;"Afdeling B;K\n'
            'C;"Afdeling; C";K\n')
    refused(text.encode(), "citat.csv", organisation, "række 4")


def test_quoted_line_breaks_keep_the_row_numbers_right(organisation):
    text = ('Kode;Navn;Overordnet kode;Beskrivelse\nK;Kommunen;;"Linje 1\nLinje 2"\n'
            'A;"Afdeling A;K;\n')
    refused(text.encode(), "citat.csv", organisation, "række 3 (linje 4 i filen)")


def test_well_quoted_csv_is_read(organisation):
    text = ('Kode;Navn;Overordnet kode;Beskrivelse\nK;"Kommunen; ""hele""";;"Linje 1\n'
            'Linje 2"\nA;Afdeling A;K;\n')
    plan = interchange.prepare(text.encode(), organisation=organisation, filename="ok.csv")
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.units[0].fields["name"] == 'Kommunen; "hele"'
    assert plan.units[1].row == 3  # rows are numbered by record, as Excel shows them


# --- json ---------------------------------------------------------------------------------

@pytest.mark.parametrize("depth", [MAX_JSON_DEPTH + 1, 5000, 1_000_000])
def test_deeply_nested_json_is_refused(depth, organisation):
    data = b'{"format": "orgreg-structure", "units": ' + b"[" * depth + b"]" * depth + b"}"
    refused(data, "dyb.json", organisation, f"mere end {MAX_JSON_DEPTH} niveauer")


def test_deeply_nested_os2mo_is_refused(organisation):
    data = b'{"data": {"org_units": {"objects": ' + b"[" * 3000 + b"]" * 3000 + b"}}}"
    refused(data, "dyb.json", organisation, "niveauer")


def test_json_number_too_long_to_read_is_refused(organisation):
    data = orgreg_json([]).replace(b"[]", b"[" + b"9" * 5000 + b"]")
    refused(data, "tal.json", organisation, "ikke gyldig JSON")


def test_json_with_more_units_than_the_limit_is_refused(organisation):
    refused(orgreg_json([{}] * (MAX_IMPORT_ROWS + 1)), "mange.json", organisation,
            f"{danish_number(MAX_IMPORT_ROWS + 1)} enheder", f"højst {LIMIT}")


# --- numbers ------------------------------------------------------------------------------

@pytest.mark.parametrize("headcount,fte,kind,words", [
    ("1e309", "", Kind.BAD_VALUE, "antal medarbejdere »1e309« er for stort; højst 100.000"),
    ("1e999999999", "", Kind.BAD_VALUE, "for stort"),
    ("100001", "", Kind.BAD_VALUE, "for stort; højst 100.000"),
    ("inf", "", Kind.NOT_A_NUMBER, "ikke et helt tal"),
    ("nan", "", Kind.NOT_A_NUMBER, "ikke et helt tal"),
    ("", "1e309", Kind.BAD_VALUE, "årsværk »1e309« er for stort; højst 100.000"),
    ("", "100000,01", Kind.BAD_VALUE, "for stort"),
    ("", "-inf", Kind.NOT_A_NUMBER, "ikke et tal"),
    ("", "NaN", Kind.NOT_A_NUMBER, "ikke et tal"),
    ("", "Infinity", Kind.NOT_A_NUMBER, "ikke et tal"),
])
def test_numbers_out_of_range_are_refused_in_the_preview(headcount, fte, kind, words,
                                                         organisation):
    data = (f"Kode;Navn;Overordnet kode;Antal medarbejdere;Årsværk\nK;K;;;\n"
            f"A;A;K;{headcount};{fte}\n").encode()
    before = counts()
    plan = interchange.prepare(data, organisation=organisation, filename="tal.csv")
    assert [(p.row, p.kind) for p in plan.problems] == [(3, kind)]
    assert words in str(plan.problems[0]) and str(plan.problems[0]).startswith("Række 3: ")
    assert counts() == before


def test_largest_numbers_allowed_are_read(organisation):
    data = ("Kode;Navn;Overordnet kode;Antal medarbejdere;Årsværk\n"
            "K;K;;100.000;100.000,00\n").encode()
    plan = interchange.prepare(data, organisation=organisation, filename="tal.csv")
    assert plan.ok, [str(p) for p in plan.problems]
    assert plan.units[0].fields["headcount"] == 100_000


def test_infinite_float_in_xlsx_and_json_is_refused(organisation):
    # Excel cannot store 1e309; a hand-made sheet or JSON reads it as infinity.
    data = rewritten(workbook(["K", "Kommunen", None, 10, 9.5]), SHEET,
                     lambda xml: xml.replace(b"<v>9.5</v>", b"<v>1e309</v>"))
    plan = interchange.prepare(data, organisation=organisation, filename="tal.xlsx")
    assert [(p.row, p.kind) for p in plan.problems] == [(2, Kind.NOT_A_NUMBER)]
    data = orgreg_json([{"key": "K", "name": "K", "headcount": 1e309}]).replace(
        b"Infinity", b"1e309")
    plan = interchange.prepare(data, organisation=organisation, filename="tal.json")
    assert [(p.row, p.kind) for p in plan.problems] == [(1, Kind.NOT_A_NUMBER)]


# --- through the browser ------------------------------------------------------------------

def upload(client, organisation, data: bytes, filename: str):
    return client.post(reverse("units:structure-import", args=[organisation.pk]), {
        "file": SimpleUploadedFile(filename, data), "name": "Ny organisering",
        "effective_date": "2025-01-01"})


@pytest.mark.parametrize("make,filename,words", [
    (lambda: bomb(MAX_XLSX_UNPACKED_BYTES + 10 * 1024 * 1024), "bombe.xlsx", "udpakket"),
    (lambda: with_doctype('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
                          "&xxe;"), "xxe.xlsx", "entiteter"),
    (lambda: b'{"format": "orgreg-structure", "units": ' + b"[" * 100_000 + b"}",
     "dyb.json", "niveauer"),
    (lambda: "Kode;Navn;Overordnet kode\nK;東京都庁;\nA;総務局総務部;K\n".encode("shift_jis"),
     "sjis.csv", "Windows-1252"),
    (lambda: b'Kode;Navn;Overordnet kode\nK;"Kommunen;\nA;A;K\n', "citat.csv", "række 2"),
])
def test_hostile_upload_is_refused_on_the_page(make, filename, words, client, editor,
                                               organisation):
    client.force_login(editor)
    before = counts()
    response = upload(client, organisation, make(), filename)
    assert response.status_code == 422
    assert words in response.content.decode()
    assert not response.context["preview"].ok
    assert counts() == before


def test_number_out_of_range_is_refused_on_the_page_and_on_confirm(client, editor,
                                                                   organisation):
    client.force_login(editor)
    before = counts()
    response = upload(client, organisation,
                      b"Kode;Navn;Overordnet kode;Antal medarbejdere\nK;K;;1e309\n", "tal.csv")
    assert response.status_code == 422
    assert "Række 2: antal medarbejdere »1e309« er for stort" in response.content.decode()
    pending = response.context["pending"]
    response = client.post(reverse("units:structure-import-confirm",
                                   args=[organisation.pk, pending.pk]), {"action": "confirm"})
    assert response.status_code == 422
    assert counts() == before


# --- the catalogue the reliability benchmark runs -----------------------------------------

def test_every_catalogued_hostile_file_is_refused_and_writes_nothing(organisation):
    names = [f.filename for f in hostile_files()]
    assert len(names) == len(set(names))
    figure = measure_hostile(organisation)
    assert figure.tried == len(names)
    assert figure.refused == figure.tried
    assert figure.partial_writes == 0
