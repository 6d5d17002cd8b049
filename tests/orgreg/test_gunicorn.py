"""The production set-up, for real: collectstatic, then gunicorn with deploy/gunicorn.conf.py
and DEBUG off on a loopback port against a SQLite file, asked over HTTP as the reverse proxy
asks it (X-Forwarded-Proto: https)."""

from __future__ import annotations

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orgreg import pdf
from tests.orgreg.test_csp import inline_markup

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")
# Swagger UI's and the admin's files are most of the collection and all of its time; the
# pages asked here use only orgreg's own.
IGNORE = ["drf_spectacular_sidecar", "admin", "rest_framework"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(port: int, path: str, **headers: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    connection.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = connection.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    connection.close()
    return response


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("gunicorn")
    env = {k: v for k, v in os.environ.items()
           if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE", "CACHE_URL", "CELERY_BROKER_URL",
                        "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update(SECRET_KEY="gunicorn-test-3QkWm9-pZr7Lx2Vb8Nc4Ht6Jy1Fd5Gs0Ae_Ku",
               ALLOWED_HOSTS="127.0.0.1", DATABASE_URL=f"sqlite:///{tmp / 'db.sqlite3'}",
               STATIC_ROOT=str(tmp / "static"), WEB_CONCURRENCY="2", LOG_FORMAT="json")
    manage = [sys.executable, "manage.py"]
    for command in (["collectstatic", "--no-input", "-v0", *[a for i in IGNORE
                                                               for a in ("-i", i)]],
                    ["migrate", "--no-input", "-v0"]):
        done = subprocess.run(manage + command, cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0, done.stderr
    port = _free_port()
    env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    log = tmp / "gunicorn.log"
    with log.open("w") as out:
        process = subprocess.Popen([str(GUNICORN), "-c", "deploy/gunicorn.conf.py"], cwd=ROOT,
                                   env=env, stdout=out, stderr=subprocess.STDOUT)
    try:
        for _ in range(120):
            try:
                if _get(port, "/healthz").status == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()
            time.sleep(0.5)
        else:
            pytest.fail("gunicorn did not answer: " + log.read_text())
        yield port, log, tmp / "static"
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def test_healthz_answers_over_plain_http_for_the_load_balancer(server):
    port, _, _ = server
    response = _get(port, "/healthz")
    assert response.status == 200
    assert b'"status": "ok"' in response.body


def test_a_page_without_tls_is_redirected_to_https(server):
    port, _, _ = server
    response = _get(port, "/login/")
    assert response.status == 301
    assert response.getheader("Location") == "https://127.0.0.1/login/"


def test_the_login_page_behind_the_proxy_has_the_hardening_headers(server):
    port, log, _ = server
    response = _get(port, "/login/", **{"X-Forwarded-Proto": "https",
                                        "X-Request-ID": "proxy-0123456789"})
    assert response.status == 200
    assert "Log ind" in response.body.decode()
    assert response.getheader("Strict-Transport-Security").startswith("max-age=31536000")
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"
    assert response.getheader("X-Request-ID") == "proxy-0123456789"
    cookie = response.getheader("Set-Cookie") or ""
    assert "csrftoken=" in cookie and "Secure" in cookie and "HttpOnly" in cookie
    time.sleep(0.5)
    assert "request_id=proxy-0123456789" in log.read_text()


def test_static_files_have_hashed_names_compression_and_long_caching(server):
    port, _, _ = server
    page = _get(port, "/login/", **{"X-Forwarded-Proto": "https"}).body.decode()
    css = re.search(r'href="(/static/css/orgreg\.[0-9a-f]{12}\.css)"', page)
    assert css, "no hashed stylesheet on the page"
    response = _get(port, css.group(1), **{"Accept-Encoding": "gzip",
                                           "X-Forwarded-Proto": "https"})
    assert response.status == 200
    assert response.getheader("Content-Encoding") == "gzip"
    assert "immutable" in response.getheader("Cache-Control")
    assert response.getheader("Content-Type").startswith("text/css")
    assert _get(port, "/static/css/ingen.css", **{"X-Forwarded-Proto": "https"}).status == 404


def test_pages_and_hashed_compressed_static_files_carry_the_content_security_policy(server):
    port, _, _ = server
    https = {"X-Forwarded-Proto": "https"}
    page = _get(port, "/login/", **https)
    policy = page.getheader("Content-Security-Policy") or ""
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'",
                      "object-src 'none'", "frame-ancestors 'none'", "form-action 'self'"):
        assert directive in policy, policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert page.getheader("Content-Security-Policy-Report-Only") is None  # enforced
    html = page.body.decode()
    assert not inline_markup(html), inline_markup(html)
    script = re.search(r'src="(/static/js/orgreg\.[0-9a-f]{12}\.js)"', html)
    assert script, "no hashed script on the page"
    static = _get(port, script.group(1), **https, **{"Accept-Encoding": "br, gzip"})
    assert static.status == 200
    assert static.getheader("Content-Encoding") in {"br", "gzip"}
    assert static.getheader("Content-Security-Policy") == policy
    # The Danish 404 page with DEBUG off too.
    missing = _get(port, "/findes-slet-ikke/", **https)
    assert missing.status == 404 and "Siden findes ikke" in missing.body.decode()
    assert missing.getheader("Content-Security-Policy") == policy


def test_the_access_log_masks_feed_tokens(server):
    port, log, _ = server
    _get(port, "/plan/1/kalender/hemmeligt-token.ics", **{"X-Forwarded-Proto": "https"})
    time.sleep(0.5)
    text = log.read_text()
    assert "/plan/1/kalender/***.ics" in text
    assert "hemmeligt-token" not in text


def test_the_pdf_renderer_reads_the_hashed_copies_collectstatic_wrote(server, settings):
    """In production {% static %} names css/pdf.<hash>.css, which only STATIC_ROOT holds; the
    renderer serves it from there, and still nothing outside it."""
    _, _, static_root = server
    settings.STATIC_ROOT = static_root
    hashed = next(static_root.glob("css/pdf.*.css")).name
    fetcher = pdf.StaticOnlyURLFetcher()
    response = fetcher.fetch(f"{pdf.BASE_URL.rstrip('/')}/static/css/{hashed}")
    assert b"@font-face" in response.read()
    with pytest.raises(pdf.RefusedURL):
        fetcher.fetch(f"{pdf.BASE_URL.rstrip('/')}/static/css/../../db.sqlite3")
