"""Import and export in the browser: editors upload, preview and confirm; exports follow the
visibility rules."""

import datetime
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests import factories
from units import interchange, services
from units.models import PendingImport, Structure, Unit

from .conftest import counts, snapshot

GOOD = "Kode;Navn;Overordnet kode;Enhedstype\nK;Kommunen;;\nA;Afdeling A;K;Klynge\n"


def upload(client, organisation, text=GOOD, *, filename="enheder.csv", **extra):
    data = {"file": SimpleUploadedFile(filename, text.encode("utf-8-sig")
                                       if isinstance(text, str) else text),
            "name": "Ny organisering", "effective_date": "2025-01-01", **extra}
    return client.post(reverse("units:structure-import", args=[organisation.pk]), data)


def confirm_url(organisation, response):
    return reverse("units:structure-import-confirm",
                   args=[organisation.pk, response.context["pending"].pk])


def confirm(client, organisation, response, **extra):
    return client.post(confirm_url(organisation, response), {"action": "confirm", **extra})


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_only_editors_may_import(who, request, client, organisation):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("units:structure-import", args=[organisation.pk])).status_code == 404
    assert upload(client, organisation).status_code == 404


def test_anonymous_is_sent_to_login(client, organisation):
    response = client.get(reverse("units:structure-import", args=[organisation.pk]))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_form_lists_the_columns(client, editor, organisation):
    client.force_login(editor)
    response = client.get(reverse("units:structure-import", args=[organisation.pk]))
    assert response.status_code == 200
    assert "overordnet kode" in response.content.decode()


def test_upload_previews_offers_to_create_types_and_confirm_writes(client, editor, organisation):
    client.force_login(editor)
    before = counts()
    response = upload(client, organisation)
    assert response.status_code == 422
    html = response.content.decode()
    assert "Række 3: enhedstypen »Klynge« findes ikke" in html
    assert "Opret de manglende enhedstyper" in html
    assert counts() == before

    url = confirm_url(organisation, response)
    response = client.post(url, {"create_unit_types": "1", "action": "recheck"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nye enhedstyper: Klynge" in html and "Opret udkastet" in html
    assert counts() == before

    response = confirm(client, organisation, response)
    structure = Structure.objects.get(organisation=organisation, name="Ny organisering")
    assert response.status_code == 302 and response["Location"] == structure.get_absolute_url()
    assert structure.status == "draft" and structure.effective_date == datetime.date(2025, 1, 1)
    assert Unit.objects.get(tree_id=structure.pk, code="A").unit_type.name == "Klynge"
    # The same upload cannot import twice: it leads to the structure it made.
    again = client.post(url, {"action": "confirm"})
    assert again.status_code == 302 and again["Location"] == structure.get_absolute_url()
    assert Structure.objects.filter(name="Ny organisering").count() == 1


def test_preview_escapes_names_from_the_file(client, editor, organisation):
    client.force_login(editor)
    response = upload(client, organisation,
                      "Kode;Navn;Overordnet kode\nK;<script>alert(1)</script>;\n")
    html = response.content.decode()
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html


def test_hostile_upload_shows_problems_and_writes_nothing(client, editor, small):
    from .test_importers import HOSTILE

    old, _ = small
    client.force_login(editor)
    before = counts()
    response = upload(client, old.organisation, HOSTILE, based_on=old.pk)
    assert response.status_code == 422
    html = response.content.decode()
    for row in (3, 4, 5, 6, 7, 9, 10, 11, 12, 14, 15, 16, 17, 18):
        assert f"Række {row}:" in html
    assert "Opret udkastet" not in html
    forced = confirm(client, old.organisation, response)
    assert forced.status_code == 422
    assert counts() == before


def test_confirm_checks_again_against_the_database(client, editor, organisation):
    client.force_login(editor)
    response = upload(client, organisation, "Kode;Navn;Overordnet kode;Enhedstype\nK;K;;Distrikt\n")
    assert response.status_code == 200
    # The unit type disappears between preview and confirm (renamed by an administrator).
    from units.models import UnitType
    UnitType.objects.filter(name="Distrikt").update(name="Distrikt (gammel)")
    before = counts()
    response = confirm(client, organisation, response)
    assert response.status_code == 422 and "»Distrikt« findes ikke" in response.content.decode()
    assert counts() == before


def test_too_large_upload_is_refused_by_the_form(client, editor, organisation, settings):
    client.force_login(editor)
    before = counts()
    big = b"Kode;Navn;Overordnet kode\n" + b"x" * (interchange.MAX_IMPORT_BYTES + 10)
    response = upload(client, organisation, big)
    assert response.status_code == 422
    assert "højst 10 MB" in response.content.decode()
    assert not PendingImport.objects.exists()
    assert counts() == before


def test_not_a_csv_upload(client, editor, organisation):
    client.force_login(editor)
    response = upload(client, organisation, b"%PDF-1.4 ...", filename="enheder.csv")
    assert response.status_code == 422
    assert "ikke en CSV-fil, men en PDF-fil" in response.content.decode()


def test_empty_upload(client, editor, organisation):
    client.force_login(editor)
    response = upload(client, organisation, b"", filename="tom.csv")
    assert response.status_code == 422


def test_import_based_on_a_structure_with_predecessors(client, editor, small):
    old, _ = small
    client.force_login(editor)
    text = "Kode;Navn;Overordnet kode;Forgængere\nROOT;K;;ROOT\nAB;A og B;ROOT;A|B:50\n"
    response = upload(client, old.organisation, text, based_on=old.pk)
    assert response.status_code == 200 and "3 overgange" in response.content.decode()
    confirm(client, old.organisation, response)
    new = Structure.objects.get(name="Ny organisering")
    assert new.based_on == old
    assert sorted(Unit.objects.get(tree_id=new.pk, code="AB").successions_in
                  .values_list("from_unit__code", flat=True)) == ["A", "B"]


# --- exports -----------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "json"])
def test_export_of_a_visible_structure(fmt, client, reader, small):
    structure, _ = small
    client.force_login(reader)
    response = client.get(reverse("units:structure-export", args=[structure.pk, fmt]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment; filename=\"organisering-2024")
    assert response["Content-Disposition"].endswith(f".{fmt}\"")


def test_exported_file_uploads_again_to_the_same_tree(client, editor, small):
    structure, _ = small
    client.force_login(editor)
    data = client.get(reverse("units:structure-export", args=[structure.pk, "xlsx"])).content
    response = upload(client, structure.organisation, data, filename="eksport.xlsx")
    assert response.status_code == 200
    confirm(client, structure.organisation, response)
    assert snapshot(Structure.objects.get(name="Ny organisering")) == snapshot(structure)


@pytest.mark.parametrize("who,status", [
    ("editor", 200), ("med_member", 404), ("reader", 404), ("manager", 404)])
def test_draft_export_only_for_editors(who, status, request, client, editor, small):
    structure, _ = small
    draft = services.copy_structure(structure, name="Udkast", user=editor,
                                    effective_date=datetime.date(2025, 1, 1))
    client.force_login(request.getfixturevalue(who))
    for fmt in ("csv", "xlsx", "json"):
        response = client.get(reverse("units:structure-export", args=[draft.pk, fmt]))
        assert response.status_code == status
    response = client.get(reverse("units:compare-export", args=[structure.pk, draft.pk]))
    assert response.status_code == status


def test_confidential_structure_is_not_exported_to_readers(client, reader, editor, small):
    structure, _ = small
    services.update_structure(structure, user=editor,
                              confidential_until=datetime.date.today() + datetime.timedelta(days=3))
    client.force_login(reader)
    response = client.get(reverse("units:structure-export", args=[structure.pk, "csv"]))
    assert response.status_code == 404


def test_export_needs_login_and_a_known_format(client, reader, small):
    structure, _ = small
    response = client.get(reverse("units:structure-export", args=[structure.pk, "csv"]))
    assert response.status_code == 302
    client.force_login(reader)
    response = client.get(reverse("units:structure-export", args=[structure.pk, "pdf"]))
    assert response.status_code == 404


def test_comparison_export(client, editor, rich):
    old, draft = rich
    client.force_login(editor)
    response = client.get(reverse("units:compare-export", args=[old.pk, draft.pk]))
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book["Sammenligning"].iter_rows(values_only=True))
    assert rows[0] == ("Gammel kode", "Gammel enhed", "Medarbejdere i gammel enhed", "Ny kode",
                       "Ny enhed", "Ændring", "Andel (%)", "Medarbejdere der flytter",
                       "Medarbejdere i ny enhed i alt")
    by_old = {}
    for row in rows[1:]:
        by_old.setdefault(row[0], []).append(row)
    # (new code, kinds, share, staff moving, the new unit's total)
    assert [(r[3], r[5], r[6], r[7], r[8]) for r in by_old["A2"]] == [
        ("A2N", "Delt", 60, 4, 4), ("A2S", "Delt", 40, 2, 2)]
    assert sum(r[7] for r in by_old["A2"]) == by_old["A2"][0][2]
    assert [(r[3], r[5]) for r in by_old["B"]] == [("B", "Sammenlagt")]
    assert [(r[3], r[5]) for r in by_old["C"]] == [("B", "Sammenlagt")]
    assert [(r[3], r[5]) for r in by_old["A1"]] == [("A1", "Omdøbt")]
    new_units = [r for r in rows[1:] if r[0] is None]
    assert [(r[4], r[5], r[7], r[8]) for r in new_units] == [("Uden kode", "Ny", None, 3)]
    summary = {r[0]: r[1] for r in book["Oversigt"].iter_rows(values_only=True)}
    assert summary["Gammel organisering"] == "Organisering 2024"
    assert summary["Sammenlagt"] >= 1


def test_export_links_partials_render(client, editor, small):
    from django.template.loader import render_to_string

    structure, _ = small
    html = render_to_string("units/_structure_export_links.html", {"structure": structure})
    assert reverse("units:structure-export", args=[structure.pk, "xlsx"]) in html
    other = factories.make_structure(editor, organisation=structure.organisation, name="Anden")[0]
    html = render_to_string("units/_compare_export_links.html", {"old": structure, "new": other})
    assert reverse("units:compare-export", args=[structure.pk, other.pk]) in html
