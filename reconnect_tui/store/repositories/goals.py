"""Goals, sub-goals (goals with a parent) and their activities."""

from __future__ import annotations

from datetime import date, timedelta

from ...model import Activity, Goal
from ..db import Row
from ._base import Repository, now, to_date, to_datetime, to_text

_GOAL_COLUMNS = "id, parent_id, title, why, domain_id, due, done, notes, position"
_ACTIVITY_COLUMNS = "id, goal_id, title, scheduled_on, done, done_at, notes"


def _goal(row: Row) -> Goal:
    return Goal(
        id=row["id"],
        parent_id=row["parent_id"],
        title=row["title"],
        why=row["why"],
        domain_id=row["domain_id"],
        due=to_date(row["due"]),
        done=bool(row["done"]),
        notes=row["notes"],
        position=row["position"],
    )


def _activity(row: Row) -> Activity:
    return Activity(
        id=row["id"],
        goal_id=row["goal_id"],
        title=row["title"],
        scheduled_on=to_date(row["scheduled_on"]),
        done=bool(row["done"]),
        done_at=to_datetime(row["done_at"]),
        notes=row["notes"],
    )


class GoalRepository(Repository):
    def list(self, domain_id: int | None = None) -> list[Goal]:
        """All goals and sub-goals in tree order (parents before children)."""
        sql = f"SELECT {_GOAL_COLUMNS} FROM goals"
        params: tuple = ()
        if domain_id is not None:
            sql += " WHERE domain_id = ?"
            params = (domain_id,)
        with self.vault.read() as conn:
            rows = conn.execute(sql + " ORDER BY position, id", params).fetchall()
        return [_goal(r) for r in rows]

    def get(self, goal_id: int) -> Goal:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT {_GOAL_COLUMNS} FROM goals WHERE id = ?", (goal_id,)
            ).fetchone()
        if row is None:
            raise self._missing("goal", goal_id)
        return _goal(row)

    def add(self, goal: Goal) -> Goal:
        with self.vault.transaction() as conn:
            position = conn.execute("SELECT COALESCE(MAX(position) + 1, 0) FROM goals").fetchone()[
                0
            ]
            cur = conn.execute(
                "INSERT INTO goals(parent_id, title, why, domain_id, due, done, notes, position)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    goal.parent_id,
                    goal.title,
                    goal.why,
                    goal.domain_id,
                    to_text(goal.due),
                    int(goal.done),
                    goal.notes,
                    position,
                ),
            )
        goal.id, goal.position = cur.lastrowid, position
        return goal

    def update(self, goal: Goal) -> Goal:
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "UPDATE goals SET parent_id = ?, title = ?, why = ?, domain_id = ?, due = ?,"
                " done = ?, notes = ? WHERE id = ?",
                (
                    goal.parent_id,
                    goal.title,
                    goal.why,
                    goal.domain_id,
                    to_text(goal.due),
                    int(goal.done),
                    goal.notes,
                    goal.id,
                ),
            )
            if cur.rowcount == 0:
                raise self._missing("goal", goal.id or 0)
        return goal

    def delete(self, goal_id: int) -> None:
        """Delete a goal with its sub-goals and activities."""
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM goals WHERE id = ?", (goal_id,))

    # -- activities --------------------------------------------------------------------------

    def activities(self, goal_id: int | None = None) -> list[Activity]:
        sql = f"SELECT {_ACTIVITY_COLUMNS} FROM activities"
        params: tuple = ()
        if goal_id is not None:
            sql += " WHERE goal_id = ?"
            params = (goal_id,)
        with self.vault.read() as conn:
            rows = conn.execute(sql + " ORDER BY id", params).fetchall()
        return [_activity(r) for r in rows]

    def get_activity(self, activity_id: int) -> Activity:
        with self.vault.read() as conn:
            row = conn.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM activities WHERE id = ?", (activity_id,)
            ).fetchone()
        if row is None:
            raise self._missing("activity", activity_id)
        return _activity(row)

    def add_activity(self, activity: Activity) -> Activity:
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO activities(goal_id, title, scheduled_on, done, done_at, notes)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    activity.goal_id,
                    activity.title,
                    to_text(activity.scheduled_on),
                    int(activity.done),
                    to_text(activity.done_at),
                    activity.notes,
                ),
            )
        activity.id = cur.lastrowid
        return activity

    def update_activity(self, activity: Activity) -> Activity:
        with self.vault.transaction() as conn:
            cur = conn.execute(
                "UPDATE activities SET goal_id = ?, title = ?, scheduled_on = ?, done = ?,"
                " done_at = ?, notes = ? WHERE id = ?",
                (
                    activity.goal_id,
                    activity.title,
                    to_text(activity.scheduled_on),
                    int(activity.done),
                    to_text(activity.done_at),
                    activity.notes,
                    activity.id,
                ),
            )
            if cur.rowcount == 0:
                raise self._missing("activity", activity.id or 0)
        return activity

    def set_activity_done(self, activity_id: int, done: bool = True) -> Activity:
        """Tick an activity off (or back on)."""
        activity = self.get_activity(activity_id)
        activity.done = done
        activity.done_at = now() if done else None
        return self.update_activity(activity)

    def delete_activity(self, activity_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM activities WHERE id = ?", (activity_id,))

    def due_between(self, first: date, last: date, include_done: bool = False) -> list[Activity]:
        """Activities scheduled from ``first`` to ``last`` (inclusive), earliest first."""
        done = "" if include_done else " AND done = 0"
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM activities WHERE scheduled_on BETWEEN ? AND ?"
                f"{done} ORDER BY scheduled_on, id",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        return [_activity(r) for r in rows]

    def due_this_week(self, today: date) -> list[Activity]:
        """Open activities from today to the end of this week (Sunday), and overdue ones."""
        end = today + timedelta(days=6 - today.weekday())
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_ACTIVITY_COLUMNS} FROM activities WHERE scheduled_on <= ? AND done = 0"
                " ORDER BY scheduled_on, id",
                (end.isoformat(),),
            ).fetchall()
        return [_activity(r) for r in rows]
