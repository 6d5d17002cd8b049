import datetime

import pytest

from med import services
from med.models import AgendaItem, Consultation, MedBody, Meeting, Membership

D = datetime.date


@pytest.fixture
def bodies(small, editor):
    """On the published 2024 structure `small`:

    HovedMED (hoved) covers ROOT; LokalMED A covers A; LokalMED B1 covers B1.
    C and B are covered by the HovedMED only.
    """
    structure, units = small
    hoved = services.create_body(structure, name="HovedMED", level="hoved",
                                 valid_from=D(2024, 1, 1), units=[units["ROOT"]], user=editor)
    lokal_a = services.create_body(structure, name="LokalMED A", level="lokal", parent=hoved,
                                   valid_from=D(2024, 1, 1), units=[units["A"]], user=editor)
    lokal_b1 = services.create_body(structure, name="LokalMED B1", level="lokal", parent=hoved,
                                    valid_from=D(2024, 1, 1), units=[units["B1"]], user=editor)
    return {"hoved": hoved, "A": lokal_a, "B1": lokal_b1}


def snapshot() -> dict:
    """Counts of every MED row and history row, and the covered units: a refusal must leave
    all of them as they were."""
    through = MedBody.units.through
    models = [MedBody, Membership, Meeting, AgendaItem, Consultation]
    counts = {m.__name__: m.objects.count() for m in models}
    counts.update({f"h{m.__name__}": m.history.count() for m in models})
    counts["units"] = sorted(through.objects.values_list("medbody_id", "unit_id"))
    counts["rows"] = [
        list(m.objects.order_by("pk").values()) for m in models
    ]
    return counts


@pytest.fixture
def unchanged():
    """Use as: with unchanged(): call_that_must_refuse()"""
    import contextlib

    from django.core.exceptions import ValidationError

    @contextlib.contextmanager
    def check(match: str | None = None):
        before = snapshot()
        with pytest.raises(ValidationError, match=match) as info:
            yield info
        assert snapshot() == before

    return check
