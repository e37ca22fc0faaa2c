"""The portable format as one schema: what ``import`` reads and what a partner's share holds.

Every file (``reconnect import``) and every shared section (the provider's view of what a
service user shares) goes through :func:`read_file`/:func:`loads` and :func:`validate` before
anything is written: a size cap, JSON without NaN/Infinity or runaway numbers, a nesting
limit, then the pydantic models below (strict types, no unknown keys, dates and times that the
app can read back, length limits), then the references between sections. Each problem is
reported with its JSON path (``crisis_plan.updated_at: not a date and time …``).

``docs/export-format.md`` holds the field reference :func:`markdown` writes
(``python -m reconnect_tui.store.portable_schema --markdown``); a test keeps them equal.
"""

from __future__ import annotations

import json
import math
import os
import re
import select
import stat
import sys
import types
import typing
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationError,
)
from pydantic_core import PydanticCustomError

from ..errors import ImportRefused
from ..i18n import _, ngettext
from ..model import CRISIS_TEXT_SECTIONS, RINGS, Sector

FORMAT = "reconnect-export"
VERSION = 2
VERSIONS = (1, 2)
"""The versions import reads: 1 (the toolbox only) and 2 (also the dyads' conversations,
agreements, check-ins and feedback, and the forums' posts)."""
SINCE_VERSION_2 = ("dyads", "forums")
"""Sections a version 1 file cannot hold."""

MAX_FILE_BYTES = 64 * 1024 * 1024
"""An import file larger than this is refused unread (only this much + 1 byte is read)."""
MAX_GOAL_DEPTH = 100
"""Sub-goals may nest this deep."""
MAX_DEPTH = 2 * MAX_GOAL_DEPTH + 4
"""JSON nesting: the deepest the format goes is an activity of a goal MAX_GOAL_DEPTH down."""
MAX_LINE = 10_000
"""Names, titles, phone numbers and other one-line values, in characters."""
MAX_TEXT = 1_000_000
"""Free text (diary entries, notes, the crisis plan's sections), in characters."""
MAX_ITEMS = 1_000_000
"""Entries in any one list."""
MAX_NUMBER_DIGITS = 20
"""Digits of a whole number; longer ones are refused before Python converts them."""
FIRST_YEAR, LAST_YEAR = 1000, 9998
"""Dates and times outside these years are refused: moved to another time zone they would
leave the calendar Python can represent."""
MAX_LISTED = 20
"""Problems listed in one refusal; the rest are counted."""
FIFO_WAIT = 10.0
"""Seconds a named pipe may take to bring its first byte (nothing writing to it: refused)."""

_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?")
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
_CRISIS_TEXT = tuple(name for name, _title in CRISIS_TEXT_SECTIONS)


# -- value types ----------------------------------------------------------------------------


def _text(value: str) -> str:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800"): it cannot be stored
        raise PydanticCustomError("bad_text", "not valid Unicode text") from None
    return value


def _year_ok(year: int) -> bool:
    return FIRST_YEAR <= year <= LAST_YEAR


def _day(value: str) -> str:
    try:
        if _DAY.fullmatch(value) and _year_ok(date.fromisoformat(value).year):
            return value
    except ValueError:
        pass
    raise PydanticCustomError("bad_day", "not a day")


def _time(value: str) -> str:
    try:
        if _TIME.fullmatch(value):
            when = datetime.fromisoformat(value)  # no offset: UTC, as the vault reads it
            utc = when.astimezone(UTC) if when.tzinfo else when
            if _year_ok(when.year) and _year_ok(utc.year):
                return value
    except (ValueError, OverflowError):
        pass
    raise PydanticCustomError("bad_time", "not a date and time")


def _slug(value: str) -> str:
    if _SLUG.fullmatch(value):
        return value
    raise PydanticCustomError("bad_slug", "not a slug")


Line = Annotated[str, StringConstraints(max_length=MAX_LINE), AfterValidator(_text)]
Text = Annotated[str, StringConstraints(max_length=MAX_TEXT), AfterValidator(_text)]
Day = Annotated[str, AfterValidator(_day)]
Time = Annotated[str, AfterValidator(_time)]
Slug = Annotated[str, StringConstraints(max_length=200), AfterValidator(_slug)]
Rating = Annotated[int, Field(ge=0, le=10)]
Ring = Annotated[int, Field(ge=min(RINGS), le=max(RINGS))]
SectorName = Literal[
    "family", "relatives", "friends", "school/work", "leisure", "professional services"
]
assert set(get_args(SectorName)) == {s.value for s in Sector}
Number = Annotated[float, Field(ge=-1e15, le=1e15)]
Version = Annotated[int, Field(ge=1, le=1_000_000)]
MessageStatus = Literal["queued", "read", "unread", "unverified"]
PartnerRole = Literal["provider", "user"]
Pinned = Literal["", "rules", "cafe"]
Key = Annotated[str, StringConstraints(max_length=100), AfterValidator(_text)]
TermValue = Annotated[str, StringConstraints(max_length=MAX_LINE), AfterValidator(_text)
                      ] | int | bool | None
Terms = Annotated[dict[Key, TermValue], Field(max_length=100)]
Scores = Annotated[dict[Key, Rating], Field(max_length=100)]


_Item = TypeVar("_Item")
Items = Annotated[list[_Item], Field(max_length=MAX_ITEMS)]
"""A list of at most MAX_ITEMS entries: ``Items[Goal]``."""


class _Model(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid", allow_inf_nan=False)


# -- the format -----------------------------------------------------------------------------


class StatusEntry(_Model):
    """One entry of a life domain's status history."""

    status: Text
    rating: Rating | None = None
    recorded_at: Time


class LifeDomain(_Model):
    name: Line
    status: Text = ""
    rating: Rating | None = None
    helps: Text = ""
    hinders: Text = ""
    hidden: bool = False
    history: Items[StatusEntry] = []


class Activity(_Model):
    title: Line
    scheduled_on: Day | None = None
    done: bool = False
    done_at: Time | None = None
    notes: Text = ""


class Goal(_Model):
    title: Line
    why: Text = ""
    life_domain: Line | None = Field(None, description="a life domain's name, or null")
    due: Day | None = None
    done: bool = False
    notes: Text = ""
    activities: Items[Activity] = []
    sub_goals: Items[Goal] = Field([], description="goals, nested the same way")


class Person(_Model):
    name: Line
    relation: Line = ""
    sector: SectorName = "friends"
    ring: Ring = Field(2, description="1 closest – 4")
    contact_frequency: Line = ""
    phone: Line = ""
    can_help_in_crisis: bool = False
    notes: Text = ""


class Helper(_Model):
    name: Line
    phone: Line = ""
    from_network: bool = Field(False, description="picked from the network map (by name)")


class Professional(_Model):
    name: Line
    phone: Line = ""
    role: Line = ""


class CrisisPlan(_Model):
    warning_signs: Text = ""
    triggers: Text = ""
    self_help: Text = ""
    distractions: Text = ""
    safe_surroundings: Text = ""
    how_to_meet_me: Text = ""
    treatment_wishes: Text = ""
    reasons_for_living: Text = ""
    updated_at: Time | None = None
    helpers: Items[Helper] = []
    professionals: Items[Professional] = []


class OwnExercise(_Model):
    slug: Slug
    title: Line
    category: Line = ""
    body: Text = ""


class ExerciseLogEntry(_Model):
    exercise: Slug = Field(description="the exercise's slug")
    builtin: bool = True
    title: Line = ""
    done_at: Time
    note: Text = ""


class Exercises(_Model):
    own: Items[OwnExercise] = Field(default=[], description="your own exercises")
    log: Items[ExerciseLogEntry] = Field(default=[], description="what was done")


class Medication(_Model):
    name: Line
    prescribed: bool = True
    dose: Line = ""
    schedule: Line = ""
    intended_effect: Text = ""
    experiences: Text = ""
    questions: Text = ""


class DiaryEntry(_Model):
    written_at: Time
    text: Text


class RegistrationValue(_Model):
    day: Day
    value: Number


class Registration(_Model):
    name: Line
    unit: Line = ""
    minimum: Number = 0
    maximum: Number = 10
    values: Items[RegistrationValue] = []


class DyadMessage(_Model):
    """One message of a conversation."""

    id: Line = Field(description="the message's id, the same in both vaults")
    outgoing: bool = Field(description="true: written by you")
    text: Text
    sent_at: Time
    status: MessageStatus = Field("read", description="`queued`, `read`, `unread` or"
                                  " `unverified` (arrived but failed verification)")
    reply_to: Line | None = Field(None, description="the id of the message it answers")


class AgreementRecord(_Model):
    """One version of a dyad's agreement (docs/agreement.md), with both signatures."""

    version: Version
    terms: Terms = Field(description="the terms as signed")
    proposed_by_me: bool
    proposed_at: Time
    proposer_signature: Line = ""
    accepted_at: Time | None = None
    accepter_signature: Line | None = None
    declined_at: Time | None = None
    declined_by_me: bool = False
    decline_reason: Text = ""


class CheckinRecord(_Model):
    """A check-in question and its answer, if given."""

    id: Line
    asked_by_me: bool
    question: Text
    domains: Items[Line] = Field([], description="life domains to score")
    sent_at: Time
    answered_at: Time | None = None
    overall: Rating | None = None
    domain_scores: Scores = Field({}, description="life domain → 0–10")
    line: Text = ""
    share_trend: bool = False


class FeedbackRecord(_Model):
    """Feedback on the working relationship (four 0–10 scales, docs/agreement.md)."""

    id: Line
    from_me: bool
    scores: Scores = Field(description="`heard`, `matters`, `way`, `overall` → 0–10")
    given_at: Time


class Dyad(_Model):
    """A conversation with a partner and what you agreed; imported as readable history."""

    partner: Line = Field(description="the partner's name")
    partner_role: PartnerRole = Field(description="`provider` or `user`")
    since: Time | None = Field(None, description="when the pairing was made")
    messages: Items[DyadMessage] = []
    agreements: Items[AgreementRecord] = []
    checkins: Items[CheckinRecord] = []
    feedback: Items[FeedbackRecord] = []


class ForumPost(_Model):
    id: Line
    thread: Line = Field(description="the id of the thread's first post")
    author: Line = Field(description="a pseudonym")
    text: Text
    posted_at: Time
    own: bool = False
    hidden: bool = False
    hidden_reason: Text = ""
    pinned: Pinned = Field("", description="`rules`, `cafe` or empty")


class Forum(_Model):
    """A forum you are in and its posts: readable history on import."""

    name: Line
    pseudonym: Line = Field(description="yours in this forum")
    moderator: bool = False
    posts: Items[ForumPost] = []


class Sections(_Model):
    """The modules; a file holds any of them (the ones it holds are the ones imported)."""

    what_matters: Text = Field("", description='"what is important in my life"')
    life_domains: Items[LifeDomain] = []
    goals: Items[Goal] = []
    network: Items[Person] = []
    crisis_plan: CrisisPlan = CrisisPlan()
    exercises: Exercises = Exercises()
    medications: Items[Medication] = []
    diary: Items[DiaryEntry] = []
    registrations: Items[Registration] = []
    dyads: Items[Dyad] = Field([], description="conversations with partners (version 2)")
    forums: Items[Forum] = Field([], description="forums and their posts (version 2)")


MODULES: tuple[str, ...] = tuple(Sections.model_fields)


class Document(Sections):
    format: Literal["reconnect-export"]
    version: Literal[1, 2]


# -- reading --------------------------------------------------------------------------------


def refused(problems: list[tuple[str, str]], heading: str | None = None) -> ImportRefused:
    """One ImportRefused listing ``problems`` (path, message), at most MAX_LISTED of them."""
    if heading is None:
        heading = ngettext(
            "The file was not imported (nothing was written): {n} problem.",
            "The file was not imported (nothing was written): {n} problems.",
            len(problems),
        ).format(n=len(problems))
    lines = [heading]
    lines += [f"  {path or _('(the whole file)')}: {message}"
              for path, message in problems[:MAX_LISTED]]
    if len(problems) > MAX_LISTED:
        more = len(problems) - MAX_LISTED
        lines.append("  " + ngettext("… and {n} more.", "… and {n} more.", more).format(n=more))
    return ImportRefused("\n".join(lines), list(problems))


def read_file(path: Path) -> bytes:
    """At most MAX_FILE_BYTES of ``path``: a larger file, ``/dev/zero`` or an endless pipe is
    refused after MAX_FILE_BYTES + 1 bytes. A FIFO nobody writes to reads as empty at once."""
    try:
        # Non-blocking open: opening a FIFO with no writer would wait for one for ever.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except FileNotFoundError:
        raise ImportRefused(_("No file at {file}.").format(file=path)) from None
    except IsADirectoryError:
        raise ImportRefused(_("{file} is a folder, not a file.").format(file=path)) from None
    except OSError as error:
        raise ImportRefused(_("Could not read {file}: {reason}.").format(
            file=path, reason=error.strerror or error)) from None
    try:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            raise ImportRefused(_("{file} is a folder, not a file.").format(file=path))
        if stat.S_ISFIFO(os.fstat(fd).st_mode) and not _fifo_ready(fd):
            raise refused([("", ngettext(
                "nothing arrived through this pipe within {n} second",
                "nothing arrived through this pipe within {n} seconds",
                int(FIFO_WAIT)).format(n=int(FIFO_WAIT)))])
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)  # a writer that is still writing is waited for
        chunks, size = [], 0
        while size <= MAX_FILE_BYTES:
            chunk = os.read(fd, min(1 << 20, MAX_FILE_BYTES + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as error:
        raise ImportRefused(_("Could not read {file}: {reason}.").format(
            file=path, reason=error.strerror or error)) from None
    finally:
        os.close(fd)
    if size > MAX_FILE_BYTES:
        raise _too_large()
    return b"".join(chunks)


def _fifo_ready(fd: int) -> bool:
    """Whether a named pipe has data (or its writer has finished) within FIFO_WAIT."""
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    return bool(poller.poll(int(FIFO_WAIT * 1000)))


def _nested_text() -> str:
    return ngettext(
        "nested more than {n} level deep", "nested more than {n} levels deep", MAX_DEPTH
    ).format(n=MAX_DEPTH)


def _too_large() -> ImportRefused:
    return refused([("", ngettext(
        "larger than {n} MiB, the most import reads",
        "larger than {n} MiB, the most import reads",
        MAX_FILE_BYTES // (1024 * 1024),
    ).format(n=MAX_FILE_BYTES // (1024 * 1024)))])


def decode(raw: bytes) -> str:
    """UTF-8 text (a leading byte order mark is allowed)."""
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        raise refused([(_("line {line} (byte {offset})").format(line=line, offset=error.start),
                        _("not UTF-8 text"))]) from None
    return text.removeprefix("\ufeff")


class _BadNumber:
    """A number the format refuses (NaN, Infinity, too large), kept so its path is reported."""

    def __init__(self, text: str) -> None:
        self.text = text[:30]


def _parse_float(text: str) -> float | _BadNumber:
    value = float(text)
    return value if abs(value) != float("inf") else _BadNumber(text)


def _parse_int(text: str) -> int | _BadNumber:
    return int(text) if len(text.lstrip("-")) <= MAX_NUMBER_DIGITS else _BadNumber(text)


def loads(text: str) -> Any:
    """JSON text as Python values; NaN, Infinity and huge numbers come back as markers that
    :func:`validate` reports with their path."""
    if len(text) > MAX_FILE_BYTES:
        raise _too_large()
    if not text.strip():
        raise refused([("", _("empty: there is no JSON in it"))])
    try:
        return json.loads(text, parse_float=_parse_float, parse_int=_parse_int,
                          parse_constant=_BadNumber)
    except json.JSONDecodeError as exc:
        where = _("line {line}, column {col}").format(line=exc.lineno, col=exc.colno)
        raise refused([(where, _("not valid JSON ({reason})").format(reason=_json_reason(exc)))
                       ]) from None
    except RecursionError:
        line, col = _too_deep_at(text)
        raise refused([(_("line {line}, column {col}").format(line=line, col=col),
                        _nested_text())]) from None


def _json_reason(error: json.JSONDecodeError) -> str:
    """The decoder's reason, in our words where we have them."""
    reasons = {
        "Expecting value": _("a value was expected"),
        "Unterminated string starting at": _("a text is not closed"),
        "Extra data": _("more after the end of the JSON"),
    }
    for start, words in reasons.items():
        if error.msg.startswith(start):
            return words
    return _("a syntax error")


def _too_deep_at(text: str) -> tuple[int, int]:
    """Line and column where nesting first goes past MAX_DEPTH (strings skipped)."""
    depth = 0
    for match in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[\]{}]', text):
        token = match.group()
        if token in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                start = match.start()
                line = text.count("\n", 0, start) + 1
                return line, start - (text.rfind("\n", 0, start) + 1) + 1
        elif token in "]}":
            depth -= 1
    return 1, 1


def path_text(loc: tuple[Any, ...] | list[Any]) -> str:
    """``("goals", 3, "sub_goals", 0, "title")`` -> ``goals[3].sub_goals[0].title``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _shape_problems(data: Any) -> list[tuple[str, str]]:
    """Nesting past MAX_DEPTH and refused numbers, found without recursion."""
    problems: list[tuple[str, str]] = []
    stack: list[tuple[Any, tuple[Any, ...]]] = [(data, ())]
    while stack and len(problems) <= MAX_LISTED:
        value, loc = stack.pop()
        if isinstance(value, _BadNumber) or (
                isinstance(value, float) and not math.isfinite(value)):
            problems.append((path_text(loc), _(
                "NaN, Infinity and numbers this large are not allowed")))
        elif isinstance(value, dict | list):
            if len(loc) >= MAX_DEPTH:
                shown = path_text(loc[:6]) + "…"
                problems.append((shown, _nested_text()))
                continue
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((child, (*loc, key)) for key, child in items)
    return problems


def _message(error: Mapping[str, Any]) -> str:
    """Our words (through _()) for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    if kind == "missing":
        return _("missing")
    if kind == "extra_forbidden":
        return _("not a key of the format (a typo?)")
    if kind == "string_type":
        return _("not text")
    if kind in ("int_type", "int_parsing"):
        return _("not a whole number")
    if kind in ("float_type", "float_parsing"):
        return _("not a number")
    if kind == "finite_number":
        return _("NaN, Infinity and numbers this large are not allowed")
    if kind == "bool_type":
        return _("not true or false")
    if kind == "list_type":
        return _("not a list")
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return _("not an object")
    if kind == "string_too_long":
        limit = int(ctx.get("max_length", 0))
        return ngettext(
            "longer than {n} character", "longer than {n} characters", limit).format(n=limit)
    if kind == "too_long":
        limit = int(ctx.get("max_length", 0))
        return ngettext("more than {n} entry", "more than {n} entries", limit).format(n=limit)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        low, high = _RANGES.get(error["loc"][-1], (ctx.get("ge"), ctx.get("le")))
        return _("out of range ({low} to {high})").format(low=low, high=high)
    if kind == "literal_error":
        return _("not one of {values}").format(values=ctx.get("expected"))
    if kind == "bad_day":
        return _("not a day (YYYY-MM-DD, years {first}–{last})").format(
            first=FIRST_YEAR, last=LAST_YEAR)
    if kind == "bad_time":
        return _(
            "not a date and time (like 2026-11-03T14:05:00+01:00, years {first}–{last})"
        ).format(first=FIRST_YEAR, last=LAST_YEAR)
    if kind == "bad_slug":
        return _("not a slug (lowercase letters, digits and dashes)")
    if kind in ("bad_text", "string_unicode"):
        return _("not valid Unicode text")
    if kind == "recursion_loop":
        return _("nested too deeply")
    return _("not a valid value")


_RANGES = {
    "rating": (0, 10),
    "ring": (min(RINGS), max(RINGS)),
    "value": ("-1e15", "1e15"),
    "minimum": ("-1e15", "1e15"),
    "maximum": ("-1e15", "1e15"),
}


def validate(
    data: Any, *, partial: bool = False, clean: Callable[[Any], Any] | None = None
) -> Checked:
    """The checked document: the sections ``data`` holds, every default filled in (plain
    dicts and lists, ready for the importer), plus ``format`` and ``version``.

    ``partial``: sections a partner shares (a goal may name a life domain they did not
    share), so references between sections are not required to resolve. ``clean``: applied
    to the data once its shape is known to be safe (depth, numbers), before the checks.
    Raises ImportRefused listing each problem with its JSON path.
    """
    if not isinstance(data, dict):
        raise refused([("", _("not a ReConnect export (it must be a JSON object)"))])
    if data.get("format") != FORMAT:
        raise refused([("format", _('missing or not "{format}": not a ReConnect export')
                        .format(format=FORMAT))])
    version = data.get("version")
    if type(version) is not int or version not in VERSIONS:  # not True, not 1.0
        shown = (json.dumps(version, ensure_ascii=False)
                 if version is None or isinstance(version, int | float | str) else "?")
        raise refused([("version", _(
            "this export has version {v}; this ReConnect reads version {ours}").format(
                v=str(shown)[:20], ours=", ".join(str(v) for v in VERSIONS)))])
    problems = _shape_problems(data)
    if problems:
        raise refused(problems)
    if clean is not None:
        data = clean(data)
    try:
        doc = Document.model_validate(data)
    except ValidationError as error:
        raise refused([(path_text(e["loc"]), _message(e)) for e in error.errors()]) from None
    present = [m for m in MODULES if m in data]
    problems = [(m, _("not in a version 1 file")) for m in SINCE_VERSION_2
                if m in present and version == 1]
    problems += [] if partial else _reference_problems(doc, present)
    problems += _duplicate_problems(doc, present)
    problems += _goal_depth_problems(doc)
    if problems:
        raise refused(problems)
    checked = Checked(doc.model_dump(include={"format", "version", *present}))
    return checked


class Checked(dict[str, Any]):
    """A document :func:`validate` returned (the importer does not check it again)."""


def _reference_problems(doc: Document, present: list[str]) -> list[tuple[str, str]]:
    problems = []
    if "goals" in present and "life_domains" in present:
        names = {d.name for d in doc.life_domains}
        for loc, goal in _walk_goals(doc.goals):
            if goal.life_domain is not None and goal.life_domain not in names:
                problems.append((path_text((*loc, "life_domain")),
                                 _("no life domain of this name in the file")))
    if "exercises" in present:
        own = {e.slug for e in doc.exercises.own}
        for i, entry in enumerate(doc.exercises.log):
            if not entry.builtin and entry.exercise not in own:
                problems.append((f"exercises.log[{i}].exercise",
                                 _("no own exercise with this slug in the file")))
            elif entry.builtin and entry.exercise in own:
                problems.append((f"exercises.log[{i}].builtin",
                                 _("true, but the slug is one of your own exercises")))
    return problems


def _duplicate_problems(doc: Document, present: list[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []

    def unique(values: list[str], path: str, what: str) -> None:
        seen: set[str] = set()
        for i, value in enumerate(values):
            if value in seen:
                problems.append((path.format(i=i), _("{what} appears twice").format(what=what)))
            seen.add(value)

    if "exercises" in present:
        unique([e.slug for e in doc.exercises.own], "exercises.own[{i}].slug", _("this slug"))
    if "registrations" in present:
        unique([r.name for r in doc.registrations], "registrations[{i}].name", _("this name"))
        for n, registration in enumerate(doc.registrations):
            unique([v.day for v in registration.values],
                   f"registrations[{n}].values[{{i}}].day", _("this day"))
    return problems


def _walk_goals(goals: list[Goal]) -> Iterator[tuple[tuple[str | int, ...], Goal]]:
    stack: list[tuple[tuple[str | int, ...], Goal]] = [
        (("goals", i), g) for i, g in reversed(list(enumerate(goals)))
    ]
    while stack:
        loc, goal = stack.pop()
        yield loc, goal
        stack += [((*loc, "sub_goals", i), g)
                  for i, g in reversed(list(enumerate(goal.sub_goals)))]


def _goal_depth_problems(doc: Document) -> list[tuple[str, str]]:
    for loc, _goal in _walk_goals(doc.goals):
        if len(loc) // 2 > MAX_GOAL_DEPTH:
            return [(path_text(loc[:6]) + "…", ngettext(
                "sub-goals nested more than {n} level deep",
                "sub-goals nested more than {n} levels deep",
                MAX_GOAL_DEPTH).format(n=MAX_GOAL_DEPTH))]
    return []


# -- the field reference in docs/export-format.md --------------------------------------------


_TYPE_WORDS: tuple[tuple[Any, str], ...] = (
    (Line, "text"),
    (Text, "long text"),
    (Day, "YYYY-MM-DD"),
    (Time, "ISO time"),
    (Slug, "slug"),
    (Rating, "0–10"),
    (Ring, "1–4"),
    (Number, "number"),
    (bool, "true/false"),
    (SectorName, " / ".join(f"`{s.value}`" for s in Sector)),
    (Version, "whole number ≥ 1"),
    (MessageStatus, "text"),
    (PartnerRole, "text"),
    (Pinned, "text"),
    (Terms, "object"),
    (Scores, "object of 0–10"),
)


def _type_text(hint: Any) -> str:
    for known, words in _TYPE_WORDS:
        if hint == known:
            return words
    args = typing.get_args(hint)
    if typing.get_origin(hint) in (types.UnionType, typing.Union) and type(None) in args:
        return _type_text(next(a for a in args if a is not type(None))) + " or null"
    if typing.get_origin(hint) is Annotated:
        return _type_text(args[0])
    if typing.get_origin(hint) is list:
        if isinstance(args[0], type):
            return f"list of `{args[0].__name__}`"
        return f"list of {_type_text(args[0])}"
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return f"`{hint.__name__}`"
    raise TypeError(f"no words for {hint!r}")  # a new type: add it to _TYPE_WORDS


def _model_rows(model: type[BaseModel]) -> list[str]:
    hints = typing.get_type_hints(model, include_extras=True)
    rows = []
    for name, field in model.model_fields.items():
        if field.is_required():
            need = "required"
        else:
            default = field.get_default()
            need = ("empty" if isinstance(default, BaseModel | list | dict) or default == ""
                    else json.dumps(default, ensure_ascii=False))
        rows.append(f"| `{name}` | {_type_text(hints[name])} | {need} |"
                    f" {field.description or ''} |")
    return rows


_REFERENCE_MODELS: tuple[type[BaseModel], ...] = (
    Sections, LifeDomain, StatusEntry, Goal, Activity, Person, CrisisPlan, Helper, Professional,
    Exercises, OwnExercise, ExerciseLogEntry, Medication, DiaryEntry, Registration,
    RegistrationValue, Dyad, DyadMessage, AgreementRecord, CheckinRecord, FeedbackRecord, Forum,
    ForumPost,
)

MARKDOWN_START = "<!-- field reference: generated by portable_schema.py --markdown -->"
MARKDOWN_END = "<!-- end of field reference -->"


def markdown() -> str:
    """The field reference of docs/export-format.md (between its two markers)."""
    out = [
        MARKDOWN_START,
        "",
        f"Limits: a file of at most {MAX_FILE_BYTES // (1024 * 1024)} MiB; JSON nested at most"
        f" {MAX_DEPTH} levels (sub-goals at most {MAX_GOAL_DEPTH} deep); at most"
        f" {MAX_ITEMS:,} entries in a list; `text` at most {MAX_LINE:,} characters, `long text`"
        f" at most {MAX_TEXT:,}; numbers finite (no `NaN`/`Infinity`), whole numbers at most"
        f" {MAX_NUMBER_DIGITS} digits, `number` between -1e15 and 1e15; days and times in the"
        f" years {FIRST_YEAR}–{LAST_YEAR}. `ISO time` is ISO 8601 with its UTC offset"
        " (`2026-11-03T14:05:00+01:00`, `…Z`; one without an offset is read as UTC); a `slug` is"
        " lowercase letters, digits and dashes."
        " A key the format does not know is refused.",
        "",
    ]
    for model in _REFERENCE_MODELS:
        title = "The file's sections" if model is Sections else f"`{model.__name__}`"
        out += [f"### {title}", ""]
        if model.__doc__ and model is not Sections and model.__doc__.strip():
            out += [model.__doc__.strip(), ""]
        out += ["| key | type | if left out | what |", "|---|---|---|---|",
                *_model_rows(model), ""]
    out.append(MARKDOWN_END)
    return "\n".join(out) + "\n"


def _main(argv: list[str]) -> int:
    if argv != ["--markdown"]:
        print("usage: python -m reconnect_tui.store.portable_schema --markdown", file=sys.stderr)
        return 2
    sys.stdout.write(markdown())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
