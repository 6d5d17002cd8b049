"""Every box of the PDF chart hangs from its parent by connectors, staff units on a side
branch beside the line: a walk over the layout's items (boxes and lines in mm), not pixels."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.pdf.test_layout import check_pages, nodes_from
from units import printing
from units.models import Structure
from units.printing.layout import SIDE_BRANCH, V_GAP

EPS = 0.05


def _on_line(x: float, y: float, line: printing.Item) -> bool:
    return (line.x - EPS <= x <= line.x + line.w + EPS
            and line.y - EPS <= y <= line.y + line.h + EPS)


def _on_edge(x: float, y: float, box: printing.Item) -> bool:
    inside = (box.x - EPS <= x <= box.x + box.w + EPS
              and box.y - EPS <= y <= box.y + box.h + EPS)
    return inside and min(abs(x - box.x), abs(x - box.x - box.w),
                          abs(y - box.y), abs(y - box.y - box.h)) < EPS


def unconnected(page: printing.ChartPage) -> list[str]:
    """The names of the boxes on `page` (but its top, whose connector is the continuation box
    on an earlier page) that no chain of connectors joins to their parent's box, and of the
    connectors drawn outside the page's drawing (an SVG clips them away)."""
    items = page.items
    parent = list(range(len(items)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    lines = [k for k, i in enumerate(items) if i.kind == "line"]
    boxes = [k for k, i in enumerate(items) if i.kind != "line"]
    problems = [f"connector outside the drawing at {items[k].x:.1f},{items[k].y:.1f}"
                for k in lines
                if items[k].x + items[k].w > page.width + EPS
                or items[k].y + items[k].h > page.height + EPS]
    for a in lines:
        line = items[a]
        for x, y in ((line.x, line.y), (line.x + line.w, line.y + line.h)):
            for b in lines:
                if b != a and _on_line(x, y, items[b]):
                    parent[find(a)] = find(b)
            for b in boxes:
                if _on_edge(x, y, items[b]):
                    parent[find(a)] = find(b)
    where = {items[k].unit.id: k for k in boxes}
    for k in boxes:
        unit = items[k].unit
        if unit.id == page.top.id:
            continue
        up = where.get(unit.node.parent_id)
        if up is None or find(k) != find(up):
            problems.append(unit.node.name)
    return problems


def staff_tree(children_of: dict[int, list[int]], staff: set[int]):
    nodes = nodes_from(children_of)
    for n in nodes:
        if n.id in staff:
            n.category = "stab"
    return nodes


def test_staff_hang_beside_the_line_between_the_parent_and_its_line():
    # 1 has staff 2 and 3 and a line of 4 and 5 (5 with children).
    nodes = staff_tree({1: [2, 3, 4, 5], 5: [6, 7]}, staff={2, 3})
    chart = printing.build_chart(nodes)
    geometry = printing.PageGeometry.for_paper("A4", "landscape")
    (page,) = printing.paginate(chart, geometry)
    check_pages(chart, [page], geometry)
    assert unconnected(page) == []
    box = {i.unit.id: i for i in page.items if i.kind == "box"}
    top = box[1]
    trunk = top.x + printing.BOX_W / 2
    line_top = min(box[4].y, box[5].y)
    for staff in (2, 3):
        s = box[staff]
        assert top.y + top.h < s.y and s.y + s.h < line_top, "staff stand above the line"
    # The first on the right of the connector, the second on the left, a branch away.
    assert box[2].x == pytest.approx(trunk + SIDE_BRANCH)
    assert box[3].x + printing.BOX_W == pytest.approx(trunk - SIDE_BRANCH)
    # A staff unit with units of its own stays in the line.
    nodes = staff_tree({1: [2, 4], 2: [8]}, staff={2})
    (page,) = printing.paginate(printing.build_chart(nodes), geometry)
    box = {i.unit.id: i for i in page.items if i.kind == "box"}
    assert box[2].y == pytest.approx(box[1].h + V_GAP), "in the row of the line"


def test_staff_beside_a_column_of_leaves_stand_right_of_the_head():
    nodes = staff_tree({1: [2, 3, 4, 5]}, staff={2})
    chart = printing.build_chart(nodes)
    geometry = printing.PageGeometry.for_paper("A4", "portrait")
    (page,) = printing.paginate(chart, geometry)
    check_pages(chart, [page], geometry)
    assert unconnected(page) == []
    box = {i.unit.id: i for i in page.items if i.kind == "box"}
    assert box[2].x >= box[1].x + printing.BOX_W, "not read as one of the column"
    assert box[2].y + box[2].h < min(box[c].y for c in (3, 4, 5))


def test_only_staff_under_a_unit_end_the_connector_at_the_last_branch():
    nodes = staff_tree({1: [2, 3, 4]}, staff={2, 3, 4})
    chart = printing.build_chart(nodes)
    (page,) = printing.paginate(chart, printing.PageGeometry.for_paper("A4", "landscape"))
    assert unconnected(page) == []
    lowest_box = max(i.y for i in page.items if i.kind == "box")
    assert max(i.y + i.h for i in page.items if i.kind == "line") < lowest_box + 5


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=120),
       st.sets(st.integers(min_value=2, max_value=121)),
       st.sampled_from([("A4", "portrait"), ("A4", "landscape"), ("A3", "landscape")]))
def test_any_tree_with_staff_has_every_box_connected(parents, staff, paper):
    children_of: dict[int, list[int]] = {}
    for index, p in enumerate(parents):
        uid = index + 2
        children_of.setdefault(min(p, index) + 1, []).append(uid)
    chart = printing.build_chart(staff_tree(children_of, staff))
    geometry = printing.PageGeometry.for_paper(*paper)
    pages = printing.paginate(chart, geometry)
    check_pages(chart, pages, geometry)
    for page in pages:
        assert unconnected(page) == [], f"page {page.number}"


@pytest.mark.django_db
def test_every_box_of_the_demo_charts_is_connected(demo):
    """Each demo structure on every paper: every box but a page's top joins its parent by
    connectors, and none is drawn outside the page's drawing (a page narrower than the paper
    is centred, and its connectors used to fall outside the SVG and vanish)."""
    structures = list(Structure.objects.order_by("pk"))
    assert len(structures) >= 8
    checked = 0
    for structure in structures:
        for size, orientation in (("A4", "landscape"), ("A4", "portrait"), ("A3", "landscape")):
            chart = printing.org_chart(structure, None, printing.OrgChartOptions(
                page_size=size, orientation=orientation))
            for page in chart.pages:
                problems = unconnected(page)
                assert problems == [], (structure.name, size, orientation, page.number)
                checked += sum(1 for i in page.items if i.kind != "line")
    print(f"{checked} boxes checked")
