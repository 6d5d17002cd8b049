import datetime

import pytest

from tests import factories
from units import services
from units.models import Structure, Succession, Unit, UnitType


def snapshot(structure: Structure) -> list[tuple]:
    """The tree as comparable data: every unit's fields and its parent's code/name, in tree
    order, so two structures built from the same file compare equal."""
    units = list(
        Unit.objects.filter(tree_id=structure.pk).select_related("parent", "unit_type")
        .order_by("lft")
    )
    return [
        (u.level, u.code, u.name, u.short_name, u.parent.name if u.parent else None,
         u.unit_type.name if u.unit_type else None, u.category, u.leader_title, u.leader_name,
         u.leader_identifier, u.headcount, u.fte, u.location, u.description)
        for u in units
    ]


def successions(structure: Structure) -> list[tuple]:
    return sorted(
        Succession.objects.filter(to_unit__tree_id=structure.pk)
        .values_list("from_unit__code", "to_unit__code", "share")
    )


def counts() -> tuple[int, int, int, int]:
    """Everything an import could write; a refused import leaves these as they were."""
    return (Structure.objects.count(), Unit.objects.count(), Succession.objects.count(),
            UnitType.objects.count())


@pytest.fixture
def rich(editor, small):
    """`small` with every field filled somewhere, a unit type, a unit without code, a name
    that looks like a formula, and a draft based on it with a merger and a split."""
    structure, units = small
    afdeling = services.get_or_create_unit_type("Afdeling", user=editor)
    team = services.get_or_create_unit_type("Team", user=editor)
    draft = services.copy_structure(structure, name="Ny organisering 2025",
                                    effective_date=datetime.date(2025, 1, 1), user=editor)
    new = {u.code: u for u in Unit.objects.filter(tree_id=draft.pk)}
    services.update_unit(new["A"], user=editor, unit_type=afdeling, category="drift",
                         leader_title="Afdelingsleder", leader_name="Åse Ærø",
                         leader_identifier=" Aase.Aeroe@Kommune.DK ",
                         fte="9.50", location="Rådhuset; 2. sal", description="Linje 1\nLinje 2",
                         reason="Alle felter udfyldt.")
    services.update_unit(new["A1"], user=editor, unit_type=team, name="=SUM(A1)",
                         short_name="-T1", reason="Formelagtigt navn.")
    services.merge_units([new["B"], new["C"]], into=new["B"], user=editor, name="Afdeling B+C")
    services.split_unit(new["A2"], [{"name": "Team A2 nord", "share": "60", "code": "A2N"},
                                    {"name": "Team A2 syd", "share": "40", "code": "A2S"}],
                        user=editor)
    services.add_unit(new["ROOT"], name="Uden kode", user=editor, headcount=3)
    return structure, draft


@pytest.fixture
def other_org(editor):
    return factories.make_organisation(editor, "Anden kommune")
