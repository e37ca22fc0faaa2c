"""Forms as a row of questions: one field per line, read with the app's own parsing rules.

A field names a dataclass attribute and how its answer is read (``parsing.py`` for days,
numbers and phone numbers: the same rules as the screens and the command line). When editing,
Enter keeps what is there and ``-`` empties a field.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from .. import formats
from ..i18n import _
from ..parsing import ParseError, parse_day, parse_number, parse_phone
from .io import Back, Console

Kind = Literal["text", "required", "day", "rating", "number", "phone", "bool", "choice"]
CLEAR = "-"


@dataclass(frozen=True, slots=True)
class Field:
    attr: str
    label: str
    """English source text, marked with ``N_``; translated where asked."""
    kind: Kind = "text"
    choices: Sequence[tuple[object, str]] = ()
    """For ``choice``: (value, English label) pairs."""


def shown(field: Field, value: object) -> str:
    """A field's value as said back to the person."""
    if field.kind == "choice":
        return next((_(label) for v, label in field.choices if v == value), str(value))
    if value is None or value == "":
        return _("empty")
    if field.kind == "bool":
        return _("yes") if value else _("no")
    if field.kind == "day" and isinstance(value, date):
        return formats.day(value)
    if field.kind == "number" and isinstance(value, float | int):
        return formats.number(float(value))
    return str(value)


def describe(console: Console, item: object, fields: Sequence[Field]) -> None:
    """Each filled field on its own line: ``Label: value``."""
    for field in fields:
        value = getattr(item, field.attr)
        if value is None or value == "" or (field.kind == "bool" and not value):
            continue
        console.say(_("{label}: {value}").format(label=_(field.label), value=shown(field, value)))


def fill(console: Console, item: Any, fields: Sequence[Field], *, editing: bool,
         today: date, region: str) -> Any:
    """Ask each field in turn and set it on ``item``; returns ``item``."""
    if editing:
        console.say(_("Enter keeps what is there; a dash (-) empties a field."))
    for field in fields:
        setattr(item, field.attr, _ask_field(console, field, getattr(item, field.attr),
                                             editing=editing, today=today, region=region))
    return item


def _ask_field(console: Console, field: Field, current: object, *, editing: bool,
               today: date, region: str) -> object:
    label = _(field.label)
    if field.kind == "choice":
        return _ask_choice(console, field, current, editing)
    if field.kind == "bool":
        if editing:
            label = _("{label} (now {value})").format(label=label, value=shown(field, current))
        while True:
            answer = console.ask(_("{question} (yes or no)").format(question=label)).casefold()
            if not answer and (editing or isinstance(current, bool)):
                return current  # Enter keeps it (when adding: the form's default)
            if answer in {"y", "yes", "j", "ja"}:
                return True
            if answer in {"n", "no", "nei"}:
                return False
            console.say(_("Type yes or no."))
    hint = {"day": _("a day, such as {example}").format(example=formats.day(today)),
            "rating": _("0 to 10"), "number": _("a number")}.get(field.kind)
    question = _("{label}, {hint}:").format(label=label, hint=hint) if hint else \
        _("{label}:").format(label=label)
    if editing:
        question = _("{question} (now {value})").format(question=question.rstrip(":"),
                                                         value=shown(field, current))
    while True:
        answer = console.ask(question)
        if not answer and (editing or (field.kind == "number" and current is not None)):
            return current  # Enter keeps what is there (a number's default when adding)
        if answer == CLEAR or not answer:
            if field.kind == "required":
                console.say(_("This one cannot be empty."))
                continue
            return None if field.kind in ("day", "rating", "number") else ""
        try:
            return _parse(field.kind, answer, today, region)
        except ParseError as error:
            console.say(str(error))


def _parse(kind: Kind, answer: str, today: date, region: str) -> object:
    if kind == "day":
        return parse_day(answer, today)
    if kind == "number":
        return parse_number(answer)
    if kind == "rating":
        value = parse_number(answer)
        if value != int(value) or not 0 <= value <= 10:
            raise ParseError(_("Type a whole number from 0 to 10."))
        return int(value)
    if kind == "phone":
        return parse_phone(answer, region)
    return answer


def _ask_choice(console: Console, field: Field, current: object, editing: bool) -> object:
    labels = [_(label) for _value, label in field.choices]
    title = _(field.label)
    if editing:
        title = _("{label} (now {value}; q keeps it)").format(label=title,
                                                              value=shown(field, current))
        try:
            return field.choices[console.choose(title, labels)][0]
        except Back:  # q keeps the value
            return current
    return field.choices[console.choose(title, labels)][0]


def ask_text(console: Console, question: str, *, required: bool = True) -> str:
    """One free-text answer; asked again while empty when ``required``."""
    while True:
        answer = console.ask(question)
        if answer or not required:
            return answer
        console.say(_("This one cannot be empty."))


Action = tuple[str, Callable[[], None]]
"""A menu entry: its translated label and what it does."""
