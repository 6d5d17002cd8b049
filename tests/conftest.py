import pytest

from orgreg import roles
from tests import factories


@pytest.fixture
def editor(db):
    return factories.make_user("redaktoer", roles.EDITOR)


@pytest.fixture
def manager(db):
    return factories.make_user("leder", roles.MANAGER)


@pytest.fixture
def med_member(db):
    return factories.make_user("med", roles.MED)


@pytest.fixture
def reader(db):
    return factories.make_user("laeser", roles.READER)


@pytest.fixture
def organisation(editor):
    return factories.make_organisation(editor, "Testkommune")


@pytest.fixture
def small(editor, organisation):
    """A published 2024 structure:

    ROOT Testkommune
      A  Afdeling A (10)
        A1 Team A1 (4)
        A2 Team A2 (6)
      B  Afdeling B (20)
        B1 Team B1 (8)
      C  Afdeling C (5)
    """
    structure, units = factories.make_structure(
        editor,
        {
            "A": ("Afdeling A", 10, {"A1": ("Team A1", 4), "A2": ("Team A2", 6)}),
            "B": ("Afdeling B", 20, {"B1": ("Team B1", 8)}),
            "C": ("Afdeling C", 5),
        },
        organisation=organisation,
        status="published",
    )
    return structure, units
