"""Round trips on generated trees: any names, codes, numbers and descriptions a user can type
come back the same from CSV, XLSX and JSON."""

import datetime
import itertools
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import factories
from units import interchange
from units.interchange import exporters
from units.services.bulk import UnitRow, build_structure

from .conftest import snapshot

_orgs = itertools.count(1)

# Danish letters, the CSV delimiters and quote, formula starters, an apostrophe.
TEXT = st.text(alphabet=st.sampled_from(list("abcÆØÅæøå xyz;,\"'=+-@|:/1%é")), max_size=30)
NAME = TEXT.map(str.strip).filter(bool)
DESCRIPTION = st.text(alphabet=st.sampled_from(list("ab æø;,\"'=\n \t")), max_size=40)


@st.composite
def trees(draw):
    size = draw(st.integers(min_value=1, max_value=15))
    codes = draw(st.lists(st.text(alphabet="ABC123-_.", min_size=1, max_size=6),
                          min_size=size, max_size=size, unique=True))
    rows = []
    for i in range(size):
        parent = None if i == 0 else str(draw(st.integers(min_value=0, max_value=i - 1)))
        fte = draw(st.none() | st.decimals(min_value=0, max_value=99999, places=2,
                                           allow_nan=False, allow_infinity=False))
        rows.append(UnitRow(str(i), parent, {
            "name": draw(NAME),
            "code": codes[i] if draw(st.booleans()) or i == 0 else "",
            "short_name": draw(TEXT).strip()[:60],
            "leader_name": draw(TEXT).strip(),
            "leader_identifier": draw(TEXT),
            "headcount": draw(st.integers(min_value=0, max_value=100000)),
            "fte": None if fte is None else Decimal(fte),
            "category": draw(st.sampled_from(["", "drift", "administration", "stab",
                                              "myndighed"])),
            "description": draw(DESCRIPTION),
        }))
    return rows


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=trees())
def test_any_tree_round_trips_through_every_format(editor, rows):
    organisation = factories.make_organisation(editor, f"Genereret {next(_orgs)}")
    structure = build_structure(organisation, name="Original",
                                effective_date=datetime.date(2025, 1, 1), rows=rows, user=editor)
    expected = snapshot(structure)
    for fmt, export in (("csv", exporters.structure_csv), ("xlsx", exporters.structure_xlsx),
                        ("json", exporters.structure_json)):
        plan = interchange.prepare(export(structure), organisation=organisation, fmt=fmt)
        assert plan.problems == [], (fmt, [str(p) for p in plan.problems])
        copy = interchange.import_structure(plan, organisation=organisation, name=f"Kopi {fmt}",
                                          effective_date=datetime.date(2025, 1, 1), user=editor)
        assert snapshot(copy) == expected, fmt
