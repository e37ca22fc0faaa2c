"""Goals, sub-goals (goals with a parent) and their activities."""

from __future__ import annotations

import builtins
from datetime import date, timedelta

from ...clock import utc_now
from ...model import Activity, Goal
from ...text_safety import clean_text
from ..db import Row
from ..vault import Vault
from ._base import TableRepository, to_date, to_datetime


def _goal(row: Row) -> Goal:
    return Goal(
        id=row["id"],
        parent_id=row["parent_id"],
        title=clean_text(row["title"]),
        why=clean_text(row["why"]),
        domain_id=row["domain_id"],
        due=to_date(row["due"]),
        done=bool(row["done"]),
        notes=clean_text(row["notes"]),
        position=row["position"],
    )


def _activity(row: Row) -> Activity:
    return Activity(
        id=row["id"],
        goal_id=row["goal_id"],
        title=clean_text(row["title"]),
        scheduled_on=to_date(row["scheduled_on"]),
        done=bool(row["done"]),
        done_at=to_datetime(row["done_at"]),
        notes=clean_text(row["notes"]),
    )


_ACTIVITY_SELECT = "id, goal_id, title, scheduled_on, done, done_at, notes"


class _ActivityTable(TableRepository[Activity]):
    table = "activities"
    item_type = Activity
    columns = ("goal_id", "title", "scheduled_on", "done", "done_at", "notes")
    what = "activity"

    def from_row(self, row: Row) -> Activity:
        return _activity(row)


class GoalRepository(TableRepository[Goal]):
    """Goals and sub-goals (this table), and their activities (``*_activity`` methods)."""

    table = "goals"
    item_type = Goal
    columns = ("parent_id", "title", "why", "domain_id", "due", "done", "notes", "position")
    order_by = "position, id"
    what = "goal"

    def __init__(self, vault: Vault) -> None:
        super().__init__(vault)
        self._activities = _ActivityTable(vault)

    def from_row(self, row: Row) -> Goal:
        return _goal(row)

    def list(self, domain_id: int | None = None) -> list[Goal]:
        """All goals and sub-goals in tree order (parents before children)."""
        if domain_id is None:
            return super().list()
        return [g for g in super().list() if g.domain_id == domain_id]

    def add(self, item: Goal) -> Goal:
        """Add at the end: its position follows every goal there is."""
        with self.vault.read() as conn:
            item.position = conn.execute(
                "SELECT COALESCE(MAX(position) + 1, 0) FROM goals"
            ).fetchone()[0]
        return super().add(item)

    # -- activities --------------------------------------------------------------------------

    def activities(self, goal_id: int | None = None) -> builtins.list[Activity]:
        if goal_id is None:
            return self._activities.list()
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_ACTIVITY_SELECT} FROM activities WHERE goal_id = ? ORDER BY id",
                (goal_id,),
            ).fetchall()
        return [_activity(r) for r in rows]

    def get_activity(self, activity_id: int) -> Activity:
        return self._activities.get(activity_id)

    def add_activity(self, activity: Activity) -> Activity:
        return self._activities.add(activity)

    def update_activity(self, activity: Activity) -> Activity:
        return self._activities.update(activity)

    def delete_activity(self, activity_id: int) -> None:
        self._activities.delete(activity_id)

    def set_activity_done(self, activity_id: int, done: bool = True) -> Activity:
        """Tick an activity off (or back on)."""
        activity = self.get_activity(activity_id)
        activity.done = done
        activity.done_at = utc_now() if done else None
        return self.update_activity(activity)

    def due_between(
        self, first: date, last: date, include_done: bool = False
    ) -> builtins.list[Activity]:
        """Activities scheduled from ``first`` to ``last`` (inclusive), earliest first."""
        done = "" if include_done else " AND done = 0"
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_ACTIVITY_SELECT} FROM activities WHERE scheduled_on BETWEEN ? AND ?"
                f"{done} ORDER BY scheduled_on, id",
                (first.isoformat(), last.isoformat()),
            ).fetchall()
        return [_activity(r) for r in rows]

    def due_this_week(self, today: date) -> builtins.list[Activity]:
        """Open activities from today to the end of this week (Sunday), and overdue ones."""
        end = today + timedelta(days=6 - today.weekday())
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_ACTIVITY_SELECT} FROM activities WHERE scheduled_on <= ? AND done = 0"
                " ORDER BY scheduled_on, id",
                (end.isoformat(),),
            ).fetchall()
        return [_activity(r) for r in rows]
