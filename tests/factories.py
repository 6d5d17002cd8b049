"""Builders for tests: small trees written through the services, so history is real."""

from __future__ import annotations

import datetime
import itertools

from django.contrib.auth.models import Group, User

from orgreg import roles
from units import services
from units.models import Organisation, Structure, Unit

_seq = itertools.count(1)


def make_user(username: str | None = None, *groups: str, superuser: bool = False) -> User:
    username = username or f"bruger{next(_seq)}"
    user = User.objects.create_user(username=username, password="test-kode-123",
                                    is_superuser=superuser, is_staff=superuser)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    return user


def make_editor(username: str | None = None) -> User:
    return make_user(username, roles.EDITOR)


def make_organisation(user: User, name: str | None = None) -> Organisation:
    return services.create_organisation(name=name or f"Testkommune {next(_seq)}", user=user)


def build_tree(parent: Unit, spec: dict, user: User) -> dict[str, Unit]:
    """Add the units of `spec` under `parent`. spec maps a code to (name, headcount, children)
    or to a name; returns every created unit by code."""
    created: dict[str, Unit] = {}
    for code, value in spec.items():
        if isinstance(value, str):
            name, headcount, children = value, 0, {}
        else:
            name, headcount, *rest = value
            children = rest[0] if rest else {}
        unit = services.add_unit(parent, name=name, code=code, headcount=headcount, user=user)
        created[code] = unit
        created.update(build_tree(unit, children, user))
    return created


def make_structure(user: User, spec: dict | None = None, *,
                   organisation: Organisation | None = None, name: str = "Organisering 2024",
                   effective_date=datetime.date(2024, 1, 1),
                   status: str | None = None) -> tuple[Structure, dict[str, Unit]]:
    """A structure with a root ("ROOT") and the units of `spec`; optionally moved to `status`."""
    organisation = organisation or make_organisation(user)
    structure = services.create_structure(organisation, name=name, effective_date=effective_date,
                                          user=user, root_fields={"code": "ROOT"})
    root = Unit.objects.get(tree_id=structure.pk, parent=None)
    units = {"ROOT": root, **build_tree(root, spec or {}, user)}
    if status:
        structure = services.set_status(structure, status, user=user)
    return structure, units


def wide_spec(n_units: int, fanout: int = 10) -> dict:
    """A spec of about `n_units` units, `fanout` children per unit, codes U1, U2, …"""
    counter = itertools.count(1)

    def level(remaining: int) -> dict:
        spec = {}
        for _ in range(min(fanout, remaining)):
            i = next(counter)
            spec[f"U{i}"] = (f"Enhed {i}", i % 40, {})
        return spec

    spec = level(n_units)
    remaining = n_units - len(spec)
    queue = list(spec.values())
    while remaining > 0 and queue:
        name, hc, children = queue.pop(0)
        children.update(level(remaining))
        remaining -= len(children)
        queue.extend(children.values())
    return spec


def make_comment(structure, author, text: str, *, unit=None, body=None, membership=None):
    """A comment (or, with `body`, a høringssvar) written straight to the table, whatever the
    structure's status: for scenarios the services would not let arise now (a comment on a
    structure whose consultation is over, or on a draft)."""
    from comments.models import Comment, Kind
    from orgreg import clock

    return Comment.objects.create(
        structure=structure, unit=unit, kind=Kind.ANSWER if body else Kind.COMMENT, text=text,
        author=author, author_name=author.get_username(), body=body, membership=membership,
        created_at=clock.now())
