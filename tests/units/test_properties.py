"""Random sequences of operations on a draft keep the tree and the successions sound."""

from __future__ import annotations

import datetime
from collections import defaultdict
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.units.test_services import snapshot
from units import selectors, services
from units.models import Succession, Unit

OPERATIONS = ["add", "move", "merge", "split", "close", "update"]
STEPS = st.lists(
    st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 1000), st.integers(0, 1000),
              st.integers(1, 99)),
    min_size=1, max_size=8,
)


def apply(op: str, a: int, b: int, share: int, draft, editor, counter: list[int]) -> None:
    units = list(Unit.objects.filter(tree_id=draft.pk).order_by("lft"))
    first, second = units[a % len(units)], units[b % len(units)]
    counter[0] += 1
    n = counter[0]
    if op == "add":
        # Every third new unit reuses an existing code, which must be refused.
        code = first.code if n % 3 == 0 and first.code else f"N{n}"
        services.add_unit(first, name=f"Ny enhed {n}", code=code, headcount=share, user=editor)
    elif op == "move":
        services.move_unit(first, second, user=editor)
    elif op == "merge":
        into = first if share % 2 else f"Samlet {n}"
        services.merge_units([first, second], into=into, user=editor)
    elif op == "split":
        children = list(Unit.objects.filter(parent=first).order_by("lft"))
        services.split_unit(first, [
            {"name": f"Del {n}a", "share": share},
            {"name": f"Del {n}b", "share": 100 - share, "children": children[b % 2:][:1]},
        ], user=editor)
    elif op == "close":
        target = second if b % 2 else None
        services.close_unit(first, user=editor, transfer_children_to=target)
    else:
        services.update_unit(first, name=f"Omdøbt {n}", headcount=b, user=editor)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(steps=STEPS)
def test_random_operations_keep_trees_and_successions_sound(small, editor, steps):
    old, _ = small
    with transaction.atomic():
        draft = services.copy_structure(old, name="Udkast", effective_date=datetime.date(
            2025, 1, 1), user=editor)
        counter = [0]
        for step in steps:
            before = snapshot()
            try:
                apply(*step, draft=draft, editor=editor, counter=counter)
            except ValidationError:
                assert snapshot() == before, step  # a refusal changes nothing
        assert selectors.tree_faults() == []
        outgoing: dict[int, Decimal] = defaultdict(Decimal)
        for from_tree, to_tree, from_id, share in Succession.objects.values_list(
                "from_unit__tree_id", "to_unit__tree_id", "from_unit_id", "share"):
            assert (from_tree, to_tree) == (old.pk, draft.pk)  # older to newer, always
            # A split of a split can leave a part 0 % of an old unit (the shares are kept to the
            # hundredth): a note that the part comes from it, moving nobody (units.changes).
            assert Decimal(0) <= share <= Decimal(100)
            outgoing[from_id] += share
        assert all(total <= Decimal(100) for total in outgoing.values()), outgoing
        # History alone rebuilds the same tree, sibling order included.
        nodes = selectors.tree(draft)
        recorded = selectors.structure_as_recorded(draft, timezone.now()).units
        assert [(n.id, n.parent_id, n.level) for n in recorded] == [
            (n.id, n.parent_id, n.level) for n in nodes]
        assert nodes[0].subtree_headcount == sum(n.headcount for n in nodes)
        selectors.compare(old, draft)
        transaction.set_rollback(True)
