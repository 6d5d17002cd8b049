"""/healthz answers without login and names nothing; the request id is taken from the proxy
or made, returned on the response, and carried by the request's log lines."""

from __future__ import annotations

import io
import json
import logging

from django.test import Client, override_settings

from orgreg.logging import JsonFormatter, MaskFeedTokens, RequestContext

# Nothing listens here: a cache that does not answer, for real.
DEAD_REDIS = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache",
                          "LOCATION": "redis://127.0.0.1:1/0",
                          "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}}}


def test_healthz_answers_ok_without_login_and_without_data(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert "sessionid" not in response.cookies


@override_settings(CACHES=DEAD_REDIS)
def test_healthz_is_503_in_danish_when_the_cache_does_not_answer(db):
    response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "fejl", "database": "ok", "cache": "svarer ikke"}


def test_a_proxy_request_id_is_kept_and_a_bad_one_replaced(db):
    client = Client()
    given = client.get("/healthz", HTTP_X_REQUEST_ID="proxy-4f2a9c1e")
    assert given["X-Request-ID"] == "proxy-4f2a9c1e"
    forged = client.get("/healthz", HTTP_X_REQUEST_ID="x\nFAKE LOG LINE")
    assert forged["X-Request-ID"] != "x\nFAKE LOG LINE"
    assert len(forged["X-Request-ID"]) == 32
    made = client.get("/healthz")
    assert len(made["X-Request-ID"]) == 32 and made["X-Request-ID"] != forged["X-Request-ID"]


def test_a_requests_log_line_carries_its_id_user_and_structure(client, reader):
    """django.request's "Not Found" line, through the configured filters and the JSON format,
    as gunicorn's workers write it with LOG_FORMAT=json."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(MaskFeedTokens())
    handler.addFilter(RequestContext())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        client.force_login(reader)
        response = client.get("/plan/1/kalender/hemmeligt.ics", HTTP_X_REQUEST_ID="req-12345678")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    lines = stream.getvalue().splitlines()
    assert len(lines) == 1
    event = json.loads(lines[0])
    assert event["request_id"] == "req-12345678"
    assert event["user"] == "laeser"
    assert event["status_code"] == 404
    assert event["level"] == "WARNING" and event["logger"] == "django.request"
    assert "hemmeligt" not in lines[0] and "kalender/***.ics" in event["message"]
