"""Calendar feed tokens never reach the logs: orgreg.logging masks them in runserver's
request lines (django.server) and in django.request's records."""

from __future__ import annotations

import logging

from orgreg.logging import MaskFeedTokens, mask
from timeline import services as timeline_services

TOKEN = "hemmeligToken_abc-123"


def test_mask_replaces_the_token_segment_and_nothing_else():
    line = f"GET /plan/7/kalender/{TOKEN}.ics HTTP/1.1"
    assert mask(line) == "GET /plan/7/kalender/***.ics HTTP/1.1"
    assert mask("GET /plan/7/kalender/ HTTP/1.1") == "GET /plan/7/kalender/ HTTP/1.1"


def test_a_runserver_request_line_is_logged_masked():
    """A record built the way django.core.servers.basehttp.WSGIRequestHandler logs one,
    handled by the configured django.server logger."""
    logger = logging.getLogger("django.server")
    assert any(isinstance(f, MaskFeedTokens) for f in logger.filters)
    seen: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: seen.append(record.getMessage())  # type: ignore[method-assign]
    logger.addHandler(handler)
    try:
        record = logger.makeRecord(
            "django.server", logging.INFO, __file__, 1, '"%s" %s %s',
            (f"GET /plan/7/kalender/{TOKEN}.ics HTTP/1.1", "200", "512"), None,
            extra={"status_code": 200, "server_time": "01/Dec/2026 10:00:00"})
        logger.handle(record)
    finally:
        logger.removeHandler(handler)
    assert seen == ['"GET /plan/7/kalender/***.ics HTTP/1.1" 200 512']


def test_a_bad_feed_token_404_is_logged_masked(client, caplog, organisation):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(f"/plan/{organisation.pk}/kalender/{TOKEN}.ics")
    assert response.status_code == 404
    assert f"/plan/{organisation.pk}/kalender/***.ics" in caplog.text
    assert TOKEN not in caplog.text


def test_a_good_feed_is_served_and_its_token_is_in_the_path(client, editor, organisation):
    token = timeline_services.feed_token(editor).token
    response = client.get(f"/plan/{organisation.pk}/kalender/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
