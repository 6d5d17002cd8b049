"""Accessibility (WCAG 2.1 A and AA, as Danish public-sector sites must meet): axe-core run in
Debian's Chromium over every page type for each role. The pages are those of the leak test's
scenario (tests/orgreg/test_leaks.py: every URL pattern filled with the Randers situation's
objects), one representative URL per pattern and role: the first that answers that role with
an HTML page of 200, else the first (an error page, a login redirect). Any violation of the
rules tagged wcag2a, wcag2aa, wcag21a or wcag21aa fails.

axe-core comes from npm (tests/browser/package.json, `make axe-core`). Playwright's
add_script_tag puts the file's text into the page as an inline script, which the site's
Content-Security-Policy refuses, so the axe run's browser context alone has `bypass_csp=True`;
the policy itself is checked by tests/browser/test_csp_browser.py and tests/orgreg/test_csp.py.
"""

from __future__ import annotations

import datetime
import os
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from med import services as med_services
from tests.orgreg import test_leaks
from tests.orgreg.test_csp import BROWSER_ACCEPT
from tests.orgreg.test_leaks import filled_urls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

randers = test_leaks.randers

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"
WCAG21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async ([tags, rules]) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules: rules,
                                          resultTypes: ["violations"]});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + " — " +
                                        (n.failureSummary || "").replace(/\\s+/g, " "))}));
}"""


@pytest.fixture(scope="module")
def axe_source() -> Path:
    if not AXE.exists():
        reason = f"axe-core mangler ({AXE}); kør 'make axe-core'."
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE


def representative_urls(role_client: Client, urls: list[tuple[str, str]], *,
                        signed_in: bool) -> list[str]:
    """Per URL name, the first URL that answers `role_client` with an HTML page of 200; error
    pages (403, 404, a login redirect's target) once per status. Names whose first answer is
    no HTML page (files, JSON, POST-only URLs) are left out, the rest of their URLs unasked.
    Signed in, the search pages with hits too."""
    chosen: dict[str, str] = {}
    errors: dict[int, str] = {}
    done: set[str] = set()
    for name, url in urls:
        if "TOKEN" in url or name in done:
            continue
        response = role_client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        if response.status_code in (301, 302):
            continue  # its target is a page of its own pattern (the login page for anonym)
        if ("text/html" not in response.get("Content-Type", "") or not response.content
                or response.status_code == 405):
            done.add(name)
        elif response.status_code == 200:
            chosen[name] = url
            done.add(name)
        else:
            errors.setdefault(response.status_code, url)
    return (sorted(set(chosen.values())) + sorted(errors.values()) + ["/ingen-saadan-side/"]
            + (SEARCHES if signed_in else []))


def hearing_urls(randers, editor, med_member) -> list[tuple[str, str]]:
    """The comments page of a structure in consultation, with its forms to comment and to
    answer for a body the MED member belongs to (the leak scenario has no consultation
    going on, so its comments pages show no forms), and a comment on it for the editor to
    handle."""
    from comments import services as comment_services
    from units import services as unit_services

    day = datetime.date.today()
    hearing = unit_services.copy_structure(randers.structures["P0"], name="I høring",
                                           effective_date=datetime.date(2029, 1, 1),
                                           user=editor)
    hearing = unit_services.set_status(hearing, "consultation", user=editor)
    body = med_services.create_body(hearing, name="HøringsMED", level="hoved",
                                    valid_from=datetime.date(2020, 1, 1), user=editor)
    med_services.add_membership(body, person_name="Lis", side="medarbejder",
                                valid_from=datetime.date(2020, 1, 1), person_user=med_member,
                                user=editor)
    med_services.create_consultation(hearing, body=body, sent_on=day, deadline=day,
                                     user=editor)
    comment = comment_services.add_comment(hearing, text="Et spørgsmål", user=med_member)
    return [("comments:structure-comments (i høring)",
             reverse("comments:structure-comments", args=[hearing.pk])),
            ("comments:comment-handle (i høring)",
             reverse("comments:comment-handle", args=[comment.pk]))]


# The search pages with something found, beside their empty forms.
SEARCHES = ["/soeg/?q=afdeling", "/soeg/?q=l%C3%A6km", "/min-enhed/?q=afdeling"]

# Rules left out on a page, with why.
EXCEPTIONS = {
    # Swagger UI's markup, not ours: each operation's summary is a button that holds the
    # operation's copy and expand buttons. Its colours and the page's language are fixed.
    "/api/docs/": {"nested-interactive": {"enabled": False}},
}


def axe_violations(page, url: str) -> list[dict]:
    page.goto(url)
    page.wait_for_load_state("load")
    if page.locator("#swagger-ui").count():  # drawn by its script after the page's load
        page.locator(".swagger-ui .opblock").first.wait_for()
    page.add_script_tag(path=str(AXE))
    return page.evaluate(RUN_AXE, [WCAG21_AA, EXCEPTIONS.get(url, {})])


def test_no_page_of_any_role_has_a_wcag21_aa_violation(browser, live_server, axe_source,
                                                       randers, editor, reader, manager,
                                                       med_member):
    started = time.monotonic()
    # A body that has ended, as the MED overview shows them.
    med_services.create_body(randers.structures["P0"], name="Tidligere LokalMED",
                             level="lokal", valid_from=datetime.date(2020, 1, 1),
                             valid_to=datetime.date(2023, 12, 31), user=editor)
    urls = filled_urls(randers) + hearing_urls(randers, editor, med_member)
    base_url = live_server.url.replace("://localhost:", "://127.0.0.1:")
    users = {"anonym": None, "læser": reader, "leder": manager, "med": med_member,
             "redaktør": editor}
    found: dict[tuple[str, str], list[str]] = {}
    visited = 0
    for role, user in users.items():
        client = Client()
        context = browser.new_context(base_url=base_url, locale="da-DK", bypass_csp=True,
                                      viewport={"width": 1400, "height": 900})
        if user is not None:
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                                  "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                  "url": base_url}])
        page = context.new_page()
        page.set_default_timeout(15000)
        try:
            for url in representative_urls(client, urls, signed_in=user is not None):
                visited += 1
                for v in axe_violations(page, url):
                    found.setdefault((v["id"], v["help"]), []).append(
                        f"{role} {url}: " + " | ".join(v["nodes"]))
        finally:
            context.close()
    print(f"\naxe: {visited} pages over {len(users)} roles, {len(found)} rules violated, "
          f"{time.monotonic() - started:.1f} s")
    report = "\n".join(f"{rule} ({help_}):\n  " + "\n  ".join(where[:8])
                       for (rule, help_), where in sorted(found.items()))
    assert not found, report


def test_axe_finds_what_it_should(browser, live_server, axe_source, editor):
    """The control: a page with a button with no name and grey on grey text is reported, so a
    clean run means clean pages."""
    context = browser.new_context(bypass_csp=True)
    try:
        page = context.new_page()
        page.set_content('<!doctype html><html lang="da"><head><title>t</title></head><body>'
                         '<main><button></button><p style="color:#ccc;background:#ddd">grå'
                         '</p></main></body></html>')
        page.add_script_tag(path=str(AXE))
        ids = {v["id"] for v in page.evaluate(RUN_AXE, [WCAG21_AA, {}])}
    finally:
        context.close()
    assert {"button-name", "color-contrast"} <= ids, ids
