"""Conversions shared by the repositories: the vault stores times as ISO 8601 text, and text
passes ``text_safety`` on the way in and out (an older vault may hold pasted escape codes)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any, Generic, Protocol, TypeVar, overload

from ...errors import NotFound
from ...i18n import _
from ...text_safety import clean_text
from ..db import Row
from ..vault import Vault


def to_text(value: datetime | date | None) -> str | None:
    return None if value is None else value.isoformat()


@overload
def to_datetime(text: str) -> datetime: ...
@overload
def to_datetime(text: None) -> None: ...
def to_datetime(text: str | None) -> datetime | None:
    if text is None:
        return None
    value = datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def to_datetime_or_none(text: object) -> datetime | None:
    """Like ``to_datetime``, but a malformed stamp (an old import, an edited vault) reads as
    None: a bad "last updated" must never keep a person from what it stamps."""
    if not isinstance(text, str):
        return None
    try:
        return to_datetime(text)
    except ValueError:
        return None


@overload
def to_date(text: str) -> date: ...
@overload
def to_date(text: None) -> None: ...
def to_date(text: str | None) -> date | None:
    return None if text is None else date.fromisoformat(text)


def inserted_id(lastrowid: int | None) -> int:
    """The id of the row an INSERT just wrote (``Cursor.lastrowid``, None only before one)."""
    assert lastrowid is not None
    return lastrowid


class Repository:
    """A typed view of one module of the vault."""

    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    @staticmethod
    def _missing(what: str, item_id: int) -> NotFound:
        return NotFound(_("No {what} with id {id}.").format(what=what, id=item_id))


class HasId(Protocol):
    """What a table repository stores: a dataclass with an ``id`` (None until added)."""

    id: int | None


T = TypeVar("T", bound=HasId)


class TableRepository(Repository, Generic[T]):
    """List, get, add, update and delete for a module that is one table of one dataclass.

    Subclasses name the table, the dataclass and its columns (dataclass field names, ``id``
    excluded); ``to_row``/``from_row`` convert values that SQLite does not store as they are.
    """

    table: str
    item_type: type
    columns: tuple[str, ...]
    order_by: str = "id"
    what: str = "item"

    def to_row(self, item: T) -> tuple[Any, ...]:
        return tuple(_store(getattr(item, c)) for c in self.columns)

    def from_row(self, row: Row) -> T:
        item: T = self.item_type(id=row["id"], **{c: _safe(row[c]) for c in self.columns})
        return item

    def list(self) -> list[T]:
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT id, {', '.join(self.columns)} FROM {self.table} ORDER BY {self.order_by}"
            ).fetchall()
        return [self.from_row(r) for r in rows]

    def get(self, item_id: int) -> T:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT id, {', '.join(self.columns)} FROM {self.table} WHERE id = ?", (item_id,)
            ).fetchone()
        if row is None:
            raise self._missing(self.what, item_id)
        return self.from_row(row)

    def add(self, item: T) -> T:
        marks = ", ".join("?" for _ in self.columns)
        with self.vault.transaction() as conn:
            cur = conn.execute(
                f"INSERT INTO {self.table}({', '.join(self.columns)}) VALUES ({marks})",
                self.to_row(item),
            )
        item.id = cur.lastrowid
        return item

    def update(self, item: T) -> T:
        assignments = ", ".join(f"{c} = ?" for c in self.columns)
        with self.vault.transaction() as conn:
            cur = conn.execute(
                f"UPDATE {self.table} SET {assignments} WHERE id = ?",
                (*self.to_row(item), item.id),
            )
            if cur.rowcount == 0:
                raise self._missing(self.what, item.id or 0)
        return item

    def delete(self, item_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute(f"DELETE FROM {self.table} WHERE id = ?", (item_id,))

    def count(self) -> int:
        with self.vault.read() as conn:
            return int(conn.execute(f"SELECT count(*) FROM {self.table}").fetchone()[0])


def _safe(value: object) -> object:
    """Text read from the vault, cleaned (docs/text-safety.md); other values as they are."""
    return clean_text(value) if isinstance(value, str) else value


def _store(value: object) -> object:
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
