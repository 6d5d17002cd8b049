"""The floors the benchmarks measure against: the same rows by one raw SQL query."""

from __future__ import annotations

from django.db import connection

_NODE_COLUMNS = ", ".join(f"u.{c}" for c in (
    "id", "parent_id", "structure_id", "name", "short_name", "code", "category",
    "leader_title", "leader_name", "headcount", "fte", "location", "level", "lft", "rght",
))
_RAW_TREE = (f"SELECT {_NODE_COLUMNS}, t.name FROM units_unit u LEFT JOIN units_unittype t "
             "ON t.id = u.unit_type_id WHERE u.tree_id = %s ORDER BY u.lft")


def raw_fetch(structure_id: int) -> list[tuple]:
    """The floor of a tree read: the same rows by one raw query, no objects."""
    with connection.cursor() as cursor:
        cursor.execute(_RAW_TREE, [structure_id])
        return cursor.fetchall()
