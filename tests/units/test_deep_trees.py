"""A chain far deeper than Python's recursion limit allows (root → child → grandchild …, one
child each) is read, drawn, printed, exported and checked: every path walks the tree with a
stack, never by recursion. Each request runs with the recursion limit lowered to a few
hundred frames above the test's own stack, so a path that recursed once per level fails."""

from __future__ import annotations

import contextlib
import csv
import datetime
import io
import json
import sys
from collections import Counter

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from tests.pdf.conftest import pdf_pages
from units import interchange, markup, printing, selectors, services
from units.benchmarks.deep import build_chain
from units.changes import ChangeKind
from units.interchange import exporters
from units.markup.outline import NEST_LIMIT
from units.models import Unit
from units.printing.paginate import PATH_HEAD, PATH_TAIL, depth_cap
from units.selectors import UnitNode

LEVELS = 1000
# Frames a request may use above the test's own stack (Django's middleware and template
# engine, WeasyPrint): far fewer than LEVELS, so recursing once per level cannot pass.
HEADROOM = 300


def stack_depth() -> int:
    depth, frame = 0, sys._getframe()
    while frame is not None:
        depth += 1
        frame = frame.f_back
    return depth


@contextlib.contextmanager
def shallow_stack():
    """Python's recursion limit set to HEADROOM frames above the caller's stack."""
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(stack_depth() + HEADROOM)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def test_the_lowered_limit_stops_a_walk_that_recurses_per_level():
    def down(level: int) -> int:
        return level if level == LEVELS else down(level + 1)

    with shallow_stack(), pytest.raises(RecursionError):
        down(0)
    with shallow_stack():  # while a few hundred frames are still allowed
        assert down(LEVELS - HEADROOM // 2) == LEVELS


def chain_nodes(levels: int) -> list[UnitNode]:
    """A chain as UnitNodes in tree order, without the database."""
    return [UnitNode(id=i + 1, parent_id=i or None, structure_id=1, name=f"Enhed {i}",
                     short_name="", code=f"K{i}", unit_type="", category="", leader_title="",
                     leader_name="", headcount=1, fte=None, location="", level=i, lft=i + 1,
                     rght=2 * levels - i, subtree_headcount=levels - i,
                     child_count=int(i < levels - 1))
            for i in range(levels)]


@pytest.fixture
def read_pdf(tmp_path):
    return lambda data: pdf_pages(data, tmp_path)


@pytest.fixture
def chain(editor):
    structure = build_chain(LEVELS, user=editor)
    units = list(Unit.objects.filter(tree_id=structure.pk).order_by("level"))
    assert [u.level for u in units] == list(range(LEVELS))
    return structure, units


def get(client, url: str, status: int = 200):
    with shallow_stack():
        response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    return response


def test_pages_of_a_deep_chain(client, editor, chain):
    structure, units = chain
    deepest, middle = units[-1], units[LEVELS // 2]
    client.force_login(editor)

    top = get(client, reverse("units:structure-detail", args=[structure.pk])).content.decode()
    assert f'id="u-{units[3].pk}"' in top and f'id="u-{units[4].pk}"' not in top
    chart = get(client, reverse("units:structure-detail", args=[structure.pk])
                + f"?unit={middle.pk}&depth=30").content.decode()
    assert f'id="u-{units[LEVELS // 2 + 30].pk}"' in chart
    assert f'id="u-{units[LEVELS // 2 + 31].pk}"' not in chart
    assert chart.count('<li class="oc-node">') == 31

    outline = get(client, reverse("units:structure-outline", args=[structure.pk])).content
    html = outline.decode()
    assert all(f'id="o-{u.pk}"' in html for u in units)
    # Nested to NEST_LIMIT levels, then one level each marked: the markup stays shallow.
    assert html.count("<details open>") == NEST_LIMIT
    assert f"niveau {LEVELS - 1}:" in html

    edit_url = reverse("units:structure-edit", args=[structure.pk])
    page = get(client, f"{edit_url}?unit={deepest.pk}").content.decode()
    assert f"niveau {LEVELS - 2}: " in page  # the parent, in the merge picker
    # Linear in the units: options indented per level would make it units × depth (~10 MB).
    assert len(page) < 1000 * LEVELS
    get(client, f"{edit_url}?unit={units[1].pk}")

    detail = get(client, reverse("units:unit-detail", args=[deepest.pk])).content.decode()
    assert deepest.name in detail

    history = get(client, reverse("units:structure-history", args=[structure.pk])
                  + "?at=" + timezone.localdate().isoformat()).content.decode()
    assert f'id="o-{deepest.pk}"' in history


def test_exports_api_and_checks_of_a_deep_chain(client, editor, chain):
    structure, units = chain
    client.force_login(editor)

    def export(fmt: str) -> bytes:
        return get(client, reverse("units:structure-export", args=[structure.pk, fmt])).content

    rows = list(csv.reader(io.StringIO(export("csv").decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == LEVELS + 1
    document = json.loads(export("json"))
    assert [u["parent"] for u in document["units"][1:3]] == [str(units[0].pk), str(units[1].pk)]
    assert export("xlsx")[:2] == b"PK"

    tree = get(client, f"/api/structures/{structure.pk}/tree/").json()
    assert [n["level"] for n in tree] == list(range(LEVELS))
    assert tree[0]["subtree_headcount"] == LEVELS

    with shallow_stack():
        assert selectors.tree_faults(structure) == []
        out = io.StringIO()
        call_command("checktrees", stdout=out)
        recorded = selectors.structure_as_recorded(structure, timezone.now())
    assert "Ingen fejl" in out.getvalue()
    assert [(n.level, n.lft, n.rght) for n in recorded.units] == \
        [(u.level, u.lft, u.rght) for u in units]

    nodes = selectors.tree(structure)
    with shallow_stack():
        options = markup.unit_options(nodes)
    assert options.count("<option") == LEVELS
    assert max(len(line) for line in options.split("</option>")) < 200


def test_a_deep_chain_is_imported_and_exported_again(editor, organisation, chain):
    structure, units = chain
    data = exporters.structure_csv(structure)
    with shallow_stack():
        plan = interchange.prepare(data, organisation=organisation, filename="kæde.csv")
        assert plan.ok, [str(p) for p in plan.problems[:3]]
        assert [u.level for u in plan.units] == list(range(LEVELS))
        imported = interchange.import_structure(
            plan, organisation=organisation, name="Indlæst kæde", user=editor,
            effective_date=datetime.date(2026, 1, 1))
    levels = list(Unit.objects.filter(tree_id=imported.pk).order_by("lft")
                  .values_list("level", "name"))
    assert levels == [(u.level, u.name) for u in units]


def test_org_chart_of_a_deep_chain_is_paged_by_subtree(client, editor, chain, read_pdf,
                                                       settings):
    structure, units = chain
    # Printed in the request, where a recursion would show (a big print is otherwise a job).
    settings.ORGREG_PDF_INLINE_MAX_UNITS = LEVELS
    client.force_login(editor)
    options = printing.parse_chart_options({"size": "A3", "orientation": "portrait"})
    with shallow_stack():
        chart = printing.org_chart(structure, editor, options)
    pages = chart.pages
    drawn = Counter(u.id for page in pages for u in page.units)
    assert set(drawn) == {u.pk for u in units} and set(drawn.values()) == {1}
    cap = depth_cap(printing.PageGeometry.for_paper("A3", "portrait"))
    for page in pages[:-1]:
        # Each page carries on down the chain as far as it fits, and no further than a box
        # could stand on it.
        levels = [u.node.level for u in page.units]
        assert len(levels) >= 5 and max(levels) - min(levels) <= cap
        stubs = [i for i in page.items if i.kind == "stub"]
        assert len(stubs) == 1 and stubs[0].page_ref == page.number + 1
        assert len(page.path) <= PATH_HEAD + PATH_TAIL + 1

    # The PDF itself of the lowest part of the chain (still deeper than the recursion limit
    # allows; WeasyPrint's time goes with the boxes, not the depth).
    lower = units[LEVELS - HEADROOM - 50]
    response = get(client, reverse("units:structure-pdf", args=[structure.pk])
                   + f"?size=A3&orientation=portrait&unit={lower.pk}&figures=0")
    assert response["Content-Type"] == "application/pdf"
    text = read_pdf(response.content)
    assert len(text) == len(printing.org_chart(structure, editor, printing.parse_chart_options(
        {"size": "A3", "orientation": "portrait", "unit": str(lower.pk)})).pages)
    assert units[-1].name in text[-1] and "fortsat fra side" in text[-1]
    assert "…" in text[-1]  # the path above a deep page is shortened
    assert "ikke med" not in " ".join(text)


def test_a_chart_longer_than_the_page_limit_says_what_is_left_out(editor):
    chart = printing.build_chart(chain_nodes(200))
    geometry = printing.PageGeometry.for_paper("A4", "landscape")
    pages = printing.paginate(chart, geometry, max_pages=5)
    assert len(pages) == 5
    drawn = Counter(u.id for page in pages for u in page.units)
    assert set(drawn.values()) == {1} and len(drawn) < 200
    *earlier, last = pages
    assert all(i.page_ref == p.number + 1 for p in earlier for i in p.items if i.kind == "stub")
    stub = next(i for i in last.items if i.kind == "stub")
    assert stub.page_ref is None  # its subtree is on no page


def test_comparison_of_a_deep_chain(client, editor, chain, read_pdf):
    structure, units = chain
    copy = services.copy_structure(structure, name="Kopi", user=editor,
                                   effective_date=datetime.date(2026, 1, 1))
    deepest = Unit.objects.get(tree_id=copy.pk, level=LEVELS - 1)
    services.update_unit(deepest, user=editor, name="Omdøbt nederst")
    client.force_login(editor)
    response = get(client, reverse("units:compare-pdf", args=[structure.pk, copy.pk])
                   + "?changed=1")
    text = " ".join(read_pdf(response.content))
    assert "Omdøbt nederst" in text
    page = get(client, reverse("units:structure-compare", args=[copy.pk, structure.pk]))
    assert "Omdøbt nederst" in page.content.decode()
    # The export of the comparison walks the same trees.
    with shallow_stack():
        data = exporters.comparison_xlsx(structure, copy)
    assert data[:2] == b"PK"
    changed = [c for c in selectors.compare(structure, copy).rows() if c.changed]
    assert [(c.unit.name, c.kind) for c in changed] == [(units[-1].name, ChangeKind.RENAMED)]
