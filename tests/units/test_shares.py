"""units.shares: reading, checking, writing and dividing shares, against answers by hand."""

from __future__ import annotations

from decimal import Decimal

import pytest

from units import shares

D = Decimal


# --- people: whole people that add up -------------------------------------------------------


@pytest.mark.parametrize(("headcount", "given", "expected"), [
    # A 5-person unit split 50/50: the first part takes the odd person, everywhere.
    (5, [50, 50], [3, 2]),
    (7, [50, 50], [4, 3]),
    # Thirds of 10 (stored as 33.33 % each): one left over, to the first.
    (10, [D("33.33"), D("33.33"), D("33.33")], [4, 3, 3]),
    (10, [D("33.34"), D("33.33"), D("33.33")], [4, 3, 3]),
    (10, [D("33.33"), D("33.34"), D("33.33")], [3, 4, 3]),  # the largest remainder wins
    (4, [60, 40], [2, 2]),  # 2.4 and 1.6: the remainder goes to 1.6
    (5, [60, 40], [3, 2]),
    (1, [50, 50], [1, 0]),
    (0, [50, 50], [0, 0]),
    (8, [100], [8]),
    # A 0 % link moves no one, whatever its place.
    (5, [D(0), 100], [0, 5]),
    (5, [50, 0, 50], [3, 0, 2]),
    (5, [0], [0]),
    # Shares adding up to less than 100 %: the rest of the staff is not placed.
    (10, [30], [3]),
    (10, [25, 25], [3, 2]),  # 2.5 + 2.5 with 5 left unplaced; ties go to the shares first
    (5, [50], [3]),
    (9, [D("33.33")], [3]),
    # A rounding slack over 100 % still places the unit's staff exactly once.
    (10, [D("33.34"), D("33.34"), D("33.34")], [4, 3, 3]),
    (3, [D("50.02"), D("50.02")], [2, 1]),
])
def test_people_by_largest_remainder(headcount, given, expected):
    got = shares.people(headcount, given)
    assert got == expected
    if sum(given) >= 100:
        assert sum(got) == headcount


def test_people_never_exceed_or_miss_the_headcount():
    for headcount in range(0, 40):
        for first in range(0, 101, 5):
            got = shares.people(headcount, [first, 100 - first])
            assert sum(got) == headcount
            assert all(abs(p - headcount * s / 100) < 1 for p, s in zip(got, [first, 100 - first],
                                                                         strict=True))


@pytest.mark.parametrize(("total", "given", "step", "whole", "expected"), [
    # A succession's share divided between the parts of a split, in hundredths.
    (D(100), [D("33.33")] * 3, shares.CENT, D("99.99"), [D("33.34"), D("33.33"), D("33.33")]),
    (D(100), [50, 50], shares.CENT, D(100), [D("50.00"), D("50.00")]),
    (D("0.01"), [50, 50], shares.CENT, D(100), [D("0.01"), D("0.00")]),
    (D("60.00"), [75, 25], shares.CENT, D(100), [D("45.00"), D("15.00")]),
    # The parts of a split make up the whole unit though their shares add up to 99.99.
    (D(10), [D("33.33")] * 3, shares.ONE, D("99.99"), [D(4), D(3), D(3)]),
    (D(0), [], shares.ONE, D(100), []),
    (D(6), [0, 0], shares.ONE, D(0), [D(0), D(0)]),
])
def test_apportion_steps_and_whole(total, given, step, whole, expected):
    assert shares.apportion(total, given, step=step, whole=whole) == expected


def test_apportion_refuses_negative_shares_and_partial_steps():
    with pytest.raises(ValueError):
        shares.apportion(5, [-10, 110])
    with pytest.raises(ValueError):
        shares.apportion(D("2.5"), [50, 50])


# --- reading --------------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "expected"), [
    (50, D("50.00")),
    ("50", D("50.00")),
    ("33,33", D("33.33")),
    ("33.33", D("33.33")),
    ("33,333", D("33.33")),
    ("33,335", D("33.34")),  # half up
    (" 12,5 % ", D("12.50")),
    ("100%", D("100.00")),
    (12.5, D("12.50")),
    (D("0"), D("0.00")),
    ("0", D("0.00")),
    (100, D("100.00")),
])
def test_parse_share(value, expected):
    assert shares.parse_share(value) == expected


@pytest.mark.parametrize(("value", "message"), [
    ("halvdelen", "Andelen »halvdelen« er ikke et tal."),
    ("", "Andelen »« er ikke et tal."),
    (None, "Andelen »None« er ikke et tal."),
    (True, "Andelen »True« er ikke et tal."),
    ("nan", "Andelen »nan« er ikke et tal."),
    (float("inf"), "Andelen »inf« er ikke et tal."),
    (150, "Andelen skal være mellem 0 og 100 %, ikke 150 %."),
    ("-50", "Andelen skal være mellem 0 og 100 %, ikke -50 %."),
    ("100,004", "Andelen skal være mellem 0 og 100 %, ikke 100,004 %."),
])
def test_parse_share_refuses_with_a_danish_message(value, message):
    with pytest.raises(shares.ShareError) as info:
        shares.parse_share(value)
    assert info.value.message == message


@pytest.mark.parametrize(("total", "passes", "makes"), [
    (D("100"), False, True),
    (D("99.99"), False, True),
    (D("100.05"), False, True),
    (D("100.06"), True, False),
    (D("99.94"), False, False),
    (D("40"), False, False),
    (D("130"), True, False),
])
def test_totals(total, passes, makes):
    assert shares.passes_100(total) is passes
    assert shares.makes_100(total) is makes


# --- writing --------------------------------------------------------------------------------


@pytest.mark.parametrize(("share", "text"), [
    (D("50.00"), "50 %"),
    (D("100"), "100 %"),
    (D("100.00"), "100 %"),
    (D("33.33"), "33,33 %"),
    (D("12.50"), "12,5 %"),
    (D("0.00"), "0 %"),
    (D("-0.00"), "0 %"),
    (D("33.3333"), "33,33 %"),  # a share composed along a chain
    (D("33.335"), "33,34 %"),
    (50, "50 %"),
    ("12.5", "12,5 %"),
])
def test_share_text(share, text):
    assert shares.share_text(share) == text
    assert shares.share_number(share) == text.removesuffix(" %")
