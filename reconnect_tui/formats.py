"""Dates, times and numbers as the person reads them, in the active language (Babel).

Norwegian gets Norwegian forms: ``31.03.2027``, ``31. mars 2027``, ``tirsdag``, ``6,5``. English
keeps the forms the app has always shown (ISO dates, ``27 Nov``, ``Monday``, ``6.5``), so
nothing changes for English readers. Callers pass local times (``datetime.astimezone()``); these
functions only format. JSON and the files other programs read stay ISO (``docs/translating.md``).
"""

from __future__ import annotations

from datetime import date, datetime

from .i18n import current_language

_BABEL_LOCALES = {"nb": "nb_NO"}
"""Languages formatted by Babel; any other (English) keeps the app's own forms."""


def _babel_locale() -> str | None:
    return _BABEL_LOCALES.get(current_language())


def _babel_date(value: date, pattern: str, locale: str) -> str:
    from babel.dates import format_date  # imported when a date is first shown

    return format_date(value, pattern, locale=locale)


def _babel_datetime(value: datetime, pattern: str, locale: str) -> str:
    from babel.dates import format_datetime

    # Babel would convert an aware time to UTC unless told the zone: keep the wall-clock time.
    return format_datetime(value, pattern, tzinfo=value.tzinfo, locale=locale)


def day(value: date) -> str:
    """A calendar day: ``2027-03-31`` / ``31.03.2027``."""
    locale = _babel_locale()
    return _babel_date(value, "dd.MM.y", locale) if locale else value.isoformat()


def day_and_time(value: datetime) -> str:
    """A day and a clock time: ``2027-03-31 14:05`` / ``31.03.2027 14:05``."""
    locale = _babel_locale()
    if locale:
        return _babel_datetime(value, "dd.MM.y HH:mm", locale)
    return value.strftime("%Y-%m-%d %H:%M")


def clock(value: datetime) -> str:
    """A clock time, 24 hours: ``14:05`` in both languages."""
    return value.strftime("%H:%M")


def day_month_and_time(value: datetime) -> str:
    """Within the current year: ``31 Mar 14:05`` / ``31. mar. 14:05``."""
    locale = _babel_locale()
    if locale:
        return _babel_datetime(value, "d. MMM HH:mm", locale)
    return value.strftime("%d %b %H:%M")


def long_day(value: date) -> str:
    """A day with the month's name: ``31 Mar 2027`` / ``31. mars 2027``."""
    locale = _babel_locale()
    return _babel_date(value, "d. MMMM y", locale) if locale else value.strftime("%d %b %Y")


def weekday(value: date) -> str:
    """The weekday's name: ``Wednesday`` / ``onsdag``."""
    locale = _babel_locale()
    return _babel_date(value, "EEEE", locale) if locale else value.strftime("%A")


def weekday_and_time(value: datetime) -> str:
    """``Thursday 15:30`` / ``torsdag 15:30``."""
    return f"{weekday(value)} {clock(value)}"


def number(value: float) -> str:
    """A measured value as short as it is exact: ``6.5`` / ``6,5``; ``7``; ``1234.5`` /
    ``1 234,5``."""
    locale = _babel_locale()
    if locale is None:
        if float(value).is_integer():
            return str(int(value))
        return f"{value:.6f}".rstrip("0")  # not :g, which rounds 100000.5 to 100000
    from babel.numbers import format_decimal

    return format_decimal(value, format="#,##0.######", locale=locale)


# -- the names the export, CLI, form and parsing code use ---------------------------------------


def format_day(value: date) -> str:
    """A date in the active language: ``31.03.2027`` (nb), ``2027-03-31`` (en)."""
    return day(value)


def format_moment(when: datetime) -> str:
    """A date and time on this computer's clock: ``31.03.2027 14:05`` (nb),
    ``2027-03-31 14:05`` (en). A naive ``when`` is taken as local time."""
    return day_and_time(when.astimezone() if when.tzinfo is not None else when)


def format_number(value: float, decimals: int = 1) -> str:
    """A number as a form field shows it, at most ``decimals`` decimals and no grouping: ``6,5``
    (nb), ``6.5`` (en). (``number`` is for display, with grouping.)"""
    locale = _babel_locale()
    if locale is None:
        return f"{value:.{decimals}f}".rstrip("0").rstrip(".") if decimals else f"{value:.0f}"
    from babel.numbers import format_decimal

    pattern = "0." + "#" * decimals if decimals else "0"
    return str(format_decimal(value, format=pattern, locale=locale))
