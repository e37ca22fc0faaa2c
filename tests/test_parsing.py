"""Dates, numbers and phone numbers as people write them (reconnect_tui/parsing.py)."""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reconnect_tui.formats import format_day, format_number
from reconnect_tui.i18n import current_language, set_language
from reconnect_tui.parsing import ParseError, parse_day, parse_number, parse_phone, parse_time

TODAY = date(2026, 11, 30)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("31.03.2027", date(2027, 3, 31)),
        ("31.3.27", date(2027, 3, 31)),
        ("2027-03-31", date(2027, 3, 31)),
        ("31/3/2027", date(2027, 3, 31)),
        (" I morgen ", date(2026, 12, 1)),
        ("tomorrow", date(2026, 12, 1)),
        ("i går", date(2026, 11, 29)),
        ("today", TODAY),
    ],
)
def test_days_as_people_write_them(text: str, expected: date) -> None:
    assert parse_day(text, TODAY) == expected


@pytest.mark.parametrize("text", ["30.02.2027", "next week", "1.1.1", "", "2027-13-01"])
def test_what_is_not_a_day_says_what_is_expected_without_echoing_it(text: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_day(text, TODAY)
    assert str(raised.value) and (not text.strip() or text not in str(raised.value))


@given(day=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
       language=st.sampled_from(["en", "nb"]))
def test_every_day_shown_is_read_back(day: date, language: str) -> None:
    before = current_language()
    set_language(language)
    try:
        assert parse_day(format_day(day), TODAY) == day
    finally:
        set_language(before)


@pytest.mark.parametrize(("text", "expected"), [
    ("15:30", time(15, 30)), ("15.30", time(15, 30)), ("1530", time(15, 30)), ("9", time(9)),
    ("kl. 9.05", time(9, 5)), (" KL 23:59 ", time(23, 59)), ("0:00", time(0)),
])
def test_clock_times_as_people_write_them(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "12:60", "half past", "", "15:7", "3 pm"])
def test_what_is_not_a_time_says_what_is_expected_without_echoing_it(text: str) -> None:
    with pytest.raises(ParseError) as raised:
        parse_time(text)
    assert str(raised.value) and (not text.strip() or text not in str(raised.value))


@given(hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_every_clock_time_shown_is_read_back(hour: int, minute: int) -> None:
    assert parse_time(f"{hour:02d}:{minute:02d}") == time(hour, minute)


@pytest.mark.parametrize(("text", "expected"),
                         [("8,5", 8.5), ("8.5", 8.5), ("1 000,5", 1000.5), ("7", 7.0)])
def test_decimal_comma_and_point(text: str, expected: float) -> None:
    assert parse_number(text) == expected


@given(value=st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
       language=st.sampled_from(["en", "nb"]))
def test_every_number_shown_is_read_back(value: float, language: str) -> None:
    before = current_language()
    set_language(language)
    try:
        assert parse_number(format_number(value, 2)) == pytest.approx(round(value, 2), abs=0.006)
    finally:
        set_language(before)


def test_phone_numbers_are_checked_and_written_in_national_format() -> None:
    assert parse_phone("91234567") == "91 23 45 67"
    assert parse_phone("+47 912 34 567") == "91 23 45 67"
    assert parse_phone("+46 70 123 45 67") == "+46 70 123 45 67"
    assert parse_phone("116 117") == "116 117"  # a short service number, as written
    for bad in ("abc-not-a-phone", "12", "1-800-FLOWERS"):
        with pytest.raises(ParseError):
            parse_phone(bad)
