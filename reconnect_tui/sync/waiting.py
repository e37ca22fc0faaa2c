"""When an answer can be expected under a dyad agreement. Pure functions of time and terms.

A message is read from the start of working hours: at once when it is sent inside them, else
from the next working-hours start (in the agreement's time zone). The answer is expected by the
end of working hours on the Nth working day after the day reading starts (N =
``answer_within_working_days``; 0 means the same day). A working day is Monday to Friday and not
a public holiday in Norway (where ReConnect's services are), nor in the agreement's ``country``
when it names another one; the holidays come from the ``holidays`` package.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from .agreement_terms import HOME_COUNTRY, Terms


@lru_cache(maxsize=64)
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` (ISO 3166 code) in ``year``."""
    import holidays  # 30 ms to import: only when a date is first computed

    return frozenset(holidays.country_holidays(country, years=year))


def holiday_countries(terms: Terms) -> tuple[str, ...]:
    """Norway, and the agreement's country when it names another."""
    if terms.country and terms.country != HOME_COUNTRY:
        return (HOME_COUNTRY, terms.country)
    return (HOME_COUNTRY,)


def is_working_day(day: date, terms: Terms) -> bool:
    """Monday to Friday, and a public holiday in none of ``holiday_countries``."""
    if day.weekday() >= 5:
        return False
    return not any(day in public_holidays(c, day.year) for c in holiday_countries(terms))


def _at(day: date, terms: Terms, end: bool) -> datetime:
    """The start or end of working hours on ``day``, as an aware UTC time (DST-correct)."""
    local = datetime.combine(day, terms.working_end if end else terms.working_start,
                             tzinfo=terms.time_zone)
    return local.astimezone(UTC)


def read_from(sent_at: datetime, terms: Terms) -> datetime:
    """When the provider's working hours next include this message (``sent_at`` if now)."""
    local = sent_at.astimezone(terms.time_zone)
    day = local.date()
    if is_working_day(day, terms):
        if local.time() < terms.working_start:
            return _at(day, terms, end=False)
        if local.time() < terms.working_end:
            return sent_at.astimezone(UTC)
    day += timedelta(days=1)
    while not is_working_day(day, terms):
        day += timedelta(days=1)
    return _at(day, terms, end=False)


def outside_hours(sent_at: datetime, terms: Terms) -> bool:
    """True when a message sent at ``sent_at`` waits for the next working-hours start."""
    return read_from(sent_at, terms) != sent_at.astimezone(UTC)


def expected_answer_by(sent_at: datetime, terms: Terms) -> datetime:
    """The end of working hours on the Nth working day after reading starts (aware, UTC)."""
    day = read_from(sent_at, terms).astimezone(terms.time_zone).date()
    left = terms.answer_within_working_days
    while left > 0:
        day += timedelta(days=1)
        if is_working_day(day, terms):
            left -= 1
    return _at(day, terms, end=True)
