"""orgreg.moments: the one reading of ?at= (and --at); a date alone is the end of that day."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from orgreg.moments import MOMENT_FORMAT_ERROR, parse_moment
from tests import factories
from units import printing, services
from units.forms import AtForm


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


END_OF_8_NOVEMBER = local(2024, 11, 8, 23, 59, 59, 999999)


@pytest.mark.parametrize("raw,expected", [
    ("2024-11-08", END_OF_8_NOVEMBER),
    (" 2024-11-08 ", END_OF_8_NOVEMBER),
    ("2024-11-08T14:30", local(2024, 11, 8, 14, 30)),
    ("2024-11-08 14:30", local(2024, 11, 8, 14, 30)),
    ("2024-11-08T14:30:05.123456", local(2024, 11, 8, 14, 30, 5, 123456)),
    ("2024-11-08T14:30:00+00:00", datetime.datetime(2024, 11, 8, 14, 30, tzinfo=datetime.UTC)),
    ("", None),
    (None, None),
])
def test_parse_moment(raw, expected):
    assert parse_moment(raw) == expected


def test_a_date_alone_ends_in_the_given_time_zone():
    utc = zoneinfo.ZoneInfo("UTC")
    assert parse_moment("2024-11-08", tz=utc) == datetime.datetime(
        2024, 11, 8, 23, 59, 59, 999999, tzinfo=utc)


@pytest.mark.parametrize("raw", ["igår", "8. november", "2024-13-01", "2024-11-08T25:00"])
def test_bad_moments_are_refused_in_danish(raw):
    with pytest.raises(ValidationError) as raised:
        parse_moment(raw)
    assert raised.value.messages == [MOMENT_FORMAT_ERROR]


def test_the_history_page_and_the_pdf_read_a_date_alike():
    form = AtForm({"at": "2024-11-08"})
    assert form.is_valid()
    assert form.cleaned_data["at"] == END_OF_8_NOVEMBER
    assert printing.parse_chart_options({"at": "2024-11-08"}).at == END_OF_8_NOVEMBER
    bad = AtForm({"at": "igår"})
    assert not bad.is_valid() and bad.errors["at"] == [MOMENT_FORMAT_ERROR]
    with pytest.raises(ValidationError) as raised:
        printing.parse_chart_options({"at": "igår"})
    assert raised.value.messages == [MOMENT_FORMAT_ERROR]


def test_today_as_a_date_includes_todays_changes(client, editor):
    structure, units = factories.make_structure(editor, {"A": "Afdeling A"})
    services.update_unit(units["A"], user=editor, name="Afdeling Alfa")
    today = timezone.localdate().isoformat()
    # The PDF: a structure created today exists "as recorded on" today, with today's name.
    chart = printing.org_chart(structure, editor, printing.parse_chart_options({"at": today}))
    names = [u.node.name for u in chart.chart.walk()]
    assert "Afdeling Alfa" in names and "Afdeling A" not in names
    # The history page: the same.
    client.force_login(editor)
    page = client.get(reverse("units:structure-history", args=[structure.pk]), {"at": today})
    recorded = page.content.decode().split('id="recorded"')[1].split("</section>")[0]
    assert "Afdeling Alfa" in recorded
