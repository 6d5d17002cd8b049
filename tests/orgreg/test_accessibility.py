"""Accessibility fixes of issue 15, held at the markup and style-sheet level (the browser run of
axe-core over every page is tests/browser/test_a11y_browser.py): no control inside a
<summary>, fold buttons named by their unit, a link past the chart, the focus ring's and the
MED overview's contrast, category told by pattern as well as colour, the merge result radios
in a fieldset, whitespace between badges and titles, lang="da" on every kind of page."""

from __future__ import annotations

import datetime
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from med import services as med_services
from timeline import services as timeline_services
from units import services

pytestmark = pytest.mark.django_db

STATIC = Path(__file__).resolve().parents[2] / "static"
INTERACTIVE = {"a", "button", "input", "select", "textarea", "details", "label"}


def contrast(a: str, b: str) -> float:
    """WCAG 2.1's contrast ratio of two #rrggbb colours."""
    def luminance(colour: str) -> float:
        channels = [int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
        r, g, b = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
                   for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def css_variables(text: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", text))


class SummaryControls(HTMLParser):
    """Interactive elements inside a <summary>, and each summary's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.nested: list[str] = []
        self.summaries: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "summary":
            self.depth += 1
            self.summaries.append("")
        elif self.depth and (tag in INTERACTIVE or dict(attrs).get("tabindex") is not None):
            self.nested.append(tag)

    def handle_endtag(self, tag):
        if tag == "summary":
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.summaries[-1] += data


def summaries(html: str) -> SummaryControls:
    parser = SummaryControls()
    parser.feed(html)
    return parser


@pytest.fixture
def logged_in(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


@pytest.fixture
def draft(editor, small):
    structure, _ = small
    return services.copy_structure(structure, name="Udkast 2030",
                                   effective_date=datetime.date(2030, 1, 1), user=editor)


def test_no_summary_of_the_outline_or_edit_page_holds_a_control(logged_in, small, draft):
    structure, units = small
    unit = draft.units.get(code="A")
    for url in (f"/structure/{structure.pk}/outline/", f"/structure/{draft.pk}/edit/",
                f"/structure/{draft.pk}/edit/?unit={unit.pk}"):
        html = logged_in.get(url).content.decode()
        found = summaries(html)
        assert found.summaries, url
        assert found.nested == [], url
    # The outline's fold markers are named by their unit, one name each; the name's link
    # stands beside the marker.
    html = logged_in.get(f"/structure/{structure.pk}/outline/").content.decode()
    names = [s for s in summaries(html).summaries if s.startswith("Underenheder")]
    assert names == ["Underenheder til Testkommune", "Underenheder til Afdeling A",
                     "Underenheder til Afdeling B"]
    a = units["A"].pk
    assert re.search(rf'<li class="o-item o-branch[^"]*" id="o-{a}"><span class="o-line">'
                     rf'<a href="/unit/{a}/">Afdeling A</a>.*?</span><details open><summary>',
                     html)


def test_the_chart_fold_buttons_are_named_by_their_unit(logged_in, small):
    structure, _ = small
    html = logged_in.get(f"/structure/{structure.pk}/?depth=30").content.decode()
    buttons = re.findall(r'<button type="button" class="oc-toggle[^>]*>(.*?)</button>', html)
    names = [re.sub(r"<[^>]+>", "", b) for b in buttons]
    assert names == ["Fold Testkommune sammen", "Fold Afdeling A sammen",
                     "Fold Afdeling B sammen"]
    assert all('<span class="oc-toggle-state">sammen</span>' in b for b in buttons)
    # The script changes only the visible state word ("ud"), keeping the unit's name.
    script = (STATIC / "js" / "orgreg.js").read_text()
    assert '.oc-toggle-state' in script and 'open ? "sammen" : "ud"' in script


def test_a_link_skips_the_chart_to_what_follows_it(logged_in, small):
    structure, _ = small
    html = logged_in.get(f"/structure/{structure.pk}/").content.decode()
    skip = html.index('<a class="skip-chart no-print" href="#efter-diagrammet">'
                      'Spring diagrammet over</a>')
    chart = html.index('class="chart-scroll"')
    target = html.index('id="efter-diagrammet"')
    assert skip < chart < target
    assert html.index('class="oc-box', chart) < target


def test_the_focus_ring_is_at_least_3_to_1_on_every_background():
    css = (STATIC / "css" / "orgreg.css").read_text()
    colours = css_variables(css)
    focus = colours["focus"]
    assert ":focus-visible { outline: 3px solid var(--focus)" in css
    for background in ("#ffffff", colours["bg"], colours["ink"], "#dcebff",
                       colours["administration"], colours["stab"]):
        assert contrast(focus, background) >= 3, (focus, background)


def test_ended_med_bodies_are_said_in_words_at_full_contrast(logged_in, editor, small):
    structure, _ = small
    med_services.create_body(structure, name="Tidligere LokalMED", level="lokal",
                             valid_from=datetime.date(2020, 1, 1),
                             valid_to=datetime.date(2023, 12, 31), user=editor)
    html = logged_in.get(f"/med/?organisation={structure.organisation_id}").content.decode()
    ended = re.search(r'<li class="[^"]*\bended\b[^"]*">(.*?)</li>', html, re.S)
    assert ended and "Tidligere LokalMED" in ended.group(1)
    assert '<span class="med-ended">Ikke i kraft</span>' in ended.group(1)
    med_css = (Path(__file__).resolve().parents[2] / "med" / "static" / "med" / "med.css")
    rule = re.search(r"\.med-tree li\.ended \{([^}]*)\}", med_css.read_text()).group(1)
    assert "opacity" not in rule and "color" not in rule.replace("background", "")


def test_each_category_has_its_own_edge_pattern_on_boxes_and_in_the_legend():
    css = (STATIC / "css" / "orgreg.css").read_text()
    categories = ("drift", "administration", "stab", "myndighed", "none")

    def edge(selector: str, side: str, category: str) -> tuple[str, str]:
        rules = " ".join(re.findall(rf"{selector}\.cat-{category}\s*\{{([^}}]*)\}}", css) +
                         re.findall(rf"\.cat-{category}{selector}\s*\{{([^}}]*)\}}", css))
        style = re.search(rf"border-{side}-style:\s*(\w+)", rules)
        width = re.search(rf"border-{side}-width:\s*([\w.]+)", rules)
        return (style.group(1) if style else "solid", width.group(1) if width else "")

    boxes = {c: edge(r"\.oc-box", "top", c) for c in categories}
    swatches = {c: edge(r"\.swatch", "left", c) for c in categories}
    assert len(set(boxes.values())) == len(categories), boxes
    assert boxes == swatches


def test_the_merge_result_is_a_fieldset_with_a_legend(logged_in, draft):
    unit = draft.units.get(code="A")
    html = logged_in.get(f"/structure/{draft.pk}/edit/?unit={unit.pk}&action=merge"
                         ).content.decode()
    fieldset = re.search(r"<fieldset class=\"field\">\s*<legend>Resultat(.*?)</fieldset>",
                         html, re.S)
    assert fieldset, "no fieldset for the merge result"
    assert fieldset.group(1).count('type="radio"') == 2
    assert 'name="merge-into"' in fieldset.group(1)


def test_badges_and_titles_are_apart(logged_in, editor, small, draft):
    structure, _ = small
    timeline_services.create_milestone(structure.organisation, title="Ikrafttræden",
                                       date=datetime.date(2030, 1, 1), structure=draft,
                                       user=editor)
    html = logged_in.get(f"/plan/{structure.organisation_id}/").content.decode()
    kinds = re.findall(r'<span class="tl-kind[^"]*">[^<]*</span>(.)', html)
    assert kinds and all(c == " " for c in kinds), kinds
    services.add_unit(draft.units.get(parent=None), name="Ny afdeling", user=editor)
    html = logged_in.get(f"/structure/{draft.pk}/").content.decode()
    assert re.search(r'<span class="badge badge-new">Ny</span></span> <a class="oc-name"[^>]*>'
                     r'Ny afdeling</a>', html)


@override_settings(DEBUG=False)
def test_every_kind_of_page_says_it_is_danish(logged_in, small):
    structure, _ = small
    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("admin-da", "a@example.dk",
                                                                "x-kode-123"))
    pages = {
        "side": logged_in.get(f"/structure/{structure.pk}/"),
        "404": logged_in.get("/ingen-saadan-side/"),
        "403": logged_in.get("/api/docs/", HTTP_ACCEPT="text/html"),
        "login": Client().get("/login/"),
        "søgning": logged_in.get("/soeg/?q=afdeling"),
        "API-dokumentation": admin.get("/api/docs/"),
        "administration": admin.get("/admin/"),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert re.search(r'<html[^>]* lang="da"', html), (name, response.status_code,
                                                          html[:200])
    from django.template.loader import render_to_string
    assert '<html lang="da">' in render_to_string("500.html")
