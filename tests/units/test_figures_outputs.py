"""The key figures on every way out: the structure page, its PDF, the XLSX export and the
API say the same figures, for a unit scope too, and only to those who may see the structure."""

from __future__ import annotations

import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from med import services as med_services
from orgreg.pdf import StaticOnlyURLFetcher, render_pdf
from orgreg.roles import policy
from orgreg.text import danish_number
from tests.pdf.conftest import pdf_pages
from tests.units.test_figures import build
from units import printing, services
from units.figure_tables import figure_tables
from units.interchange import exporters
from units.models import Unit
from units.selectors import structure_figures

pytestmark = pytest.mark.django_db


@pytest.fixture
def organisation(editor):
    return services.create_organisation(name="Figurkommune", user=editor)


@pytest.fixture
def published(editor, organisation):
    structure = services.set_status(build(editor, organisation, name="Udmeldt 2025"),
                                    "published", user=editor)
    return structure


@pytest.fixture
def draft(editor, organisation):
    return build(editor, organisation, name="Hemmeligt udkast")


NUM_CELL = '<td class="num">'


def cell_text(value) -> str:
    if value is None:
        return "–"
    return value if isinstance(value, str) else danish_number(value)


def in_a_line(wanted: str, text: str) -> bool:
    """Whether a line of pdftotext's layout holds `wanted` as whole cells (two columns of
    tables stand side by side on one line)."""
    pattern = re.compile(rf"(^|\s){re.escape(wanted)}(\s|$)")
    return any(pattern.search(" ".join(line.split())) for line in text.splitlines())


def expected_rows(structure, *, under=None, limit=None):
    figures = structure_figures(structure, under=under)
    return figures, [(t, row) for t in figure_tables(figures, list_limit=limit)
                     for row in t.rows]


def test_page_shows_every_figure(client, reader, published):
    client.force_login(reader)
    html = client.get(reverse("units:structure-detail", args=[published.pk])).content.decode()
    section = html.split('id="noegletal"')[1]
    assert "<caption>Medarbejdere og direkte underenheder pr. leder" in section
    assert '<th scope="col">Mål</th>' in section and '<th scope="row">' in section
    _, rows = expected_rows(published, limit=25)
    for _table, row in rows:
        cells = "".join((NUM_CELL if not isinstance(v, str) else "<td>") + cell_text(v)
                        + "</td>" for v in row.values)
        assert f"{row.header}</th>{cells}" in section.replace("</a></th>", "</th>"), row
    # Hand-checked figures of tests/units/test_figures.py, as the page says them.
    assert '<th scope="row">Medarbejdere</th><td class="num">105</td>' in section
    assert ('<th scope="row">Administration og stab, andel af medarbejderne (%)</th>'
            '<td class="num">13,3</td>') in section
    assert ('<th scope="row">Medarbejdere pr. leder</th><td class="num">6</td>'
            '<td class="num">0</td><td class="num">8</td><td class="num">58</td>') in section


def test_page_figures_follow_the_focused_unit(client, reader, published):
    client.force_login(reader)
    omr = Unit.objects.get(tree_id=published.pk, code="OMR")
    html = client.get(reverse("units:structure-detail", args=[published.pk]),
                      {"unit": omr.pk}).content.decode()
    section = html.split('id="noegletal"')[1]
    assert "Nøgletal for Ældreområdet med underenheder (Udmeldt 2025)" in section
    assert '<th scope="row">Medarbejdere</th><td class="num">89</td>' in section
    assert "Direktionsstab" not in section and "Visitation" not in section


def test_pdf_has_a_key_figures_page_with_the_same_figures(reader, published, tmp_path):
    chart = printing.org_chart(published, reader, printing.parse_chart_options({}))
    data = render_pdf("units/pdf_org_chart.html", chart.context,
                      url_fetcher=StaticOnlyURLFetcher())
    pages = pdf_pages(data, tmp_path)
    # After the chart's pages, in two columns.
    assert len(chart.pages) < len(pages) <= len(chart.pages) + 2
    text = "\n".join(pages[len(chart.pages):])
    assert "Nøgletal: Udmeldt 2025" in text
    _, rows = expected_rows(published, limit=25)
    for _table, row in rows:
        wanted = " ".join([row.header, *(cell_text(v) for v in row.values)])
        assert in_a_line(wanted, text), wanted
    assert in_a_line("Medarbejdere 105", text) and in_a_line("Årsværk 83", text)
    # Asked off, there is no such page.
    plain = printing.org_chart(published, reader,
                               printing.parse_chart_options({"figures": "0"}))
    assert "Nøgletal" not in "".join(pdf_pages(render_pdf(
        "units/pdf_org_chart.html", plain.context), tmp_path))


def test_pdf_of_a_subtree_counts_the_subtree(editor, published, tmp_path):
    omr = Unit.objects.get(tree_id=published.pk, code="OMR")
    chart = printing.org_chart(published, editor,
                               printing.parse_chart_options({"unit": str(omr.pk),
                                                             "depth": "0"}))
    text = "\n".join(pdf_pages(render_pdf("units/pdf_org_chart.html", chart.context),
                               tmp_path))
    # The chart stops at the top; the figures count every level under it.
    assert in_a_line("Enheder 4", text) and in_a_line("Medarbejdere 89", text)


def sheet_rows(data: bytes) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames == ["Enheder", "Nøgletal"]
    return [list(r) for r in workbook["Nøgletal"].iter_rows(values_only=True)]


def test_xlsx_has_a_key_figures_sheet_with_every_row(published, reader):
    rows = sheet_rows(exporters.structure_xlsx(published, viewer=policy(reader)))
    assert rows[0][0] == "Nøgletal for Udmeldt 2025"
    found = [tuple(v for v in r if v is not None) for r in rows]
    _, expected = expected_rows(published)
    for _table, row in expected:
        values = tuple(v for v in (row.header, *row.values) if v is not None and v != "")
        assert tuple(float(v) if isinstance(v, Decimal) else v for v in values) in [
            tuple(float(v) if isinstance(v, (int, float)) and not isinstance(v, bool)
                  else v for v in r) for r in found], row
    assert ("Medarbejdere", 105) in found
    assert ("Natteam", "T1", 4) in found  # without a leader, at level 4


def test_xlsx_lists_every_unit_of_a_long_list(editor, organisation):
    from tests.units.test_figures import wide

    structure = wide(editor, organisation, 120)
    rows = sheet_rows(exporters.structure_xlsx(structure))
    start = next(i for i, r in enumerate(rows) if r[0] == "Enheder uden leder")
    listed = [r for r in rows[start + 3:] if r[0] and str(r[0]).startswith("Enhed ")]
    # Every even-numbered unit has no leader: 60 of them, not the page's 25.
    assert len([r for r in listed if r[1] and r[1].startswith("K")]) >= 60


def test_api_gives_the_figures(published, reader):
    api = APIClient()
    api.force_authenticate(reader)
    url = reverse("api:structure-figures", args=[published.pk])
    body = api.get(url).json()
    assert (body["units"], body["layers"], body["leaders"], body["headcount"]) == (8, 4, 6, 105)
    assert body["fte"] == "83.00" and body["overhead_share"] == "0.1333"
    span = body["people_per_leader"]
    assert (span["label"], span["minimum"], span["median"], span["maximum"]) == (
        "Medarbejdere pr. leder", 0, "8.0", 58)
    assert [(u["name"], u["code"], u["value"]) for u in span["above"]] == [
        ("Plejehjem Syd", "P2", 58)]
    assert body["units_per_leader"]["label"] == "Direkte underenheder pr. leder"
    assert [u["name"] for u in body["without_leader"]] == ["Direktionsstab", "Natteam"]
    assert [u["name"] for u in body["without_headcount"]] == ["Visitation"]
    assert {s["category"]: s["headcount"] for s in body["staff"]} == {
        "drift": 89, "administration": 10, "stab": 4, "myndighed": 0, "": 2}
    omr = Unit.objects.get(tree_id=published.pk, code="OMR")
    scoped = api.get(url, {"unit": omr.pk}).json()
    assert (scoped["scope_id"], scoped["units"], scoped["headcount"]) == (omr.pk, 4, 89)


def test_api_refuses_a_unit_outside_the_structure_and_a_malformed_one(published, draft,
                                                                      editor):
    api = APIClient()
    api.force_authenticate(editor)
    url = reverse("api:structure-figures", args=[published.pk])
    stranger = Unit.objects.get(tree_id=draft.pk, code="OMR")
    assert api.get(url, {"unit": stranger.pk}).status_code == 404
    response = api.get(url, {"unit": "x"})
    assert response.status_code == 400 and "unit" in response.json()


def test_api_schema_describes_the_figures(reader):
    api = APIClient()
    api.force_authenticate(reader)
    schema = api.get(reverse("api:schema"), {"format": "json"}).json()
    operation = schema["paths"]["/api/structures/{id}/figures/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"id", "unit"}
    assert "404" in operation["responses"]
    assert "people_per_leader" in schema["components"]["schemas"]["KeyFigures"]["properties"]


@pytest.mark.parametrize("who", ["reader", "manager", "med_member"])
def test_nobody_reads_the_figures_of_a_structure_they_may_not_see(who, request, client,
                                                                   draft, tmp_path):
    user = request.getfixturevalue(who)
    client.force_login(user)
    assert client.get(reverse("units:structure-detail", args=[draft.pk])).status_code == 404
    assert client.get(reverse("units:structure-pdf", args=[draft.pk])).status_code == 404
    assert client.get(reverse("units:structure-export",
                              args=[draft.pk, "xlsx"])).status_code == 404
    api = APIClient()
    api.force_authenticate(user)
    assert api.get(reverse("api:structure-figures", args=[draft.pk])).status_code == 404


def test_med_coverage_from_a_hidden_structure_is_not_counted_for_a_reader(
        editor, reader, published, draft, client):
    # A body defined against the hidden draft, covering a unit of the published structure:
    # a reader's figures count the unit as uncovered, as if the body did not exist.
    body = med_services.create_body(draft, name="Hemmeligt MED", level="lokal",
                                    valid_from=published.effective_date, user=editor)
    body.units.add(Unit.objects.get(tree_id=published.pk, code="OMR"))
    api = APIClient()
    url = reverse("api:structure-figures", args=[published.pk])
    api.force_authenticate(editor)
    assert len(api.get(url).json()["without_med_body"]) == 4
    api.force_authenticate(reader)
    assert len(api.get(url).json()["without_med_body"]) == 8
    client.force_login(reader)
    html = client.get(reverse("units:structure-detail", args=[published.pk])).content.decode()
    assert '<th scope="row">Enheder uden MED-udvalg</th><td class="num">8</td>' in html
    assert "Hemmeligt" not in html
    rows = sheet_rows(exporters.structure_xlsx(published, viewer=policy(reader)))
    assert ["Enheder uden MED-udvalg", 8] in [r[:2] for r in rows]
    assert not any("Hemmeligt" in str(v) for r in rows for v in r)


def test_api_figures_run_a_fixed_number_of_queries(editor, organisation):
    from tests.units.test_figures import wide

    api = APIClient()
    api.force_authenticate(editor)
    api.get(reverse("api:structure-list"))  # the editor's groups are read once
    counts = []
    for n in (5, 200):
        structure = wide(editor, organisation, n)
        with CaptureQueriesContext(connection) as ctx:
            assert api.get(reverse("api:structure-figures", args=[structure.pk])
                           ).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
