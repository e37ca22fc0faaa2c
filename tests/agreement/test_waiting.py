"""Expected-answer dates: working hours, weekends, public holidays, time zone and DST (hypothesis
over send times), and the agreement's terms: validation, template, signed bytes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reconnect_tui.sync import agreement_terms as at
from reconnect_tui.sync.waiting import (
    expected_answer_by,
    is_working_day,
    outside_hours,
    public_holidays,
    read_from,
)

OSLO = at.parse(at.template(date(2026, 1, 5)))
ZONES = ["Europe/Oslo", "America/New_York", "Australia/Sydney", "UTC"]

send_times = st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2030, 12, 31),
                          timezones=st.just(UTC))


def terms_for(zone: str, days: int, hours: str = "08:00-15:30"):
    raw = {**at.template(date(2026, 1, 5)), "time_zone": zone,
           "answer_within_working_days": days, "working_hours": hours}
    return at.parse(at.validate(raw))


@settings(max_examples=300, deadline=None)
@given(sent=send_times, zone=st.sampled_from(ZONES), days=st.integers(0, 10),
       hours=st.sampled_from(["08:00-15:30", "09:00-17:00", "07:30-11:00"]))
def test_expected_answer_honours_hours_weekends_and_zone(sent, zone, days, hours) -> None:
    terms = terms_for(zone, days, hours)
    start, due = read_from(sent, terms), expected_answer_by(sent, terms)
    local_start, local_due = start.astimezone(terms.time_zone), due.astimezone(terms.time_zone)
    assert start >= sent and due > sent and due.tzinfo is not None
    # reading starts inside working hours on a working day (not a weekend, not a holiday)
    assert local_start.weekday() < 5 and is_working_day(local_start.date(), terms)
    assert terms.working_start <= local_start.time() < terms.working_end
    # the answer is due at the end of working hours, on a working day (DST-correct wall time)
    assert is_working_day(local_due.date(), terms) and local_due.time() == terms.working_end
    # exactly N working days after the day reading starts
    day, count = local_start.date(), 0
    while day < local_due.date():
        day += timedelta(days=1)
        count += is_working_day(day, terms)
    assert count == days
    # nothing working-hours-shaped is skipped: no working-hours start between sent and start
    if outside_hours(sent, terms):
        assert read_from(start, terms) == start
        previous = sent.astimezone(terms.time_zone)
        assert not (is_working_day(previous.date(), terms)
                    and terms.working_start <= previous.time() < terms.working_end)


@settings(max_examples=100, deadline=None)
@given(sent=send_times)
def test_weekend_and_evening_messages_count_from_the_next_morning(sent) -> None:
    local = sent.astimezone(OSLO.time_zone)
    if is_working_day(local.date(), OSLO) and local.time() < OSLO.working_end:
        return
    start = read_from(sent, OSLO).astimezone(OSLO.time_zone)
    assert start.time() == OSLO.working_start
    # the next working day: every day in between is a weekend day or a holiday (Easter and
    # Christmas can make that a week)
    assert 1 <= (start.date() - local.date()).days <= 7
    skipped = local.date() + timedelta(days=1)
    while skipped < start.date():
        assert not is_working_day(skipped, OSLO)
        skipped += timedelta(days=1)


def test_known_dates_including_dst() -> None:
    oslo = ZoneInfo("Europe/Oslo")
    friday_evening = datetime(2026, 3, 27, 18, 0, tzinfo=oslo)  # DST starts Sunday 29 March
    due = expected_answer_by(friday_evening, OSLO).astimezone(oslo)
    assert read_from(friday_evening, OSLO).astimezone(oslo) == datetime(2026, 3, 30, 8, 0,
                                                                         tzinfo=oslo)
    assert due == datetime(2026, 4, 1, 15, 30, tzinfo=oslo)  # Monday + 2 working days
    assert due.utcoffset() == timedelta(hours=2)
    tuesday_noon = datetime(2026, 10, 20, 12, 0, tzinfo=oslo)
    assert not outside_hours(tuesday_noon, OSLO)
    assert expected_answer_by(tuesday_noon, OSLO).astimezone(oslo) == datetime(
        2026, 10, 22, 15, 30, tzinfo=oslo)  # Thursday


def test_terms_validation_names_the_key() -> None:
    good = at.validate({"answer_within_working_days": 2, "working_hours": "08:00-15:30",
                        "review_on": "2026-06-01", "notes": ""})
    assert good["time_zone"] == "Europe/Oslo" and "crisis plan" in good["emergency"]
    assert at.validate(good) == good
    for bad, key in [({"working_hours": "15:30-08:00"}, "working_hours"),
                     ({"answer_within_working_days": "2"}, "answer_within_working_days"),
                     ({"review_on": "soon"}, "review_on"), ({"time_zone": "Mars/Olympus"},
                                                            "time_zone"),
                     ({"read_receipts": "yes"}, "read_receipts"), ({"colour": 1}, "colour")]:
        with pytest.raises(at.TermsError, match=key):
            at.validate({**good, **bad})
    with pytest.raises(at.TermsError, match="notes"):
        at.validate({"answer_within_working_days": 2, "working_hours": "08:00-15:30"})


def test_review_date_defaults_to_three_months_and_signed_bytes_are_canonical() -> None:
    terms = {**at.template(date(2026, 1, 5)), "review_on": None}
    assert at.review_date(terms, date(2026, 11, 30)) == date(2027, 2, 28)
    assert at.review_date({**terms, "review_on": "2026-02-01"}, date(2026, 1, 1)) == date(
        2026, 2, 1)
    one = at.signed_bytes("P", "U", 1, {"b": 1, "a": "ø"})
    assert one == at.signed_bytes("P", "U", 1, {"a": "ø", "b": 1})
    assert one != at.signed_bytes("U", "P", 1, {"a": "ø", "b": 1})
    assert one != at.signed_bytes("P", "U", 2, {"a": "ø", "b": 1})


OSLO_ZONE = ZoneInfo("Europe/Oslo")
NORWEGIAN_WEEKDAY_HOLIDAYS = sorted(
    day for year in range(2024, 2031) for day in public_holidays("NO", year) if day.weekday() < 5
)


def test_easter_holidays_are_not_working_days() -> None:
    """Wednesday before Easter 2027, at noon: Maundy Thursday, Good Friday and Easter Monday
    are public holidays in Norway, so the next working day is the Tuesday after Easter Monday
    (weekends-only counting would have said Maundy Thursday)."""
    wednesday_noon = datetime(2027, 3, 24, 12, 0, tzinfo=OSLO_ZONE)

    def due(days: int) -> datetime:
        return expected_answer_by(wednesday_noon, terms_for("Europe/Oslo", days))

    assert due(0).astimezone(OSLO_ZONE) == datetime(2027, 3, 24, 15, 30, tzinfo=OSLO_ZONE)
    assert due(1).astimezone(OSLO_ZONE) == datetime(2027, 3, 30, 15, 30, tzinfo=OSLO_ZONE)
    assert due(2).astimezone(OSLO_ZONE) == datetime(2027, 3, 31, 15, 30, tzinfo=OSLO_ZONE)
    # Sent after hours that Wednesday, reading starts on the Tuesday after Easter Monday.
    evening = datetime(2027, 3, 24, 18, 0, tzinfo=OSLO_ZONE)
    assert read_from(evening, OSLO).astimezone(OSLO_ZONE) == datetime(2027, 3, 30, 8, 0,
                                                                     tzinfo=OSLO_ZONE)
    for holiday in (date(2027, 3, 25), date(2027, 3, 26), date(2027, 3, 29), date(2027, 5, 17),
                    date(2026, 12, 25), date(2027, 1, 1)):
        assert not is_working_day(holiday, OSLO)


@settings(max_examples=300, deadline=None)
@given(holiday=st.sampled_from(NORWEGIAN_WEEKDAY_HOLIDAYS),
       offset=st.timedeltas(min_value=timedelta(days=-4), max_value=timedelta(days=1)),
       days=st.integers(0, 5), zone=st.sampled_from(ZONES))
def test_no_expected_answer_or_reading_start_falls_on_a_norwegian_holiday(
    holiday: date, offset: timedelta, days: int, zone: str
) -> None:
    """Send times around every weekday public holiday in Norway, 2024–2030, in any zone: the
    answer is due on a working day, N working days after reading starts, and never earlier
    than counting weekends only would say."""
    terms = terms_for(zone, days)
    sent = datetime.combine(holiday, datetime.min.time(), tzinfo=terms.time_zone) + offset
    start = read_from(sent, terms).astimezone(terms.time_zone)
    due = expected_answer_by(sent, terms).astimezone(terms.time_zone)
    assert start.date() not in public_holidays("NO", start.year)
    assert due.date() not in public_holidays("NO", due.year) and due.weekday() < 5
    day, count = start.date(), 0
    while day < due.date():
        day += timedelta(days=1)
        count += is_working_day(day, terms)
    assert count == days
    weekends_only, left = sent.astimezone(terms.time_zone).date(), days
    while left > 0:
        weekends_only += timedelta(days=1)
        left -= weekends_only.weekday() < 5
    assert due.date() >= weekends_only
    if start.date() <= holiday <= due.date():  # the holiday lies in the waiting time: it moved
        assert due.date() > weekends_only or start.date() > sent.astimezone(terms.time_zone).date()


def test_the_agreements_country_adds_its_holidays() -> None:
    """Sweden's National Day (Friday 6 June 2025) is a working day in Norway; Whit Monday
    (9 June) is a holiday in Norway, not in Sweden. An agreement for Sweden counts both."""
    thursday_noon = datetime(2025, 6, 5, 12, 0, tzinfo=OSLO_ZONE)
    norway = terms_for("Europe/Oslo", 1)
    sweden = at.parse(at.validate({**at.template(date(2025, 1, 6)), "country": "SE",
                                   "answer_within_working_days": 1}))
    assert sweden.country == "SE" and norway.country is None
    assert expected_answer_by(thursday_noon, norway).astimezone(OSLO_ZONE).date() == date(
        2025, 6, 6)
    assert expected_answer_by(thursday_noon, sweden).astimezone(OSLO_ZONE).date() == date(
        2025, 6, 10)
    for wrong in ("se", "XX", "Sweden", 46, ""):
        with pytest.raises(at.TermsError, match="country"):
            at.validate({**at.template(date(2025, 1, 6)), "country": wrong})
    assert at.validate({**at.template(date(2025, 1, 6)), "country": None})["country"] is None
