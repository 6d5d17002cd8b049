"""The SVG pictures of key figures (units.markup.pictures): well-formed XML, every number on
its bar and in the text alternative, every text escaped, no style attribute, the category
colours of the chart, series told apart by more than colour."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from units import markup
from units.markup import Series, grouped_bars, histogram, layer_profile

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]


def parsed(picture) -> ET.Element:
    return ET.fromstring(str(picture.svg))


def bar_values(svg: ET.Element) -> list[str]:
    return [r.get("data-value") for r in svg.iter(f"{SVG}rect")
            if "picture-bar" in (r.get("class") or "")]


def texts(svg: ET.Element) -> list[str]:
    return [t.text or "" for t in svg.iter(f"{SVG}text")]


CATEGORIES = [("drift", "Drift"), ("administration", "Administration"), ("stab", "Stab"),
              ("myndighed", "Myndighed")]


def test_grouped_bars_carry_every_number_on_its_bar_in_words_and_in_the_table():
    picture = grouped_bars("Medarbejdere pr. kategori", CATEGORIES,
                           [Series("Før", (1200, 340, 80, 45)),
                            Series("Efter", (1250, 300, 95, 0))],
                           unit="antal medarbejdere", corner="Kategori")
    svg = parsed(picture)
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text == "Medarbejdere pr. kategori"
    # Bars in order: per category, before then after; Danish thousands.
    assert bar_values(svg) == ["1.200", "1.250", "340", "300", "80", "95", "45", "0"]
    assert {"1.200", "1.250", "340", "0"} <= set(texts(svg))
    assert svg.find(f"{SVG}desc").text == picture.text == svg.get("aria-label")
    assert picture.text == ("Medarbejdere pr. kategori (antal medarbejdere). Drift: Før 1.200, "
                            "Efter 1.250. Administration: Før 340, Efter 300. Stab: Før 80, "
                            "Efter 95. Myndighed: Før 45, Efter 0.")
    assert picture.head == ("Kategori", "Før", "Efter")
    assert picture.rows[0] == ("Drift", ("1.200", "1.250"))
    # The legend names both series in words.
    assert {"Før", "Efter"} <= set(texts(svg))


def test_bars_are_taller_for_bigger_numbers_and_zero_is_flat():
    svg = parsed(grouped_bars("x", CATEGORIES[:2], [Series("A", (10, 0)), Series("B", (5, 20))]))
    heights = {r.get("data-value"): float(r.get("height")) for r in svg.iter(f"{SVG}rect")
               if "picture-bar" in (r.get("class") or "")}
    assert heights["0"] == 0 and heights["5"] < heights["10"] < heights["20"]


def test_bars_take_the_category_colours_of_the_chart():
    css = (ROOT / "static/css/orgreg.css").read_text()
    for key, (light, edge) in markup.CATEGORY_COLOURS.items():
        if key:
            assert f"--{key}: {light}" in css and f"--{key}-edge: {edge}" in css
    svg = parsed(grouped_bars("x", CATEGORIES[:1], [Series("Før", (3,)), Series("Efter", (4,))]))
    before, after = [r for r in svg.iter(f"{SVG}rect") if "picture-bar" in r.get("class")]
    light, edge = markup.CATEGORY_COLOURS["drift"]
    # Series differ by fill (light / dark), not by hue alone.
    assert (before.get("fill"), before.get("stroke")) == (light, edge)
    assert (after.get("fill"), after.get("stroke")) == (edge, edge)


def test_a_third_and_fourth_series_differ_by_their_edge_too():
    svg = parsed(histogram("x", ["1", "2"], [Series(s, (1, 2)) for s in "ABCD"]))
    bars = [r for r in svg.iter(f"{SVG}rect") if "picture-bar" in r.get("class")]
    styles = {(r.get("fill"), r.get("stroke-dasharray")) for r in bars}
    assert len(styles) == 4


def test_every_text_is_escaped_and_no_style_attribute_is_written():
    hostile = '<script>alert("x")</script> & "Team"'
    pictures = [
        grouped_bars(hostile, [("drift", hostile)], [Series(hostile, (1,))]),
        histogram(hostile, [hostile], [Series(hostile, (2,))], axis_label=hostile),
        layer_profile(hostile, [hostile], [Series(hostile, (3,))]),
    ]
    for picture in pictures:
        svg = parsed(picture)  # well-formed
        markup_text = str(picture.svg)
        assert "<script" not in markup_text and "style=" not in markup_text
        assert hostile in texts(svg) or svg.find(f"{SVG}title").text == hostile
        assert all(not el.tag.endswith("script") and not el.tag.endswith("style")
                   for el in svg.iter())
        assert not any(k.startswith("on") for el in svg.iter() for k in el.attrib)


def test_a_histogram_writes_each_count_over_its_bin():
    picture = histogram("Direkte underenheder pr. leder", ["1–2", "3–5", "6–8"],
                        [Series("Før", (3, 5, 0)), Series("Efter", (1, 4, 4))],
                        axis_label="Direkte underenheder")
    svg = parsed(picture)
    assert bar_values(svg) == ["3", "1", "5", "4", "0", "4"]
    assert {"1–2", "3–5", "6–8", "Direkte underenheder"} <= set(texts(svg))
    assert "1–2: Før 3, Efter 1" in picture.text


def test_a_layer_profile_has_one_panel_per_series_on_one_scale():
    picture = layer_profile("Enheder pr. niveau", ["Niveau 1", "Niveau 2", "Niveau 3"],
                            [Series("Model A", (1, 4, 20)), Series("Model B", (1, 8, 10))])
    svg = parsed(picture)
    panels = [g for g in svg.iter(f"{SVG}g") if g.get("class") == "picture-panel"]
    assert [p.get("data-series") for p in panels] == ["Model A", "Model B"]
    widths = {(p.get("data-series"), r.get("data-value")): float(r.get("width"))
              for p in panels for r in p.iter(f"{SVG}rect")}
    assert widths["Model A", "20"] > widths["Model B", "10"] > widths["Model B", "8"]
    assert widths["Model A", "20"] == pytest.approx(2 * widths["Model B", "10"], rel=0.01)
    # Centred: each bar's middle on its panel's centre line.
    for p in panels:
        middles = {round(float(r.get("x")) + float(r.get("width")) / 2)
                   for r in p.iter(f"{SVG}rect")}
        assert len(middles) == 1
    assert picture.rows == (("Niveau 1", ("1", "1")), ("Niveau 2", ("4", "8")),
                            ("Niveau 3", ("20", "10")))


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        histogram("x", ["a", "b"], [Series("A", (1,))])
    with pytest.raises(ValueError):
        histogram("x", ["a"], [Series("A", (-1,))])
    with pytest.raises(ValueError):
        histogram("x", ["a"], [])


def test_the_axis_is_round():
    svg = parsed(histogram("x", ["a"], [Series("A", (37,))]))
    ticks = [t.text for t in svg.iter(f"{SVG}text") if t.get("class") == "picture-tick"]
    assert ticks == ["0", "10", "20", "30", "40"]
    assert all(re.fullmatch(r"[\d.]+", t) for t in ticks)
