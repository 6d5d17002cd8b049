"""The org chart layout: paging a tree that is too wide, without losing or repeating a unit,
without cutting or shrinking a box, and with every continuation box pointing at its page."""

from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from units import printing
from units.selectors import UnitNode


def nodes_from(children_of: dict[int, list[int]], names: dict[int, str] | None = None
               ) -> list[UnitNode]:
    """UnitNodes in tree order for a tree given as parent id → child ids (root id 1)."""
    names = names or {}
    rows = []
    counter = 0

    def visit(uid: int, parent: int | None, level: int):
        nonlocal counter
        counter += 1
        lft = counter
        index = len(rows)
        rows.append(None)
        for child in children_of.get(uid, []):
            visit(child, uid, level + 1)
        counter += 1
        rows[index] = (uid, parent, level, lft, counter)

    visit(1, None, 0)
    return [
        UnitNode(id=uid, parent_id=parent, structure_id=1, name=names.get(uid, f"Enhed {uid}"),
                 short_name="", code=f"U{uid}", unit_type="Afdeling", category="drift",
                 leader_title="Leder", leader_name="Ærlig Øster", headcount=uid % 30, fte=None,
                 location="", level=level, lft=lft, rght=rght, subtree_headcount=0,
                 child_count=len(children_of.get(uid, [])))
        for uid, parent, level, lft, rght in rows
    ]


def wide_tree(children: int, grandchildren: int, great: int = 0) -> dict[int, list[int]]:
    ids = iter(range(2, 1_000_000))
    tree: dict[int, list[int]] = {1: []}
    for _ in range(children):
        c = next(ids)
        tree[1].append(c)
        tree[c] = []
        for _ in range(grandchildren):
            g = next(ids)
            tree[c].append(g)
            tree[g] = [next(ids) for _ in range(great)]
    return tree


def check_pages(chart: printing.ChartUnit, pages: list[printing.ChartPage],
                geometry: printing.PageGeometry):
    drawn = Counter(u.id for page in pages for u in page.units)
    everyone = {u.id for u in chart.walk()}
    assert set(drawn) == everyone, "a unit is missing"
    assert all(count == 1 for count in drawn.values()), "a unit is drawn twice"
    first_page = {}
    for page in pages:
        if page.part == 0:
            first_page.setdefault(page.top.id, page.number)
    for page in pages:
        height = geometry.height_first if page.number == 1 else geometry.height_next
        assert page.width <= geometry.width + 0.01
        assert page.height <= height + 0.01
        for item in page.items:
            assert item.x >= -0.01 and item.x + item.w <= geometry.width + 0.01
            assert item.y >= -0.01 and item.y + item.h <= height + 0.01
            if item.kind in ("box", "stub", "cont"):
                assert item.w == printing.BOX_W, "boxes are never shrunk"
            if item.kind == "stub":
                target = pages[item.page_ref - 1]
                assert target.top.id == item.unit.id and target.part == 0
                assert target.continued_from == page.number
                assert item.page_ref > page.number
        boxes = [i for i in page.items if i.kind != "line"]
        for a in range(len(boxes)):
            for b in range(a + 1, len(boxes)):
                p, q = boxes[a], boxes[b]
                overlap = (p.x < q.x + q.w - 0.01 and q.x < p.x + p.w - 0.01
                           and p.y < q.y + q.h - 0.01 and q.y < p.y + p.h - 0.01)
                assert not overlap, f"boxes overlap on page {page.number}"


@pytest.mark.parametrize("size,orientation", [("A4", "portrait"), ("A4", "landscape"),
                                              ("A3", "landscape")])
def test_wide_tree_is_split_by_subtree(size, orientation):
    chart = printing.build_chart(nodes_from(wide_tree(12, 6, 3)))
    geometry = printing.PageGeometry.for_paper(size, orientation)
    pages = printing.paginate(chart, geometry)
    assert len(pages) > 1
    check_pages(chart, pages, geometry)
    # The top levels stay on page 1: the root and each of its children are there, in full
    # or as a continuation box.
    first = pages[0]
    on_first = {i.unit.id for i in first.items if i.kind in ("box", "stub")}
    assert {1, *[c.id for c in chart.children]} <= on_first


def test_small_tree_is_one_page():
    chart = printing.build_chart(nodes_from(wide_tree(3, 2)))
    geometry = printing.PageGeometry.for_paper("A4", "landscape")
    pages = printing.paginate(chart, geometry)
    assert len(pages) == 1
    assert not [i for i in pages[0].items if i.kind == "stub"]
    check_pages(chart, pages, geometry)


def test_too_many_children_for_one_page_continue_on_fortsat_pages():
    # 80 children with children of their own: even as continuation boxes they do not fit.
    chart = printing.build_chart(nodes_from(wide_tree(80, 1)))
    geometry = printing.PageGeometry.for_paper("A4", "portrait")
    pages = printing.paginate(chart, geometry)
    check_pages(chart, pages, geometry)
    fortsat = [p for p in pages if p.part > 0]
    assert fortsat and all(p.top.id == 1 for p in fortsat)
    assert all(p.items[0].kind == "cont" for p in fortsat)


def test_long_stack_of_leaves_becomes_columns():
    chart = printing.build_chart(nodes_from({1: list(range(2, 90))}))
    geometry = printing.PageGeometry.for_paper("A3", "landscape")
    pages = printing.paginate(chart, geometry)
    check_pages(chart, pages, geometry)
    xs = {round(i.x) for i in pages[0].items if i.kind == "box" and i.unit.id != 1}
    assert len(xs) > 1


def test_long_names_make_taller_boxes_not_smaller_type():
    short = printing.build_chart(nodes_from({1: []}, {1: "Kort"}))
    long_name = "Center for Socialpsykiatri, Rehabilitering og Udviklingshæmmede " * 3
    long = printing.build_chart(nodes_from({1: []}, {1: long_name}))
    word = printing.build_chart(nodes_from({1: []}, {1: "Æ" * 120}))
    assert long.box_h > short.box_h + 3 * printing.NAME_PT * printing.MM_PER_PT
    assert word.box_h > short.box_h


def test_line_count_matches_font_metrics():
    bold, _ = printing.fonts()
    assert bold.line_count("", printing.NAME_PT, printing.WRAP_W) == 0
    assert bold.line_count("Team A", printing.NAME_PT, printing.WRAP_W) == 1
    # A word wider than the box is broken, never left to overflow.
    assert bold.line_count("W" * 60, printing.NAME_PT, printing.WRAP_W) >= 3


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.integers(min_value=0, max_value=10_000), min_size=1, max_size=220),
       st.sampled_from([("A4", "portrait"), ("A4", "landscape"), ("A3", "landscape")]))
def test_any_tree_pages_every_unit_once(parents, paper):
    # Unit i + 2 hangs under a unit created before it: any tree shape.
    children_of: dict[int, list[int]] = {1: []}
    for index, pick in enumerate(parents):
        uid = index + 2
        parent = 1 + pick % (uid - 1)
        children_of.setdefault(parent, []).append(uid)
        children_of[uid] = []
    chart = printing.build_chart(nodes_from(children_of))
    geometry = printing.PageGeometry.for_paper(*paper)
    check_pages(chart, printing.paginate(chart, geometry), geometry)
