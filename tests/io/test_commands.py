"""importstructure and exportstructure from the command line."""

import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from units.models import Structure

from .conftest import counts, snapshot

GOOD = "Kode;Navn;Overordnet kode\nK;Kommunen;;\nA;Afdeling A;K\nB;Afdeling B;K\n"


def run(*args, **options):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def good_csv(tmp_path):
    path = tmp_path / "enheder.csv"
    path.write_bytes(GOOD.encode("utf-8-sig"))
    return path


def test_import_writes_a_draft_and_reports(good_csv, editor, organisation):
    out, err = run("importstructure", str(good_csv), organisation=organisation.name,
                   name="Fra fil", effective_date="2025-01-01", user=editor.username)
    structure = Structure.objects.get(name="Fra fil")
    assert structure.status == "draft" and structure.organisation == organisation
    assert "3 enheder i 2 niveauer" in out and f"id {structure.pk}" in out
    assert "Kontrollerer" in err and "100 %" in err  # the progress bar goes to stderr
    assert structure.history.first().history_user == editor


def test_dry_run_writes_nothing(good_csv, organisation):
    before = counts()
    out, _ = run("importstructure", str(good_csv), organisation=str(organisation.pk),
                 name="Fra fil", effective_date="2025-01-01", dry_run=True)
    assert "Prøvekørsel: intet er gemt." in out and "  A Afdeling A" in out
    assert counts() == before


def test_problems_are_reported_with_rows_and_exit_status_1(tmp_path, small):
    from .test_importers import HOSTILE

    old, _ = small
    path = tmp_path / "fejl.csv"
    path.write_text(HOSTILE, encoding="cp1252")
    before = counts()
    out = io.StringIO()
    with pytest.raises(SystemExit) as exc:
        call_command("importstructure", str(path), organisation=old.organisation.name,
                     name="X", effective_date="2025-01-01", based_on=old.pk, stdout=out,
                     stderr=io.StringIO())
    assert exc.value.code == 1
    text = out.getvalue()
    assert "fejl; intet er gemt" in text and "Række 6: den overordnede kode »ZZZ«" in text
    assert counts() == before


def test_fifty_megabyte_file_is_refused(tmp_path, organisation):
    path = tmp_path / "stor.csv"
    with path.open("wb") as f:
        f.write(b"Kode;Navn;Overordnet kode\n")
        f.truncate(50 * 1024 * 1024)
    before = counts()
    with pytest.raises(CommandError, match="højst 10 MB"):
        run("importstructure", str(path), organisation=organisation.name, name="X",
            effective_date="2025-01-01")
    assert counts() == before


def test_json_export_imports_without_name_and_date(tmp_path, editor, small):
    structure, _ = small
    path = tmp_path / "eksport.json"
    run("exportstructure", str(structure.pk), output=str(path))
    run("importstructure", str(path), organisation=structure.organisation.name)
    copy = Structure.objects.exclude(pk=structure.pk).get(name=structure.name)
    assert copy.status == "draft" and snapshot(copy) == snapshot(structure)


def test_unknown_organisation_and_user(good_csv, organisation):
    with pytest.raises(CommandError, match="findes ikke"):
        run("importstructure", str(good_csv), organisation="Ukendt", name="X",
            effective_date="2025-01-01")
    with pytest.raises(CommandError, match="Brugeren"):
        run("importstructure", str(good_csv), organisation=organisation.name, name="X",
            effective_date="2025-01-01", user="nogen")
    with pytest.raises(CommandError, match="ÅÅÅÅ-MM-DD"):
        run("importstructure", str(good_csv), organisation=organisation.name, name="X",
            effective_date="1/1/2025")


def test_create_organisation_for_a_first_structure(good_csv, db):
    run("importstructure", str(good_csv), organisation="Ny Kommune", create_organisation=True,
        name="Første", effective_date="2025-01-01")
    assert Structure.objects.get(name="Første").organisation.name == "Ny Kommune"


def test_bench_prints_time_and_memory_and_keeps_nothing(good_csv, organisation):
    before = counts()
    out, _ = run("importstructure", str(good_csv), organisation=organisation.name, name="B",
                 effective_date="2025-01-01", bench=True)
    assert "3 enheder" in out and " s" in out and "MB" in out and "tracemalloc" in out
    assert counts() == before


def test_export_csv_to_stdout_and_xlsx_to_file(tmp_path, small):
    structure, _ = small
    out, _ = run("exportstructure", str(structure.pk))
    assert out.startswith("\ufeffKode;Navn;Kort navn;Overordnet kode")
    path = tmp_path / "x.xlsx"
    run("exportstructure", str(structure.pk), output=str(path))
    assert openpyxl.load_workbook(path).active["B2"].value == "Testkommune"
    with pytest.raises(CommandError, match="-o"):
        run("exportstructure", str(structure.pk), format="xlsx")
    with pytest.raises(CommandError, match="ingen organisering"):
        run("exportstructure", "999999")


def test_export_comparison(tmp_path, rich):
    old, draft = rich
    path = tmp_path / "s.xlsx"
    run("exportstructure", str(old.pk), compare=draft.pk, output=str(path))
    assert openpyxl.load_workbook(path).sheetnames == ["Sammenligning", "Oversigt"]


def test_export_json_to_stdout(small):
    structure, _ = small
    out, _ = run("exportstructure", str(structure.pk), format="json")
    assert json.loads(out)["structure"]["name"] == "Organisering 2024"
