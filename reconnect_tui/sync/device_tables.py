"""Which toolbox tables sync between the person's own devices as one record per row, and what a
received value must be (docs/devices.md, "The toolbox between own devices").

Pure: a description per module (its table, its fields, the checks of a received value, the
references to other items by global id) and nothing else. ``device_rows.py`` finds local edits
and writes merged records with these descriptions.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from .. import wire
from ..model import Sector

MAX_TEXT = 20_000
MAX_LONG_TEXT = 200_000
MAX_NAME = 500
MAX_TIME = 64


@dataclass(frozen=True, slots=True)
class Column:
    """One field of a module: its column, the kind of value it holds and its bounds.

    kinds: ``text`` (bounded string, ``choices`` when given), ``time`` (ISO 8601 date and
    time), ``date``, ``int`` (``low``..``high``), ``bool``, ``real`` (finite), ``ref`` (the
    global id of an item of module ``ref``). ``cascade``: a reference whose item is deleted
    takes this one with it (else the reference becomes null)."""

    name: str
    kind: str = "text"
    nullable: bool = False
    max_len: int = MAX_TEXT
    low: int = 0
    high: int = 0
    choices: tuple[str, ...] = ()
    ref: str = ""
    cascade: bool = True


@dataclass(frozen=True, slots=True)
class Table:
    """A module of many items, one per row of ``table`` (``id_column``: its row id).

    ``key``: columns whose values name the item on every device alike (a built-in exercise's
    slug; ``()``: the module's one row): its global id is made from them, so two devices that
    each have the row agree on one item (None: a random global id). ``where``: the rows of
    the table that are this module's. ``deletable``: False for a row that always exists (a
    deletion then empties its fields instead)."""

    module: str
    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...] | None = None
    where: str = ""
    id_column: str = "id"
    deletable: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None


def _time(value: str) -> bool:
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def _date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


_TEXT_CHECKS: dict[str, Callable[[str], bool]] = {"time": _time, "date": _date}


def valid_value(column: Column, value: Any) -> bool:
    """A received value the column may hold (the check before anything is merged)."""
    if value is None:
        return column.nullable
    kind = column.kind
    if kind == "text":
        return (isinstance(value, str) and len(value) <= column.max_len
                and (not column.choices or value in column.choices))
    if kind in _TEXT_CHECKS:
        return isinstance(value, str) and len(value) <= MAX_TIME and _TEXT_CHECKS[kind](value)
    if kind == "int":
        return (isinstance(value, int) and not isinstance(value, bool)
                and column.low <= value <= column.high)
    if kind == "bool":
        return isinstance(value, bool)
    if kind == "real":
        return (isinstance(value, int | float) and not isinstance(value, bool)
                and math.isfinite(value) and abs(value) <= 1e12)
    if kind == "ref":
        return wire.is_valid_id(value)
    return False


def _text(name: str, max_len: int = MAX_TEXT) -> Column:
    return Column(name, "text", max_len=max_len)


def _ref(name: str, module: str, *, nullable: bool = False, cascade: bool = True) -> Column:
    return Column(name, "ref", nullable=nullable, ref=module, cascade=cascade)


TABLES: tuple[Table, ...] = (
    Table("what_matters", "meta", (_text("value", MAX_TEXT),), key=(),
          where="key = 'what_matters'", id_column="rowid", deletable=False),
    Table("life_domains", "life_domains", (
        _text("name", MAX_NAME), _text("status"),
        Column("rating", "int", nullable=True, low=0, high=10),
        _text("helps"), _text("hinders"), Column("hidden", "bool"),
        Column("position", "int", low=-(2**31), high=2**31),
        Column("is_default", "bool"), Column("updated_at", "time", nullable=True))),
    Table("domain_status_history", "domain_status_history", (
        _ref("domain_id", "life_domains"), _text("status"),
        Column("rating", "int", nullable=True, low=0, high=10),
        Column("recorded_at", "time"))),
    Table("goals", "goals", (
        _ref("parent_id", "goals", nullable=True), _text("title", MAX_NAME), _text("why"),
        _ref("domain_id", "life_domains", nullable=True, cascade=False),
        Column("due", "date", nullable=True), Column("done", "bool"), _text("notes"),
        Column("position", "int", low=-(2**31), high=2**31))),
    Table("activities", "activities", (
        _ref("goal_id", "goals"), _text("title", MAX_NAME),
        Column("scheduled_on", "date", nullable=True), Column("done", "bool"),
        Column("done_at", "time", nullable=True), _text("notes"))),
    Table("network", "people", (
        _text("name", MAX_NAME), _text("relation", MAX_NAME),
        Column("sector", "text", choices=tuple(s.value for s in Sector)),
        Column("ring", "int", low=1, high=4), _text("contact_frequency", MAX_NAME),
        _text("phone", MAX_NAME), Column("can_help_in_crisis", "bool"), _text("notes"))),
    Table("exercises", "exercises", (
        _text("slug", MAX_NAME), _text("title", MAX_NAME), _text("category", MAX_NAME),
        _text("body", MAX_LONG_TEXT), Column("builtin", "bool")), key=("slug",)),
    Table("exercise_log", "exercise_log", (
        _ref("exercise_id", "exercises"), Column("done_at", "time"), _text("note"))),
    Table("medications", "medications", (
        _text("name", MAX_NAME), Column("prescribed", "bool"), _text("dose", MAX_NAME),
        _text("schedule", MAX_NAME), _text("intended_effect"), _text("experiences"),
        _text("questions"))),
    Table("diary", "diary", (Column("written_at", "time"), _text("text", MAX_LONG_TEXT))),
    Table("registration_parameters", "registration_parameters", (
        _text("name", MAX_NAME), _text("unit", MAX_NAME), Column("minimum", "real"),
        Column("maximum", "real")), key=("name",)),
    Table("registrations", "registrations", (
        _ref("parameter_id", "registration_parameters"), Column("day", "date"),
        Column("value", "real")), key=("parameter_id", "day")),
)
"""In the order their items are written: an item's references come before it."""

BY_MODULE: dict[str, Table] = {t.module: t for t in TABLES}

SNAPSHOT_BLANKS: dict[str, Any] = {
    "life_domains": [], "goals": [], "network": [], "exercises": {"own": [], "log": []},
    "medications": [], "diary": [], "registrations": []}
"""What the welcome's snapshot holds for these modules: nothing; their items follow the welcome
as records with their global ids (a snapshot would give them other ids on the new device)."""
