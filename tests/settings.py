"""Settings for the test suite: the project's settings with what makes tests fast.

Passwords are hashed with MD5 (PBKDF2's deliberate slowness cost three quarters of the run),
the cache is local memory and private to each test process, and mail stays in memory.
DEBUG is off, as in production (pytest-django turns it off for the tests anyway), so the
settings need a SECRET_KEY: a test-only key unless the environment gives one. The test client
and the browser tests' live server speak plain HTTP on loopback, so the redirect to HTTPS, HSTS
and the Secure flag on cookies (production's defaults, tested in tests/orgreg/test_settings.py
in a process of their own) are off here.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-insecure-key")

from orgreg.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "orgreg-tests"}}

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# The files where they lie, as in the trial: the suite runs without collectstatic
# (tests/orgreg/test_gunicorn.py collects them for the production server it starts).
STORAGES = {**STORAGES, "staticfiles": {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

SECURE_SSL_REDIRECT = False
SECURE_PROXY_SSL_HEADER = None
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# Nothing collected: WhiteNoise serves through the finders, as in the trial.
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
