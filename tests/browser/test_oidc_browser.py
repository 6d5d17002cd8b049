"""Sign-in through the municipality's identity provider, the whole journey in Chromium: the
test OpenID provider (tests/oidc/provider.mjs) on loopback, orgreg on the live server."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.oidc.provider import PASSWORD, configure_orgreg, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANNA = "a7f3c2e0-redaktoer"


@pytest.fixture(scope="module")
def provider(live_server):
    with running_provider([live_server.url.replace("://localhost:", "://127.0.0.1:")]) as p:
        yield p


@pytest.fixture
def oidc(settings, provider):
    provider.reset()
    configure_orgreg(settings, provider)
    return provider


def sign_in(page, username: str) -> None:
    page.goto("/login/")
    page.get_by_role("link", name="Log ind med kommunens login").click()
    expect(page.get_by_role("heading", name="Log ind hos test-udbyderen")).to_be_visible()
    page.get_by_label("Brugernavn").fill(username)
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log ind hos test-udbyderen").click()


def test_an_editor_signs_in_loses_a_role_at_the_provider_and_logs_out_of_both(page, oidc):
    page.goto("/login/")
    screenshot(page, "oidc-00-login")
    sign_in(page, "anna")
    expect(page.locator(".site-user")).to_contain_text("Anna Redaktør · Redaktør, Læser")
    screenshot(page, "oidc-01-redaktoer-logget-ind")

    # Logging out of orgreg ends the provider's session too: the provider asks, then sends
    # the browser back to orgreg's login page.
    page.get_by_role("button", name="Log ud").click()
    page.get_by_role("button", name="Ja, log mig ud").click()
    page.wait_for_url("**/login/")
    expect(page.get_by_role("link", name="Log ind med kommunens login")).to_be_visible()

    # The editor group is taken at the provider; the next sign-in asks for the password again
    # (no provider session left) and gives reading only.
    oidc.set_groups(ANNA, ["grp-alle"])
    sign_in(page, "anna")
    expect(page.locator(".site-user")).to_contain_text("Anna Redaktør · Læser")
    expect(page.locator(".site-user")).not_to_contain_text("Redaktør,")


def test_a_manager_signs_in_as_manager(page, oidc):
    sign_in(page, "lars")
    expect(page.locator(".site-user")).to_contain_text("Lars Leder · Leder")
    expect(page.get_by_role("link", name="Hvor skal min enhed hen?")).to_be_visible()


def test_a_user_without_a_mapped_group_is_told_and_gets_no_session(page, oidc):
    sign_in(page, "ib")
    expect(page.get_by_role("heading", name="Du har ikke adgang til orgreg")).to_be_visible()
    expect(page.locator(".site-user")).to_have_count(0)
    screenshot(page, "oidc-02-ingen-adgang")
    page.goto("/")
    page.wait_for_url("**/login/**")
    expect(page.get_by_role("heading", name="Log ind", exact=True)).to_be_visible()
