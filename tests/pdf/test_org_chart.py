"""Org chart PDFs rendered for real and read back as text."""

import datetime
import re
from collections import Counter

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils import timezone

from orgreg import pdf as renderer
from orgreg.text import danish_date
from tests import factories
from units import printing, services
from units.models import Unit
from units.services import bulk


def render(structure, user, read_pdf, **options):
    chart = printing.org_chart(structure, user, printing.parse_chart_options(options))
    fetcher = renderer.StaticOnlyURLFetcher()
    data = renderer.render_pdf("units/pdf_org_chart.html", chart.context, url_fetcher=fetcher)
    assert fetcher.refused == []
    return chart, read_pdf(data)


def test_published_structure_one_page(small, reader, read_pdf):
    structure, _ = small
    chart, pages = render(structure, reader, read_pdf, figures="0")
    assert len(pages) == 1
    text = pages[0]
    for name in ("Testkommune", "Afdeling A", "Team A1", "Team A2", "Afdeling B", "Team B1",
                 "Afdeling C"):
        assert name in text
    assert "Organisationsdiagram: Organisering 2024" in text
    assert "side 1 af 1" in text
    assert "Testkommune · Organisering 2024 (udmeldt)" in text
    assert "af laeser" in text
    assert "UDKAST" not in text and "I HØRING" not in text
    moment = renderer.moment_text(printing.data_moment(structure))
    assert f"Data pr. {moment}" in text
    assert "i alt 53" in text  # the root's subtree headcount


@pytest.mark.parametrize("status,stamp", [("draft", "UDKAST"), ("consultation", "I HØRING")])
def test_stamp_on_every_page(editor, status, stamp, read_pdf):
    structure, _ = factories.make_structure(editor, factories.wide_spec(120, fanout=6))
    if status != "draft":
        services.set_status(structure, status, user=editor)
        structure.refresh_from_db()
    _, pages = render(structure, editor, read_pdf, size="A4", orientation="portrait")
    assert len(pages) > 1
    for number, text in enumerate(pages, start=1):
        assert stamp in text
        assert f"side {number} af {len(pages)}" in text


def test_confidential_until_future(editor, read_pdf):
    future = timezone.localdate() + datetime.timedelta(days=30)
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"})
    services.update_structure(structure, user=editor, confidential_until=future)
    structure.refresh_from_db()
    _, pages = render(structure, editor, read_pdf)
    assert f"Fortroligt indtil {danish_date(future)}" in pages[0]

    services.update_structure(structure, user=editor,
                              confidential_until=timezone.localdate() - datetime.timedelta(1))
    structure.refresh_from_db()
    _, pages = render(structure, editor, read_pdf)
    assert "Fortroligt" not in pages[0]


def test_data_moment_tells_two_printouts_of_a_changing_draft_apart(editor, read_pdf):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"})
    _, before = render(structure, editor, read_pdf)
    services.update_unit(units["A"], user=editor, name="Afdeling Alfa")
    _, after = render(structure, editor, read_pdf)
    moment_before = re.search(r"Data pr\. ([^\n]+?\d\d\.\d\d\.\d\d)", before[0]).group(1)
    moment_after = re.search(r"Data pr\. ([^\n]+?\d\d\.\d\d\.\d\d)", after[0]).group(1)
    latest = Unit.history.filter(id=units["A"].pk).latest("history_date").history_date
    assert moment_after == renderer.moment_text(latest)
    assert printing.data_moment(structure) == latest
    assert moment_before <= moment_after


def test_wide_structure_paged_by_subtree_every_unit_once(editor, organisation, read_pdf):
    # 400 units, 12 areas under the root: far too wide for one A4 sheet.
    rows = [bulk.UnitRow("ROOT", None, {"name": "Forvaltningen", "code": "ROOT"})]
    n = 0
    for area in range(12):
        n += 1
        area_key = f"U{n}"
        rows.append(bulk.UnitRow(area_key, "ROOT", {"name": f"Område {area}", "code": area_key}))
        for _ in range(4):
            n += 1
            dept = f"U{n}"
            rows.append(bulk.UnitRow(dept, area_key, {"name": f"Afdeling {n}", "code": dept}))
            for _ in range(7):
                n += 1
                rows.append(bulk.UnitRow(f"U{n}", dept, {"name": f"Team {n}", "code": f"U{n}"}))
    structure = bulk.build_structure(organisation, name="Bred organisering",
                                     effective_date=datetime.date(2025, 1, 1), rows=rows,
                                     user=editor)
    chart, pages = render(structure, editor, read_pdf, size="A4", orientation="portrait",
                          figures="0")
    assert len(pages) == len(chart.pages) > 1
    codes = Counter(re.findall(r"Kode (U\d+|ROOT)\b", "\n".join(pages)))
    expected = {r.key for r in rows}
    assert set(codes) == expected, "a unit is missing from the PDF"
    assert all(count == 1 for count in codes.values()), "a unit is drawn twice"
    # Every continuation box names a page on which that unit's subtree goes on.
    refs = 0
    for number, text in enumerate(pages, start=1):
        for match in re.finditer(r"fortsætter på side (\d+)", text):
            refs += 1
            target = pages[int(match.group(1)) - 1]
            assert f"fortsat fra side {number}" in target
    assert refs >= len(pages) - 1
    assert "side 1 af" in pages[0] and f"side {len(pages)} af {len(pages)}" in pages[-1]


def test_depth_limit_and_subtree(small, editor, read_pdf):
    structure, units = small
    _, pages = render(structure, editor, read_pdf, depth="1")
    assert "Afdeling A" in pages[0] and "Team A1" not in pages[0]
    assert "+ 2 underenheder ikke vist" in pages[0]
    assert "1 niveau under toppen" in pages[0]
    _, pages = render(structure, editor, read_pdf, unit=str(units["A"].pk))
    assert "Team A1" in pages[0] and "Afdeling B" not in pages[0]
    assert "Organisationsdiagram: Afdeling A" in pages[0]


def test_unit_of_another_structure_is_refused(small, editor):
    structure, _ = small
    other, other_units = factories.make_structure(editor, {"X": "X"})
    with pytest.raises(ValidationError):
        printing.org_chart(structure, editor, printing.OrgChartOptions(under=other_units["X"].pk))


def test_header_text_page_size_and_badges(reorg, editor, read_pdf):
    _, new, _ = reorg
    chart = printing.org_chart(new, editor, printing.parse_chart_options(
        {"size": "A3", "orientation": "landscape",
         "header": "Bilag 2.1 til HovedMED 13. november 2024"}))
    document = renderer.render_document("units/pdf_org_chart.html", chart.context)
    assert round(document.pages[0].width * 25.4 / 96) == 420
    text = read_pdf(document.write_pdf())[0]
    assert "Bilag 2.1 til HovedMED 13. november 2024" in text
    assert "Mærker viser ændringer i forhold til Organisering 2024" in text
    for label in ("Ny", "Sammenlagt", "Delt", "Flyttet", "Omdøbt"):
        assert re.search(rf"\b{label}\b", text)
    assert "UDKAST" in text


def test_structure_as_recorded_at_a_past_moment(editor, read_pdf):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"})
    sent = timezone.now()
    services.update_unit(units["A"], user=editor, name="Afdeling Alfa")
    services.add_unit(units["ROOT"], name="Senere enhed", user=editor)
    _, pages = render(structure, editor, read_pdf, at=sent.isoformat())
    text = pages[0]
    assert "Afdeling A" in text and "Alfa" not in text and "Senere enhed" not in text
    assert f"Som registreret {renderer.moment_text(sent)}" in text
    assert f"Data pr. {renderer.moment_text(sent)}" in text


def test_recorded_draft_days_of_a_published_structure_stay_hidden(editor, reader):
    structure, _ = factories.make_structure(editor, {"A": "Afdeling A"})
    while_draft = timezone.now()
    services.set_status(structure, "published", user=editor)
    structure.refresh_from_db()
    with pytest.raises(Http404):
        printing.org_chart(structure, reader, printing.OrgChartOptions(at=while_draft))
    assert printing.org_chart(structure, reader, printing.OrgChartOptions()).pages


def test_hostile_unit_names_are_printed_as_text(editor, read_pdf):
    hostile = ['<img src=file:///etc/passwd>', '<script>alert(1)</script>',
               '<link rel="stylesheet" href="http://example.com/x.css">']
    structure, _ = factories.make_structure(
        editor, {f"H{i}": name for i, name in enumerate(hostile)})
    _, pages = render(structure, editor, read_pdf)  # asserts that nothing was fetched
    text = pages[0]
    for name in hostile:
        # Long names wrap; compare without the layout's line breaks.
        assert name.replace(" ", "") in re.sub(r"\s+", "", text)


@pytest.mark.parametrize("options,message", [
    ({"size": "A5"}, "A4 eller A3"), ({"orientation": "diagonal"}, "stående eller liggende"),
    ({"depth": "-1"}, "helt tal"), ({"depth": "to"}, "helt tal"), ({"at": "i går"}, "2024-11-08"),
    ({"header": "x" * 161}, "160 tegn"),
])
def test_bad_options_are_refused_in_danish(options, message):
    with pytest.raises(ValidationError) as raised:
        printing.parse_chart_options(options)
    assert message in " ".join(raised.value.messages)
