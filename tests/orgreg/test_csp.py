"""Content-Security-Policy: every answer carries the policy (pages of each app, error pages, the
login page, the API, static files), and no page served to a browser has what the policy
refuses: a <style> element, a style attribute, an inline <script>, an on…= handler or a
javascript: URL. The pages are those the leak test walks (every URL pattern × every role, see
tests/orgreg/test_leaks.py), asked as a browser asks (Accept: text/html)."""

from __future__ import annotations

import time
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from tests.orgreg import test_leaks
from tests.orgreg.test_leaks import Walk, filled_urls
from timeline import services as timeline_services

randers = test_leaks.randers

POLICY = {
    "default-src": "'self'", "script-src": "'self'", "style-src": "'self'",
    "img-src": "'self'", "font-src": "'self'", "object-src": "'none'", "base-uri": "'self'",
    "form-action": "'self'", "frame-ancestors": "'none'",
}
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


def directives(response) -> dict[str, str]:
    header = response.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.status_code} {response}"
    return {part.split(" ", 1)[0]: part.split(" ", 1)[1] if " " in part else ""
            for part in (p.strip() for p in header.split(";")) if part}


def assert_policy(response, **extra: str) -> None:
    got = directives(response)
    assert {k: got.get(k) for k in POLICY} == {**POLICY, **extra}, got
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


class InlineMarkup(HTMLParser):
    """What a page has that the policy refuses, as short descriptions."""

    URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value or "" for name, value in attrs}
        if tag == "style":
            self.found.append("<style>")
        if tag == "script" and not names.get("src"):
            self.found.append("<script> without src")
        if "style" in names:
            self.found.append(f'<{tag} style="{names["style"][:40]}">')
        self.found += [f"<{tag} {name}=…>" for name in names if name.startswith("on")]
        self.found += [f'<{tag} {name}="javascript:…">' for name, value in names.items()
                       if name in self.URL_ATTRIBUTES
                       and value.strip().lower().startswith("javascript:")]


def inline_markup(html: str) -> list[str]:
    parser = InlineMarkup()
    parser.feed(html)
    parser.close()
    return parser.found


def test_the_checker_finds_each_kind_of_inline_markup():
    page = ('<style>p{}</style><p style="color: red">x</p><script>alert(1)</script>'
            '<script src="/static/js/orgreg.js"></script><svg><rect style="x"/></svg>'
            '<button onclick="go()">x</button><a href="javascript:go()">x</a>'
            '<details open><summary>ok</summary></details><p data-style="ok">style=ok</p>')
    assert inline_markup(page) == [
        "<style>", '<p style="color: red">', "<script> without src", '<rect style="x">',
        "<button onclick=…>", '<a href="javascript:…">']


class InlineWalk(Walk):
    """The leak test's walk, reading each answer for the policy and, when it is HTML, for
    inline markup."""

    def __init__(self, scenario) -> None:
        super().__init__(scenario)
        self.pages = 0
        self.offences: dict[tuple[str, str], str] = {}
        self.without_policy: list[tuple[str, str, int]] = []

    def check(self, role, user, name, url, client, echo=()):
        self.requests += 1
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        if response.status_code >= 500:
            self.errors.append((role, url, response.status_code))
        if "Content-Security-Policy" not in response:
            self.without_policy.append((role, url, response.status_code))
        if "text/html" not in response.get("Content-Type", ""):
            return
        self.pages += 1
        content = (b"".join(response.streaming_content) if response.streaming
                   else response.content)
        for offence in inline_markup(content.decode()):
            self.offences.setdefault((name, offence), f"{role} {url}")


def test_no_page_of_any_url_and_role_has_inline_script_or_style(randers, editor, reader,
                                                                manager, med_member):
    started = time.monotonic()
    urls = filled_urls(randers)
    walk = InlineWalk(randers)
    users = {"anonym": None, "læser": reader, "leder": manager, "med": med_member,
             "redaktør": editor}
    for role, user in users.items():
        walk.role(role, user, urls, timeline_services.feed_token(user).token if user else None)
    print(f"\ninline walk: {len(urls)} filled URLs, {walk.requests} requests, {walk.pages} "
          f"HTML pages, {len(walk.offences)} offences, {time.monotonic() - started:.1f} s")
    # Not vacuous: the walk met the pages, most of the URLs as HTML.
    assert walk.pages > len(urls), walk.pages
    assert not walk.errors, walk.errors
    assert not walk.without_policy, walk.without_policy[:20]
    assert not walk.offences, "\n".join(f"{name}: {offence} ({where})" for (name, offence), where
                                        in sorted(walk.offences.items()))


# --- the header on each kind of answer -------------------------------------------------------


def _pages(s) -> dict[str, str]:
    p0, d, p1, c = (s.structures[k] for k in ("P0", "D", "P1", "C"))
    return {
        "structure chart": reverse("units:structure-detail", args=[p0.pk]),
        "outline": reverse("units:structure-outline", args=[p0.pk]),
        "edit": reverse("units:structure-edit", args=[d.pk]),
        "compare": reverse("units:structure-compare", kwargs={"pk": p0.pk, "other": p1.pk}),
        "unit": reverse("units:unit-detail", args=[s.units[0].pk]),
        "home": reverse("units:home"),
        "Min enhed": reverse("units:my-unit") + "?q=Team",
        "MED": reverse("med:index"),
        "MED body": s.bodies[0].get_absolute_url(),
        "MED coverage": reverse("med:coverage", args=[p0.pk]),
        "plan": reverse("timeline:plan", args=[s.organisation.pk]),
        "Gantt": reverse("timeline:gantt", args=[s.organisation.pk]),
        "job": reverse("job-detail", args=[s.jobs[0].pk]),
        "API": reverse("api:structure-list"),
        "404": "/findes-slet-ikke/",
        "403": reverse("units:structure-edit", args=[p0.pk]),
    }


def test_every_kind_of_page_has_the_policy(randers, editor, settings):
    settings.DEBUG = False
    client = Client()
    client.force_login(editor)
    for kind, url in _pages(randers).items():
        response = client.get(url, HTTP_ACCEPT=BROWSER_ACCEPT)
        expected = {"404": 404, "403": 403}.get(kind, 200)
        assert response.status_code == expected, (kind, url, response.status_code)
        assert_policy(response)
    # The login page, to anyone, and a form refused for its missing CSRF token (403).
    anonymous = Client(enforce_csrf_checks=True)
    login_page = anonymous.get(reverse("login"))
    assert login_page.status_code == 200
    assert_policy(login_page)
    refused = anonymous.post(reverse("login"), {"username": "x", "password": "y"})
    assert refused.status_code == 403 and "Formularen kunne ikke sendes" in refused.content.decode()
    assert_policy(refused)
    # A static file too (WhiteNoise).
    assert_policy(client.get("/static/css/orgreg.css"))


def test_swagger_ui_may_draw_its_icons_from_data_urls_and_nothing_else(client, reader):
    client.force_login(reader)
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    assert_policy(page, **{"img-src": "'self' data:"})
    html = page.content.decode()
    assert not inline_markup(html), inline_markup(html)
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in script.content.decode()


@pytest.mark.urls("tests.orgreg.error_urls")
def test_the_500_page_has_the_policy_and_no_inline_markup(db, settings):
    settings.DEBUG = False
    response = Client(raise_request_exception=False).get("/fejl/")
    assert response.status_code == 500
    assert_policy(response)
    assert not inline_markup(response.content.decode())


def test_report_only_sends_the_same_policy_under_the_report_only_header(client, reader,
                                                                       settings):
    """CSP_REPORT_ONLY=1 (tests/orgreg/test_settings.py reads it) moves the policy to the
    report-only header: browsers report, block nothing; the docs page's exception follows."""
    policy = settings.CONTENT_SECURITY_POLICY
    settings.CONTENT_SECURITY_POLICY = None
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = policy
    client.force_login(reader)
    for url, img in ((reverse("units:home"), "'self'"), (reverse("api:docs"), "'self' data:")):
        response = client.get(url)
        assert "Content-Security-Policy" not in response
        header = response["Content-Security-Policy-Report-Only"]
        assert "style-src 'self'" in header and f"img-src {img};" in header + ";"


def test_the_admin_pages_have_no_inline_markup_either(randers, settings):
    """The leak walk leaves the admin out (staff only); its pages are under the same policy."""
    from django.contrib import admin

    from tests import factories

    settings.DEBUG = False
    client = Client()
    client.force_login(factories.make_user("chef", superuser=True))
    urls = [reverse("admin:index")]
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        urls.append(reverse("admin:{}_{}_changelist".format(*info)))
        urls.append(reverse("admin:{}_{}_add".format(*info)))
        first = model._default_manager.order_by("pk").first()
        if first is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            urls.append(reverse("admin:{}_{}_history".format(*info), args=[first.pk]))
    offences = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        assert_policy(response)
        for offence in inline_markup(response.content.decode()):
            offences.setdefault(offence, url)
    assert len(urls) > 20
    assert not offences, offences


def test_with_the_identity_provider_forms_may_go_on_to_its_logout(client, reader, settings):
    """"Log ud" posts to orgreg, which redirects to the provider's logout page: form-action
    names the provider's origin while sign-in goes through it, and only then."""
    client.force_login(reader)
    assert directives(client.get(reverse("units:home")))["form-action"] == "'self'"
    settings.OIDC_ISSUER = "https://login.kommune.example:8443/realms/orgreg"
    home = client.get(reverse("units:home"))
    assert directives(home)["form-action"] == "'self' https://login.kommune.example:8443"
    docs = directives(client.get(reverse("api:docs")))
    assert docs["form-action"] == "'self' https://login.kommune.example:8443"
    assert docs["img-src"] == "'self' data:"
