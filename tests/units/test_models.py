"""The rules the database itself holds, and the models' small conveniences."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction

from units.models import MPTT_FIELDS, Status, Structure, Succession, Unit


def violates(fn) -> bool:
    try:
        with transaction.atomic():
            fn()
    except IntegrityError:
        return True
    return False


def test_code_is_unique_within_a_structure_only(small, editor):
    structure, units = small
    assert violates(lambda: Unit.objects.filter(pk=units["B"].pk).update(code="A"))
    # Blank codes may repeat.
    Unit.objects.filter(pk__in=[units["B"].pk, units["C"].pk]).update(code="")
    from units import services

    copy = services.copy_structure(structure, name="Kopi", effective_date=datetime.date(
        2025, 1, 1), user=editor)
    assert Unit.objects.filter(tree_id=copy.pk, code="A").count() == 1


def test_share_between_0_and_100_and_no_succession_to_itself(small, editor):
    _, units = small
    a, b = units["A"], units["B"]
    assert violates(lambda: Succession.objects.create(from_unit=a, to_unit=b,
                                                      share=Decimal("100.01")))
    assert violates(lambda: Succession.objects.create(from_unit=a, to_unit=b, share=-1))
    assert violates(lambda: Succession.objects.create(from_unit=a, to_unit=a, share=10))
    Succession.objects.create(from_unit=a, to_unit=b, share=100)
    assert violates(lambda: Succession.objects.create(from_unit=a, to_unit=b, share=1))


def test_structure_status_and_basis_constraints(small):
    structure, _ = small
    assert violates(lambda: Structure.objects.filter(pk=structure.pk).update(status="bogus"))
    assert violates(lambda: Structure.objects.filter(pk=structure.pk).update(
        based_on=structure.pk))


def test_one_root_per_structure_and_tree_is_structure(small):
    structure, units = small
    assert violates(lambda: Unit.objects.filter(pk=units["A"].pk).update(parent=None))
    assert violates(lambda: Unit.objects.filter(pk=units["A"].pk).update(tree_id=999))
    assert violates(lambda: Unit.objects.filter(pk=units["A"].pk).update(fte=-1))
    assert violates(lambda: Unit.objects.filter(pk=units["A"].pk).update(category="x"))


def test_conveniences(small):
    structure, units = small
    assert str(structure) == "Organisering 2024" and str(units["A"]) == "Afdeling A"
    assert not structure.is_draft and structure.status == Status.PUBLISHED
    assert set(structure.units.values_list("code", flat=True)) == set(units)
    assert structure.get_absolute_url().endswith(f"/{structure.pk}/")
    succession = Succession(from_unit=units["A"], to_unit=units["B"], share=Decimal("40"))
    assert str(succession) == "Afdeling A → Afdeling B (40 %)"


def test_history_leaves_out_the_tree_bookkeeping():
    historical = {f.name for f in Unit.history.model._meta.fields}
    assert not historical & set(MPTT_FIELDS)
    assert {"parent", "structure", "name", "code", "headcount"} <= historical
