"""The main pages under the Content-Security-Policy, in Chromium: no console error, no uncaught
script error and no policy violation (an inline style or script the browser refused) on the
demo's chart, outline, edit page (with a drag-and-drop move), comparison, Gantt, plan, MED
pages, Min enhed and the API's Swagger UI; the Gantt's SVG bars drawn where their dates put
them. Screenshots in test-artifacts/screenshots/csp-*.png."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from med.models import MedBody
from tests.browser.conftest import login, screenshot
from timeline.demo import KOBENHAVN
from units.models import Organisation, Structure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Runs before any script of the page (Playwright's init scripts are not subject to the page's
# policy): every violation the browser reports, kept for the test to read.
WATCH_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") +
                              " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


class Watch:
    """Console errors, uncaught errors and CSP violations of one page, across navigations."""

    def __init__(self, page) -> None:
        self.page = page
        self.problems: list[str] = []
        page.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"{page.url}: {error}"))

    def _console(self, message) -> None:
        if message.type == "error":
            self.problems.append(f"{self.page.url}: {message.text}")

    def visit(self, url: str) -> None:
        response = self.page.goto(url)
        assert response.status == 200, (url, response.status)
        assert response.headers.get("content-security-policy"), url
        self.page.wait_for_load_state("load")
        self.check()

    def check(self) -> None:
        violations = self.page.evaluate("window.__cspViolations || []")
        assert not violations, f"{self.page.url}: {violations}"
        assert not self.problems, "\n".join(self.problems)


@pytest.fixture
def demo_loaded(editor, reader, manager, med_member):
    # The suite's role users exist first, so the demo keeps their password.
    call_command("loaddemo", stdout=io.StringIO())


def test_the_browser_enforces_the_policy_and_the_watch_sees_it(page, editor, small):
    """The control: a style attribute and an inline script put into the page by a script are
    refused, and reported; so a page without reports had nothing refused."""
    structure, _ = small
    watch = Watch(page)
    login(page, "redaktoer")
    watch.visit(f"/structure/{structure.pk}/")
    page.evaluate("""() => {
        document.body.setAttribute("style", "background: red");
        const s = document.createElement("script");
        s.textContent = "window.__ran = true;";
        document.body.appendChild(s);
    }""")
    page.wait_for_function("window.__cspViolations.length >= 2")
    violations = page.evaluate("window.__cspViolations")
    assert any(v.startswith("style-src") for v in violations), violations
    assert any(v.startswith("script-src") for v in violations), violations
    assert page.evaluate("window.__ran === undefined")
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") != "rgb(255, 0, 0)"
    # Chromium says so on the console too, which the watch counts as an error.
    assert any("Content Security Policy" in p for p in watch.problems), watch.problems


def test_the_main_pages_run_without_a_refusal_or_a_console_error(page, demo_loaded):
    kbh = Organisation.objects.get(name=KOBENHAVN)
    old, new = Structure.objects.filter(organisation=kbh).order_by("effective_date")[:2]
    draft = Structure.objects.filter(status="draft").order_by("pk").first()
    body = MedBody.objects.filter(structure=new).order_by("pk").first()
    watch = Watch(page)
    login(page, "redaktoer")
    watch.check()

    watch.visit(f"/structure/{new.pk}/")
    page.get_by_role("button", name="Fold alle sammen").click()
    page.get_by_role("button", name="Fold alle ud").click()
    watch.check()
    screenshot(page, "csp-01-diagram")
    watch.visit(f"/structure/{new.pk}/outline/")
    page.get_by_role("button", name="Fold alle sammen").click()
    watch.check()
    watch.visit(f"/structure/{old.pk}/compare/{new.pk}/")
    screenshot(page, "csp-02-sammenligning")

    # The edit page, and a move by drag and drop (confirmed in the dialog, which posts it).
    root = draft.units.get(parent=None)
    first, second = list(root.get_children())[:2]
    mover = first.get_children().first()
    watch.visit(f"/structure/{draft.pk}/edit/")
    line = "#o-{0} > .o-line"  # a unit's line (a parent's summary is its fold marker only)
    page.drag_and_drop(line.format(mover.pk), line.format(second.pk))
    page.locator("#dialog-move-reason").fill("Samling af opgaverne")
    page.locator("#move-dialog").get_by_role("button", name="Flyt", exact=True).click()
    expect(page.locator(f"#o-{second.pk} #o-{mover.pk}")).to_be_visible()
    mover.refresh_from_db()
    assert mover.parent_id == second.pk
    watch.check()
    screenshot(page, "csp-03-rediger")

    watch.visit(f"/plan/{kbh.pk}/")
    screenshot(page, "csp-04-tidsplan")
    watch.visit(f"/organisation/{kbh.pk}/")
    expect(page.locator("progress.tl-process-track")).to_be_visible()
    screenshot(page, "csp-05-organisation-procesbar")

    watch.visit("/med/")
    screenshot(page, "csp-06-med")
    watch.visit(f"/med/coverage/{new.pk}/")
    screenshot(page, "csp-07-med-daekning")
    watch.visit(body.get_absolute_url())
    screenshot(page, "csp-08-med-udvalg")

    watch.visit("/min-enhed/")
    page.get_by_label("Søg på enhedens navn eller kode").press_sequentially("borger", delay=20)
    expect(page.locator("#search-results a").first).to_be_visible()
    watch.check()

    watch.visit("/api/docs/")
    expect(page.locator(".swagger-ui .info")).to_be_visible(timeout=15000)
    watch.check()


def test_the_gantt_bars_stand_where_their_dates_put_them(page, browser, demo_loaded,
                                                         live_server):
    """SVG geometry in percent of the track: a bar's drawn left edge and width are its share of
    the track, with and without JavaScript."""
    from timeline.selectors import gantt

    kbh = Organisation.objects.get(name=KOBENHAVN)
    chart = gantt(kbh)
    bars = [bar for row in chart.rows for bar in row.bars]
    assert len(bars) > 5
    watch = Watch(page)
    login(page, "redaktoer")
    watch.visit(f"/plan/{kbh.pk}/gantt/")
    screenshot(page, "csp-09-gantt")
    drawn = page.locator(".tl-bar .tl-bar-box")
    expect(drawn).to_have_count(len(bars))
    for i in (0, len(bars) // 2, len(bars) - 1):
        box = drawn.nth(i).bounding_box()
        track = drawn.nth(i).locator("xpath=ancestor::*[local-name()='svg'][2]").bounding_box()
        assert abs((box["x"] - track["x"]) / track["width"] * 100 - bars[i].left) < 0.5
        assert abs(box["width"] / track["width"] * 100 - bars[i].width) < 0.5
        if bars[i].deliverable.progress:
            fill = drawn.nth(i).locator("xpath=following-sibling::*[1]").bounding_box()
            assert abs(fill["width"] / box["width"] * 100 - bars[i].deliverable.progress) < 1.5
            assert abs(fill["x"] - box["x"]) < 0.5

    # Without JavaScript the chart is the same drawing (nothing in it needs a script).
    base_url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    context = browser.new_context(base_url=base_url, java_script_enabled=False,
                                  viewport={"width": 1400, "height": 900})
    try:
        bare = context.new_page()
        login(bare, "redaktoer")
        bare.goto(f"/plan/{kbh.pk}/gantt/")
        box = bare.locator(".tl-bar .tl-bar-box").first.bounding_box()
        assert box and box["width"] > 2
        screenshot(bare, "csp-10-gantt-uden-javascript")
    finally:
        context.close()
