"""The test OpenID provider for the sign-in tests: one per module, reset for every test."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
import requests

from tests.oidc.provider import PASSWORD, configure_orgreg, running_provider


@pytest.fixture(scope="module")
def provider():
    with running_provider(["http://testserver"]) as running:
        yield running


@pytest.fixture
def oidc(settings, provider, db):
    """orgreg configured for the provider, the provider's accounts as the module made them."""
    provider.reset()
    configure_orgreg(settings, provider)
    return provider


class ProviderBrowser:
    """The user's browser at the provider (a requests session keeps its cookies), while the
    Django test client is the same browser at orgreg."""

    def __init__(self, client) -> None:
        self.client = client
        self.session = requests.Session()

    def _follow(self, url: str, response) -> tuple[str, requests.Response | None]:
        """Follows the provider's redirects; stops at one back to orgreg (returned)."""
        while response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith("http://testserver/"):
                return url, None
            response = self.session.get(url, allow_redirects=False, timeout=10)
        return url, response

    def callback_url(self, username: str, password: str = PASSWORD, *, start: str = "") -> str:
        """Starts a sign-in at orgreg, signs in at the provider, and returns the URL the
        provider sends the browser back to (orgreg's callback with code and state)."""
        answer = self.client.get(start or "/oidc/authenticate/")
        assert answer.status_code == 302, answer
        url = answer["Location"]
        url, page = self._follow(url, self.session.get(url, allow_redirects=False, timeout=10))
        if page is None:  # the provider's session is still on: no form
            return url
        action = re.search(r'action="([^"]+)"', page.text)
        assert action, page.text
        url = urljoin(url, action.group(1))
        posted = self.session.post(url, data={"login": username, "password": password},
                                   allow_redirects=False, timeout=10)
        back, page = self._follow(url, posted)
        assert page is None, page.text
        return back

    def sign_in(self, username: str, password: str = PASSWORD):
        """orgreg's answer to the provider's callback."""
        return self.client.get(self.callback_url(username, password).removeprefix(
            "http://testserver"))


@pytest.fixture
def idp(client, oidc):
    return ProviderBrowser(client)
