"""Dates and numbers in the person's language (reconnect_tui/formats.py, issue 16)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconnect_tui import formats
from reconnect_tui.i18n import set_language

OSLO = ZoneInfo("Europe/Oslo")
EVENING = datetime(2027, 3, 31, 22, 5, tzinfo=OSLO)  # 20:05 UTC: the wall time must stay


def test_norwegian_forms() -> None:
    set_language("nb")
    assert formats.day(date(2027, 3, 31)) == "31.03.2027"
    assert formats.day_and_time(EVENING) == "31.03.2027 22:05"
    assert formats.long_day(date(2027, 3, 31)) == "31. mars 2027"
    assert formats.weekday(date(2027, 3, 31)) == "onsdag"
    assert formats.weekday_and_time(EVENING) == "onsdag 22:05"
    assert formats.day_month_and_time(datetime(2027, 5, 17, 9, 0)).startswith("17. mai")
    assert formats.number(6.5) == "6,5"
    assert formats.number(7.0) == "7"
    assert formats.number(0.25) == "0,25"


def test_english_keeps_the_forms_it_had() -> None:
    set_language("en")
    assert formats.day(date(2027, 3, 31)) == "2027-03-31"
    assert formats.day_and_time(EVENING) == "2027-03-31 22:05"
    assert formats.long_day(date(2027, 3, 31)) == "31 Mar 2027"
    assert formats.weekday(date(2027, 3, 31)) == "Wednesday"
    assert formats.day_month_and_time(datetime(2027, 5, 17, 9, 0)) == "17 May 09:00"
    assert formats.number(6.5) == "6.5"
    assert formats.number(7.0) == "7"


@pytest.mark.parametrize("language", ["en", "nb"])
@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).map(lambda v: round(v, 3)))
def test_numbers_read_back_as_the_same_value(language: str, value: float) -> None:
    """What the diary shows can be typed back in (widgets/form.py reads "," as "." too)."""
    set_language(language)
    shown = formats.number(value)
    typed = shown.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", ".")
    assert float(typed) == pytest.approx(value)
    assert ("," in shown) == (language == "nb" and not float(value).is_integer())
