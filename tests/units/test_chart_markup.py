"""The screen chart's markup: staff units beside the line, long Danish names hyphenated."""

from __future__ import annotations

import re

from tests.pdf.test_layout import nodes_from
from units import markup
from units.markup.hyphens import SOFT_HYPHEN, soft_hyphens


def chart(children_of, staff=(), names=None):
    nodes = nodes_from(children_of, names)
    for n in nodes:
        if n.id in staff:
            n.category = "stab"
    return markup.render_chart(nodes, badges={}, span=15, focus_url=lambda uid: f"?unit={uid}")


def band(html: str, uid: int) -> str:
    found = re.search(rf'<ul class="oc-staff[^"]*" id="s-{uid}"[^>]*>(.*?)</ul>', html)
    return found.group(1) if found else ""


def test_staff_units_stand_in_a_band_beside_the_line_not_in_it():
    html = chart({1: [2, 3, 4, 5], 5: [6]}, staff={2, 3})
    staff = band(html, 1)
    assert 'id="u-2"' in staff and 'id="u-3"' in staff
    assert 'id="u-4"' not in staff and 'id="u-5"' not in staff
    # Right of the connector first, then left; the line follows under the band.
    assert re.findall(r'oc-staff-node (oc-side-[rl])', staff) == ["oc-side-r", "oc-side-l"]
    line = html[html.index('id="c-1"'):]
    assert 'id="u-4"' in line and 'id="u-2"' not in line
    # One fold button folds the band and the line.
    assert 'aria-controls="s-1 c-1"' in html


def test_a_staff_unit_with_units_shown_under_it_stays_in_the_line():
    html = chart({1: [2, 4], 2: [8]}, staff={2})
    assert 'id="s-1"' not in html
    assert 'id="u-2"' in html[html.index('id="c-1"'):]


def test_only_staff_under_a_unit_end_the_connector():
    html = chart({1: [2, 3, 4]}, staff={2, 3, 4})
    assert 'class="oc-staff oc-staff-end" id="s-1"' in html
    assert 'id="c-1"' not in html and 'aria-controls="s-1"' in html
    # The last row (the third unit, alone on the right) ends the connector.
    last = re.findall(r'oc-staff-node [^"]*', band(html, 1))[-1]
    assert last == "oc-staff-node oc-side-r oc-last"


def test_long_danish_compounds_get_soft_hyphens_at_danish_break_points():
    assert soft_hyphens("Direktionssekretariatet").replace(SOFT_HYPHEN, "|") == \
        "Direk|tions|se|kre|ta|ri|atet"
    assert soft_hyphens("Center for Økonomi") == "Center for Økonomi"
    html = chart({1: [2]}, names={2: "Rusmiddelbehandlingscenter <Syd>"})
    assert "&lt;Syd&gt;" in html
    name = re.search(r'id="u-2".*?class="oc-name"[^>]*>([^<]*)<', html).group(1)
    assert SOFT_HYPHEN in name
    assert name.replace(SOFT_HYPHEN, "") == "Rusmiddelbehandlingscenter &lt;Syd&gt;"
