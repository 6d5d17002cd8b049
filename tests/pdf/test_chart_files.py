"""The org chart as PowerPoint and SVG: the PDF's pages drawn as editable shapes, read back with
python-pptx and xml.etree (tests/pdf/chart_files.py)."""

import datetime
import io
import re
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from orgreg import pdf as renderer
from tests import factories
from tests.pdf import chart_files as cf
from units import printing, services
from units.models import Unit
from units.printing import drawing, slides
from units.printing.measure import META_PT, NAME_PT, WRAP_W, fonts

HOSTILE = '<script>alert("x")</script> & \'Ærø\' "Øst"'


def export(structure, user, fmt, **query):
    data, _ = printing.chart_export(structure, user, printing.parse_chart_options(query), fmt)
    return data


def pdf_page_count(structure, user, **query) -> int:
    """The PDF's chart pages (without its last page of key figures)."""
    chart = printing.org_chart(structure, user,
                               printing.parse_chart_options({**query, "figures": "0"}))
    return len(renderer.render_document("units/pdf_org_chart.html", chart.context).pages)


def expected_edges(structure, user, **query) -> Counter:
    """(parent id, child id) of every unit below the chart's top: each is joined to its
    parent exactly once, on the page where the parent's box (or its continued head) is."""
    chart = printing.org_chart(structure, user, printing.parse_chart_options(query))
    return Counter((u.node.parent_id, u.id) for u in chart.chart.walk() if u is not chart.chart)


@pytest.fixture
def wide(editor, organisation):
    """A published structure of about 90 units, ten under each: several pages on A4."""
    structure, units = factories.make_structure(editor, factories.wide_spec(90),
                                                organisation=organisation, name="Bred 2024",
                                                status="published")
    return structure, units


# --- PowerPoint -----------------------------------------------------------------------------

@pytest.mark.parametrize("query", [{}, {"size": "A4", "orientation": "portrait"},
                                   {"depth": "1"}])
def test_pptx_has_a_shape_per_unit_and_a_slide_per_pdf_page(wide, editor, query):
    structure, units = wide
    presentation = cf.deck(export(structure, editor, "pptx", **query))
    pages = pdf_page_count(structure, editor, **query)
    assert len(presentation.slides) == pages
    assert pages > 1 or query
    chart = printing.org_chart(structure, editor, printing.parse_chart_options(query))
    names = Counter()
    for slide in presentation.slides:
        for box in cf.slide_boxes(slide).values():
            if box.kind == "Enhed":
                names[box.texts[0]] += 1
    assert names == Counter(u.node.name for u in chart.chart.walk())


def test_pptx_box_texts_are_the_pdf_box_texts(reorg, editor):
    _, new, _ = reorg
    presentation = cf.deck(export(new, editor, "pptx"))
    boxes = {b.texts[0]: b for b in cf.slide_boxes(presentation.slides[0]).values()}
    assert boxes["Center A"].texts == ["Center A", "Centerchef Søren Østergaard",
                                       "10 medarb. · i alt 28", "Kode A"]
    assert boxes["Ny stab"].kind == "Enhed"
    text = cf.slide_text(presentation.slides[0])
    # The change badges, as in the PDF and the HTML chart.
    for label in ("Omdøbt", "Sammenlagt", "Delt", "Ny", "Flyttet"):
        assert label in text


def test_pptx_connectors_join_parent_and_child_at_their_sites(wide, editor):
    structure, _ = wide
    ids = {u.pk: u.name for u in Unit.objects.filter(tree_id=structure.pk)}
    parent_of = {u.pk: u.parent_id for u in Unit.objects.filter(tree_id=structure.pk)}
    by_name = {name: pk for pk, name in ids.items()}
    presentation = cf.deck(export(structure, editor, "pptx"))
    joined = Counter()
    for slide in presentation.slides:
        boxes = cf.slide_boxes(slide)
        for connector in cf.slide_connectors(slide):
            parent, child = boxes[connector.start[0]], boxes[connector.end[0]]
            assert parent.kind in ("Enhed", "Fortsat") and child.kind in ("Enhed", "Fortsætter")
            parent_id, child_id = by_name[parent.texts[0]], by_name[child.texts[0]]
            assert parent_of[child_id] == parent_id
            joined[(parent_id, child_id)] += 1
            # Drawn from the parent's connection site to the child's, in straight runs.
            for (x1, y1), (x2, y2) in zip(connector.path, connector.path[1:], strict=False):
                assert abs(x1 - x2) < 2 or abs(y1 - y2) < 2
            start = parent.site(connector.start[1])
            end = child.site(connector.end[1])
            assert max(abs(a - b) for a, b in zip(connector.path[0], start, strict=True)) < 40
            assert max(abs(a - b) for a, b in zip(connector.path[-1], end, strict=True)) < 40
    assert joined == expected_edges(structure, editor)


def test_pptx_title_data_moment_and_fonts(reorg, editor):
    _, new, _ = reorg
    data = export(new, editor, "pptx", header="Bilag 2.1 til HovedMED")
    presentation = cf.deck(data)
    moment = renderer.moment_text(printing.data_moment(new))
    for slide in presentation.slides:
        assert f"Data pr. {moment}" in cf.slide_text(slide)
    first = cf.slide_text(presentation.slides[0])
    assert "Organisationsdiagram: Ny organisering 2025" in first
    assert "Bilag 2.1 til HovedMED" in first and "UDKAST" in first
    assert presentation.core_properties.title == "Organisationsdiagram: Ny organisering 2025"
    slide_xml = cf.pptx_parts(data)["ppt/slides/slide1.xml"].decode()
    assert 'typeface="DejaVu Sans"' in slide_xml and 'pitchFamily="34"' in slide_xml
    assert 'lang="da-DK"' in slide_xml
    assert presentation.slide_width == round(297 * 36000)  # A4 landscape, as the PDF


def test_pptx_stub_links_to_the_slide_it_continues_on(wide, editor):
    structure, _ = wide
    presentation = cf.deck(export(structure, editor, "pptx", size="A4", orientation="portrait"))
    stubs = [s for s in presentation.slides[0].shapes if s.name.startswith("Fortsætter: ")]
    assert stubs
    for stub in stubs:
        number = int(re.search(r"fortsætter på side (\d+)", stub.text_frame.text).group(1))
        target = stub.click_action.target_slide
        assert list(presentation.slides).index(target) + 1 == number
        name = stub.name.removeprefix("Fortsætter: ")
        assert f"{name} · fortsat fra side 1" in cf.slide_text(target)


# --- SVG ------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", [{}, {"size": "A4", "orientation": "portrait"}])
def test_svg_has_a_box_per_unit_and_an_edge_per_parent_child(wide, editor, query):
    structure, _ = wide
    root = cf.svg_root(export(structure, editor, "svg", **query))
    assert len(cf.svg_pages(root)) == pdf_page_count(structure, editor, **query)
    chart = printing.org_chart(structure, editor, printing.parse_chart_options(query))
    boxes = [b for b in cf.svg_boxes(root) if b.kind == "box"]
    assert Counter(b.unit for b in boxes) == Counter(u.id for u in chart.chart.walk())
    names = {u.id: u.node.name for u in chart.chart.walk()}
    for box in boxes:
        assert box.lines[0] == names[box.unit] and box.title.startswith(names[box.unit])
    edges = cf.svg_edges(root)
    assert Counter((p, c) for _page, p, c in edges) == expected_edges(structure, editor,
                                                                       **query)


def test_svg_texts_badges_title_and_data_moment(reorg, editor):
    _, new, _ = reorg
    root = cf.svg_root(export(new, editor, "svg"))
    text = cf.svg_text(root)
    moment = renderer.moment_text(printing.data_moment(new))
    assert f"Data pr. {moment}" in text and "UDKAST" in text
    assert root.find(f"{cf.SVG}title").text == "Organisationsdiagram: Ny organisering 2025"
    center = next(b for b in cf.svg_boxes(root) if b.lines[0] == "Center A")
    assert center.lines == ["Center A", "Centerchef Søren Østergaard", "10 medarb. · i alt 28",
                            "Kode A"]
    kinds = {g.get("data-kind") for g in root.iter(f"{cf.SVG}g") if g.get("class") == "badge"}
    assert {"renamed", "merged", "split", "new", "moved"} <= kinds


# --- Danish letters and hostile text ---------------------------------------------------------

def test_danish_letters_and_hostile_text_survive_escaped(editor, organisation):
    structure, units = factories.make_structure(
        editor, {"H": (HOSTILE, 3), "Æ": ("Ældrepleje Ærø–Øst Åbyhøj", 2)},
        organisation=organisation, name="Kommune & <Co> \"2024\"")
    services.update_unit(units["H"], user=editor, leader_title="Chef & \"leder\"",
                         leader_name="Åse Øberg <b>")
    pptx = export(structure, editor, "pptx", header="Bilag <i>1</i> & 2")
    svg = export(structure, editor, "svg", header="Bilag <i>1</i> & 2")
    presentation = cf.deck(pptx)
    names = [b.texts for b in cf.slide_boxes(presentation.slides[0]).values()]
    assert [HOSTILE, "Chef & \"leder\" Åse Øberg <b>", "3 medarb.", "Kode H"] in names
    assert any(t[0] == "Ældrepleje Ærø–Øst Åbyhøj" for t in names)
    assert "Bilag <i>1</i> & 2" in cf.slide_text(presentation.slides[0])
    for name, part in cf.pptx_parts(pptx).items():
        if name.endswith(".xml"):
            assert b"<script" not in part and b"<b>" not in part and b"<i>" not in part
    assert b"&lt;script&gt;" in cf.pptx_parts(pptx)["ppt/slides/slide1.xml"]
    root = cf.svg_root(svg)  # parses: every text escaped
    box = next(b for b in cf.svg_boxes(root) if b.title.startswith("<script>"))
    # The name wraps over lines; put together it is the name.
    assert " ".join(box.lines).startswith(" ".join(HOSTILE.split())[:20])
    assert HOSTILE in box.title
    assert b"<script" not in svg and b"<b>" not in svg and b"<i>" not in svg
    assert any(b.title.startswith("Ældrepleje Ærø–Øst Åbyhøj · ") for b in cf.svg_boxes(root))
    assert "Kommune & <Co> \"2024\"" in cf.svg_text(root)


def test_control_characters_are_dropped_not_fatal(editor, organisation):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"},
                                                organisation=organisation)
    Unit.objects.filter(pk=units["A"].pk).update(name="Afdeling\x01 A\x0b")
    assert "Afdeling A" in cf.slide_text(cf.deck(export(structure, editor, "pptx")).slides[0])
    assert "Afdeling A" in cf.svg_text(cf.svg_root(export(structure, editor, "svg")))


# --- one layout, drawn three ways ----------------------------------------------------------

def test_wrapping_for_svg_is_the_wrapping_the_layout_counts():
    bold, regular = fonts()
    for text in ("Socialpsykiatri Rehabilitering Åbenrå 234", "Kort", "",
                 "Børne-og-ungdomsforvaltningens-administrationsafdeling for alle", HOSTILE,
                 "Ældre " * 20):
        for measure, size in ((bold, NAME_PT), (regular, META_PT)):
            lines = measure.wrap(text, size, WRAP_W)
            assert len(lines) == measure.line_count(text, size, WRAP_W)
            assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_category_colours_are_the_pdf_stylesheet_colours():
    css = Path(__file__).resolve().parents[2].joinpath("static/css/pdf.css").read_text()
    for category, colour in drawing.CATEGORY_FILL.items():
        written = "#fff" if colour == "#ffffff" else colour
        assert f".cat-{category or 'none'} {{ background: {written}; }}" in css
    assert f".box-stub {{ border-style: dashed; background: {drawing.REFERENCE_FILL}; }}" in css


def test_a_connector_turned_a_quarter_lands_on_its_points():
    """The elbow geometry written for PowerPoint, replayed as ECMA-376 draws it: every shape of
    route the layout makes, in every direction."""
    from pptx import Presentation

    deck = Presentation()
    shapes = deck.slides.add_slide(deck.slide_layouts[6]).shapes
    routes = [
        [(10, 10), (10, 20), (40, 20), (40, 30)],                    # down, right, down
        [(40, 10), (40, 20), (10, 20), (10, 30)],                    # down, left, down
        [(10, 10), (10, 30), (20, 30)],                              # down, right
        [(40, 10), (40, 30), (20, 30)],                              # down, left
        [(10, 15), (12.5, 15), (12.5, 40), (15, 40)],                # right, down, right
        [(10, 15), (12.5, 15), (12.5, 30), (60, 30), (60, 35)],      # r, d, r, d
        [(30, 10), (30, 14), (5, 14), (5, 40), (8, 40)],             # d, l, d, r
        [(10, 15), (12.5, 15), (12.5, 30), (70, 30), (70, 50), (75, 50)],
    ]
    for points in routes:
        connector = slides._connector(shapes, points, 1, 2, 1, 0, "x")
        drawn = [(x / 36000, y / 36000) for x, y in cf.connector_path(connector)]
        assert len(drawn) == len(points)
        for (x1, y1), (x2, y2) in zip(drawn, points, strict=True):
            assert abs(x1 - x2) < 0.01 and abs(y1 - y2) < 0.01, (points, drawn)


# --- the command line ------------------------------------------------------------------------

def test_command_writes_pptx_and_svg(reorg, editor, tmp_path):
    _, new, _ = reorg
    deck_file, svg_file = tmp_path / "diagram.pptx", tmp_path / "diagram.svg"
    call_command("renderpdf", "chart", str(new.pk), "-o", str(deck_file), "--format", "pptx",
                 "--size", "A3", "--header", "Bilag 2.1", stderr=io.StringIO())
    call_command("renderpdf", "chart", str(new.pk), "-o", str(svg_file), "--format", "svg",
                 "--depth", "1", stderr=io.StringIO())
    text = cf.slide_text(cf.deck(deck_file.read_bytes()).slides[0])
    assert "Bilag 2.1" in text and "af kommandolinjen" in text
    assert cf.deck(deck_file.read_bytes()).slide_width == 420 * 36000
    root = cf.svg_root(svg_file.read_bytes())
    assert "Team A" not in {b.lines[0] for b in cf.svg_boxes(root)}
    assert "Center A" in {b.lines[0] for b in cf.svg_boxes(root)}


def test_command_refusals(reorg, manager, tmp_path):
    old, new, _ = reorg
    out = tmp_path / "x.pptx"
    with pytest.raises(CommandError, match="kun organisationsdiagrammet"):
        call_command("renderpdf", "compare", str(old.pk), str(new.pk), "-o", str(out),
                     "--format", "pptx")
    with pytest.raises(CommandError, match="Ingen organisering med id"):
        call_command("renderpdf", "chart", str(new.pk), "-o", str(out), "--format", "svg",
                     "--user", "leder")
    assert not out.exists()


def test_recorded_moment_and_subtree(reorg, editor):
    old, _, old_units = reorg
    at = datetime.datetime.now(datetime.UTC).isoformat()
    root = cf.svg_root(export(old, editor, "svg", unit=str(old_units["A"].pk), at=at))
    assert {b.lines[0] for b in cf.svg_boxes(root)} == {"Afdeling A", "Team A1", "Team A2"}
    assert "Som registreret" in cf.svg_text(root)
