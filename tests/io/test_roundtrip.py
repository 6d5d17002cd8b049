"""Export → import gives the same tree, fields, codes and successions, for every format."""

import csv
import datetime
import io
import json

import pytest

from units import interchange, services
from units.interchange import exporters
from units.models import Unit

from .conftest import snapshot, successions

EXPORTS = {
    "csv": exporters.structure_csv,
    "xlsx": exporters.structure_xlsx,
    "json": exporters.structure_json,
}


def reimport(data, fmt, structure, editor, *, based_on=None):
    plan = interchange.prepare(data, organisation=structure.organisation, fmt=fmt,
                             based_on=based_on)
    assert plan.problems == []
    return interchange.import_structure(
        plan, organisation=structure.organisation, name=f"Genindlæst {fmt}",
        effective_date=datetime.date(2026, 1, 1), user=editor, based_on=based_on)


@pytest.mark.parametrize("fmt", EXPORTS)
def test_published_structure_round_trips(fmt, editor, small):
    structure, _ = small
    copy = reimport(EXPORTS[fmt](structure), fmt, structure, editor)
    assert snapshot(copy) == snapshot(structure)
    assert copy.status == "draft"


@pytest.mark.parametrize("fmt", EXPORTS)
def test_draft_with_every_field_and_successions_round_trips(fmt, editor, rich):
    old, draft = rich
    # The re-imported draft is a second alternative based on `old`: both take the old units'
    # staff, which is allowed (shares are counted per new structure).
    copy = reimport(EXPORTS[fmt](draft), fmt, draft, editor, based_on=old)
    assert snapshot(copy) == snapshot(draft)
    assert successions(copy) == successions(draft)
    assert len(successions(draft)) >= 7


def test_shares_over_100_within_one_file_are_refused(editor, rich):
    old, draft = rich
    data = exporters.structure_csv(draft).decode("utf-8-sig").replace("A:100", "A:100|B:30")
    plan = interchange.prepare(data.encode(), organisation=old.organisation, based_on=old)
    assert [p.kind for p in plan.problems] == [interchange.Kind.SHARE_OVER_100]


def test_csv_is_what_danish_excel_expects(rich):
    _, draft = rich
    data = exporters.structure_csv(draft)
    assert data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[:4] == ["Kode", "Navn", "Kort navn", "Overordnet kode"]
    assert "Forgængere" in header and "Nøgle" in header
    assert "9,50" in text
    assert "'=SUM(A1)" in text  # a formula-looking name is not run by Excel
    # The leader identifier (the server's own export: every column), normalised when saved.
    assert "Lederident" in header and "aase.aeroe@kommune.dk" in text
    assert "A2:60|" not in text and "A2:60" in text


def test_xlsx_has_bold_header_widths_and_typed_numbers(rich):
    import io

    import openpyxl

    _, draft = rich
    book = openpyxl.load_workbook(io.BytesIO(exporters.structure_xlsx(draft)))
    sheet = book.active
    assert sheet["A1"].value == "Kode" and sheet["A1"].font.bold
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["B"].width == 40
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    by_code = {row[0]: row for row in values}
    assert by_code["A"][9] == 9.5
    assert isinstance(by_code["A"][8], int)
    formula = next(row for row in values if row[0] == "A1")
    assert formula[1] == "=SUM(A1)"
    cell = next(c for c in sheet["B"] if c.value == "=SUM(A1)")
    assert cell.data_type == "s"


def test_json_carries_structure_and_every_field(rich):
    _, draft = rich
    doc = json.loads(exporters.structure_json(draft))
    assert doc["format"] == "orgreg-structure"
    assert doc["structure"]["effective_date"] == "2025-01-01"
    unit = next(u for u in doc["units"] if u["code"] == "A")
    assert unit["fte"] == "9.50" and unit["category"] == "drift"
    assert unit["description"] == "Linje 1\nLinje 2"
    assert unit["leader_identifier"] == "aase.aeroe@kommune.dk"


@pytest.mark.parametrize("fmt", EXPORTS)
def test_a_formula_like_predecessor_code_is_text_and_round_trips(fmt, editor, small):
    """A code such as =HYPERLINK(…) leads the predecessor cell: Excel must not run it, and
    the import must read the code back."""
    old, units = small
    # Codes are checked when written through the services; this one comes from an import.
    Unit.objects.filter(pk=units["A"].pk).update(code='=HYPERLINK("http://evil.invalid")&"')
    draft = services.copy_structure(old, name="Med formel", user=editor,
                                    effective_date=datetime.date(2025, 1, 1))
    data = EXPORTS[fmt](draft)
    if fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        cell = next(r["Forgængere"] for r in rows if "HYPERLINK" in r["Forgængere"])
        assert cell.startswith("'=HYPERLINK")
    copy = reimport(data, fmt, draft, editor, based_on=old)
    assert successions(copy) == successions(draft)
