"""Diary entries and registrations (daily values for parameters the user chooses)."""

from __future__ import annotations

from datetime import date
from typing import Any

from ...model import DiaryEntry, Registration, RegistrationParameter
from ...text_safety import clean_text
from ..db import Row
from ._base import TableRepository, to_date, to_datetime


class DiaryRepository(TableRepository[DiaryEntry]):
    table = "diary"
    item_type = DiaryEntry
    columns = ("written_at", "text")
    order_by = "written_at DESC, id DESC"
    what = "diary entry"

    def from_row(self, row: Row) -> DiaryEntry:
        return DiaryEntry(id=row["id"], written_at=to_datetime(row["written_at"]),
                          text=clean_text(row["text"]))

    def newest(self, limit: int, offset: int = 0) -> list[DiaryEntry]:
        """One page of entries, newest first (a diary of years is read a page at a time)."""
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT id, written_at, text FROM diary ORDER BY {self.order_by} LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [self.from_row(r) for r in rows]

    def index_of(self, entry_id: int) -> int | None:
        """Where an entry stands in the newest-first order (None if there is no such entry)."""
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT written_at, id FROM diary WHERE id = ?", (entry_id,)
            ).fetchone()
            if row is None:
                return None
            return int(
                conn.execute(
                    "SELECT count(*) FROM diary"
                    " WHERE written_at > ? OR (written_at = ? AND id > ?)",
                    (row[0], row[0], row[1]),
                ).fetchone()[0]
            )


class RegistrationRepository(TableRepository[RegistrationParameter]):
    """Parameters (the table) and their daily values."""

    table = "registration_parameters"
    item_type = RegistrationParameter
    columns = ("name", "unit", "minimum", "maximum")
    what = "registration parameter"

    def record(self, parameter_id: int, day: date, value: float) -> Registration:
        """Set the value of a parameter for a day (one value per day: a new one replaces it)."""
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO registrations(parameter_id, day, value) VALUES (?, ?, ?)"
                " ON CONFLICT(parameter_id, day) DO UPDATE SET value = excluded.value",
                (parameter_id, day.isoformat(), value),
            )
            row = conn.execute(
                "SELECT id FROM registrations WHERE parameter_id = ? AND day = ?",
                (parameter_id, day.isoformat()),
            ).fetchone()
        return Registration(id=row["id"], parameter_id=parameter_id, day=day, value=value)

    def values(self, parameter_id: int, since: date | None = None) -> list[Registration]:
        """Values of one parameter, oldest first."""
        sql = "SELECT id, parameter_id, day, value FROM registrations WHERE parameter_id = ?"
        params: tuple[Any, ...] = (parameter_id,)
        if since is not None:
            sql += " AND day >= ?"
            params += (since.isoformat(),)
        with self.vault.read() as conn:
            rows = conn.execute(sql + " ORDER BY day", params).fetchall()
        return [
            Registration(
                id=r["id"], parameter_id=r["parameter_id"], day=to_date(r["day"]), value=r["value"]
            )
            for r in rows
        ]

    def values_on(self, day: date) -> dict[int, float]:
        """Today's (or any day's) values by parameter id."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT parameter_id, value FROM registrations WHERE day = ?", (day.isoformat(),)
            ).fetchall()
        return {r["parameter_id"]: r["value"] for r in rows}

    def delete_value(self, parameter_id: int, day: date) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "DELETE FROM registrations WHERE parameter_id = ? AND day = ?",
                (parameter_id, day.isoformat()),
            )
