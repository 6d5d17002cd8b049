"""Settings for orgreg, read from the environment.

The local trial (`make run`) sets DEBUG=1 and needs nothing else. A production installation is
configured entirely from the environment; README.md ("Drift") lists every variable. The main
ones:

DATABASE_URL   default: a SQLite file in the project; postgres://user@host:port/name for PostgreSQL
SECRET_KEY     required unless DEBUG is on
DEBUG          "1"/"true" to turn on (default off; `make run` sets DEBUG=1 for the local trial)
ALLOWED_HOSTS  comma-separated
CACHE_URL      redis://host:6379/1 for a cache shared by every worker (default: per process)
LOG_FORMAT     "json" for one JSON object per line on stdout (default: plain text lines)
OIDC_ISSUER    the municipality's OpenID provider (with OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, ...)
CSP_REPORT_ONLY "1" to send the Content-Security-Policy as report-only (default: enforced)

Each of Django's own security settings (SECURE_SSL_REDIRECT, SESSION_COOKIE_SECURE,
CSRF_COOKIE_SECURE, SECURE_HSTS_SECONDS, ...) is read from an environment variable of the same
name; with DEBUG off the defaults are the safe ones, behind a TLS-terminating reverse proxy.
"""

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def cache_from_url(url: str) -> dict:
    """Django's cache settings for CACHE_URL: redis:// or rediss:// is Django's own RedisCache
    (shared by every worker and machine), locmem:// (or nothing) local memory per process,
    dummy:// no cache at all."""
    scheme = url.split("://", 1)[0].lower() if "://" in url else url.lower()
    if scheme in {"redis", "rediss"}:
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "orgreg"),
                "TIMEOUT": env_int("CACHE_TIMEOUT", 3600)}
    if scheme in {"", "locmem"}:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": url.split("://", 1)[-1] if "://" in url else "orgreg"}
    if scheme == "dummy":
        return {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}
    raise ImproperlyConfigured(
        f"CACHE_URL must start with redis://, rediss://, locmem:// or dummy://, not {scheme}://.")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# --- Behind the municipality's reverse proxy, over TLS ---------------------------------------
# With DEBUG off every default is the safe one; each setting is overridden by an environment
# variable of its own name (SECURE_SSL_REDIRECT=0 for a proxy that redirects by itself, ...).
# The proxy must set X-Forwarded-Proto itself (and drop one sent by the client); another header
# is named as "HTTP_X_SCHEME,https", and an empty value turns it off.
_proxy_header = os.environ.get("SECURE_PROXY_SSL_HEADER",
                               "" if DEBUG else "HTTP_X_FORWARDED_PROTO,https")
SECURE_PROXY_SSL_HEADER = (tuple(part.strip() for part in _proxy_header.split(",", 1))
                           if "," in _proxy_header else None)
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
# The load balancer's probe may ask over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz/?$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
# orgreg is served from a host of its own (orgreg.kommune.dk); the browsers' preload list takes
# only registrable domains (kommune.dk), which the municipality submits or not on its own.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = env_bool("SECURE_CONTENT_TYPE_NOSNIFF", True)
SECURE_REFERRER_POLICY = os.environ.get("SECURE_REFERRER_POLICY", "same-origin")
SECURE_CROSS_ORIGIN_OPENER_POLICY = os.environ.get("SECURE_CROSS_ORIGIN_OPENER_POLICY",
                                                   "same-origin")
X_FRAME_OPTIONS = os.environ.get("X_FRAME_OPTIONS", "DENY")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = env_bool("SESSION_COOKIE_HTTPONLY", True)
SESSION_COOKIE_SAMESITE = os.environ.get("SESSION_COOKIE_SAMESITE", "Lax")
# A sign-in lasts SESSION_COOKIE_AGE seconds at most (a working day), and ends after
# ORGREG_SESSION_IDLE_MINUTES without a request (0: no idle timeout); orgreg.accounts.session.
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
ORGREG_SESSION_IDLE_MINUTES = env_int("ORGREG_SESSION_IDLE_MINUTES", 60)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
# The forms read the token from the form field, never from the cookie by script.
CSRF_COOKIE_HTTPONLY = env_bool("CSRF_COOKIE_HTTPONLY", True)
CSRF_COOKIE_SAMESITE = os.environ.get("CSRF_COOKIE_SAMESITE", "Lax")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from orgreg's own
# static files, no inline <script>, <style>, style="…" or on…= handler, no plugins, no framing,
# forms posting only to orgreg (and on to the identity provider's logout while OIDC_ISSUER is
# set: orgreg.content_policy adds its origin). A script or style injected into a page (an
# unescaped name, a proxy adding its own) does nothing. CSP_REPORT_ONLY=1 sends the policy as
# Content-Security-Policy-Report-Only (browsers report, block nothing) to try it behind a new
# proxy; CSP_REPORT_URI names an endpoint that collects the browsers' reports.
_csp = {"DIRECTIVES": {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
    **({"report-uri": [os.environ["CSP_REPORT_URI"]]} if os.environ.get("CSP_REPORT_URI")
       else {}),
}}
CONTENT_SECURITY_POLICY = None if env_bool("CSP_REPORT_ONLY", False) else _csp
CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp if CONTENT_SECURITY_POLICY is None else None

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "mptt",
    "simple_history",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "csp",
    "orgreg",
    "orgreg.accounts",
    "units",
    "med",
    "timeline",
    "notify",
    "comments",
    "os2mo",
]

MIDDLEWARE = [
    # First, so every response and log line of a request (a redirect too) has its id.
    "orgreg.middleware.RequestId",
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so the static files carry the policy too (an SVG opened by itself is
    # a document).
    "orgreg.content_policy.ContentSecurityPolicy",
    # Static files from the app itself, before anything that reads the session or the user.
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Ends a sign-in past its lifetime or idle time, with a message for the login page.
    "orgreg.accounts.session.SessionTimeout",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "orgreg.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "orgreg.context_processors.roles",
                "orgreg.flash.flash_action",
            ],
        },
    },
]

WSGI_APPLICATION = "orgreg.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("CONN_MAX_AGE", 60),
        conn_health_checks=env_bool("CONN_HEALTH_CHECKS", True),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for a concurrent writer instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Logins, the app's and the admin's, are throttled by django-axes: after AXES_FAILURE_LIMIT
# wrong passwords for one username from one address, that pair is locked out for
# AXES_COOLOFF_TIME (the right password is refused too); a successful login resets the count.
# Axes' backend comes first so it can refuse before the password is checked.
# The sign-in through the municipality's identity provider (orgreg.accounts.backends) is
# there always and answers only when OIDC_ISSUER is set; the local password then serves only
# the break-glass superusers (see below).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "orgreg.accounts.backends.OIDCBackend",
    "orgreg.accounts.backends.LocalPasswordBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The lock lasts AXES_COOLOFF_MINUTES from locking, as the lock-out page says: a user who tries
# again meanwhile (the right password too) is refused without starting the time over.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_TEMPLATE = "registration/lockout.html"
AXES_COOLOFF_MESSAGE = ("Kontoen er midlertidigt låst efter for mange forkerte forsøg. "
                        "Prøv igen senere.")
AXES_PERMALOCK_MESSAGE = ("Kontoen er låst efter for mange forkerte forsøg. "
                          "Kontakt en administrator.")

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk")]
TIME_ZONE = os.environ.get("TIME_ZONE", "Europe/Copenhagen")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Production serves what `collectstatic` wrote: hashed names (cached for a year by browsers
# and the proxy) with gzip and Brotli copies, through WhiteNoise. The trial and the tests read
# the files where they lie, with no collectstatic.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage" if DEBUG
                    else "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

# --- Sign-in through the municipality's identity provider (OpenID Connect) -------------------
# Unset OIDC_ISSUER (the trial), users sign in with a local password as before. Set, the login
# page offers "Log ind med kommunens login" (authorization code flow with PKCE, state and nonce,
# the ID token's signature checked against the provider's JWKS and its issuer, audience and
# expiry checked): the endpoints are read from OIDC_ISSUER/.well-known/openid-configuration.
# Users are matched by the provider's `sub`; their roles are set from OIDC_GROUPS_CLAIM at
# every sign-in through OIDC_ROLE_MAP ("Redaktør:grp-a,grp-b;Leder:grp-c;MED:grp-d;Læser:
# grp-e;Superbruger:grp-f"). README.md ("Log ind med kommunens login") tells the set-up.
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").strip()
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "").strip()
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile").strip()
OIDC_GROUPS_CLAIM = os.environ.get("OIDC_GROUPS_CLAIM", "groups").strip()
OIDC_ROLE_MAP = os.environ.get("OIDC_ROLE_MAP", "")
# Group values that make a superuser (and staff), beside a "Superbruger:" entry of the map.
OIDC_SUPERUSER_GROUPS = env_list("OIDC_SUPERUSER_GROUPS")
# Claims whose values identify a unit's leader (beside sub, email and preferred_username),
# e.g. an employee number claim.
OIDC_LEADER_CLAIMS = env_list("OIDC_LEADER_CLAIMS")
OIDC_SIGN_ALGO = os.environ.get("OIDC_SIGN_ALGO", "RS256").strip()
# With OIDC on, the local password is refused for everyone but superusers (break-glass, for
# when the provider is down), unless OIDC_ALLOW_LOCAL_LOGIN lets every local user in too (a
# transition period); OIDC_BREAK_GLASS=0 refuses superusers' passwords as well.
OIDC_ALLOW_LOCAL_LOGIN = env_bool("OIDC_ALLOW_LOCAL_LOGIN", False)
OIDC_BREAK_GLASS = env_bool("OIDC_BREAK_GLASS", True)
# Seconds the provider has to answer one request (discovery, token, JWKS, userinfo).
OIDC_TIMEOUT = env_int("OIDC_TIMEOUT", 10)
# How long the provider's discovery document is kept in each process before it is read again.
OIDC_DISCOVERY_TTL = env_int("OIDC_DISCOVERY_TTL", 3600)
# mozilla-django-oidc's own settings, fixed by orgreg (the endpoints, client and algorithm are
# read from the settings above by orgreg.accounts).
OIDC_RP_SCOPES = OIDC_SCOPES
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True  # for the provider's logout (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:oidc-callback"
# A refused form answers in Danish in the site's layout (Django's own page is English).
def email_from_url(url: str) -> dict:
    """Django's SMTP settings for EMAIL_URL: smtp://[user[:password]@]host[:port] (plain, port
    25), smtp+tls:// (STARTTLS, port 587) or smtps:// / smtp+ssl:// (TLS from the start, port
    465). User and password may be %-encoded. Parsed here (urllib): dj-email-url has not been
    kept since 2022."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    ports = {"smtp": 25, "smtp+tls": 587, "smtps": 465, "smtp+ssl": 465}
    if scheme not in ports or not parts.hostname:
        raise ImproperlyConfigured(
            "EMAIL_URL must be smtp://host:port, smtp+tls://host:port or smtps://host:port, "
            f"not {url.split('@')[-1]!r}.")
    try:
        port = parts.port or ports[scheme]
    except ValueError:
        raise ImproperlyConfigured("EMAIL_URL has a port that is not a number.") from None
    return {"EMAIL_HOST": parts.hostname, "EMAIL_PORT": port,
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_TLS": scheme == "smtp+tls", "EMAIL_USE_SSL": scheme in {"smtps", "smtp+ssl"}}


CSRF_FAILURE_VIEW = "orgreg.views.csrf_failure"

# --- OS2mo ----------------------------------------------------------------------------------
# OS2mo's GraphQL API (os2mo/client.py; README "OS2mo"): its address, the integration's client
# id and secret (env only, never in a file of the repo), the token endpoint of its Keycloak
# (default: OS2MO_URL/auth/realms/mo/protocol/openid-connect/token) and the GraphQL version
# spoken (/graphql/vN; from v29 a validity's `to` is exclusive, up to v28 the last day).
OS2MO_URL = os.environ.get("OS2MO_URL", "").strip().rstrip("/")
OS2MO_CLIENT_ID = os.environ.get("OS2MO_CLIENT_ID", "").strip()
OS2MO_CLIENT_SECRET = os.environ.get("OS2MO_CLIENT_SECRET", "")
OS2MO_AUTH_URL = os.environ.get("OS2MO_AUTH_URL", "").strip()
OS2MO_GRAPHQL_VERSION = env_int("OS2MO_GRAPHQL_VERSION", 29)
# Seconds OS2mo has to answer one request, and units asked for a page.
OS2MO_TIMEOUT = env_int("OS2MO_TIMEOUT", 30)
OS2MO_PAGE_SIZE = env_int("OS2MO_PAGE_SIZE", 200)

# --- Cache, mail -----------------------------------------------------------------------------
# Unset, each process has its own cache (the trial); with several workers or machines set
# CACHE_URL=redis://host:6379/1 so a change seen by one worker is seen by all.
CACHES = {"default": cache_from_url(os.environ.get("CACHE_URL", ""))}

# Mail. EMAIL_URL (smtp://user:password@host:port, smtp+tls:// for STARTTLS, smtps:// for TLS
# from the first byte) sets the SMTP settings in one; without it Django's own EMAIL_HOST,
# EMAIL_PORT, EMAIL_USE_TLS ... are read. The trial (DEBUG, no EMAIL_URL) writes every mail to
# the log (notify.backends.LogBackend); production sends through the municipality's relay.
EMAIL_URL = os.environ.get("EMAIL_URL", "").strip()
_email = email_from_url(EMAIL_URL) if EMAIL_URL else {}
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND", "notify.backends.LogBackend" if DEBUG and not EMAIL_URL
    else "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = _email.get("EMAIL_HOST", os.environ.get("EMAIL_HOST", "localhost"))
EMAIL_PORT = _email.get("EMAIL_PORT", env_int("EMAIL_PORT", 25))
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", os.environ.get("EMAIL_HOST_USER", ""))
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD",
                                 os.environ.get("EMAIL_HOST_PASSWORD", ""))
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", env_bool("EMAIL_USE_TLS", False))
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", env_bool("EMAIL_USE_SSL", False))
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 30)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "orgreg@localhost")
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
# orgreg's own mail (notify: udmeldinger, consultations): the global switch (off: every
# message is recorded and cancelled, nothing leaves), the recipient domains a test
# installation may mail (empty: any), and the retries of a failed send (attempts in all, the
# first wait in seconds, doubled after each try).
ORGREG_MAIL_ENABLED = env_bool("ORGREG_MAIL_ENABLED", True)
ORGREG_MAIL_ALLOWED_DOMAINS = [d.lower().lstrip("@") for d in
                               env_list("ORGREG_MAIL_ALLOWED_DOMAINS")]
ORGREG_MAIL_MAX_ATTEMPTS = max(1, env_int("ORGREG_MAIL_MAX_ATTEMPTS", 5))
ORGREG_MAIL_RETRY_SECONDS = max(0, env_int("ORGREG_MAIL_RETRY_SECONDS", 60))
# Consultation mails (med.mailing): the reminder to bodies that have not answered goes this
# many days before the deadline (0: on the day itself).
ORGREG_CONSULTATION_REMINDER_DAYS = max(0, env_int("ORGREG_CONSULTATION_REMINDER_DAYS", 3))
# The site's address as its users reach it, for the links in mail (no request to ask).
ORGREG_SITE_URL = os.environ.get("ORGREG_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# "Navn <adresse>" or a bare address, comma-separated: they get the 500 errors by mail.
ADMINS = [(a.split("<")[0].strip() or a, a.split("<")[-1].rstrip(">").strip())
          for a in env_list("ADMINS")]

# --- Background jobs (Celery) ---------------------------------------------------------------
# Long work (big org charts, notices for a whole structure) runs as a task on `celery -A orgreg
# worker` with Redis as broker. Without CELERY_BROKER_URL (the trial) tasks run eagerly in the
# request, so nothing else must run.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "") or "memory://"
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER",
                                    not os.environ.get("CELERY_BROKER_URL"))
CELERY_TASK_IGNORE_RESULT = True
# A job's state lives in its Job row, not in the result backend; a worker that dies mid-task
# leaves the message to another worker (acks late), and Job.claim runs it once.
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
# The scheduler's daily times (orgreg/celery.py) are Copenhagen's.
CELERY_TIMEZONE = TIME_ZONE
# Whether an editor must give a reason for a structural change of a draft (move, merge, split,
# close); on by default, as the history is what a later reader has to go by.
ORGREG_REASON_REQUIRED = env_bool("ORGREG_REASON_REQUIRED", True)
# Org charts with more units than this are made by a job (a page showing progress) instead of
# in the request.
ORGREG_PDF_INLINE_MAX_UNITS = env_int("ORGREG_PDF_INLINE_MAX_UNITS", 300)
# Import files bigger than this are checked and imported by a job; smaller ones in the request
# (128 KB: some 4,000 CSV rows, checked and written in under half a second).
ORGREG_IMPORT_INLINE_MAX_BYTES = env_int("ORGREG_IMPORT_INLINE_MAX_BYTES", 128 * 1024)
# A job's file is kept this many days after the job ended; an uploaded import file until it is
# imported or this many hours have passed. `manage.py purge_jobs` (daily on the scheduler,
# `celery -A orgreg beat`) removes what is older.
ORGREG_JOB_RETENTION_DAYS = env_int("ORGREG_JOB_RETENTION_DAYS", 7)
ORGREG_IMPORT_RETENTION_HOURS = env_int("ORGREG_IMPORT_RETENTION_HOURS", 24)

# --- Logging ---------------------------------------------------------------------------------
# Everything to stdout, one line per event (the service manager or container keeps it), as
# text or, with LOG_FORMAT=json, one JSON object per line with the request id and user where
# known (orgreg.logging). Calendar feed tokens travel in the URL path (/plan/<id>/kalender/
# <token>.ics); MaskFeedTokens masks them on every handler, and on runserver's request lines
# (django.server) and django.request's "Not Found: <path>" records at the logger too.
# A management command's stdout is its output (`exportstructure 12 > enheder.csv`, `renderpdf
# -o -`), so its log lines go to stderr; servers (gunicorn, runserver) log to stdout.
_COMMAND = (Path(sys.argv[0]).name == "manage.py" if sys.argv else False) and \
    sys.argv[1:2] != ["runserver"]
LOG_STREAM = os.environ.get("LOG_STREAM", "stderr" if _COMMAND else "stdout").strip().lower()
if LOG_STREAM not in {"stdout", "stderr"}:
    raise ImproperlyConfigured(f"LOG_STREAM must be stdout or stderr, not {LOG_STREAM!r}.")
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO").strip().upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
        "mask_feed_tokens": {"()": "orgreg.logging.MaskFeedTokens"},
        "request_context": {"()": "orgreg.logging.RequestContext"},
    },
    "formatters": {
        "text": {"()": "orgreg.logging.TextFormatter"},
        "json": {"()": "orgreg.logging.JsonFormatter"},
        "django.server": {"()": "django.utils.log.ServerFormatter",
                          "format": "[{server_time}] {message}", "style": "{"},
    },
    "handlers": {
        "stdout": {"class": "logging.StreamHandler", "stream": f"ext://sys.{LOG_STREAM}",
                   "formatter": "json" if LOG_FORMAT == "json" else "text",
                   "filters": ["mask_feed_tokens", "request_context"]},
        "django.server": {"level": "INFO", "class": "logging.StreamHandler",
                          "formatter": "json" if LOG_FORMAT == "json" else "django.server",
                          "filters": ["mask_feed_tokens"]},
        "mail_admins": {"level": "ERROR", "filters": ["require_debug_false", "mask_feed_tokens"],
                        "class": "django.utils.log.AdminEmailHandler"},
    },
    "root": {"handlers": ["stdout"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["mail_admins"], "level": LOG_LEVEL},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False,
                          "filters": ["mask_feed_tokens"]},
        "django.request": {"filters": ["mask_feed_tokens"]},
        # WeasyPrint tells every step of every PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # django-axes announces its version at every start; lock-outs are WARNING.
        "axes": {"level": "WARNING"},
    },
}

# History keeps the whole reason: generated Danish sentences naming two units, and an editor's
# own words, are often longer than simple-history's default 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# A unit with more direct reports than this is flagged on org charts.
ORGREG_SPAN_OF_CONTROL = int(os.environ.get("ORGREG_SPAN_OF_CONTROL", "15"))
# Key figures (units.selectors.figures) list the leaders above these spans of control: people
# per leader (their unit's and leaderless sub-units' headcount) and direct sub-units per leader.
ORGREG_SPAN_THRESHOLD_PEOPLE = env_int("ORGREG_SPAN_THRESHOLD_PEOPLE", 40)
ORGREG_SPAN_THRESHOLD_UNITS = env_int("ORGREG_SPAN_THRESHOLD_UNITS", 8)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    # JSON only: the browsable API's pages carry inline styles the CSP refuses; the API is
    # described for people by Swagger UI at /api/docs/.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "orgreg API",
    "DESCRIPTION": "Read-only API for organisations, structures, units and placements.",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
