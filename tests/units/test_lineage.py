"""units.lineage: chains, ancestry, older/newer and the structure in force, read once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from med import selectors as med_selectors
from orgreg import roles
from tests import factories
from units import selectors, services
from units.lineage import Lineage, order_key, structure_chain, structure_in_force
from units.models import Structure, Unit
from units.views.pdf import _notice_target

D = datetime.date
# set_predecessors with one predecessor: a savepoint, the structure and its lock, the unit,
# the lineage, the shares given elsewhere, the current successions, the write and its
# history, the release.
SET_PREDECESSORS_QUERIES = 10


def make_line(editor, organisation, length: int, *, publish: bool = True) -> list[Structure]:
    """A 2024 structure and `length` - 1 copies, each based on the one before, one year
    apart; all published except the last (with `publish`), or all drafts."""
    first, _ = factories.make_structure(editor, {"A": "Afdeling A"}, organisation=organisation,
                                        status="published" if publish else None)
    line = [first]
    for i in range(1, length):
        if i > 1 and publish:
            services.set_status(line[-1], "published", user=editor)
        line.append(services.copy_structure(line[-1], name=f"Organisering {2024 + i}",
                                            effective_date=D(2024 + i, 1, 1), user=editor))
    return [Structure.objects.get(pk=s.pk) for s in line]


def node(pk, basis=None, date=None, status="draft") -> Structure:
    """An unsaved structure: a lineage built among such needs no database."""
    return Structure(pk=pk, based_on_id=basis, effective_date=date or D(2024, 1, 1),
                     status=status)


# --- the line, from memory --------------------------------------------------------------


def test_line_chain_ancestry_and_descendants():
    d1, d2, d3 = D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)
    # 1 ← 2 ← 4 and 1 ← 3 (2 and 3 are alternative models); 5 stands alone.
    family = Lineage.among([node(1, None, d1), node(2, 1, d2), node(3, 1, d2),
                            node(4, 2, d3), node(5, None, d2)])
    assert family.line(4) == [4, 2, 1]
    assert [s.pk for s in family.ancestry(4)] == [2, 1]
    assert family.chain(4, 1) == [1, 2, 4]
    assert family.chain(4, 4) == [4]
    assert family.chain(4, 3) is None  # an alternative model is not on the line
    assert family.chain(1, 4) is None  # nor is a later structure
    assert family.descends_from(4, 1) and not family.descends_from(1, 4)
    assert not family.descends_from(4, 4)
    assert [s.pk for s in family.descendants(1)] == [2, 3, 4]
    assert family.descendants(5) == []
    assert family.basis(2).pk == 1 and family.basis(1) is None
    assert [s.pk for s in family] == [1, 2, 3, 5, 4]  # effective date, then pk
    assert 3 in family and 9 not in family and len(family) == 5


def test_a_cycle_in_a_broken_database_ends_every_walk():
    family = Lineage.among([node(1, 2), node(2, 1)])
    assert family.line(1) == [1, 2]
    assert family.chain(1, 3) is None
    assert [s.pk for s in family.descendants(1)] == [2]


def test_succession_direction_rules():
    # Moved from test_checktrees (selectors.is_older_structure); the same five answers.
    d1, d2 = D(2024, 1, 1), D(2025, 1, 1)
    family = Lineage.among([node(1, None, d1), node(2, 1, d2), node(3, 1, d2), node(4, 2, d2)])
    assert family.is_older(1, 2)
    assert Lineage.among([node(1, None, d2), node(2, 1, d2), node(4, 2, d2)]).is_older(1, 4)
    assert not family.is_older(2, 3)  # two alternatives
    assert not family.is_older(4, 1)
    assert not family.is_older(1, 1)
    assert not family.is_older(1, 9)  # not of this organisation


def test_order_key_is_date_then_creation():
    assert order_key(node(2, date=D(2024, 1, 1))) < order_key(node(1, date=D(2025, 1, 1)))
    assert order_key(node(1)) < order_key(node(2))


# --- in force ---------------------------------------------------------------------------


def test_in_force_is_the_latest_decided_on_or_before_the_date():
    d1, d2, d3 = D(2024, 1, 1), D(2025, 1, 1), D(2026, 1, 1)
    family = Lineage.among([
        node(1, None, d1, "published"), node(2, 1, d2, "approved"), node(3, 2, d3, "draft"),
        node(4, 2, d3, "consultation"), node(5, 2, d2, "discarded"),
    ])
    assert family.in_force(D(2023, 12, 31)) is None
    assert family.in_force(d1).pk == 1
    assert family.in_force(D(2024, 12, 31)).pk == 1
    assert family.in_force(d2).pk == 2
    assert family.in_force(D(2030, 1, 1)).pk == 2  # drafts, consultations, discarded never


def test_structure_in_force_and_the_overview_agree(small, editor, reader):
    old, _ = small
    org = old.organisation
    approved = services.copy_structure(old, name="2025", effective_date=D(2025, 1, 1),
                                       user=editor)
    services.set_status(approved, "approved", user=editor)
    for on_date in (D(2023, 1, 1), D(2024, 6, 1), D(2025, 1, 1)):
        expected = structure_in_force(org, on_date)
        assert selectors.structure_in_force(org, on_date) == expected
        assert selectors.organisation_overview(editor, org, on_date).in_force == expected
    assert structure_in_force(org, D(2025, 1, 1)) == approved
    # A reader does not see the approved structure: among what they see, 2024 is in force.
    assert selectors.organisation_overview(reader, org, D(2025, 1, 1)).in_force == old


# --- every caller, a fixed number of queries whatever the chain length -----------------------


@pytest.mark.parametrize("length", [2, 6])
def test_reads_run_a_fixed_number_of_queries(editor, organisation, reader,
                                             django_assert_num_queries, length):
    line = make_line(editor, organisation, length)
    first, last = line[0], line[-1]
    root = Unit.objects.select_related("structure").get(tree_id=first.pk, parent=None)
    for user in (editor, reader):
        # The user's groups, read once per user and kept.
        assert roles.policy(user).is_editor is (user == editor)
    with django_assert_num_queries(1):
        family = Lineage.of(organisation)
    assert [s.pk for s in family.descendants(first)] == [s.pk for s in line[1:]]
    with django_assert_num_queries(1):
        assert structure_chain(last, first) == [s.pk for s in line]
    with django_assert_num_queries(1):
        assert structure_in_force(organisation, D(2040, 1, 1)) == (
            line[-2] if length > 1 else first)
    with django_assert_num_queries(2):
        assert selectors.later_structures(editor, root) == line[1:]
    with django_assert_num_queries(2):
        # The last is a draft: a reader sees the published ones only.
        assert selectors.later_structures(reader, root) == line[1:-1]
    with django_assert_num_queries(1):
        # The nearest decided descendant (with two, the only one is a draft).
        assert _notice_target(editor, root, None) == (line[1] if length > 2 else None)


@pytest.mark.parametrize("length", [2, 6])
def test_writes_read_the_line_once(editor, organisation, django_assert_num_queries, length):
    line = make_line(editor, organisation, length, publish=False)
    first, last = line[0], line[-1]
    # update_structure's cycle check: basing the first on the last would be a cycle.
    # A savepoint, the lock, the lineage, the rollback and release (the old walk read one
    # structure per step).
    with django_assert_num_queries(5):
        with pytest.raises(ValidationError, match="bygge på sig selv"):
            services.update_structure(first, user=editor, based_on=last)
    assert Structure.objects.get(pk=first.pk).based_on_id is None
    draft = services.copy_structure(first, name="Alternativ", effective_date=D(2030, 1, 1),
                                    user=editor)
    # A draft may be based on any structure that does not descend from it.
    services.update_structure(draft, user=editor, based_on=last)
    assert Structure.objects.get(pk=draft.pk).based_on_id == last.pk


@pytest.mark.parametrize("length", [2, 6])
def test_med_coverage_reads_the_line_once(editor, organisation, django_assert_num_queries,
                                          length):
    line = make_line(editor, organisation, length)
    with django_assert_num_queries(3):  # lineage, bodies, the tree (no bodies: no more)
        report = med_selectors.coverage(line[-1])
    assert report.rows


@pytest.mark.parametrize("length", [2, 6])
def test_set_predecessors_reads_the_line_once(editor, organisation, django_assert_num_queries,
                                              length):
    line = make_line(editor, organisation, length)
    first, last = line[0], line[-1]
    new_unit = services.add_unit(Unit.objects.get(tree_id=last.pk, parent=None),
                                 name="Ny enhed", user=editor)
    first_root = Unit.objects.get(tree_id=first.pk, parent=None)
    # The check reads the lineage once (it used to read each predecessor's structure).
    with django_assert_num_queries(SET_PREDECESSORS_QUERIES):
        services.set_predecessors(new_unit, [(first_root, 0)], user=editor)
    other, _ = factories.make_structure(editor, {"X": "Fremmed"})
    stranger = Unit.objects.get(tree_id=other.pk, code="X")
    with pytest.raises(ValidationError, match="tidligere organisering i samme organisation"):
        services.set_predecessors(new_unit, [(stranger, 100)], user=editor)
    assert first.pk in {s.pk for s in Lineage.of(organisation)}
