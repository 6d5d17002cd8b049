"""Reading and checking import files: every format, every problem with its row number, and
nothing written when anything is wrong."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from django.core.exceptions import ValidationError

from units import interchange
from units.interchange import Kind
from units.models import Structure, Unit, UnitType

from .conftest import counts, snapshot

SAMPLE = Path(__file__).with_name("os2mo_sample.json")


def csv_bytes(text: str, encoding: str = "utf-8-sig") -> bytes:
    return text.replace("\n", "\r\n").encode(encoding)


def run(data, organisation, editor, *, fmt=None, filename="", based_on=None, **options):
    plan = interchange.prepare(data, organisation=organisation, fmt=fmt, filename=filename,
                             based_on=based_on, **options)
    assert plan.problems == [], [str(p) for p in plan.problems]
    return interchange.import_structure(plan, organisation=organisation, name="Indlæst",
                                      effective_date=datetime.date(2025, 1, 1), user=editor,
                                      based_on=based_on)


def units_by_code(structure: Structure) -> dict[str, Unit]:
    return {u.code: u for u in Unit.objects.filter(tree_id=structure.pk)
            .select_related("parent", "unit_type")}


# --- formats ----------------------------------------------------------------------------


def test_semicolon_csv_with_bom_danish_headers_and_decimal_commas(editor, organisation):
    data = csv_bytes(
        "Kode;Navn;Overordnet kode;Kategori;Ledertitel;Leder;Antal medarbejdere;Årsværk;Placering\n"
        "K;Kommunen;;Administration;Direktør;Åse Ærø;1.234;1.100,5;Rådhuset\n"
        "A;Ældre og Sundhed;K;drift;Chef;Øjvind;12;11,75;Vej 1\n"
        ";;;;;;;;\n"
    )
    structure = run(data, organisation, editor)
    units = units_by_code(structure)
    assert units["K"].headcount == 1234 and units["K"].fte == Decimal("1100.50")
    assert units["K"].category == "administration" and units["K"].leader_name == "Åse Ærø"
    assert units["A"].parent == units["K"] and units["A"].fte == Decimal("11.75")
    assert units["A"].category == "drift"


def test_comma_csv_in_windows_1252_with_english_headers(editor, organisation):
    data = csv_bytes(
        'code,name,parent code,headcount,FTE,location\n'
        'K,Kommunen,,10,"9,5",Rådhus\n'
        'B,Børn og Unge,K,4,3.25,Skolevej\n',
        encoding="cp1252",
    )
    structure = run(data, organisation, editor)
    units = units_by_code(structure)
    assert units["B"].name == "Børn og Unge" and units["K"].location == "Rådhus"
    assert units["K"].fte == Decimal("9.50") and units["B"].fte == Decimal("3.25")


def test_column_order_and_header_spelling_do_not_matter(editor, organisation):
    data = csv_bytes(
        "Forgænger(e);Antal_medarbejdere;NAVN;Overordnet Kode;Unit Type;KODE\n"
        ";3;Kommunen;;;K\n"
    )
    plan = interchange.prepare(data, organisation=organisation)
    assert plan.problems == [] and plan.units[0].fields["headcount"] == 3
    assert "Unit Type" not in " ".join(plan.warnings)


def test_unknown_column_is_a_warning_not_a_problem(organisation):
    data = csv_bytes("Kode;Navn;Overordnet kode;Lønnummer\nK;Kommunen;;123\n")
    plan = interchange.prepare(data, organisation=organisation)
    assert plan.ok
    assert plan.warnings == ["Kolonnen »Lønnummer« kendes ikke og springes over."]


def test_xlsx_with_numeric_codes_and_float_numbers(editor, organisation):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Kode", "Navn", "Overordnet kode", "Antal medarbejdere", "Årsværk"])
    sheet.append([100, "Kommunen", None, 12.0, 10.5])
    sheet.append([101, "Team", 100, 3, None])
    out = io.BytesIO()
    book.save(out)
    structure = run(out.getvalue(), organisation, editor, filename="enheder.xlsx")
    units = units_by_code(structure)
    assert units["101"].parent.code == "100"
    assert units["100"].headcount == 12 and units["100"].fte == Decimal("10.50")


def test_predecessors_with_shares_become_successions(editor, small):
    old, _ = small
    data = csv_bytes(
        "Kode;Navn;Overordnet kode;Forgængere\n"
        "ROOT;Kommunen;;ROOT\n"
        "AB;Afdeling A og B;ROOT;A:100|B:60\n"
        "B2;Rest af B;ROOT;B:40\n"
        "T;Team;AB;A1:33,5|A2\n"
    )
    structure = run(data, old.organisation, editor, based_on=old)
    assert structure.based_on == old
    got = sorted(
        (s.from_unit.code, s.to_unit.code, s.share)
        for s in Unit.objects.get(tree_id=structure.pk, code="AB").successions_in.all()
        .select_related("from_unit", "to_unit")
    )
    assert got == [("A", "AB", Decimal("100.00")), ("B", "AB", Decimal("60.00"))]
    team = Unit.objects.get(tree_id=structure.pk, code="T")
    assert sorted(team.successions_in.values_list("from_unit__code", "share")) == [
        ("A1", Decimal("33.50")), ("A2", Decimal("100.00"))]


def test_orgreg_json_carries_name_and_date(small):
    from units.interchange import exporters

    structure, _ = small
    source = interchange.read_file(exporters.structure_json(structure), filename="x.json")
    assert source.format == "json" and source.has_keys
    assert source.meta == {"name": "Organisering 2024", "effective_date": "2024-01-01"}


# --- OS2mo ------------------------------------------------------------------------------


def test_os2mo_units_valid_on_the_chosen_date(editor, organisation):
    data = SAMPLE.read_bytes()
    plan = interchange.prepare(data, organisation=organisation, filename="os2mo.json",
                             on_date=datetime.date(2025, 3, 1), create_unit_types=True)
    assert plan.format == "os2mo" and plan.ok
    # Afdeling, Forvaltning and Team are reference data from the migrations.
    assert plan.new_unit_types == ["Kommune"]
    assert UnitType.objects.filter(name="Kommune").count() == 0
    structure = interchange.import_structure(
        plan, organisation=organisation, name="Fra OS2mo", effective_date=datetime.date(2025, 3, 1),
        user=editor)
    units = units_by_code(structure)
    assert set(units) == {"KOMMUNE", "SOF", "HJP", "HJP-TEAM1", "NY2025"}
    assert units["SOF"].name == "Social-, Sundheds- og Omsorgsforvaltningen"
    assert units["HJP-TEAM1"].parent.code == "HJP" and units["HJP"].parent.code == "SOF"
    assert units["KOMMUNE"].parent is None
    assert units["HJP"].unit_type.name == "Afdeling"
    # The manager's person uuid is the leader identifier (lower-cased, as every uuid is
    # stored), their name the leader and the manager type the title; a vacant manager post
    # (no person) is passed over for the next, whose uuid is in the older employee_uuid.
    hjp, team = units["HJP"], units["HJP-TEAM1"]
    assert (hjp.leader_identifier, hjp.leader_name, hjp.leader_title) == (
        "6a1f0b37-3c2e-4d5a-9b8c-7e6f5d4c3b2a", "Hanne Juul Pedersen", "Afdelingsleder")
    assert (team.leader_identifier, team.leader_name, team.leader_title) == (
        "0b9d3c44-51e2-4f7a-8c1d-2a3b4c5d6e7f", "", "Teamleder")
    assert units["SOF"].leader_identifier == "" and units["SOF"].leader_title == ""


def test_a_leader_identifier_column_is_read_and_normalised(editor, organisation):
    data = (b"Kode;Navn;Overordnet kode;Leder;Leders e-mail\n"
            b"ROOT;Kommunen;;;\n"
            b"A;Afdeling A;ROOT;Bo Holm; Bo.Holm@Kommune.DK \n"
            b"B;Afdeling B;ROOT;;M-1234\n")
    plan = interchange.prepare(data, organisation=organisation, filename="enheder.csv")
    assert plan.ok, plan.problems
    structure = interchange.import_structure(plan, organisation=organisation, name="Med ident",
                                             effective_date=datetime.date(2025, 1, 1),
                                             user=editor)
    units = units_by_code(structure)
    assert units["A"].leader_identifier == "bo.holm@kommune.dk"
    assert units["B"].leader_identifier == "M-1234"
    assert units["ROOT"].leader_identifier == ""


def test_os2mo_on_an_earlier_date_gives_the_structure_then(organisation):
    plan = interchange.prepare(SAMPLE.read_bytes(), organisation=organisation, fmt="os2mo",
                             on_date=datetime.date(2023, 1, 1), create_unit_types=True)
    assert plan.ok
    names = {u.fields["code"]: u.fields["name"] for u in plan.units}
    assert names["SOF"] == "Social- og Sundhedsforvaltningen"
    assert "NEDLAGT" in names and "NY2025" not in names


def test_os2mo_several_top_units_get_one_root(editor, organisation):
    doc = b"""{"data": {"org_units": {"objects": [
      {"current": {"uuid": "u1", "user_key": "A", "name": "Forvaltning A", "parent": null,
                   "validity": {"from": "2020-01-01", "to": null}}},
      {"current": {"uuid": "u2", "user_key": "B", "name": "Forvaltning B", "parent": null,
                   "validity": {"from": "2020-01-01", "to": null}}},
      {"current": {"uuid": "u3", "user_key": "B1", "name": "Team B1", "parent_uuid": "u2",
                   "validity": {"from": "2020-01-01", "to": null}}}]}}}"""
    plan = interchange.prepare(doc, organisation=organisation, filename="mo.json")
    assert plan.ok and plan.meta["synthetic_root"]
    structure = interchange.import_structure(plan, organisation=organisation, name="MO",
                                           effective_date=datetime.date(2025, 1, 1), user=editor)
    root = Unit.objects.get(tree_id=structure.pk, parent=None)
    assert root.name == organisation.name
    assert sorted(root.get_children().values_list("code", flat=True)) == ["A", "B"]


def test_os2mo_parent_not_valid_on_the_date_is_reported(organisation):
    doc = b"""{"data": {"org_units": {"objects": [
      {"current": {"uuid": "u1", "user_key": "A", "name": "Top", "parent": null,
                   "validity": {"from": "2020-01-01", "to": null}}},
      {"validities": [{"uuid": "u2", "user_key": "B", "name": "Lukket", "parent": {"uuid": "u1"},
                   "validity": {"from": "2020-01-01", "to": "2021-01-01"}}]},
      {"current": {"uuid": "u3", "user_key": "", "name": "Barn", "parent_uuid": "u2",
                   "validity": {"from": "2020-01-01", "to": null}}}]}}}"""
    plan = interchange.prepare(doc, organisation=organisation, fmt="os2mo",
                             on_date=datetime.date(2024, 1, 1))
    kinds = {(p.row, p.kind) for p in plan.problems}
    # A unit without user_key gets a code from its uuid (read_os2mo), so only the parent.
    assert kinds == {(3, Kind.UNKNOWN_PARENT)}
    assert any("uden user_key" in w for w in plan.warnings)


def test_os2mo_error_answer_is_refused(organisation):
    plan = interchange.prepare(b'{"errors": [{"message": "Not authorized"}], "data": null}',
                             organisation=organisation, fmt="os2mo")
    assert [p.kind for p in plan.problems] == [Kind.BAD_FILE]
    assert "fejl" in plan.problems[0].message


# --- problems ---------------------------------------------------------------------------

HOSTILE = (
    "Kode;Navn;Overordnet kode;Enhedstype;Antal medarbejdere;Årsværk;Forgængere;Kategori\n"
    "ROOT;Kommunen;;;10;;ROOT;\n"                 # 2
    "A;Afdeling A;ROOT;Klynge;5;;A;\n"            # 3 unknown unit type
    ";Uden kode;ROOT;;;;;\n"                      # 4 missing code
    "A;Dublet;ROOT;;;;;\n"                        # 5 duplicate code
    "X;Forældreløs;ZZZ;;;;;\n"                    # 6 unknown parent
    "C1;Ring 1;C2;;;;;\n"                         # 7 ring
    "C2;Ring 2;C1;;;;;\n"                         # 8 ring
    "R2;Anden top;;;;;;\n"                        # 9 second root
    "E;;ROOT;;;;;\n"                              # 10 empty name
    "N;Tal;ROOT;;mange;;;\n"                      # 11 headcount not a number
    "F;Årsværk;ROOT;;;ti;;\n"                     # 12 FTE not a number
    "S1;Del 1;ROOT;;;;B:70;\n"                    # 13
    "S2;Del 2;ROOT;;;;B:40;\n"                    # 14 B shared out 110 %
    "P;Ukendt forgænger;ROOT;;;;QQ:100;\n"        # 15 unknown predecessor
    "Q;Selv;Q;;;;;\n"                             # 16 its own parent
    "K;Kategori;ROOT;;;;;Hemmelig\n"              # 17 unknown category
    "H;Halv;ROOT;;2,5;;;\n"                       # 18 headcount not whole
)


def test_hostile_file_reports_every_problem_with_its_row_and_writes_nothing(editor, small):
    old, _ = small
    before = counts()
    plan = interchange.prepare(csv_bytes(HOSTILE), organisation=old.organisation, based_on=old)
    found = {(p.row, p.kind) for p in plan.problems}
    assert found == {
        (3, Kind.UNKNOWN_UNIT_TYPE),
        (4, Kind.MISSING_CODE),
        (5, Kind.DUPLICATE_CODE),
        (6, Kind.UNKNOWN_PARENT),
        (7, Kind.CYCLE),
        (9, Kind.SEVERAL_ROOTS),
        (10, Kind.EMPTY_NAME),
        (11, Kind.NOT_A_NUMBER),
        (12, Kind.NOT_A_NUMBER),
        (14, Kind.SHARE_OVER_100),
        (15, Kind.UNKNOWN_PREDECESSOR),
        (16, Kind.CYCLE),
        (17, Kind.BAD_VALUE),
        (18, Kind.NOT_A_NUMBER),
    }
    text = {p.row: str(p) for p in plan.problems}
    assert text[3] == ("Række 3: enhedstypen »Klynge« findes ikke. Vælg »Opret manglende "
                       "enhedstyper« for at oprette den, eller ret rækken.")
    assert text[5] == "Række 5: koden »A« står også i række 3."
    assert text[6] == "Række 6: den overordnede kode »ZZZ« findes ikke i filen."
    assert "rækkerne 7 og 8" in text[7] and "ring" in text[7]
    assert "række 2" in text[9] and "præcis én øverste enhed" in text[9]
    assert text[10] == "Række 10: enheden har intet navn."
    assert text[11] == "Række 11: antal medarbejdere »mange« er ikke et helt tal."
    assert "110 %" in text[14] and "rækkerne 13 og 14" in text[14]
    assert "»QQ« findes ikke i »Organisering 2024«" in text[15]
    assert [p.row for p in plan.problems] == sorted(p.row for p in plan.problems)
    with pytest.raises(ValidationError):
        interchange.import_structure(plan, organisation=old.organisation, name="X",
                                   effective_date=datetime.date(2025, 1, 1), user=editor,
                                   based_on=old)
    assert counts() == before


def test_unknown_unit_type_can_be_created_in_the_same_transaction(editor, organisation):
    data = csv_bytes("Kode;Navn;Overordnet kode;Enhedstype\nK;Kommunen;;klynge\n"
                     "A;A;K;Klynge\nB;B;K;Cluster\nC;C;K;distrikt\n")
    assert not interchange.prepare(data, organisation=organisation).ok
    plan = interchange.prepare(data, organisation=organisation, create_unit_types=True)
    assert plan.ok and plan.new_unit_types == ["Cluster", "klynge"]
    assert not UnitType.objects.filter(name__iexact="klynge").exists()
    structure = interchange.import_structure(plan, organisation=organisation, name="N",
                                           effective_date=datetime.date(2025, 1, 1), user=editor)
    types = {u.code: u.unit_type.name for u in units_by_code(structure).values()}
    # An existing type is matched whatever its case (Distrikt is reference data).
    assert types == {"K": "klynge", "A": "klynge", "B": "Cluster", "C": "Distrikt"}
    assert UnitType.history.filter(name="Cluster", history_user=editor).exists()


def test_predecessors_without_based_on_are_a_problem(organisation):
    plan = interchange.prepare(csv_bytes("Kode;Navn;Overordnet kode;Forgængere\nK;K;;A:100\n"),
                             organisation=organisation)
    assert [(p.row, p.kind) for p in plan.problems] == [(2, Kind.UNKNOWN_PREDECESSOR)]


def test_share_that_is_not_a_number_or_out_of_range(small):
    old, _ = small
    plan = interchange.prepare(
        csv_bytes("Kode;Navn;Overordnet kode;Forgængere\nK;K;;A:mange\nB;B;K;B:120|C:-1\n"),
        organisation=old.organisation, based_on=old)
    assert [(p.row, p.kind) for p in plan.problems] == [
        (2, Kind.NOT_A_NUMBER), (3, Kind.BAD_VALUE), (3, Kind.BAD_VALUE)]


def test_no_root_at_all(organisation):
    plan = interchange.prepare(csv_bytes("Kode;Navn;Overordnet kode\nA;A;B\nB;B;A\n"),
                             organisation=organisation)
    assert {p.kind for p in plan.problems} == {Kind.CYCLE, Kind.NO_ROOT}


def test_too_long_text_is_a_problem(organisation):
    plan = interchange.prepare(csv_bytes(f"Kode;Navn;Overordnet kode\nK;{'x' * 201};\n"),
                             organisation=organisation)
    assert [(p.row, p.kind) for p in plan.problems] == [(2, Kind.BAD_VALUE)]
    assert "højst 200" in plan.problems[0].message


def test_fte_with_more_decimals_is_rounded_with_a_warning(organisation):
    plan = interchange.prepare(csv_bytes("Kode;Navn;Overordnet kode;Årsværk\nK;K;;0,8108\n"),
                             organisation=organisation)
    assert plan.ok and plan.units[0].fields["fte"] == Decimal("0.81")
    assert plan.warnings == ["Årsværk er afrundet til to decimaler i 1 række."]


# --- files that are not what they claim ---------------------------------------------------

NOT_CSV = [
    (b"%PDF-1.7\n1 0 obj <<>> endobj", "PDF"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "billede"),
    (b"PK\x03\x04\x14\x00\x06\x00", "Excel- eller zip-fil"),
    (b"Kode;Navn\x00;Overordnet kode\n", "binære data"),
    ("Kode;Navn;Overordnet kode\n".encode("utf-16"), "binære data"),
]


@pytest.mark.parametrize("data,words", NOT_CSV)
def test_file_that_is_not_csv_is_refused(data, words, organisation):
    before = counts()
    plan = interchange.prepare(data, organisation=organisation, filename="enheder.csv")
    assert [p.kind for p in plan.problems] == [Kind.BAD_FILE]
    assert plan.problems[0].row is None and words in plan.problems[0].message
    assert counts() == before


@pytest.mark.parametrize("data,filename,words", [
    (b"", "tom.csv", "tom"),
    (b"\xef\xbb\xbf\r\n", "tom.csv", "tom"),
    (b"Kode;Navn;Overordnet kode\r\n", "kun-overskrift.csv", "ingen enheder"),
    (b"Fornavn;Efternavn\nJens;Hansen\n", "personer.csv", "kendte kolonneoverskrifter"),
    (b"Kode;Navn\nK;Kommunen\n", "mangler.csv", "»overordnet kode«"),
    (b"Kode;Navn;Code;Overordnet kode\n", "dobbelt.csv", "betyder begge"),
    (b"Kode;Navn;Overordnet kode\n", "regneark.xlsx", "ikke et Excel-regneark"),
    (b"PK\x03\x04ikke rigtig zip", "regneark.xlsx", "ikke et gyldigt Excel-regneark"),
    (b"{ikke json", "data.json", "ikke gyldig JSON"),
    (b'{"units": []}', "data.json", "orgregs eget format"),
    (b'{"data": {"org_units": {}}}', "mo.json", "OS2mo"),
    (b'["a"]', "data.json", "orgregs eget format"),
])
def test_broken_files_are_refused_with_a_reason(data, filename, words, organisation):
    plan = interchange.prepare(data, organisation=organisation, filename=filename)
    assert [p.kind for p in plan.problems] == [Kind.BAD_FILE]
    assert words in plan.problems[0].message


def test_fifty_megabyte_file_is_refused_before_it_is_read(organisation):
    data = b"Kode;Navn;Overordnet kode\n" + b"K;Kommunen;\n" * (50 * 1024 * 1024 // 12)
    assert len(data) > 50 * 1000 * 1000
    before = counts()
    plan = interchange.prepare(data, organisation=organisation, filename="stor.csv")
    assert [p.kind for p in plan.problems] == [Kind.BAD_FILE]
    assert "højst 10 MB" in plan.problems[0].message
    assert counts() == before


def test_refusal_by_the_bulk_builder_writes_nothing(editor, organisation):
    """A rule only the database layer knows still leaves nothing behind."""
    data = csv_bytes("Kode;Navn;Overordnet kode\nK;Kommunen;\n")
    plan = interchange.prepare(data, organisation=organisation)
    before = counts()
    with pytest.raises(ValidationError):
        interchange.import_structure(plan, organisation=organisation, name=" ",
                                   effective_date=datetime.date(2025, 1, 1), user=editor)
    assert counts() == before


def test_history_records_the_user_and_reason(editor, organisation):
    structure = run(csv_bytes("Kode;Navn;Overordnet kode\nK;Kommunen;\nA;A;K\n"),
                    organisation, editor)
    records = Unit.history.filter(structure_id=structure.pk)
    assert records.count() == 2
    assert {r.history_user for r in records} == {editor}
    assert all("indlæst fra CSV" in r.history_change_reason for r in records)
    assert snapshot(structure)[1][4] == "Kommunen"


def test_long_names_are_kept_whole_in_the_history_reason(editor, organisation):
    """Reasons are text (units migration 0003); a long structure name must not fail on
    PostgreSQL, and is not cut."""
    long_type = "T" * 100
    data = csv_bytes(f"Kode;Navn;Overordnet kode;Enhedstype\nK;Kommunen;;{long_type}\n")
    plan = interchange.prepare(data, organisation=organisation, create_unit_types=True)
    structure = interchange.import_structure(plan, organisation=organisation, name="N" * 200,
                                           effective_date=datetime.date(2025, 1, 1), user=editor)
    reasons = [r.history_change_reason for r in Unit.history.filter(structure_id=structure.pk)]
    assert reasons and all("N" * 200 in r for r in reasons)
    assert UnitType.history.get(name=long_type).history_change_reason.startswith("Enhedstypen")
