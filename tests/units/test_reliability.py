"""Concurrent editors on one draft (the reliability benchmark's run, small): every edit is
done or refused with a reason, no tree fault, and no stale save overwrites a newer rename.
Threads commit through their own connections, so this needs PostgreSQL."""

import pytest
from django.db import connection

from units.benchmarks.reliability import OPERATIONS, measure_reliability

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql",
                                reason="concurrent writers need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_concurrent_editors_leave_no_tree_fault_and_lose_no_update():
    figure = measure_reliability(threads=3, operations=30, units=60, seed=5)
    assert figure.errors == []
    assert figure.done + figure.refused == figure.operations
    assert figure.tree_faults == []
    assert figure.stale_probes > 0
    assert figure.lost_updates == 0
    assert set(figure.by_kind) == set(OPERATIONS)
