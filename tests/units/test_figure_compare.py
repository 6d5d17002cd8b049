"""Key figures before and after (units.selectors.figure_compare), hand-checked on a small
tree with a merger, a split, a closed unit, a leaderless unit and one without staff; inside a
unit's scope; on the compare page and in its PDF alike."""

from __future__ import annotations

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from tests import factories
from tests.pdf.conftest import pdf_pages
from units import printing, selectors, services

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def before_after(editor, organisation):
    """Old (published 2024):            New (draft 2025):
    ROOT Kommune 2, Ane                 ROOT Kommune 2, Ane
      A Område A 10, Lis (drift)          A Område A 10, Lis
        A1 Team A1 4, no leader             Team A 10, Bo   (A1 and A2 merged)
        A2 Team A2 6, Bo                  B Område B Nord 12, Kim (60 % of B)
      B Område B 20, Kim (adm.)           Område B Syd 8, no leader (40 % of B)
      C Stab C 0, no leader (stab)      (C closed)
    """
    old, units = factories.make_structure(
        editor, {"A": ("Område A", 10, {"A1": ("Team A1", 4), "A2": ("Team A2", 6)}),
                 "B": ("Område B", 20), "C": ("Stab C", 0)},
        organisation=organisation, name="Før 2024")
    for code, fields in {"ROOT": {"leader_name": "Ane", "leader_title": "Direktør",
                                  "headcount": 2},
                         "A": {"leader_name": "Lis", "category": "drift"},
                         "A1": {"category": "drift"},
                         "A2": {"leader_name": "Bo", "category": "drift"},
                         "B": {"leader_name": "Kim", "category": "administration"},
                         "C": {"category": "stab"}}.items():
        services.update_unit(units[code], user=editor, **fields)
    old = services.set_status(old, "published", user=editor)
    new = services.copy_structure(old, name="Efter 2025", effective_date=datetime.date(2025, 1, 1),
                                  user=editor)
    unit = {u.code: u for u in new.units.all()}
    services.merge_units([unit["A1"], unit["A2"]], into="Team A", user=editor,
                         reason="Lagt sammen.", leader_name="Bo")
    services.split_unit(unit["B"], [{"name": "Område B Nord", "share": 60, "headcount": 12},
                                    {"name": "Område B Syd", "share": 40, "headcount": 8,
                                     "leader_name": ""}],
                        user=editor, reason="Delt.")
    services.close_unit(unit["C"], user=editor, reason="Nedlagt.")
    return old, new


def rows_by_key(result) -> dict[str, tuple]:
    return {row.key: row.values for row in result.rows}


def test_the_figures_old_and_new_by_hand(before_after):
    old, new = before_after
    result = selectors.figures_before_after(selectors.compare(old, new))
    values = rows_by_key(result)
    assert values["units"] == (6, 5)
    assert values["layers"] == (3, 3)
    assert values["leaders"] == (4, 4)
    assert values["operating-leaders"] == (2, 2)  # Lis and Bo, before and after
    # People per leader. Before: Ane 2 (+ Stab C's 0), Lis 10 + Team A1's 4, Bo 6, Kim 20.
    # After: Ane 2 + Område B Syd's 8, Lis 10, Bo 10, Kim 12.
    assert values["people-median"] == (Decimal(10), Decimal(10))
    assert values["people-max"] == (20, 12)
    # Direct sub-units per leader. Before: Ane 3, Lis 2. After: Ane 3, Lis 1.
    assert values["units-median"] == (Decimal("2.5"), Decimal(2))
    assert values["units-max"] == (3, 3)
    assert values["headcount"] == (42, 42)
    assert values["staff-drift"] == (20, 20)
    assert values["staff-administration"] == (20, 20)
    assert values["staff-stab"] == (0, 0)
    assert values["staff-none"] == (2, 2)
    assert values["overhead"] == (Decimal("47.6"), Decimal("47.6"))
    assert values["without-leader"] == (2, 1)  # Team A1 and Stab C; Område B Syd
    assert values["without-headcount"] == (1, 0)  # Stab C
    assert "without-med" not in values  # not asked for


def test_differences_are_written_with_their_sign(before_after):
    old, new = before_after
    rows = {r.key: r for r in selectors.figures_before_after(selectors.compare(old, new)).rows}
    assert rows["units"].difference_texts == ("", "−1")
    assert rows["units"].differs == (False, True)
    assert rows["headcount"].difference_texts == ("", "±0")
    assert rows["units-median"].difference_texts == ("", "−0,5")
    assert rows["without-leader"].cells == ("2", "1")
    assert rows["overhead"].cells == ("47,6 %", "47,6 %")


def test_units_without_a_med_body_count_the_coverage_the_viewer_may_see(before_after, editor):
    from med import services as med_services

    old, new = before_after
    root = new.units.get(parent=None)
    area = new.units.get(name="Område A")
    med_services.create_body(new, name="LokalMED A", level="lokal",
                             valid_from=datetime.date(2025, 1, 1), user=editor, units=[area])
    assert root  # the root is not covered: only Område A and Team A are
    comparison = selectors.compare(old, new)
    rules = selectors.figures_before_after(
        comparison, old_med=selectors.med_covered_intervals(old),
        new_med=selectors.med_covered_intervals(new)).rows
    assert next(r for r in rules if r.key == "without-med").values == (6, 3)


def test_a_scope_in_the_newer_structure_counts_what_it_was_made_from(before_after):
    old, new = before_after
    comparison = selectors.compare(old, new)
    area = next(n for n in comparison.new_tree if n.name == "Område A")
    scope = selectors.comparison_scope(comparison, area.id)
    assert [n.name for n in scope.new_nodes] == ["Område A", "Team A"]
    assert [n.name for n in scope.old_nodes] == ["Område A", "Team A1", "Team A2"]
    values = rows_by_key(selectors.figures_before_after(comparison, scope=scope))
    assert values["units"] == (3, 2)
    assert values["layers"] == (2, 2)
    assert values["leaders"] == (2, 2)
    assert values["headcount"] == (20, 20)
    assert values["without-leader"] == (1, 0)
    assert values["people-max"] == (14, 10)


def test_a_scope_in_the_older_structure_counts_what_it_becomes(before_after):
    old, new = before_after
    comparison = selectors.compare(old, new)
    b = next(n for n in comparison.old_tree if n.name == "Område B")
    scope = selectors.comparison_scope(comparison, str(b.id))
    assert [n.name for n in scope.new_nodes] == ["Område B Nord", "Område B Syd"]
    assert all(n.level == 0 for n in scope.new_nodes)
    values = rows_by_key(selectors.figures_before_after(comparison, scope=scope))
    assert values["units"] == (1, 2)
    assert values["layers"] == (1, 1)
    assert values["headcount"] == (20, 20)
    assert values["without-leader"] == (0, 1)
    closed = next(n for n in comparison.old_tree if n.name == "Stab C")
    nothing = selectors.comparison_scope(comparison, closed.id)
    assert nothing.new_nodes == ()
    assert rows_by_key(selectors.figures_before_after(comparison, scope=nothing))["units"] \
        == (1, 0)
    assert selectors.comparison_scope(comparison, 10**9) is None


def test_the_scope_takes_closed_units_below_what_it_was_made_from(editor, organisation):
    old, units = factories.make_structure(
        editor, {"A": ("Område A", 5, {"A1": ("Team A1", 3), "A2": ("Team A2", 2)})},
        organisation=organisation, name="Før")
    new = services.copy_structure(old, name="Efter", effective_date=datetime.date(2025, 1, 1),
                                  user=editor)
    services.close_unit(new.units.get(code="A2"), user=editor, reason="Nedlagt.")
    comparison = selectors.compare(old, new)
    area = next(n for n in comparison.new_tree if n.name == "Område A")
    scope = selectors.comparison_scope(comparison, area.id)
    assert [n.name for n in scope.old_nodes] == ["Område A", "Team A1", "Team A2"]


def cells_of(html: str, key: str) -> list[str]:
    """The cells of the figure row `key` on a page, as text."""
    row = re.search(rf'<tr class="figure-{key}[^"]*">(.*?)</tr>', html, re.S).group(1)
    return [" ".join(unescape(re.sub(r"<[^>]+>", "", c)).split())
            for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_the_page_and_the_pdf_show_the_same_figures_and_pictures(client, editor,
                                                                 before_after, tmp_path):
    old, new = before_after
    client.force_login(editor)
    page = client.get(reverse("units:structure-compare", args=[old.pk, new.pk])).content.decode()
    assert "Nøgletal før og efter" in page
    assert cells_of(page, "units") == ["6", "5 (−1)"]
    assert cells_of(page, "without-leader") == ["2", "1 (−1)"]
    assert cells_of(page, "headcount") == ["42", "42 (±0)"]
    pdf = "\n".join(pdf_pages(printing.compare_pdf(old, new, editor), tmp_path))
    result = selectors.figures_before_after(selectors.compare(old, new))
    for row in result.rows:
        assert cells_of(page, row.key)[0] == row.cells[0]
        line = next(line for line in pdf.splitlines()
                    if re.match(rf"\s*{re.escape(row.label)}\s{{2,}}\S", line))
        assert " ".join(line.split()).endswith(
            " ".join(f"{c} ({d})" if d else c for c, d in zip(row.cells, row.difference_texts,
                                                              strict=True))), line
    # Four pictures on the page, each with its numbers: staff per category first.
    svgs = re.findall(r"<svg .*?</svg>", page, re.S)
    assert len(svgs) == 4
    staff = ET.fromstring(svgs[0])
    assert staff.get("role") == "img"
    values = [r.get("data-value") for r in staff.iter(f"{SVG}rect") if r.get("data-value")]
    assert values == ["20", "20", "20", "20", "0", "0", "0", "0", "2", "2"]
    assert "Drift: Før 20, Efter 20" in staff.get("aria-label")
    # The same pictures' tables in the PDF.
    assert "Medarbejdere pr. kategori" in pdf and "Enheder pr. niveau" in pdf


def test_the_page_and_the_pdf_show_a_scope(client, editor, before_after, tmp_path):
    old, new = before_after
    area = new.units.get(name="Område A")
    client.force_login(editor)
    url = reverse("units:structure-compare", args=[old.pk, new.pk])
    page = client.get(url, {"unit": area.pk}).content.decode()
    assert "Nøgletal før og efter under Område A" in page
    assert cells_of(page, "units") == ["3", "2 (−1)"]
    response = client.get(reverse("units:compare-pdf", args=[old.pk, new.pk]),
                          {"unit": area.pk})
    pdf = "\n".join(pdf_pages(response.content, tmp_path))
    assert "Nøgletal før og efter under Område A" in pdf
    line = next(line for line in pdf.splitlines() if re.match(r"\s*Enheder\s{2,}\S", line))
    assert line.split()[-3:] == ["3", "2", "(−1)"]
    # Rows of the scope only.
    assert "Område B Syd" not in pdf.split("Nøgletal før og efter")[0]
    missing = client.get(reverse("units:compare-pdf", args=[old.pk, new.pk]), {"unit": "999999"})
    assert missing.status_code == 404
