"""The terms of a dyad agreement: validation, defaults, the template and the signed bytes.

Pure functions, no I/O. Every key is documented in ``docs/agreement.md``. A version is signed by
both sides over ``signed_bytes``: a canonical JSON of the dyad's two identity keys, the version
number and the terms, so a signature cannot be moved to another dyad, version or wording.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..errors import ReconnectError
from ..i18n import N_, _, current_language, ngettext

SIGNING_CONTEXT = "reconnect/v1/dyad-agreement"
DEFAULT_TIME_ZONE = "Europe/Oslo"
HOME_COUNTRY = "NO"
"""Whose public holidays always count as non-working days (``sync/waiting.py``)."""
REVIEW_AFTER_MONTHS = 3
MAX_TEXT = 2000
DEFAULT_EMERGENCY = (
    "ReConnect is never for emergencies. In a crisis, follow your crisis plan (F2) and call the"
    " emergency numbers there."
)
TEMPLATE_TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "messages_for": "Practical questions, how the week went, preparing our next meeting.",
        "messages_not_for": "Emergencies or anything that cannot wait a few working days.",
        "emergency": DEFAULT_EMERGENCY,
    },
    "nb": {
        "messages_for": "Praktiske spørsmål, hvordan uka har vært, forberedelser til neste time.",
        "messages_not_for": "Akutte situasjoner, eller noe som ikke kan vente noen arbeidsdager.",
        "emergency": "ReConnect er aldri for akutt hjelp. I en krise følger du kriseplanen din"
        " (F2) og ringer nødnumrene som står der.",
    },
}
"""The template's wording per language: data the two sides talk over and sign, so it is chosen
when the template is made, not translated later (``validate``'s defaults stay English, so both
sides always fill a missing key the same way)."""
_HOURS = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-3]):([0-5]\d)$")

TEXT_KEYS = ("notes", "messages_for", "messages_not_for", "emergency")
BOOL_KEYS = ("read_receipts", "view_receipts")
KNOWN_KEYS = ("answer_within_working_days", "working_hours", "review_on", "time_zone",
              "country", "suggested_max_words", *TEXT_KEYS, *BOOL_KEYS)
_COUNTRY = re.compile(r"^[A-Z]{2}$")


class TermsError(ReconnectError):
    """Terms that are not well formed; the message names the key and what is expected.

    ``key`` and ``expected`` (when one key is at fault) let a form put the words beside the
    field: "must be a whole number of days from 0 to 30"."""

    def __init__(self, message: str, key: str | None = None, expected: str = "") -> None:
        super().__init__(message)
        self.key = key
        self.expected = expected


@dataclass(frozen=True, slots=True)
class Terms:
    """Validated terms, typed for the functions that compute with them."""

    answer_within_working_days: int
    working_start: time
    working_end: time
    time_zone: ZoneInfo
    review_on: date | None
    suggested_max_words: int | None
    country: str | None = None
    """ISO 3166 code whose public holidays count too (besides Norway's), or None."""


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for candidate in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def template(today: date, language: str | None = None) -> dict[str, Any]:
    """Terms to start a first agreement from (every key filled, to be talked over), worded in
    ``language`` (default: the active one; English when there is no wording for it)."""
    texts = TEMPLATE_TEXTS.get(language or current_language(), TEMPLATE_TEXTS["en"])
    return {
        "answer_within_working_days": 2,
        "working_hours": "08:00-15:30",
        "time_zone": DEFAULT_TIME_ZONE,
        "review_on": add_months(today, REVIEW_AFTER_MONTHS).isoformat(),
        "messages_for": texts["messages_for"],
        "messages_not_for": texts["messages_not_for"],
        "suggested_max_words": 150,
        "read_receipts": True,
        "view_receipts": False,
        "emergency": texts["emergency"],
        "notes": "",
    }


def _fail(key: str, expected: str) -> TermsError:
    return TermsError(_("The agreement's {key} must be {expected}.").format(
        key=key, expected=expected), key, expected)


def validate(raw: object) -> dict[str, Any]:
    """Check ``raw`` and return the terms with defaults filled in; raises TermsError."""
    if not isinstance(raw, dict):
        raise TermsError(_("The agreement's terms must be a JSON object."))
    unknown = sorted(set(raw) - set(KNOWN_KEYS))
    if unknown:
        raise TermsError(_("Unknown key in the agreement's terms: {keys}. Known keys: {known}.")
                         .format(keys=", ".join(unknown), known=", ".join(KNOWN_KEYS)))
    terms: dict[str, Any] = {"time_zone": DEFAULT_TIME_ZONE, "emergency": DEFAULT_EMERGENCY,
                             "read_receipts": True, "view_receipts": False,
                             "suggested_max_words": None, "messages_for": "",
                             "messages_not_for": "", "review_on": None, **raw}
    for key in ("answer_within_working_days", "working_hours", "notes"):
        if key not in raw:
            raise TermsError(_("The agreement's terms need the key {key}.").format(key=key), key)
    days = terms["answer_within_working_days"]
    if not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 30:
        raise _fail("answer_within_working_days", _("a whole number of days from 0 to 30"))
    hours = terms["working_hours"]
    match = _HOURS.match(hours) if isinstance(hours, str) else None
    if match is None or hours[:5] >= hours[6:]:
        raise _fail("working_hours", _('like "08:00-15:30", the start before the end'))
    try:
        if not isinstance(terms["time_zone"], str):
            raise ValueError
        ZoneInfo(terms["time_zone"])
    except (ZoneInfoNotFoundError, ValueError):
        raise _fail("time_zone", _('a time zone name such as "Europe/Oslo"')) from None
    if terms["review_on"] is not None:
        try:
            date.fromisoformat(terms["review_on"])
        except (TypeError, ValueError):
            raise _fail("review_on", _('a date such as "2026-03-01"')) from None
    country = terms.get("country")
    if country is not None and not (isinstance(country, str) and _COUNTRY.match(country)
                                    and _has_holidays(country)):
        raise _fail("country", _('a country code such as "NO" or "SE", or null'))
    words = terms["suggested_max_words"]
    if words is not None and (not isinstance(words, int) or isinstance(words, bool)
                              or not 10 <= words <= 5000):
        raise _fail("suggested_max_words", _("a whole number from 10 to 5000, or null"))
    for key in TEXT_KEYS:
        if not isinstance(terms[key], str) or len(terms[key]) > MAX_TEXT:
            raise _fail(key, ngettext(
                "text of at most {n} character", "text of at most {n} characters", MAX_TEXT
            ).format(n=MAX_TEXT))
    for key in BOOL_KEYS:
        if not isinstance(terms[key], bool):
            raise _fail(key, _("true or false"))
    return terms


def _has_holidays(country: str) -> bool:
    import holidays  # only when an agreement names a country

    return country in holidays.list_supported_countries()


def parse(terms: dict[str, Any]) -> Terms:
    """Typed view of validated terms."""
    start, _sep, end = terms["working_hours"].partition("-")
    review = terms.get("review_on")
    return Terms(terms["answer_within_working_days"], time.fromisoformat(start),
                 time.fromisoformat(end), ZoneInfo(terms.get("time_zone") or DEFAULT_TIME_ZONE),
                 date.fromisoformat(review) if review else None,
                 terms.get("suggested_max_words"), terms.get("country"))


def review_date(terms: dict[str, Any], accepted_on: date) -> date:
    """When to talk the agreement over again: its own date, or three months after acceptance."""
    review = terms.get("review_on")
    return date.fromisoformat(review) if review else add_months(accepted_on, REVIEW_AFTER_MONTHS)


def signed_bytes(provider_key: str, user_key: str, version: int, terms: dict[str, Any]) -> bytes:
    """The canonical bytes both sides sign for one version (sorted keys, no spaces, UTF-8)."""
    payload = {"context": SIGNING_CONTEXT, "provider": provider_key, "user": user_key,
               "version": version, "terms": terms}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")




# -- the terms as a form: the Agreement screen and plain mode ask the same fields --------------

TERM_LABELS = {
    "answer_within_working_days": N_("Answers usually within (working days)"),
    "working_hours": N_("Working hours"),
    "time_zone": N_("Time zone"),
    "country": N_("Public holidays also of"),
    "messages_for": N_("Messages are for"),
    "messages_not_for": N_("Messages are not for"),
    "suggested_max_words": N_("Suggested length (words)"),
    "read_receipts": N_("Read receipts"),
    "view_receipts": N_("View receipts"),
    "emergency": N_("In an emergency"),
    "review_on": N_("Talk it over again on"),
    "notes": N_("Notes"),
}
"""Each term named in words (English source texts; show through ``_()``)."""
TIME_ZONES = ("Europe/Oslo", "Europe/Stockholm", "Europe/Copenhagen", "Europe/Helsinki",
              "Europe/London", "Europe/Berlin", "UTC")
"""The time zones offered (a proposal's own zone is offered too when it is another)."""
FIELD_OF_TERM = {"working_hours": "working_until"}
"""The form field a term's problem is shown beside, where the two are not named alike."""


@dataclass(frozen=True, slots=True)
class TermField:
    """One field of the terms' form: its name, how its answer is read, its English label."""

    name: str
    kind: str
    """"int", "time", "date", "bool", "zone" (a time zone), "text" or "multiline"."""
    label: str
    required: bool = False


FORM_FIELDS = (
    TermField("answer_within_working_days", "int",
              TERM_LABELS["answer_within_working_days"], True),
    TermField("working_from", "time", N_("Working hours from"), True),
    TermField("working_until", "time", N_("Working hours until"), True),
    TermField("time_zone", "zone", TERM_LABELS["time_zone"], True),
    TermField("country", "text", TERM_LABELS["country"]),
    TermField("review_on", "date", TERM_LABELS["review_on"]),
    TermField("suggested_max_words", "int", TERM_LABELS["suggested_max_words"]),
    TermField("read_receipts", "bool", TERM_LABELS["read_receipts"]),
    TermField("view_receipts", "bool",
              N_("View receipts (the owner is told when a shared item was viewed)")),
    TermField("messages_for", "multiline", TERM_LABELS["messages_for"]),
    TermField("messages_not_for", "multiline", TERM_LABELS["messages_not_for"]),
    TermField("emergency", "multiline", TERM_LABELS["emergency"]),
    TermField("notes", "multiline", TERM_LABELS["notes"]),
)
"""The fields of the terms' form, in order (working hours as two times)."""


def form_values(terms: dict[str, Any]) -> dict[str, Any]:
    """What the form shows for ``terms`` (times and the day as values, not text)."""
    values = {key: value for key, value in terms.items() if key != "working_hours"}
    start, _sep, end = str(terms.get("working_hours", "")).partition("-")
    for name, part in (("working_from", start), ("working_until", end)):
        try:
            values[name] = time.fromisoformat(part)
        except ValueError:
            values[name] = None
    review = terms.get("review_on")
    values["review_on"] = date.fromisoformat(review) if isinstance(review, str) else None
    values["time_zone"] = terms.get("time_zone") or DEFAULT_TIME_ZONE
    return values


def terms_from_form(values: dict[str, Any]) -> dict[str, Any]:
    """The terms the form's parsed values say (``validate`` checks them)."""
    start, end = values["working_from"], values["working_until"]
    review = values.get("review_on")
    country = (values.get("country") or "").strip().upper()
    return {
        "answer_within_working_days": values["answer_within_working_days"],
        "working_hours": f"{start:%H:%M}-{end:%H:%M}",
        "time_zone": values["time_zone"],
        "country": country or None,
        "review_on": review.isoformat() if review else None,
        "suggested_max_words": values.get("suggested_max_words"),
        "read_receipts": bool(values.get("read_receipts")),
        "view_receipts": bool(values.get("view_receipts")),
        "messages_for": values.get("messages_for") or "",
        "messages_not_for": values.get("messages_not_for") or "",
        "emergency": values.get("emergency") or "",
        "notes": values.get("notes") or "",
    }


def check_form(values: dict[str, Any]) -> dict[str, Any]:
    """The validated terms of the form's values; a TermsError whose ``key`` is the form field
    at fault and whose message names it in words."""
    if values["working_from"] >= values["working_until"]:
        raise TermsError(_("Working hours end after they start."), "working_until")
    try:
        return validate(terms_from_form(values))
    except TermsError as error:
        key = error.key or ""
        label = _(TERM_LABELS[key]) if key in TERM_LABELS else key
        message = (_("{label} must be {expected}.").format(label=label, expected=error.expected)
                   if error.expected else str(error))
        raise TermsError(message, FIELD_OF_TERM.get(key, key), error.expected) from None
