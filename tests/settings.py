"""Settings for the test suite: the project's settings with what makes tests fast.

Passwords are hashed with MD5 (PBKDF2's deliberate slowness cost three quarters of the run),
the cache is local memory and private to each test process, and mail stays in memory.
DEBUG is off, as in production (pytest-django turns it off for the tests anyway), so the
settings need a SECRET_KEY: a test-only key unless the environment gives one.
"""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-insecure-key")

from orgreg.settings import *  # noqa: E402, F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                      "LOCATION": "orgreg-tests"}}

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
