"""The chart fits: the Copenhagen 2025 demo structure (12 direct reports) at 1024, 1440 and
1920 px opens fitted to the window, no box cut off at either side and no text out of its box;
the zoom buttons; staff beside the line; browser printing fits the paper's width; without
script the chart scrolls from its left edge. Screenshots in test-artifacts/screenshots/."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import login, screenshot
from units.models import Structure, Unit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every box's rectangle against the window and against its own text, and the staff boxes'
# place against their parent's connector.
MEASURE = """() => {
  const out = {cut: [], overflow: [], boxes: 0};
  document.querySelectorAll(".chart-scroll .oc-box").forEach((box) => {
    const r = box.getBoundingClientRect();
    out.boxes += 1;
    if (r.left < -0.5 || r.right > window.innerWidth + 0.5) out.cut.push(box.id);
    const parts = [box, ...box.querySelectorAll(".oc-name, .oc-type, .oc-leader, .oc-count")];
    if (parts.some((el) => el.scrollWidth > el.clientWidth + 1)) out.overflow.push(box.id);
  });
  out.zoom = getComputedStyle(document.querySelector(".oc-root")).zoom;
  out.level = document.querySelector("[data-zoom-level]").textContent;
  return out;
}"""


@pytest.fixture
def copenhagen_2025(editor, reader):
    call_command("loaddemo", stdout=io.StringIO())
    structure = Structure.objects.get(name="Ét SOF – ny organisering pr. 1. januar 2025")
    root = Unit.objects.get(tree_id=structure.pk, parent=None)
    assert Unit.objects.filter(parent=root).count() >= 11
    return structure


def test_the_chart_opens_fitted_at_every_width_and_prints_onto_the_paper(
        page, reader, copenhagen_2025):
    login(page, reader.username)
    url = f"/structure/{copenhagen_2025.pk}/"
    for width in (1024, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(url)
        page.wait_for_load_state("load")
        found = page.evaluate(MEASURE)
        assert found["boxes"] >= 20
        assert found["cut"] == [], (width, found)
        assert found["overflow"] == [], (width, found)
        assert float(found["zoom"]) < 1, "fitted, not at full size"
        screenshot(page, f"chart-fit-{width}")
    # Staff beside the line: Direktionssekretariatet right of the root's connector, above
    # the line of centres.
    root_box = page.locator(".oc-root > .oc-node > .oc-box").bounding_box()
    staff = page.locator(".oc-staff .oc-box", has_text="Direktionssekretari").bounding_box()
    centre = page.locator(".oc-root > .oc-node > .oc-children > .oc-node > .oc-box").first \
        .bounding_box()
    assert staff["x"] > root_box["x"] + root_box["width"] / 2
    assert root_box["y"] + root_box["height"] <= staff["y"] < centre["y"]

    # The zoom buttons: bigger, smaller, 100 %, the whole chart in the window.
    zoom = page.get_by_role("group", name="Diagrammets størrelse")
    level = zoom.locator("[data-zoom-level]")
    fitted = level.text_content()
    zoom.get_by_role("button", name="Forstør diagrammet").click()
    assert int(level.text_content().split()[0]) > int(fitted.split()[0])
    zoom.get_by_role("button", name="100 %").click()
    expect(level).to_have_text("100 %")
    frame = page.locator(".chart-scroll")
    assert frame.evaluate("el => el.scrollWidth > el.clientWidth"), "wider than the window"
    zoom.get_by_role("button", name="Hele diagrammet").click()
    drawing = page.locator(".oc-root").bounding_box()
    assert drawing["height"] <= 900 and drawing["width"] <= 1920
    zoom.get_by_role("button", name="Formindsk diagrammet").click()
    zoom.get_by_role("button", name="Tilpas").click()
    assert page.evaluate(MEASURE)["cut"] == []

    # Printing: A4 landscape, the drawing scaled onto the sheet's width (273 mm ≈ 1032 px).
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(url)
    page.emulate_media(media="print")
    printed = page.locator(".oc-root").bounding_box()
    assert printed["width"] <= 273 / 25.4 * 96
    expect(page.locator(".chart-print-note")).to_be_visible()
    screenshot(page, "chart-print")
    pdf = page.pdf(prefer_css_page_size=True)
    assert pdf.startswith(b"%PDF")
    page.emulate_media(media="screen")


def test_without_script_the_chart_scrolls_and_is_not_cut_off(browser, live_server, reader,
                                                            copenhagen_2025):
    base_url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        login(page, reader.username)
        page.goto(f"/structure/{copenhagen_2025.pk}/")
        frame = page.locator(".chart-scroll")
        assert frame.evaluate("el => el.scrollWidth > el.clientWidth")
        # Scrolled to its left edge, the leftmost box is whole; at its right edge, the
        # rightmost.
        edges = frame.evaluate("""el => {
          const boxes = [...el.querySelectorAll('.oc-box')].map(b => b.getBoundingClientRect());
          const f = el.getBoundingClientRect();
          const left = Math.min(...boxes.map(b => b.left)) - f.left;
          el.scrollLeft = el.scrollWidth;
          const after = [...el.querySelectorAll('.oc-box')].map(b => b.getBoundingClientRect());
          const right = f.right - Math.max(...after.map(b => b.right));
          return [left, right];
        }""")
        assert edges[0] >= 0 and edges[1] >= 0, edges
    finally:
        context.close()
