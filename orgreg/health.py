"""/healthz: is this process able to serve? For the load balancer and the service manager.

No login, no data: it answers whether the database and the cache answer, nothing else.
"""

from __future__ import annotations

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def _database() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        logger.exception("Sundhedstjek: databasen svarer ikke.")
        return False


def _cache() -> bool:
    key = f"healthz:{uuid.uuid4().hex}"
    try:
        cache.set(key, "ok", timeout=10)
        seen = cache.get(key) == "ok"
        cache.delete(key)
        return seen
    except Exception:
        logger.exception("Sundhedstjek: cachen svarer ikke.")
        return False


@never_cache
@require_GET
def healthz(request):
    """200 with {"status": "ok", ...} when database and cache answer, 503 otherwise."""
    checks = {"database": _database(), "cache": _cache()}
    healthy = all(checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "fejl",
         **{name: "ok" if ok else "svarer ikke" for name, ok in checks.items()}},
        status=200 if healthy else 503,
    )
