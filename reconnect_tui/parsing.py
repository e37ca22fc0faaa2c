"""Reading dates, times of day, numbers and phone numbers as people write them, in English or
Norwegian.

Errors never repeat what was typed (it may be private); they say what is expected.

The form, the command line and every other place that asks for a day or a number read it
here, so "31.03.2027", "31.3.27", "2027-03-31", "i morgen" and "tomorrow" all mean what the
person meant, and "8,5" is the same as "8.5". Day-first is the only reading of a dotted or
slashed date: ReConnect's languages (and Norway) write the day first, and an American
month-first date is never guessed. What is shown back goes through ``i18n.format_day``.
"""

from __future__ import annotations

import re
from datetime import date, time, timedelta

from .i18n import _

_RELATIVE_DAYS = {
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "i dag": 0, "idag": 0, "i morgen": 1, "imorgen": 1, "i morra": 1, "i går": -1, "igår": -1,
    "i overmorgen": 2, "overmorgen": 2, "i forgårs": -2,
}
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./](\d{1,2})[./](\d{2}|\d{4})\.?")
_CLOCK = re.compile(r"(?:kl\.?\s*)?(\d{1,2})(?:[:.]?(\d{2}))?")
_NUMBER = re.compile(r"[+-]?(\d+([.,]\d*)?|[.,]\d+)")
_GROUPING = re.compile(r"(?<=\d)[ \u00a0\u202f'](?=\d{3}\b)")
"""A space, no-break space, narrow no-break space or apostrophe between digit groups."""


class ParseError(ValueError):
    """The text is not a day or number; ``str()`` is a sentence to show the person."""


def example_day(today: date) -> str:
    """A day written the way the active language writes it, for hints ("31.03.2027")."""
    from .formats import format_day

    return format_day(today.replace(month=12, day=24))


def parse_day(text: str, today: date) -> date:
    """The day ``text`` names, or :class:`ParseError`.

    Accepted: ``2027-03-31``; ``31.03.2027``, ``31.3.27``, ``31/3/2027`` (day first; a
    two-digit year is in this century); ``today``/``i dag``, ``tomorrow``/``i morgen``,
    ``yesterday``/``i går`` and ``i overmorgen``.
    """
    cleaned = " ".join(text.strip().casefold().split())
    if cleaned in _RELATIVE_DAYS:
        return today + timedelta(days=_RELATIVE_DAYS[cleaned])
    try:
        if match := _ISO.fullmatch(cleaned):
            year, month, day = (int(part) for part in match.groups())
            return date(year, month, day)
        if match := _DAY_FIRST.fullmatch(cleaned):
            day, month = int(match[1]), int(match[2])
            year = int(match[3]) + (2000 if len(match[3]) == 2 else 0)
            return date(year, month, day)
    except ValueError:
        raise ParseError(_("That day is not in the calendar.")) from None
    raise ParseError(_("Write a date like {example}.").format(example=example_day(today)))


def parse_time(text: str) -> time:
    """A time of day on the 24-hour clock ("08:00", "8.30", "0830", "8", "kl 8"), or
    :class:`ParseError`."""
    match = _CLOCK.fullmatch(" ".join(text.strip().casefold().split()))
    if match is not None:
        hour, minute = int(match[1]), int(match[2] or 0)
        if hour <= 23 and minute <= 59:
            return time(hour, minute)
    raise ParseError(_("Write a time of day like 08:00 or 15:30."))


def parse_number(text: str) -> float:
    """A number written with a decimal comma or point ("6,5", "6.5", "1 000,5"), or
    :class:`ParseError`."""
    cleaned = _GROUPING.sub("", text.strip())
    if not _NUMBER.fullmatch(cleaned):
        raise ParseError(_("Write a number, like 6,5 or 6.5."))
    return float(cleaned.replace(",", "."))


def parse_phone(text: str, region: str = "NO") -> str:
    """A phone number as ``region`` writes it ("91234567" → "91 23 45 67"; a foreign one in
    international form, "+46 70 123 45 67"), or :class:`ParseError`.

    Short service numbers (113, 116 117) are kept as written. A number of a possible length
    that no operator has been given yet is kept as typed: a person may know a number better
    than the numbering plan's last update.
    """
    import phonenumbers  # imported when a phone number is first read

    typed = " ".join(text.split())
    try:
        number = phonenumbers.parse(typed, region or "NO")
    except phonenumbers.NumberParseException:
        raise ParseError(_("That is not a phone number.")) from None
    if phonenumbers.is_valid_number(number):
        same_country = phonenumbers.region_code_for_number(number) == (region or "NO")
        style = (phonenumbers.PhoneNumberFormat.NATIONAL if same_country
                 else phonenumbers.PhoneNumberFormat.INTERNATIONAL)
        return str(phonenumbers.format_number(number, style))
    if phonenumbers.is_valid_short_number(number) or phonenumbers.is_possible_number(number):
        return typed
    raise ParseError(_("That is not a phone number."))
