"""The key figures of the demo structures tell the seeds' story: Randers' two models differ
in layers (seed 003), Aarhus' step one moves leaders from the middle to the front line and
keeps the operations chiefs' span in bounds (seed 004)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.units.test_demo import AARHUS, KOBENHAVN, RANDERS, _structure
from units.figure_tables import figure_tables
from units.selectors import structure_figures


@pytest.fixture
def loaded(demo_output, db):
    return demo_output


def by_level(counts) -> dict[int, int]:
    return {c.key: c.count for c in counts}


def test_randers_models_differ_in_layers_and_leaders(loaded):
    basis = structure_figures(_structure(RANDERS, "2025-01-01"))
    model_a = structure_figures(_structure(RANDERS, "2026-01-01", "Model A"))
    model_b = structure_figures(_structure(RANDERS, "2026-01-01", "Model B"))
    # Model A keeps the four forvaltninger and adds units beside them; Model B has three,
    # with a layer of area chiefs inside the big welfare forvaltning.
    assert (basis.layers, model_a.layers, model_b.layers) == (3, 3, 4)
    assert by_level(model_a.by_level)[1] == 5 and by_level(model_b.by_level)[1] == 4
    assert model_a.leaders == basis.leaders + 2
    assert {c.label: c.count for c in model_b.by_leader_title}["Områdechef"] == 2
    # Every unit of the three names a leader, headcount and FTE.
    for figures in (basis, model_a, model_b):
        assert figures.without_leader == ()
        assert sum(s.fte_missing for s in figures.staff) == 0
        assert Decimal("0.8") * figures.headcount < figures.fte < figures.headcount
    # The administration + stab share: Model B's joint staff (with the benefits centre)
    # makes it the largest.
    assert model_b.overhead_share > model_a.overhead_share


def test_aarhus_step_one_puts_more_leaders_close_to_operations(loaded):
    before = structure_figures(_structure(AARHUS, "2020-01-01"))
    step1 = structure_figures(_structure(AARHUS, "2021-04-01"))
    # Four levels both times; the middle (områder, viceområdechefer, plejedistrikter) thins
    # and the front line (niveau 4) gets more units with their own leader.
    assert before.layers == step1.layers == 4
    lead_before, lead_after = by_level(before.leaders_by_level), by_level(step1.leaders_by_level)
    assert lead_after[3] > lead_before[3] and lead_after[2] < lead_before[2]
    assert (lead_before[3], lead_after[3]) == (88, 108)
    # Operations chiefs lead many leaders each, but none the 23 care homes of Midt alone.
    assert step1.units_per_leader.maximum == 14
    assert step1.units_per_leader.median > before.units_per_leader.median
    # FTE throughout, fewer than people (part-time in care).
    assert step1.fte < step1.headcount and sum(s.fte_missing for s in step1.staff) == 0


def test_a_demo_without_fte_says_so_rather_than_zero(loaded):
    figures = structure_figures(_structure(KOBENHAVN, "2024-01-01"))
    overview = next(t for t in figure_tables(figures) if t.key == "overview")
    assert dict((r.header, r.values[0]) for r in overview.rows)["Årsværk"] is None
