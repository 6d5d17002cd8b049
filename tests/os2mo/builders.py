"""A structure that came from OS2mo and a decided structure based on it, for the plan and
push tests: every unit of the basis carries its OS2mo uuid (as an import or a pull leaves
it), the new structure is a copy changed through the ordinary services."""

from __future__ import annotations

import datetime
import uuid

from tests import factories
from units import services
from units.models import Status, Structure, Unit, UnitType

EFFECTIVE = datetime.date(2027, 1, 1)

# code → (name, headcount, children)
BASIS_SPEC = {
    "SOC": ("Social og Sundhed", 0, {
        "HJP": ("Hjemmepleje", 20, {}),
        "SYG": ("Sygepleje", 10, {}),
    }),
    "KUL": ("Kultur og Fritid", 10, {
        "BIB": ("Bibliotek", 8, {}),
        "MUS": ("Museum", 2, {}),
    }),
    "TEK": ("Teknik og Miljø", 5, {}),
}


def os2mo_uuid(code: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"orgreg-test/push/{code}"))


def unit_type(name: str = "Afdeling") -> UnitType:
    return UnitType.objects.get_or_create(name=name)[0]


def basis_from_os2mo(user, *, with_uuids: bool = True) -> tuple[Structure, dict[str, Unit]]:
    """An approved structure whose units carry OS2mo uuids (uuid5 of their codes) and the
    type Afdeling."""
    structure, units = factories.make_structure(user, BASIS_SPEC, name="OS2mo 2026",
                                                effective_date=datetime.date(2026, 1, 1))
    afdeling = unit_type()
    for code, unit in units.items():
        fields = {"unit_type": afdeling}
        if with_uuids:
            fields["external_id"] = os2mo_uuid(code)
        services.update_unit(unit, user=user, **fields)
    structure = services.set_status(structure, Status.APPROVED, user=user)
    return structure, units


def new_structure(user, basis: Structure) -> tuple[Structure, dict[str, Unit]]:
    """A draft copy of `basis` effective EFFECTIVE; its units by code."""
    draft = services.copy_structure(basis, name="Ny organisering 2027", effective_date=EFFECTIVE,
                                    user=user)
    return draft, {u.code: u for u in Unit.objects.filter(tree_id=draft.pk) if u.code}


def fresh(unit: Unit) -> Unit:
    return Unit.objects.get(pk=unit.pk)


def approve(user, structure: Structure) -> Structure:
    return services.set_status(structure, Status.APPROVED, user=user)
