"""One process of tests/units/test_markup_cache_shared.py: a Django of its own (the project's
settings, the database and cache the environment names) that reads one JSON request a line on
stdin and answers each with one JSON line on stdout, until stdin ends.

    {"op": "page", "path": "/structure/3/", "user": "redaktoer"}
        -> {"status": 200, "html": "...", "queries": 7}
    {"op": "set_status", "structure": 3, "status": "approved", "user": "redaktoer"}
    {"op": "copy", "structure": 3, "name": "...", "effective_date": "2025-01-01", "user": ...}
        -> {"pk": 4}
    {"op": "rename_unit_type", "unit_type": 2, "name": "...", "user": "redaktoer"}

Run as ``python -m tests.units.cache_peer`` from the project's directory."""

from __future__ import annotations

import datetime
import json
import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "orgreg.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from units import services
    from units.models import Structure, UnitType

    clients: dict[str, Client] = {}
    users = get_user_model().objects

    def client(username: str) -> Client:
        if username not in clients:
            clients[username] = Client()
            clients[username].force_login(users.get(username=username))
        return clients[username]

    def answer(request: dict) -> dict:
        op = request["op"]
        user = users.get(username=request["user"])
        if op == "page":
            with CaptureQueriesContext(connection) as queries:
                response = client(request["user"]).get(request["path"])
            return {"status": response.status_code, "html": response.content.decode(),
                    "queries": len(queries.captured_queries)}
        if op == "set_status":
            services.set_status(Structure.objects.get(pk=request["structure"]),
                                request["status"], user=user)
            return {}
        if op == "copy":
            copy = services.copy_structure(
                Structure.objects.get(pk=request["structure"]), name=request["name"],
                effective_date=datetime.date.fromisoformat(request["effective_date"]),
                user=user)
            return {"pk": copy.pk}
        if op == "rename_unit_type":
            services.update_unit_type(UnitType.objects.get(pk=request["unit_type"]),
                                      name=request["name"], user=user)
            return {}
        raise ValueError(f"unknown op {op}")

    print(json.dumps({"ready": True}), flush=True)
    for line in sys.stdin:
        print(json.dumps(answer(json.loads(line))), flush=True)


if __name__ == "__main__":
    main()
