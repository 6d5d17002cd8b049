"""checktrees and the checker behind it catch a corrupted tree and bad successions."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from units import selectors, services
from units.models import Status, Structure, Succession, Unit


def run(*args) -> tuple[int, str]:
    from io import StringIO

    out = StringIO()
    try:
        call_command("checktrees", *args, stdout=out)
    except CommandError as error:
        return error.returncode, out.getvalue() + str(error)
    return 0, out.getvalue()


@pytest.fixture
def two(small, editor):
    old, units = small
    new = services.copy_structure(old, name="Ny", effective_date=datetime.date(2025, 1, 1),
                                  user=editor)
    return old, units, new


def test_sound_trees_pass_with_a_summary(two):
    code, out = run()
    assert code == 0
    assert out.strip() == ("Ingen fejl: 2 organiseringer, 14 enheder og 7 overgange "
                           "kontrolleret.")
    old, _, _ = two
    code, out = run("--structure", str(old.pk))
    assert code == 0 and "1 organisering, 7 enheder" in out


def test_unknown_structure_is_an_error(db):
    code, out = run("--structure", "999")
    assert code == 1 and "ingen organisering med id 999" in out


def test_corrupted_lft_rght_is_caught(two):
    old, units, new = two
    # Team A1 and Team A2 swap their right edges: the intervals no longer nest.
    Unit.objects.filter(pk=units["A1"].pk).update(rght=6)
    Unit.objects.filter(pk=units["A2"].pk).update(rght=4)
    code, out = run()
    assert code == 1
    assert "»Organisering 2024«" in out
    assert "enheden »Team A2« (id {}) har ugyldige trænumre (5, 4)".format(units["A2"].pk) in out
    assert "fejl fundet" in out
    assert "»Ny«" not in out  # the copy is sound and not mentioned
    faults = selectors.tree_faults(new)
    assert faults == []


@pytest.mark.parametrize("corrupt, expected", [
    (lambda u: Unit.objects.filter(pk=u["B1"].pk).update(lft=10, rght=9),
     "ugyldige trænumre (10, 9)"),
    (lambda u: Unit.objects.filter(pk=u["B1"].pk).update(rght=12),
     "ligger delvis uden for »Afdeling B«"),
    (lambda u: Unit.objects.filter(pk=u["ROOT"].pk).update(parent=u["A"].pk),
     "har 0 øverste enheder"),
    (lambda u: Unit.objects.filter(pk=u["B1"].pk).update(level=5),
     "har niveau 5, men ligger i dybde 2"),
    (lambda u: Unit.objects.filter(pk=u["B1"].pk).update(parent=u["A"].pk),
     "men træet placerer den under id"),
    (lambda u: Unit.objects.filter(pk=u["C"].pk).update(lft=40, rght=41),
     "ikke 1 til 14 uden huller"),
])
def test_each_kind_of_tree_fault(two, corrupt, expected):
    old, units, _ = two
    corrupt(units)
    faults = selectors.tree_faults(old)
    assert any(expected in f for f in faults), faults
    assert run()[0] == 1


def test_a_unit_in_the_wrong_tree(two, editor):
    old, units, new = two
    # The database refuses this; drop its check for the test (undone with the transaction).
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA ignore_check_constraints = 1")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending deferred checks
            cursor.execute(f"ALTER TABLE {Unit._meta.db_table} "
                           "DROP CONSTRAINT unit_tree_is_structure")
    try:
        Unit.objects.filter(tree_id=new.pk, code="C").update(tree_id=old.pk, lft=15, rght=16,
                                                             level=1)
    finally:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA ignore_check_constraints = 0")
    faults = selectors.tree_faults()
    assert any("hører til »Ny«" in f and f"ligger i træ {old.pk}" in f for f in faults), faults
    assert any("»Ny«" in f and "ikke 1 til 12" in f for f in faults), faults


def test_bad_successions_are_caught(two, editor):
    old, units, new = two
    new_a = Unit.objects.get(tree_id=new.pk, code="A")
    new_b = Unit.objects.get(tree_id=new.pk, code="B")
    # Afdeling A gives 100 % to A and now 30 % more to B.
    Succession.objects.create(from_unit=units["A"], to_unit=new_b, share=30)
    # A succession backwards in time.
    Succession.objects.create(from_unit=new_a, to_unit=units["C"], share=10)
    faults = selectors.tree_faults()
    assert any("fordeler 130 %" in f for f in faults), faults
    assert any("går ikke fra en ældre til en nyere" in f for f in faults), faults
    code, out = run()
    assert code == 1 and "fordeler 130 %" in out


def test_two_structures_in_force_from_one_date(two):
    old, _, new = two
    Structure.objects.filter(pk=new.pk).update(status=Status.PUBLISHED,
                                               effective_date=old.effective_date)
    faults = selectors.tree_faults()
    assert any("begge gældende fra 01.01.2024" in f for f in faults), faults


def test_a_duplicate_code_is_caught(two):
    old, units, _ = two
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            # SQLite cannot drop a constraint; the unique index can go instead.
            cursor.execute("DROP INDEX unit_code_unique_in_structure")
        else:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("DROP INDEX IF EXISTS unit_code_unique_in_structure")
    Unit.objects.filter(pk=units["C"].pk).update(code="B")
    faults = selectors.tree_faults(old)
    assert faults == [f"»Organisering 2024« (id {old.pk}): koden »B« bruges af både "
                      "»Afdeling B« og »Afdeling C«."]
