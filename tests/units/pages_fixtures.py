"""Fixtures shared by the page tests (tests/units/test_views*.py, test_pages*.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from units import services
from units.models import Unit


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


def unit_in(structure, code: str) -> Unit:
    return Unit.objects.get(tree_id=structure.pk, code=code)


@pytest.fixture
def scenario(editor, manager, small):
    """The published 2024 structure (`small`), a published 2030 structure based on it, and a
    2031 draft based on that:

    2030: A1 moved from A to B; C renamed to "Afdeling C Nord"; B1 split into B1 (60 %) and
    "Team B2" (40 %); A2 merged into A.
    The manager manages A and A1 of 2024.
    """
    old, units = small
    units["A"].managers.add(manager)
    units["A1"].managers.add(manager)
    new = services.copy_structure(old, name="Ny organisering 2030",
                                  effective_date=datetime.date(2030, 1, 1), user=editor)
    services.move_unit(unit_in(new, "A1"), unit_in(new, "B"), user=editor, reason="Samling")
    services.update_unit(unit_in(new, "C"), name="Afdeling C Nord", user=editor)
    services.split_unit(unit_in(new, "B1"), [{"name": "Team B1", "share": 60},
                                             {"name": "Team B2", "share": 40}], user=editor)
    services.merge_units([unit_in(new, "A"), unit_in(new, "A2")], into=unit_in(new, "A"),
                         user=editor)
    services.set_status(new, "published", user=editor)
    draft = services.copy_structure(new, name="Udkast 2031",
                                    effective_date=datetime.date(2031, 1, 1), user=editor)
    return {"old": old, "new": new, "draft": draft, "units": units}
