import pytest

from tests.os2mo.server import CLIENT_ID, CLIENT_SECRET, Os2moServer


@pytest.fixture
def os2mo_server(settings):
    """A running test OS2mo (tests/os2mo/server.py) with orgreg's OS2MO_* settings pointed at
    it; load data with `os2mo_server.load_sample("kommune")`. Changing `version` on the server
    also needs `settings.OS2MO_GRAPHQL_VERSION` changed by the test."""
    server = Os2moServer().start()
    settings.OS2MO_URL = server.url
    settings.OS2MO_CLIENT_ID = CLIENT_ID
    settings.OS2MO_CLIENT_SECRET = CLIENT_SECRET
    settings.OS2MO_AUTH_URL = ""
    settings.OS2MO_GRAPHQL_VERSION = server.version
    settings.OS2MO_PAGE_SIZE = 200
    yield server
    server.stop()
