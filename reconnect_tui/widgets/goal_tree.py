"""The goal tree: goals -> sub-goals -> activities, filtered by life domain.

The pure parts (which goals show under a filter, how a line reads) are plain functions so the
screen and the tests can use them without a running app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rich.text import Text
from textual import events
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from ..i18n import _
from ..model import Activity, Goal, LifeDomain

Item = Goal | Activity
ItemKey = tuple[str, int]
"""("goal", id) or ("activity", id): identifies a tree line across reloads."""


def item_key(item: Item) -> ItemKey:
    return ("goal" if isinstance(item, Goal) else "activity", item.id or 0)


@dataclass
class GoalData:
    """Everything the goal screen shows, read from the vault in one go."""

    goals: list[Goal] = field(default_factory=list)
    activities: list[Activity] = field(default_factory=list)
    domains: list[LifeDomain] = field(default_factory=list)

    def children(self) -> dict[int | None, list[Goal]]:
        found: dict[int | None, list[Goal]] = defaultdict(list)
        for goal in self.goals:
            found[goal.parent_id].append(goal)
        return found

    def activities_by_goal(self) -> dict[int, list[Activity]]:
        found: dict[int, list[Activity]] = defaultdict(list)
        for activity in self.activities:
            found[activity.goal_id].append(activity)
        return found

    def domain_name(self, domain_id: int | None) -> str:
        for domain in self.domains:
            if domain.id == domain_id:
                return domain.name
        return ""

    def descendants(self, goal_id: int) -> tuple[int, int]:
        """How many sub-goals and activities go with this goal when it is deleted."""
        children = self.children()
        by_goal = self.activities_by_goal()
        sub_goals = activities = 0
        stack = [goal_id]
        while stack:
            current = stack.pop()
            activities += len(by_goal.get(current, []))
            for child in children.get(current, []):
                sub_goals += 1
                stack.append(child.id or 0)
        return sub_goals, activities


def visible_roots(data: GoalData, domain_id: int | None) -> list[Goal]:
    """Top-level goals to show: all, or those with this life domain somewhere in their tree."""
    children = data.children()
    roots = children.get(None, [])
    if domain_id is None:
        return roots

    def matches(goal: Goal) -> bool:
        return goal.domain_id == domain_id or any(matches(c) for c in children.get(goal.id, []))

    return [goal for goal in roots if matches(goal)]


def when_text(day: date | None, today: date) -> str:
    if day is None:
        return ""
    if day == today:
        return _("today")
    if day < today:
        return _("overdue since {day}").format(day=day.isoformat())
    return day.isoformat()


def goal_label(goal: Goal, data: GoalData, today: date) -> Text:
    mark = "✓ " if goal.done else ""
    label = Text(mark + goal.title, style="dim" if goal.done else "bold")
    extras = [data.domain_name(goal.domain_id)]
    if goal.due is not None and not goal.done:
        extras.append(_("due {when}").format(when=when_text(goal.due, today)))
    extras = [e for e in extras if e]
    if extras:
        label.append("  " + " · ".join(extras), style="dim italic")
    return label


def activity_label(activity: Activity, today: date) -> Text:
    box = "[x] " if activity.done else "[ ] "
    label = Text(box + activity.title, style="dim" if activity.done else "")
    when = when_text(activity.scheduled_on, today)
    if when and not activity.done:
        label.append("  " + when, style="dim italic")
    return label


class GoalTree(Tree[Item]):
    """A tree whose first click only moves the cursor; a second click (or Enter) opens."""

    def __init__(self, **kwargs) -> None:
        super().__init__(_("Goals"), **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 3
        self.nodes_by_key: dict[ItemKey, TreeNode[Item]] = {}

    def fill(self, data: GoalData, roots: Iterable[Goal], today: date) -> None:
        """Rebuild the tree; the cursor returns to the same item afterwards when it still shows."""
        children = data.children()
        by_goal = data.activities_by_goal()
        self.clear()
        self.nodes_by_key = {}

        def add(parent: TreeNode[Item], goal: Goal) -> None:
            node = parent.add(goal_label(goal, data, today), data=goal, expand=True)
            self.nodes_by_key[item_key(goal)] = node
            for child in children.get(goal.id, []):
                add(node, child)
            for activity in by_goal.get(goal.id or 0, []):
                leaf = node.add_leaf(activity_label(activity, today), data=activity)
                self.nodes_by_key[item_key(activity)] = leaf
            if not node.children:
                node.allow_expand = False

        for goal in roots:
            add(self.root, goal)
        self.root.expand()

    def select_key(self, key: ItemKey | None) -> None:
        """Put the cursor on the item with this key (or on the first line)."""
        node = self.nodes_by_key.get(key) if key else None
        if node is not None and node.line >= 0:
            self.move_cursor(node)
        elif self.nodes_by_key:
            self.cursor_line = 0

    @property
    def current(self) -> Item | None:
        node = self.cursor_node
        return None if node is None else node.data

    def _on_click(self, event: events.Click) -> None:
        """Runs before Tree's own handler, which opens the line; stop it on a first click."""
        meta = event.style.meta
        line = meta.get("line")
        if line is not None and not meta.get("toggle", False) and line != self.cursor_line:
            event.prevent_default()
            self.cursor_line = line
