"""The goal tree: goals -> sub-goals -> activities, filtered by life domain.

The pure parts (which goals show under a filter, how a line reads) are plain functions so the
screen and the tests can use them without a running app.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.widgets import Tree
from textual.widgets.tree import TreeNode

from .. import formats
from ..domain_names import domain_label
from ..i18n import N_, _
from ..model import Activity, Goal, LifeDomain

Item = Goal | Activity
ItemKey = tuple[str, int]
"""("goal", id) or ("activity", id): identifies a tree line across reloads."""
EXPANDED_LINES = 150
"""Goals are built open until the tree has this many lines; later ones are built closed."""


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
                return domain_label(domain.name)
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
        return _("overdue since {day}").format(day=formats.day(day))
    return formats.day(day)


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
    """A tree whose first click only moves the cursor; a second click (or Enter) opens.

    Goals open (expanded) while the tree has fewer than ``EXPANDED_LINES`` lines; after that
    they are added closed, and their sub-goals and activities are added when first opened
    (→ or a click on the arrow), so a tree of years of goals still opens at once.
    """

    BINDINGS = [
        Binding("right", "open_node", N_("Open"), show=False),
        Binding("left", "close_node", N_("Close"), show=False),
    ]

    _adding = False
    """True while ``fill`` adds lines: the tree's caches are invalidated once, at the end."""

    def __init__(self, **kwargs) -> None:
        super().__init__(_("Goals"), **kwargs)
        self.show_root = False
        self.auto_expand = False
        self.guide_depth = 3
        self.nodes_by_key: dict[ItemKey, TreeNode[Item]] = {}
        """The lines built so far (all of them unless some goals are still closed)."""
        self._data = GoalData()
        self._today = date.today()
        self._children: dict[int | None, list[Goal]] = {}
        self._by_goal: dict[int, list[Activity]] = {}
        self._filled: set[int] = set()

    def _invalidate(self) -> None:
        """Once per ``fill``, not once per line added (each clears the line cache and asks
        for a layout: hundreds per open)."""
        if not self._adding:
            super()._invalidate()

    def process_label(self, label: str | Text) -> Text:
        """Labels here are one line of text already (``goal_label``, ``activity_label``):
        splitting each into lines, as ``Tree`` does, cost a tenth of a goals open."""
        if isinstance(label, Text) and "\n" not in label.plain:
            return label
        return super().process_label(label)

    def get_label_width(self, node: TreeNode[Item]) -> int:
        """The width of a line's label without rendering it (``Tree`` renders each one, styles
        and all, only to measure it: every line of the tree, on each of its rebuilds)."""
        icon = ""
        if node.allow_expand:
            icon = self.ICON_NODE_EXPANDED if node.is_expanded else self.ICON_NODE
        label = node.label
        return cell_len(icon) + (label.cell_len if isinstance(label, Text) else cell_len(label))

    def fill(self, data: GoalData, roots: Iterable[Goal], today: date) -> None:
        """Rebuild the tree; the cursor returns to the same item afterwards when it still shows."""
        self._data, self._today = data, today
        self._children = data.children()
        self._by_goal = data.activities_by_goal()
        self._filled = set()
        self.clear()
        self.nodes_by_key = {}
        budget = [EXPANDED_LINES]
        self._adding = True
        try:
            for goal in roots:
                self._add_goal(self.root, goal, budget)
        finally:
            self._adding = False
        self._invalidate()
        self.root.expand()

    def _has_children(self, goal: Goal) -> bool:
        return bool(self._children.get(goal.id) or self._by_goal.get(goal.id or 0))

    def _add_goal(self, parent: TreeNode[Item], goal: Goal, budget: list[int]) -> None:
        """Add a goal's line; open it and add what is under it while the budget lasts."""
        has_children = self._has_children(goal)
        budget[0] -= 1
        open_now = has_children and budget[0] > 0
        node = parent.add(
            goal_label(goal, self._data, self._today),
            data=goal,
            expand=open_now,
            allow_expand=has_children,
        )
        self.nodes_by_key[item_key(goal)] = node
        if open_now:
            self._fill_node(node, budget)

    def _fill_node(self, node: TreeNode[Item], budget: list[int]) -> None:
        """Add the sub-goals and activities under a goal's line (once)."""
        goal = node.data
        if not isinstance(goal, Goal) or goal.id in self._filled:
            return
        self._filled.add(goal.id or 0)
        for child in self._children.get(goal.id, []):
            self._add_goal(node, child, budget)
        for activity in self._by_goal.get(goal.id or 0, []):
            budget[0] -= 1
            leaf = node.add_leaf(activity_label(activity, self._today), data=activity)
            self.nodes_by_key[item_key(activity)] = leaf

    def _on_tree_node_expanded(self, event: Tree.NodeExpanded[Item]) -> None:
        """A closed goal opened for the first time: add what is under it."""
        self._fill_node(event.node, [EXPANDED_LINES])

    def action_open_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            self._fill_node(node, [EXPANDED_LINES])
            node.expand()

    def action_close_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.allow_expand:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def _reveal(self, key: ItemKey) -> TreeNode[Item] | None:
        """Open the goals above an item that is not built yet; its line, if it can show."""
        goals = {g.id: g for g in self._data.goals}
        kind, item_id = key
        if kind == "goal":
            parent_id = goals[item_id].parent_id if item_id in goals else None
        else:
            activity = next((a for a in self._data.activities if a.id == item_id), None)
            parent_id = activity.goal_id if activity is not None else None
        chain: list[int] = []
        while parent_id is not None and parent_id in goals:
            chain.append(parent_id)
            parent_id = goals[parent_id].parent_id
        for goal_id in reversed(chain):
            node = self.nodes_by_key.get(("goal", goal_id))
            if node is None:
                return None
            self._fill_node(node, [EXPANDED_LINES])
            node.expand()
        return self.nodes_by_key.get(key)

    def select_key(self, key: ItemKey | None) -> None:
        """Put the cursor on the item with this key (or on the first line), opening the goals
        above it when they are still closed."""
        node = self.nodes_by_key.get(key) if key else None
        if key and (node is None or node.line < 0):
            node = self._reveal(key)
            if node is not None:
                self.call_after_refresh(self._move_to, node)
                return
        if node is not None and node.line >= 0:
            self.move_cursor(node)
        elif self.nodes_by_key:
            self.cursor_line = 0

    def _move_to(self, node: TreeNode[Item]) -> None:
        if node.line >= 0:
            self.move_cursor(node)

    @property
    def current(self) -> Item | None:
        node = self.cursor_node
        return None if node is None else node.data

    async def _on_click(self, event: events.Click) -> None:
        """Runs before Tree's own handler, which opens the line; stop it on a first click."""
        meta = event.style.meta
        line = meta.get("line")
        if line is not None and not meta.get("toggle", False) and line != self.cursor_line:
            event.prevent_default()
            self.cursor_line = line
