"""Writing an import: a checked plan becomes a new draft structure, all or nothing."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from orgreg.text import counted, quoted

from .. import services
from ..models import Organisation, Structure, UnitType
from ..services.bulk import UnitRow, build_structure
from .checking import ProgressCallback, check
from .plan import ImportPlan
from .read_os2mo import Os2moOptions
from .reading import FORMATS, read_file


@transaction.atomic
def import_structure(plan: ImportPlan, *, organisation: Organisation, name: str,
                     effective_date: datetime.date, user, based_on: Structure | None = None,
                     reason: str | None = None,
                     root_predecessor: int | None = None) -> Structure:
    """Write a checked plan as a new draft structure of `organisation`: the unit types the
    user chose to create, then every unit with its successions, in one transaction. Refuses a
    plan with problems. `root_predecessor` is the unit (of `based_on`) that the new root put
    above several top units continues, when the plan has one."""
    if not plan.ok:
        raise ValidationError("Importen har fejl og kan ikke gennemføres: "
                              + "; ".join(str(p) for p in plan.problems[:5]))
    type_ids = dict(plan.unit_type_ids)
    for type_name in plan.new_unit_types:
        type_ids[type_name] = services.get_or_create_unit_type(
            type_name, user=user,
            reason=f"Enhedstypen {quoted(type_name)} oprettet ved import.",
        ).pk
    types = {t.pk: t for t in UnitType.objects.filter(pk__in=set(type_ids.values()))}
    rows: list[UnitRow] = []
    root_key = None
    if plan.meta.get("synthetic_root"):
        root_key = "\x00root"
        rows.append(UnitRow(root_key, None, {"name": organisation.name}, predecessors=(
            [(root_predecessor, Decimal(100))] if root_predecessor is not None else [])))
    for u in plan.units:
        fields = dict(u.fields)
        fields["unit_type"] = types[type_ids[u.unit_type]] if u.unit_type else None
        rows.append(UnitRow(
            u.key, u.parent_key if u.parent_key is not None else root_key, fields,
            predecessors=[(plan.predecessor_ids[code], share) for code, share in u.predecessors],
        ))
    label = FORMATS.get(plan.format, plan.format)
    reason = reason or (
        f"Organiseringen {quoted(name.strip())} indlæst fra {label} med "
        f"{counted(len(rows), 'enhed', 'enheder')}."
    )
    return build_structure(organisation, name=name, effective_date=effective_date, rows=rows,
                           user=user, reason=reason, based_on=based_on)


def prepare(data: bytes, *, organisation: Organisation, filename: str = "",
            fmt: str | None = None, based_on: Structure | None = None,
            create_unit_types: bool = False, on_date: datetime.date | None = None,
            os2mo: Os2moOptions | None = None,
            progress: ProgressCallback | None = None) -> ImportPlan:
    """Read and check a file in one go: the dry run."""
    source = read_file(data, filename=filename, fmt=fmt, on_date=on_date, os2mo=os2mo)
    return check(source, organisation=organisation, based_on=based_on,
                 create_unit_types=create_unit_types, progress=progress)
