import datetime
from decimal import Decimal

import pytest

from orgreg.text import danish_date, danish_number, danish_sort_key, join_danish


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (5734, None, "5.734"),
    (10000, None, "10.000"),
    (0, None, "0"),
    (-1200, None, "-1.200"),
    (Decimal("9.50"), None, "9,5"),
    (Decimal("1234.567"), None, "1.234,57"),
    (Decimal("100.00"), None, "100"),
    (2.5, 2, "2,50"),
    (1234567, 1, "1.234.567,0"),
    (None, None, ""),
])
def test_numbers_have_a_point_between_thousands_and_a_decimal_comma(value, decimals, text):
    assert danish_number(value, decimals) == text


def test_dates_lists_and_order_read_danish():
    assert danish_date(datetime.date(2025, 1, 1)) == "1. januar 2025"
    assert join_danish(["»A«", "»B«", "»C«"]) == "»A«, »B« og »C«"
    assert sorted(["Århus", "Zealand", "Ærø", "Øster", "Aabenraa"], key=danish_sort_key) == [
        "Zealand", "Ærø", "Øster", "Aabenraa", "Århus"]
