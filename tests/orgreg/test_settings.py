"""Settings from the environment, each read in a process of its own (as a server reads them):
production's defaults pass `check --deploy`, each security setting follows an environment
variable of its own name, CACHE_URL picks the cache, LOG_FORMAT the log lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Long and random-looking enough for Django's own check (security.W009).
PRODUCTION = {
    "SECRET_KEY": "t6Hq-0Rr2ZbVvJp9XyK_3nWm8LcQe1FsAdGuTo5iBk4hPjN7xMzYw",
    "ALLOWED_HOSTS": "orgreg.kommune.example",
    "CSRF_TRUSTED_ORIGINS": "https://orgreg.kommune.example",
}
OURS = {"DEBUG", "SECRET_KEY", "DJANGO_SETTINGS_MODULE", "ALLOWED_HOSTS", "CACHE_URL",
        "LOG_FORMAT", "CELERY_BROKER_URL", "CSRF_TRUSTED_ORIGINS",
        # Set by Playwright's tests in the same process; a server never has it.
        "DJANGO_ALLOW_ASYNC_UNSAFE"}


def _clean_env(**env: str) -> dict[str, str]:
    clean = {k: v for k, v in os.environ.items()
             if k not in OURS
             and not k.startswith(("SECURE_", "SESSION_", "CSRF_", "EMAIL_", "CSP_"))}
    return {**clean, **env}


def _run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=ROOT, env=_clean_env(**env), capture_output=True,
                          text=True, timeout=120)


def _settings(*names: str, **env: str) -> dict:
    """The named settings as a fresh process with this environment reads them."""
    code = ("import json, orgreg.settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {list(names)!r}}}, default=str))")
    result = _run([sys.executable, "-c", code], **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_production_environment_passes_check_deploy_at_warning_level():
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_production_is_weakened():
    """The check is not a formality: the same environment with the HTTPS redirect and the
    secure session cookie turned off fails it, naming both."""
    result = _run([sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                  **PRODUCTION, SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="false")
    assert result.returncode != 0
    assert "security.W008" in result.stderr and "security.W012" in result.stderr


def test_production_defaults_are_the_safe_ones():
    got = _settings("DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE",
                    "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY",
                    "SECURE_HSTS_SECONDS", "SECURE_CONTENT_TYPE_NOSNIFF", "SECURE_REFERRER_POLICY",
                    "SECURE_PROXY_SSL_HEADER", "CSRF_TRUSTED_ORIGINS", "CACHES", "EMAIL_BACKEND",
                    **PRODUCTION)
    assert got["DEBUG"] is False
    assert got["SECURE_SSL_REDIRECT"] and got["SESSION_COOKIE_SECURE"]
    assert got["CSRF_COOKIE_SECURE"] and got["SESSION_COOKIE_HTTPONLY"]
    assert got["CSRF_COOKIE_HTTPONLY"] and got["SECURE_CONTENT_TYPE_NOSNIFF"]
    assert got["SECURE_HSTS_SECONDS"] >= 31_536_000
    assert got["SECURE_REFERRER_POLICY"] == "same-origin"
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert got["CSRF_TRUSTED_ORIGINS"] == ["https://orgreg.kommune.example"]
    assert got["CACHES"]["default"]["BACKEND"].endswith("LocMemCache")
    assert got["EMAIL_BACKEND"].endswith("smtp.EmailBackend")


def test_each_security_setting_follows_the_variable_of_its_name():
    got = _settings(
        "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE",
        "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_HSTS_PRELOAD",
        "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY", "DATABASES",
        **PRODUCTION, SECURE_SSL_REDIRECT="0", SESSION_COOKIE_SECURE="no",
        CSRF_COOKIE_SECURE="off", SECURE_HSTS_SECONDS="60",
        SECURE_HSTS_INCLUDE_SUBDOMAINS="0", SECURE_HSTS_PRELOAD="false",
        SECURE_PROXY_SSL_HEADER="HTTP_X_SCHEME,https", SECURE_REFERRER_POLICY="no-referrer",
        CONN_MAX_AGE="0", CONN_HEALTH_CHECKS="0")
    assert got["SECURE_SSL_REDIRECT"] is False
    assert got["SESSION_COOKIE_SECURE"] is False and got["CSRF_COOKIE_SECURE"] is False
    assert got["SECURE_HSTS_SECONDS"] == 60
    assert got["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is False and got["SECURE_HSTS_PRELOAD"] is False
    assert got["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_SCHEME", "https"]
    assert got["SECURE_REFERRER_POLICY"] == "no-referrer"
    assert got["DATABASES"]["default"]["CONN_MAX_AGE"] == 0
    assert got["DATABASES"]["default"]["CONN_HEALTH_CHECKS"] is False


def test_an_empty_proxy_header_turns_it_off_and_the_trial_needs_no_https():
    assert _settings("SECURE_PROXY_SSL_HEADER", **PRODUCTION,
                     SECURE_PROXY_SSL_HEADER="")["SECURE_PROXY_SSL_HEADER"] is None
    trial = _settings("SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
                      "EMAIL_BACKEND", DEBUG="1")
    assert trial == {"SECURE_SSL_REDIRECT": False, "SESSION_COOKIE_SECURE": False,
                     "SECURE_HSTS_SECONDS": 0,
                     "EMAIL_BACKEND": "notify.backends.LogBackend"}


def test_the_content_security_policy_is_enforced_unless_report_only_is_asked_for():
    names = ("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")
    enforced = _settings(*names, **PRODUCTION)
    assert enforced["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None
    directives = enforced["CONTENT_SECURITY_POLICY"]["DIRECTIVES"]
    assert directives["script-src"] == ["'self'"] and directives["style-src"] == ["'self'"]
    assert directives["object-src"] == ["'none'"] and "report-uri" not in directives
    trying = _settings(*names, **PRODUCTION, CSP_REPORT_ONLY="1",
                       CSP_REPORT_URI="https://csp.kommune.example/rapport")
    assert trying["CONTENT_SECURITY_POLICY"] is None
    assert trying["CONTENT_SECURITY_POLICY_REPORT_ONLY"]["DIRECTIVES"] == {
        **directives, "report-uri": ["https://csp.kommune.example/rapport"]}


def test_cache_url_picks_redis_or_local_memory_and_refuses_what_it_does_not_know():
    redis = _settings("CACHES", **PRODUCTION, CACHE_URL="redis://127.0.0.1:6379/3")
    assert redis["CACHES"]["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["CACHES"]["default"]["LOCATION"] == "redis://127.0.0.1:6379/3"
    result = _run([sys.executable, "-c", "import orgreg.settings"], **PRODUCTION,
                  CACHE_URL="memcached://127.0.0.1:11211")
    assert result.returncode != 0 and "CACHE_URL must start with" in result.stderr


def test_a_number_that_is_not_a_number_is_refused_by_name():
    result = _run([sys.executable, "-c", "import orgreg.settings"], **PRODUCTION,
                  SECURE_HSTS_SECONDS="et år")
    assert result.returncode != 0
    assert "SECURE_HSTS_SECONDS must be a whole number" in result.stderr


def test_email_comes_from_the_environment():
    got = _settings("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS",
                    "DEFAULT_FROM_EMAIL", "ADMINS", **PRODUCTION,
                    EMAIL_HOST="smtp.kommune.example", EMAIL_PORT="587", EMAIL_USE_TLS="1",
                    DEFAULT_FROM_EMAIL="orgreg@kommune.example",
                    ADMINS="Drift <drift@kommune.example>")
    assert got == {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                   "EMAIL_HOST": "smtp.kommune.example", "EMAIL_PORT": 587,
                   "EMAIL_USE_TLS": True, "DEFAULT_FROM_EMAIL": "orgreg@kommune.example",
                   "ADMINS": [["Drift", "drift@kommune.example"]]}


@pytest.mark.parametrize("fmt", ["json", "text"])
def test_log_lines_go_to_stdout_one_per_event(fmt):
    code = ("import django, logging; django.setup(); "
            "logging.getLogger('orgreg.test').warning('Hej %s', 'verden', extra={'unit': 7}); "
            "logging.getLogger('orgreg.test').info('GET /plan/1/kalender/hemmelig.ics')")
    result = _run([sys.executable, "-c", code], **PRODUCTION, LOG_FORMAT=fmt,
                  DJANGO_SETTINGS_MODULE="orgreg.settings")
    assert result.returncode == 0, result.stderr
    lines = [line for line in result.stdout.splitlines() if "orgreg.test" in line]
    assert len(lines) == 2
    assert "hemmelig" not in result.stdout
    if fmt == "json":
        first, second = (json.loads(line) for line in lines)
        assert first["level"] == "WARNING" and first["message"] == "Hej verden"
        assert first["logger"] == "orgreg.test" and first["unit"] == 7
        assert second["message"] == "GET /plan/1/kalender/***.ics"
    else:
        assert "WARNING orgreg.test Hej verden unit=7" in lines[0]


def test_email_url_sets_the_smtp_settings_and_sends_even_in_the_trial():
    got = _settings("EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS",
                    "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", DEBUG="1",
                    EMAIL_URL="smtp+tls://orgreg%40kommune.example:hemm%3Aelig@relay.example:2587")
    assert got == {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                   "EMAIL_HOST": "relay.example", "EMAIL_PORT": 2587, "EMAIL_USE_TLS": True,
                   "EMAIL_HOST_USER": "orgreg@kommune.example",
                   "EMAIL_HOST_PASSWORD": "hemm:elig"}
