"""Exercises (built-in ones registered from content/, and the user's own) and the log of what
was done."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from ...clock import utc_now
from ...model import Exercise, ExerciseLog
from ..db import Row
from ._base import TableRepository, to_datetime, to_text


def slugify(title: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return slug or "exercise"


class ExerciseRepository(TableRepository[Exercise]):
    table = "exercises"
    item_type = Exercise
    columns = ("slug", "title", "category", "body", "builtin")
    order_by = "builtin DESC, title COLLATE NOCASE, id"
    what = "exercise"

    def from_row(self, row: Row) -> Exercise:
        exercise = super().from_row(row)
        exercise.builtin = bool(exercise.builtin)
        return exercise

    def add(self, item: Exercise) -> Exercise:
        """Add the user's own exercise; it gets a slug made from its title, unique in the vault."""
        if not item.slug:
            base = "my-" + slugify(item.title)
            with self.vault.read() as conn:
                taken = {
                    r[0]
                    for r in conn.execute(
                        "SELECT slug FROM exercises WHERE slug = ? OR slug LIKE ?",
                        (base, base + "-%"),
                    )
                }
            slug, n = base, 2
            while slug in taken:
                slug, n = f"{base}-{n}", n + 1
            item.slug = slug
        return super().add(item)

    def register_builtin(self, slug: str, title: str, category: str) -> Exercise:
        """Make sure a built-in exercise has a row (its text stays in content/)."""
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO exercises(slug, title, category, builtin) VALUES (?, ?, ?, 1)"
                " ON CONFLICT(slug) DO UPDATE SET title = excluded.title,"
                " category = excluded.category WHERE builtin = 1",
                (slug, title, category),
            )
        return self.by_slug(slug)

    def by_slug(self, slug: str) -> Exercise:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT id, {', '.join(self.columns)} FROM exercises WHERE slug = ?", (slug,)
            ).fetchone()
        if row is None:
            raise self._missing("exercise", 0)
        return self.from_row(row)

    def log(
        self, exercise_id: int, note: str = "", when: datetime | None = None
    ) -> ExerciseLog:
        """Log an exercise as done, with an optional note."""
        entry = ExerciseLog(exercise_id=exercise_id, done_at=when or utc_now(), note=note)
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO exercise_log(exercise_id, done_at, note) VALUES (?, ?, ?)",
                (exercise_id, to_text(entry.done_at), note),
            )
        entry.id = cur.lastrowid
        return entry

    def history(self, exercise_id: int | None = None) -> list[ExerciseLog]:
        """What was done, newest first."""
        sql = "SELECT id, exercise_id, done_at, note FROM exercise_log"
        params: tuple[Any, ...] = ()
        if exercise_id is not None:
            sql += " WHERE exercise_id = ?"
            params = (exercise_id,)
        with self.vault.read() as conn:
            rows = conn.execute(sql + " ORDER BY done_at DESC, id DESC", params).fetchall()
        return [
            ExerciseLog(
                id=r["id"],
                exercise_id=r["exercise_id"],
                done_at=to_datetime(r["done_at"]),
                note=r["note"],
            )
            for r in rows
        ]

    def delete_log(self, log_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM exercise_log WHERE id = ?", (log_id,))
