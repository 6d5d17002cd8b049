"""One answer from every way out (issue 10, point 6).

One small structure and a decided structure based on it, built through the services, with
(a) a unit that has a 0 % predecessor, (b) a 5-person unit split 50/50 and (c) a merger whose
result lies under another forvaltning. The comparison page, the comparison PDF, the chart
badges (page and paper), Min enhed, the notice PDF, the XLSX export and the API must say the
same kind for every unit and the same number of people for every line.

    Kommunen (ROOT)
      Socialforvaltningen (F1)
        Center A (A, 8)      ← also gets Center P's tasks with 0 % of its staff (a)
        Center P (P, 4)      closed as a unit; its only succession is the 0 % one to Center A
        Center S (S, 5)      split 50/50 into Center S Nord and Center S Syd (b)
        Center M (M, 6)      merged into Center N, under Sundhedsforvaltningen (c)
      Sundhedsforvaltningen (F2)
        Center N (N, 10)

By the one rule (units.changes), a 0 % succession is a link: Center P and Center A are both
merged (into Center A), and Center P moves no one; Center S is split 3 + 2 (units.shares).
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories
from tests.pdf.conftest import pdf_pages
from tests.units.test_services import by_code
from units import printing, services, shares

pytestmark = pytest.mark.django_db

SPEC = {
    "F1": ("Socialforvaltningen", 0, {
        "A": ("Center A", 8), "P": ("Center P", 4), "S": ("Center S", 5), "M": ("Center M", 6),
    }),
    "F2": ("Sundhedsforvaltningen", 0, {"N": ("Center N", 10)}),
}

# Old unit → [(new unit, kind label, share, people moving)], the hand-checked answer.
LINES = {
    "Kommunen": [("Kommunen", "Uændret", Decimal(100), 0)],
    "Socialforvaltningen": [("Socialforvaltningen", "Uændret", Decimal(100), 0)],
    "Center A": [("Center A", "Sammenlagt", Decimal(100), 8)],
    "Center P": [("Center A", "Sammenlagt", Decimal(0), 0)],
    "Center S": [("Center S Nord", "Delt", Decimal(50), 3),
                 ("Center S Syd", "Delt", Decimal(50), 2)],
    "Center M": [("Center N", "Sammenlagt", Decimal(100), 6)],
    "Sundhedsforvaltningen": [("Sundhedsforvaltningen", "Uændret", Decimal(100), 0)],
    "Center N": [("Center N", "Sammenlagt", Decimal(100), 10)],
}
# The badges of the new structure's units (no badge: unchanged).
BADGES = {"Center A": "Sammenlagt", "Center S Nord": "Delt", "Center S Syd": "Delt",
          "Center N": "Sammenlagt"}
COUNTS = {"Ny": 0, "Nedlagt": 0, "Sammenlagt": 4, "Delt": 1, "Flyttet": 0, "Omdøbt": 0,
          "Uændret": 3}


@pytest.fixture
def world(editor):
    organisation = factories.make_organisation(editor, "Kommunen")
    old, old_units = factories.make_structure(editor, SPEC, organisation=organisation,
                                              status="published")
    new = services.copy_structure(old, name="Ny organisering 2025", user=editor,
                                  effective_date=datetime.date(2025, 1, 1))
    u = by_code(new)
    # (a) Center P closes; its tasks go to Center A with none of its staff.
    services.close_unit(u["P"], user=editor)
    services.set_predecessors(u["A"], [(old_units["A"], 100), (old_units["P"], 0)],
                              user=editor)
    # (b) Center S is split in two halves.
    services.split_unit(u["S"], [{"name": "Center S Nord", "share": 50},
                                 {"name": "Center S Syd", "share": 50, "code": "SS"}],
                        user=editor)
    # (c) Center M joins Center N, in the other forvaltning.
    services.merge_units([u["M"], u["N"]], into=u["N"], user=editor)
    services.set_status(new, "consultation", user=editor)
    new = services.set_status(new, "approved", user=editor)
    return old, new, old_units


def test_the_split_is_stored_as_three_and_two(world):
    _, new, _ = world
    u = by_code(new)
    assert (u["S"].name, u["S"].headcount, u["SS"].headcount) == ("Center S Nord", 3, 2)


def share(value) -> str:
    return shares.share_text(Decimal(str(value)))


def expected_lines() -> dict[str, list[tuple[str, str, str, int]]]:
    """LINES with the share as the pages write it."""
    return {old: [(new, label, share(s), people) for new, label, s, people in lines]
            for old, lines in LINES.items()}


def expected_staff() -> dict[str, list[tuple[str, int]]]:
    return {old: [(new, people) for new, _, _, people in lines] for old, lines in LINES.items()}


# --- reading the answers back ---------------------------------------------------------------


class _Cells(HTMLParser):
    """The rows of the first <table class="compare">: each cell as its lines (split at <br>),
    leaving out the muted unit codes."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[list[str]]] = []
        self._in_table = self._muted = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == "compare":
            self._in_table = True
        elif self._in_table and tag == "tr":
            self.rows.append([])
        elif self._in_table and tag == "td":
            self._cell = [""]
        elif self._cell is not None and tag == "br":
            self._cell.append("")
        elif self._cell is not None and tag == "span" and "muted" in attrs.get("class", ""):
            self._muted = True

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag == "td" and self._cell is not None:
            self.rows[-1].append([" ".join(part.split()) for part in self._cell])
            self._cell = None
        elif tag == "span":
            self._muted = False

    def handle_data(self, data):
        if self._cell is not None and not self._muted:
            self._cell[-1] += data


def page_lines(html: str) -> dict[str, list[tuple[str, str, str, int]]]:
    parser = _Cells()
    parser.feed(html)
    found = {}
    for cells in parser.rows[1:]:  # the header row has no <td>
        label, old, _headcount, news, row_shares, staff = (c for c in cells)
        found[old[0]] = [(new, label[0], s, int(n))
                         for new, s, n in zip(news, row_shares, staff, strict=True)]
    return found


def page_counts(html: str) -> dict[str, int]:
    return {label: int(count) for label, count in re.findall(
        r'<span class="badge badge-\w+">([^<]+)</span> <strong>(\d+)</strong></a></li>', html)}


LABELS = "Ny|Nedlagt|Sammenlagt|Delt|Flyttet|Omdøbt|Uændret"
PDF_FIRST = re.compile(rf"^ (?P<old>\S.*?)\s{{2,}}(?P<headcount>\d+)\s+(?P<label>{LABELS})\s+"
                       r"(?P<new>\S.*?)\s{2,}(?P<share>[\d,]+ ?%)\s+(?P<staff>\d+)$")
PDF_MORE = re.compile(r"^\s{20,}(?P<new>\S.*?)\s{2,}(?P<share>[\d,]+ ?%)\s+(?P<staff>\d+)$")


def without_code(text: str) -> str:
    """'Center S Nord S' → 'Center S Nord': pdftotext runs a unit's code into its name."""
    return text.rsplit(" ", 1)[0]


def pdf_lines(text: str) -> dict[str, list[tuple[str, str, str, int]]]:
    found: dict[str, list] = {}
    last = None
    for line in text.split("Fra gammel til ny enhed", 1)[1].splitlines():
        first, more = PDF_FIRST.match(line), PDF_MORE.match(line)
        if first:
            last = without_code(first["old"])
            found[last] = [(without_code(first["new"]), first["label"],
                            first["share"].replace(" ", "").replace("%", " %"),
                            int(first["staff"]))]
        elif more and last is not None:
            found[last].append((without_code(more["new"]), found[last][0][1],
                                more["share"].replace(" ", "").replace("%", " %"),
                                int(more["staff"])))
    return found


def pdf_counts(text: str) -> dict[str, int]:
    head = text.split("Fra gammel til ny enhed")[0].splitlines()
    header = next(i for i, line in enumerate(head) if "Sammenlagt" in line)
    labels = [w for w in head[header].split() if w in LABELS.split("|")]
    numbers = next(line for line in head[header + 1:] if line.strip()).split()
    return dict(zip(labels, map(int, numbers[:len(labels)]), strict=True))


def chart_page_badges(html: str) -> dict[str, str | None]:
    return {name: label for _kind, label, name in re.findall(
        r'class="oc-box[^"]*" id="u-\d+">(?:<span class="badge badge-(\w+)">([^<]+)</span>)?'
        r'<a class="oc-name" href="[^"]+">([^<]+)</a>', html)}


def chart_pdf_badges(text: str, names: list[str]) -> dict[str, str]:
    """Badge → unit on the drawn chart: a badge stands at the top right of its box, so it
    belongs to the unit named on the next line, the rightmost one starting left of it."""
    lines = text.splitlines()
    found = {}
    for index, line in enumerate(lines):
        for match in re.finditer(rf"\b({LABELS})\b", line):
            below = next((ln for ln in lines[index + 1:] if ln.strip()), "")
            starts = [(below.find(name), name) for name in names if f" {name} " in f"{below} "]
            starts = [(col, name) for col, name in starts if 0 <= col <= match.start()]
            if starts and index > 2:  # the legend on top names no unit
                found[max(starts)[1]] = match[1]
    return found


def notice_lines(pages: list[str]) -> dict[str, list[tuple[str, str, int | None]]]:
    """old unit → [(new unit, kind label, people when the notice says)] from notice pages."""
    found = {}
    for page in pages:
        body = page.split("ORIENTERING OM NY ORGANISERING", 1)[1]
        old = next(line.strip() for line in body.splitlines() if line.strip())
        lines = []
        for line in body.splitlines():
            if m := re.match(r"^\s*Ny enhed\s{2,}(.+?)\s*$", line):
                lines.append([m[1], None, None])
            elif m := re.match(rf"^\s*Ændring\s{{2,}}({LABELS})\s*$", line):
                lines[-1][1] = m[1]
            elif m := re.match(r"^\s*Andel\s{2,}([\d,]+ ?%) af medarbejderne \(ca\. (\d+)\)", line):
                lines[-1][2] = int(m[2])
        found[old] = [tuple(x) for x in lines]
    return found


def answer_lines(html: str) -> list[tuple[str, str, str, int, str]]:
    """(new unit, kind label, place, people, sentence) of each placement on Min enhed."""
    found = []
    for block in html.split('<div class="placement">')[1:]:
        sentence = re.search(r'<p class="answer-line">(.*?)<span class="badge', block, re.S)[1]
        new = re.search(r'<a href="/unit/\d+/"><strong>([^<]+)</strong></a>', sentence)[1]
        label = re.search(r'<span class="badge badge-\w+">([^<]+)</span></p>', block)[1]
        place = re.search(r"<dt>Placering i organisationen</dt><dd>([^<]+)</dd>", block)[1]
        people = int(re.search(r"Medarbejdere, der følger med</dt><dd>(\d+) af", block)[1])
        text = " ".join(re.sub(r"<[^>]+>", "", sentence).split())
        found.append((new, label, place, people, text))
    return found


# --- the answers ------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, editor):
    client.force_login(editor)
    return client


def test_comparison_page(world, logged_in):
    old, new, _ = world
    html = logged_in.get(reverse("units:structure-compare", args=[old.pk, new.pk])
                         + "?kind=all").content.decode()
    assert page_lines(html) == expected_lines()
    assert page_counts(html) == COUNTS
    # Filtering by a kind shows the rows counted under it.
    html = logged_in.get(reverse("units:structure-compare", args=[old.pk, new.pk])
                         + "?kind=merged").content.decode()
    assert sorted(page_lines(html)) == ["Center A", "Center M", "Center N", "Center P"]


def test_comparison_pdf(world, logged_in, tmp_path):
    old, new, _ = world
    data = logged_in.get(reverse("units:compare-pdf", args=[old.pk, new.pk])).content
    text = "\n".join(pdf_pages(data, tmp_path))
    assert pdf_lines(text) == expected_lines()
    assert pdf_counts(text) == COUNTS


def test_chart_badges_on_the_page_and_on_paper(world, logged_in, editor, tmp_path):
    _, new, _ = world
    html = logged_in.get(reverse("units:structure-detail", args=[new.pk]) + "?depth=30"
                         ).content.decode()
    names = ["Kommunen", "Socialforvaltningen", "Center A", "Center S Nord", "Center S Syd",
             "Sundhedsforvaltningen", "Center N"]
    assert chart_page_badges(html) == {name: BADGES.get(name, "") for name in names}
    chart = printing.org_chart(new, editor, printing.parse_chart_options({}))
    assert {u.node.name: u.badge for u in chart.chart.walk() if u.badge} == BADGES
    data = logged_in.get(reverse("units:structure-pdf", args=[new.pk])).content
    [page] = pdf_pages(data, tmp_path)
    assert chart_pdf_badges(page, names) == BADGES


def test_min_enhed(world, logged_in, on_date):
    _, _, old_units = world
    on_date(datetime.date(2024, 12, 1))  # before the new structure takes effect
    for code, unit in old_units.items():
        html = logged_in.get(reverse("units:my-unit") + f"?unit={unit.pk}").content.decode()
        got = answer_lines(html)
        assert [(new, label) for new, label, *_ in got] == [
            (new, label) for new, label, _, _ in LINES[unit.name]], code
        assert [(new, people) for new, _, _, people, _ in got] == expected_staff()[unit.name]
    html = logged_in.get(reverse("units:my-unit") + f"?unit={old_units['S'].pk}").content.decode()
    assert [text for *_, text in answer_lines(html)] == [
        "Fra 1. januar 2025 går 50 % af medarbejderne i Center S til Center S Nord under "
        "Socialforvaltningen.",
        "Fra 1. januar 2025 går 50 % af medarbejderne i Center S til Center S Syd under "
        "Socialforvaltningen.",
    ]
    html = logged_in.get(reverse("units:my-unit") + f"?unit={old_units['M'].pk}").content.decode()
    [(_, _, place, _, text)] = answer_lines(html)
    assert place == "Kommunen › Sundhedsforvaltningen › Center N"
    assert text == ("Fra 1. januar 2025 lægges Center M sammen med Center N under "
                    "Sundhedsforvaltningen.")
    html = logged_in.get(reverse("units:my-unit") + f"?unit={old_units['P'].pk}").content.decode()
    [(_, _, _, people, text)] = answer_lines(html)
    assert people == 0
    assert text == ("Fra 1. januar 2025 lægges Center P sammen med Center A under "
                    "Socialforvaltningen.")


def test_notice_pdf(world, logged_in, tmp_path):
    _, new, _ = world
    data = logged_in.get(reverse("units:structure-notices-pdf", args=[new.pk])).content
    pages = pdf_pages(data, tmp_path)
    found = notice_lines(pages)
    # A notice gives the people moving when the unit is divided.
    assert found == {old: [(new_name, label, people if len(lines) > 1 else None)
                           for new_name, label, _, people in lines]
                     for old, lines in LINES.items()}
    page_m = next(p for p in pages if "kode M" in p)
    assert re.search(r"Ny placering\s+Kommunen › Sundhedsforvaltningen\n", page_m)


def test_xlsx_export(world, logged_in):
    old, new, _ = world
    data = logged_in.get(reverse("units:compare-export", args=[old.pk, new.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    found: dict[str, list] = {}
    for row in list(book["Sammenligning"].iter_rows(values_only=True))[1:]:
        _, old_name, _, new_name, label, row_share, people = row
        found.setdefault(old_name, []).append((new_name, label, share(row_share), people))
    assert found == expected_lines()
    summary = {r[0]: r[1] for r in book["Oversigt"].iter_rows(values_only=True)}
    assert {label: summary[label] for label in COUNTS} == COUNTS


def test_api(world, editor):
    old, new, old_units = world
    api = APIClient()
    api.force_authenticate(editor)
    data = api.get(reverse("api:structure-compare", args=[old.pk, new.pk])).json()
    found: dict[str, list] = {}
    for row in data["rows"]:
        found.setdefault(row["old"]["name"], []).append(
            (row["new"]["name"], row["kind_label"], share(row["share"]), row["headcount"]))
    assert found == expected_lines()
    labels = dict(zip(["new", "closed", "merged", "split", "moved", "renamed", "continued"],
                      COUNTS, strict=True))
    assert {labels[k]: n for k, n in data["counts"].items()} == COUNTS
    for code, unit in old_units.items():
        placements = api.get(reverse("api:unit-placement", args=[unit.pk]),
                             {"target": new.pk}).json()
        assert [(p["unit"]["name"], p["kind_label"], share(p["share"]), p["staff"])
                for p in placements] == expected_lines()[unit.name], code
    [m] = api.get(reverse("api:unit-placement", args=[old_units["M"].pk]),
                  {"target": new.pk}).json()
    assert [a["name"] for a in m["path"]] == ["Kommunen", "Sundhedsforvaltningen"]
