"""One answer from every way out (issue 10, point 6; issue 12, points 1 and 2).

One small structure and a decided structure based on it, built through the services, with
(a) a unit that has a 0 % predecessor, (b) a 5-person unit split 50/50, (c) a merger whose
result lies under another forvaltning, (d) a unit renamed and moved, and (e) one renamed
only. The comparison page, the comparison PDF, the chart badges (page and paper), Min
enhed, the notice PDF, the XLSX export and the API must say the same kinds for every unit
and the same number of people for every line.

    Kommunen (ROOT)
      Socialforvaltningen (F1)
        Center A (A, 8)      ← also gets Center P's tasks with 0 % of its staff (a)
        Center P (P, 4)      closed as a unit; its only succession is the 0 % one to Center A
        Center S (S, 5)      split 50/50 into Center S Nord and Center S Syd (b)
        Center M (M, 6)      merged into Center N, under Sundhedsforvaltningen (c)
        Center R (R, 7)      becomes Center R Ny under Sundhedsforvaltningen (d)
      Sundhedsforvaltningen (F2)
        Center N (N, 10)
        Center Q (Q, 3)      becomes Center Q2 (e)

By the one rule (units.changes), a 0 % succession is a link: Center P and Center A are both
merged (into Center A), and Center P moves no one; Center S is split 3 + 2 (units.shares).
Center M is merged and moved (its new parent is not where its old parent went, whatever else
happened); Center N, which took it in, stays where it was and is merged only.
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
        "R": ("Center R", 7),
    }),
    "F2": ("Sundhedsforvaltningen", 0, {"N": ("Center N", 10), "Q": ("Center Q", 3)}),
}

UNCHANGED, MERGED, SPLIT = ("Uændret",), ("Sammenlagt",), ("Delt",)
# Old unit → [(new unit, kind labels, share, people moving, the new unit's total)], the
# hand-checked answer.
LINES = {
    "Kommunen": [("Kommunen", UNCHANGED, Decimal(100), 0, 0)],
    "Socialforvaltningen": [("Socialforvaltningen", UNCHANGED, Decimal(100), 0, 0)],
    "Center A": [("Center A", MERGED, Decimal(100), 8, 8)],
    "Center P": [("Center A", MERGED, Decimal(0), 0, 8)],
    "Center S": [("Center S Nord", SPLIT, Decimal(50), 3, 3),
                 ("Center S Syd", SPLIT, Decimal(50), 2, 2)],
    "Center M": [("Center N", ("Sammenlagt", "Flyttet"), Decimal(100), 6, 16)],
    "Center R": [("Center R Ny", ("Flyttet", "Omdøbt"), Decimal(100), 7, 7)],
    "Sundhedsforvaltningen": [("Sundhedsforvaltningen", UNCHANGED, Decimal(100), 0, 0)],
    "Center N": [("Center N", MERGED, Decimal(100), 10, 16)],
    "Center Q": [("Center Q2", ("Omdøbt",), Decimal(100), 3, 3)],
}
# The badges of the new structure's units (no badge: unchanged).
BADGES = {"Center A": MERGED, "Center S Nord": SPLIT, "Center S Syd": SPLIT,
          "Center N": MERGED, "Center R Ny": ("Flyttet", "Omdøbt"), "Center Q2": ("Omdøbt",)}
# Every kind is counted among the old structure's units, "Ny" among the new one's.
COUNTS = {"Ny": 0, "Nedlagt": 0, "Sammenlagt": 4, "Delt": 1, "Flyttet": 2, "Omdøbt": 2,
          "Uændret": 3}
# The lines that change parent: (old unit, old parent, new unit, new parent).
MOVED = [("Center M", "Socialforvaltningen", "Center N", "Sundhedsforvaltningen"),
         ("Center R", "Socialforvaltningen", "Center R Ny", "Sundhedsforvaltningen")]


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
    # (d) Center R is renamed and moves to the other forvaltning; (e) Center Q is renamed.
    services.update_unit(u["R"], name="Center R Ny", user=editor)
    services.move_unit(by_code(new)["R"], u["F2"], user=editor)
    services.update_unit(u["Q"], name="Center Q2", user=editor)
    services.set_status(new, "consultation", user=editor)
    new = services.set_status(new, "approved", user=editor)
    return old, new, old_units


def test_the_split_is_stored_as_three_and_two(world):
    _, new, _ = world
    u = by_code(new)
    assert (u["S"].name, u["S"].headcount, u["SS"].headcount) == ("Center S Nord", 3, 2)


def share(value) -> str:
    return shares.share_text(Decimal(str(value)))


def expected_lines() -> dict[str, list[tuple[str, tuple[str, ...], str, int, int]]]:
    """LINES with the share as the pages write it."""
    return {old: [(new, labels, share(s), people, total)
                  for new, labels, s, people, total in lines]
            for old, lines in LINES.items()}


def expected_staff() -> dict[str, list[tuple[str, int]]]:
    return {old: [(new, people) for new, _, _, people, _ in lines]
            for old, lines in LINES.items()}


def row_labels() -> dict[str, tuple[str, ...]]:
    """Each old unit's kinds, as its row on the page shows them: those of all its lines."""
    order = ["Sammenlagt", "Delt", "Flyttet", "Omdøbt", "Uændret"]
    return {old: tuple(k for k in order if any(k in labels for _, labels, *_ in lines))
            for old, lines in LINES.items()}


# --- reading the answers back ---------------------------------------------------------------


class _Cells(HTMLParser):
    """The rows of the first <table class="`table`">: each cell as its lines (split at
    <br>), leaving out the muted unit codes."""

    def __init__(self, table: str = "compare"):
        super().__init__()
        self.table = table
        self.rows: list[list[list[str]]] = []
        self._in_table = self._muted = False
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and attrs.get("class") == self.table:
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


def table_cells(html: str, table: str = "compare") -> list[list[list[str]]]:
    parser = _Cells(table)
    parser.feed(html)
    return [cells for cells in parser.rows if cells]  # the header row has no <td>


def page_lines(html: str) -> dict[str, list[tuple[str, tuple[str, ...], str, int, int]]]:
    found = {}
    for cells in table_cells(html):
        if len(cells) == 1:  # "Ingen enheder med den slags ændring."
            continue
        labels, old, _headcount, news, row_shares, staff, totals = cells
        found[old[0]] = [(new, tuple(labels[0].split()), s, int(n), int(t))
                         for new, s, n, t in zip(news, row_shares, staff, totals, strict=True)]
    return found


def page_counts(html: str) -> dict[str, int]:
    return {label: int(count) for label, count in re.findall(
        r'<span class="badge badge-\w+">([^<]+)</span> <strong>(\d+)</strong></a></li>', html)}


LABELS = "Ny|Nedlagt|Sammenlagt|Delt|Flyttet|Omdøbt|Uændret"
PDF_FIRST = re.compile(rf"^ (?P<old>\S.*?)\s{{2,}}(?P<headcount>\d+)\s+"
                       rf"(?P<labels>(?:(?:{LABELS})\s+)+)"
                       r"(?P<new>\S.*?)\s{2,}(?P<share>[\d,]+ ?%)\s+(?P<staff>\d+)\s+"
                       r"(?P<total>\d+)$")
PDF_MORE = re.compile(r"^\s{20,}(?P<new>\S.*?)\s{2,}(?P<share>[\d,]+ ?%)\s+(?P<staff>\d+)\s+"
                      r"(?P<total>\d+)$")


def without_code(text: str) -> str:
    """'Center S Nord S' → 'Center S Nord': pdftotext runs a unit's code into its name."""
    return text.rsplit(" ", 1)[0]


def pdf_share(text: str) -> str:
    return text.replace(" ", "").replace("%", " %")


def pdf_lines(text: str) -> dict[str, list[tuple[str, tuple[str, ...], str, int, int]]]:
    found: dict[str, list] = {}
    last = None
    for line in text.split("Fra gammel til ny enhed", 1)[1].splitlines():
        first, more = PDF_FIRST.match(line), PDF_MORE.match(line)
        if first:
            last = without_code(first["old"])
            found[last] = [(without_code(first["new"]), tuple(first["labels"].split()),
                            pdf_share(first["share"]), int(first["staff"]),
                            int(first["total"]))]
        elif more and last is not None:
            found[last].append((without_code(more["new"]), found[last][0][1],
                                pdf_share(more["share"]), int(more["staff"]),
                                int(more["total"])))
    return found


def pdf_counts(text: str) -> dict[str, int]:
    head = text.split("Fra gammel til ny enhed")[0].splitlines()
    header = next(i for i, line in enumerate(head) if "Sammenlagt" in line)
    labels = [w for w in head[header].split() if w in LABELS.split("|")]
    numbers = next(line for line in head[header + 1:] if line.strip()).split()
    numbers = [n for n in numbers if n.isdigit()]
    return dict(zip(labels, map(int, numbers[:len(labels)]), strict=True))


def chart_page_badges(html: str) -> dict[str, tuple[str, ...]]:
    """Badges by unit name on the screen chart (its long names carry soft hyphens)."""
    badge = r'<span class="badge badge-\w+">([^<]+)</span>'
    return {name.replace("\u00ad", ""): tuple(re.findall(badge, badges))
            for badges, name in re.findall(
                r'class="oc-box[^"]*" id="u-\d+">(<span class="badges">.*?</span></span>)? ?'
                r'<a class="oc-name" href="[^"]+">([^<]+)</a>', html)}


def chart_pdf_badges(text: str, names: list[str]) -> dict[str, tuple[str, ...]]:
    """Badges → unit on the drawn chart: badges stand at the top right of their box, so they
    belong to the unit named on the next line, the rightmost one starting left of them."""
    lines = text.splitlines()
    found: dict[str, list[str]] = {}
    for index, line in enumerate(lines):
        for match in re.finditer(rf"\b({LABELS})\b", line):
            below = next((ln for ln in lines[index + 1:] if ln.strip()), "")
            starts = [(below.find(name), name) for name in names if f" {name} " in f"{below} "]
            starts = [(col, name) for col, name in starts if 0 <= col <= match.start()]
            if starts and index > 2:  # the legend on top names no unit
                found.setdefault(max(starts)[1], []).append(match[1])
    return {name: tuple(labels) for name, labels in found.items()}


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
            elif m := re.match(r"^\s*Ændring\s{2,}(.+?)\s*$", line):
                # The notice says every kind, in lower case as a sentence does: "flyttet og
                # omdøbt".
                lines[-1][1] = tuple(sorted(w.capitalize() for w in re.split(r", | og ", m[1])))
            elif m := re.match(r"^\s*Andel\s{2,}([\d,]+ ?%) af medarbejderne \(ca\. (\d+)\)", line):
                lines[-1][2] = int(m[2])
        found[old] = [tuple(x) for x in lines]
    return found


def answer_lines(html: str) -> list[tuple[str, tuple[str, ...], str, int, str]]:
    """(new unit, kind labels, place, people, sentence) of each placement on Min enhed."""
    found = []
    for block in html.split('<div class="placement">')[1:]:
        line = re.search(r'<p class="answer-line">(.*?)</p>', block, re.S)[1]
        sentence = line.split('<span class="badge', 1)[0]
        new = re.search(r'<a href="/unit/\d+/"><strong>([^<]+)</strong></a>', sentence)[1]
        labels = tuple(re.findall(r'<span class="badge badge-\w+">([^<]+)</span>', line))
        place = re.search(r"<dt>Placering i organisationen</dt><dd>([^<]+)</dd>", block)[1]
        people = int(re.search(r"Medarbejdere, der følger med</dt><dd>(\d+) af", block)[1])
        text = " ".join(re.sub(r"<[^>]+>", "", sentence).split())
        found.append((new, labels, place, people, text))
    return found


# --- the answers ------------------------------------------------------------------------------


@pytest.fixture
def logged_in(client, editor):
    client.force_login(editor)
    return client


def compare_page(client, old, new, query: str = "") -> str:
    return client.get(reverse("units:structure-compare", args=[old.pk, new.pk]) + query
                      ).content.decode()


def test_comparison_page(world, logged_in):
    old, new, _ = world
    html = compare_page(logged_in, old, new, "?kind=all")
    assert page_lines(html) == expected_lines()
    assert page_counts(html) == COUNTS
    # Each count says what it counts.
    assert "Enheder i den gamle organisering (10 i alt):" in html
    assert "Enheder i den nye organisering (9 i alt):" in html
    # The moved lines, a merger into a unit elsewhere among them.
    assert [(o[0], ob[0], n[0], nb[0]) for o, ob, n, nb, _ in table_cells(html, "moved")] == MOVED
    # The people moving out of an old unit are its staff, when its shares place all of them
    # (Center P's one line is 0 %: its tasks go, its 4 people are not placed by it).
    for old_name, lines in page_lines(html).items():
        placed = sum(s for _, _, s, _, _ in LINES[old_name])
        moving = sum(people for _, _, _, people, _ in lines)
        assert moving == (dict(SPEC_HEADCOUNTS)[old_name] if placed == 100 else 0), old_name


SPEC_HEADCOUNTS = [("Kommunen", 0), ("Socialforvaltningen", 0), ("Sundhedsforvaltningen", 0),
                   *((name, hc) for _, _, units in SPEC.values() for name, hc in units.values())]


def test_every_count_is_the_rows_filtered_by_its_kind(world, logged_in):
    """For every kind, the count on the page equals the rows the page shows when filtered by
    it, and the rows are the units that carry the kind (hand-checked in LINES)."""
    old, new, _ = world
    counts = page_counts(compare_page(logged_in, old, new))
    keys = dict(zip(COUNTS, ["new", "closed", "merged", "split", "moved", "renamed",
                             "continued"], strict=True))
    for label, key in keys.items():
        rows = page_lines(compare_page(logged_in, old, new, f"?kind={key}"))
        assert len(rows) == counts[label] == COUNTS[label], label
        assert sorted(rows) == sorted(o for o, labels in row_labels().items()
                                      if label in labels), label


def test_comparison_pdf(world, logged_in, tmp_path):
    old, new, _ = world
    data = logged_in.get(reverse("units:compare-pdf", args=[old.pk, new.pk])).content
    text = "\n".join(pdf_pages(data, tmp_path))
    assert pdf_lines(text) == expected_lines()
    assert pdf_counts(text) == COUNTS
    assert "enheder i den gamle organisering (10 i alt)" in text
    assert "enheder i den nye (9 i alt)" in text
    # The PDF's rows of a kind are the page's count of it.
    found = pdf_lines(text)
    for label, count in COUNTS.items():
        assert sum(1 for lines in found.values() if label in lines[0][1]) == count, label


def test_chart_badges_on_the_page_and_on_paper(world, logged_in, editor, tmp_path):
    _, new, _ = world
    html = logged_in.get(reverse("units:structure-detail", args=[new.pk]) + "?depth=30"
                         ).content.decode()
    names = ["Kommunen", "Socialforvaltningen", "Center A", "Center S Nord", "Center S Syd",
             "Center R Ny", "Sundhedsforvaltningen", "Center N", "Center Q2"]
    assert chart_page_badges(html) == {name: BADGES.get(name, ()) for name in names}
    chart = printing.org_chart(new, editor, printing.parse_chart_options({}))
    assert {u.node.name: tuple(label for _, label in u.badges)
            for u in chart.chart.walk() if u.badges} == BADGES
    data = logged_in.get(reverse("units:structure-pdf", args=[new.pk]) + "?figures=0").content
    [page] = pdf_pages(data, tmp_path)
    assert chart_pdf_badges(page, names) == BADGES


def test_badges_have_one_palette_on_screen_and_paper(world, logged_in):
    """The badge colours come from units.changes.PALETTE through static/css/badges.css, which
    both style sheets import, and neither sets a badge colour of its own."""
    from django.contrib.staticfiles import finders

    from units import changes
    from units.markup import badges

    kept = open(finders.find(badges.PALETTE_CSS_PATH), encoding="utf-8").read()
    assert kept == badges.palette_css(), (
        "static/css/badges.css is out of date: write badges.palette_css() to it")
    for kind, (background, _) in changes.PALETTE.items():
        assert f"--badge-{kind}: {background};" in kept
    for sheet in ("css/orgreg.css", "css/pdf.css"):
        text = open(finders.find(sheet), encoding="utf-8").read()
        assert text.count('@import url("badges.css");') == 1, sheet
        assert not re.search(r"\.badge-(new|closed|merged|split|moved|renamed|continued)\b",
                             text), sheet


def test_min_enhed(world, logged_in, on_date):
    _, _, old_units = world
    on_date(datetime.date(2024, 12, 1))  # before the new structure takes effect
    for code, unit in old_units.items():
        html = logged_in.get(reverse("units:my-unit") + f"?unit={unit.pk}").content.decode()
        got = answer_lines(html)
        assert [(new, labels) for new, labels, *_ in got] == [
            (new, labels) for new, labels, *_ in LINES[unit.name]], code
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
    # A notice gives the people moving when the unit is divided, and every kind of the line.
    assert found == {old: [(new_name, tuple(sorted(labels)), people if len(lines) > 1 else None)
                           for new_name, labels, _, people, _ in lines]
                     for old, lines in LINES.items()}
    page_m = next(p for p in pages if "kode M" in p)
    assert re.search(r"Ny placering\s+Kommunen › Sundhedsforvaltningen\n", page_m)


def test_xlsx_export(world, logged_in):
    old, new, _ = world
    data = logged_in.get(reverse("units:compare-export", args=[old.pk, new.pk])).content
    book = openpyxl.load_workbook(io.BytesIO(data))
    rows = list(book["Sammenligning"].iter_rows(values_only=True))
    assert rows[0][7:9] == ("Medarbejdere der flytter", "Medarbejdere i ny enhed i alt")
    found: dict[str, list] = {}
    for row in rows[1:]:
        _, old_name, old_headcount, _, new_name, labels, row_share, people, total = row
        found.setdefault(old_name, []).append(
            (new_name, tuple(w.capitalize() for w in labels.split(", ")), share(row_share),
             people, total))
        assert old_headcount == dict(SPEC_HEADCOUNTS)[old_name]
    assert found == expected_lines()
    summary = {r[0]: r[1:] for r in book["Oversigt"].iter_rows(values_only=True)}
    assert {label: summary[label][0] for label in COUNTS} == COUNTS
    assert summary["Ny"][1] == "enheder i den nye organisering"
    assert summary["Flyttet"][1] == "enheder i den gamle organisering"


def test_api(world, editor):
    old, new, old_units = world
    api = APIClient()
    api.force_authenticate(editor)
    data = api.get(reverse("api:structure-compare", args=[old.pk, new.pk])).json()
    found: dict[str, list] = {}
    for row in data["rows"]:
        assert row["headcount"] == row["staff_moving"]
        found.setdefault(row["old"]["name"], []).append(
            (row["new"]["name"], tuple(row["kind_labels"]), share(row["share"]),
             row["staff_moving"], row["new_headcount"]))
    assert found == expected_lines()
    labels = dict(zip(["new", "closed", "merged", "split", "moved", "renamed", "continued"],
                      COUNTS, strict=True))
    assert {labels[k]: n for k, n in data["counts"].items()} == COUNTS
    # Filtering the lines by a kind finds the units counted under it.
    for key, label in labels.items():
        assert len({r["old"]["name"] for r in data["rows"] if key in r["kinds"]}) == COUNTS[label]
    for code, unit in old_units.items():
        placements = api.get(reverse("api:unit-placement", args=[unit.pk]),
                             {"target": new.pk}).json()
        assert [(p["unit"]["name"], share(p["share"]), p["staff"])
                for p in placements] == [(n, s, people) for n, _, s, people, _
                                         in expected_lines()[unit.name]], code
    [m] = api.get(reverse("api:unit-placement", args=[old_units["M"].pk]),
                  {"target": new.pk}).json()
    assert [a["name"] for a in m["path"]] == ["Kommunen", "Sundhedsforvaltningen"]
    assert m["kind"] == "merged"
