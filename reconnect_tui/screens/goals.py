"""Goals: a tree of goals, sub-goals and the activities towards them.

Activities scheduled for today or this week also show on Home. The tree is read from the vault
in the screen's loading thread (``ModuleScreen.load_data``) and built on the event loop.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Static, Tree

from ..domain_names import domain_label
from ..i18n import N_, _
from ..model import Activity, Goal
from ..store import Toolbox
from ..widgets.form import Field, FormScreen
from ..widgets.goal_tree import (
    GoalData,
    GoalTree,
    Item,
    ItemKey,
    item_key,
    visible_roots,
    when_text,
)
from .base import ModuleScreen, WhoCanSee


def _goal_values(values: dict[str, Any]) -> dict[str, Any]:
    """Form values to Goal fields: no life domain (a blank, or 0 in an older draft) is None."""
    return {**values, "domain_id": values.get("domain_id") or None}


class DomainFilter(Static):
    """One line naming the life domain shown; a click moves on to the next one."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        screen = self.screen
        if isinstance(screen, GoalsScreen):
            screen.action_next_domain()


class GoalsScreen(ModuleScreen[GoalData]):
    AUTO_FOCUS = "#goal-tree"
    MODULE = "goals"
    EDIT_ACTIONS = frozenset(
        {"add_goal", "add_subgoal", "add_activity", "toggle_done", "edit", "delete"}
    )
    TITLE_TEXT = N_("Goals")
    EMPTY_TEXT = N_(
        "Goals are what you want to work towards, big or small. Split a goal into sub-goals and"
        " small activities; activities you schedule this week show up on Home. Press a to add"
        " your first goal."
    )
    BINDINGS = [
        Binding("a", "add_goal", N_("New goal"), tooltip=N_("Add a goal")),
        Binding("s", "add_subgoal", N_("Sub-goal"), tooltip=N_("Add a sub-goal to the goal")),
        Binding("t", "add_activity", N_("Activity"), tooltip=N_("Add an activity to the goal")),
        Binding(
            "space", "toggle_done", N_("Done"), tooltip=N_("Tick off, or open again"), priority=True
        ),
        Binding("e", "edit", N_("Edit"), tooltip=N_("Edit the goal or activity")),
        Binding("x,delete", "delete", N_("Delete"), tooltip=N_("Delete (asks first)")),
        Binding("f", "next_domain", N_("Filter"), tooltip=N_("Show one life domain at a time")),
    ]
    FOOTER_KEYS = ("add_goal", "toggle_done", "edit", "add_activity", "add_subgoal", "next_domain",
                   "delete")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.data = GoalData()
        self.domain_filter: int | None = None
        self._wanted: ItemKey | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="goals-body"):
            yield DomainFilter(self._filter_text(), id="goal-filter", classes="help")
            yield self.who_can_see()
            yield self.empty_state(id="goals-empty")
            yield GoalTree(id="goal-tree")
            with VerticalScroll(id="goal-detail"):
                yield Static("", id="goal-detail-text")
                yield self.item_who_can_see(id="goal-who-can-see")

    def on_mount(self) -> None:
        super().on_mount()  # starts the first read
        self.query_one("#goals-empty").display = False

    # -- loading -------------------------------------------------------------------------------

    def select_item(self, item_id: int, kind: str = "", match: str = "") -> None:
        """Put the cursor on a goal or activity found by search (the goals above it open)."""
        self.reload(("activity" if kind == "activities" else "goal", item_id))
        self.query_one(GoalTree).focus()

    def reload(self, select: ItemKey | None = None) -> None:
        """Read the goals again (in a thread) and put the cursor on ``select`` if given."""
        tree = self.query_one(GoalTree)
        current = tree.current
        self._wanted = select or (item_key(current) if current is not None else self._wanted)
        self.request_load()

    def return_point(self) -> object | None:
        current = self.query_one(GoalTree).current
        return item_key(current) if current is not None else None

    def return_to(self, point: object) -> None:
        self.reload(point)  # type: ignore[arg-type]  # an ItemKey, from return_point

    def load_data(self, toolbox: Toolbox) -> GoalData:
        return GoalData(
            goals=toolbox.goals.list(),
            activities=toolbox.goals.activities(),
            domains=toolbox.domains.list(include_hidden=True),
        )

    def show_data(self, data: GoalData) -> None:
        self.data = data
        known = {d.id for d in data.domains}
        if self.domain_filter not in known:
            self.domain_filter = None
        roots = visible_roots(data, self.domain_filter)
        tree = self.query_one(GoalTree)
        tree.fill(data, roots, self.session.today())
        empty = self.query_one("#goals-empty", Static)
        if not data.goals:
            empty.update(self.EMPTY_TEXT)
        elif not roots:
            empty.update(
                _("No goals in this life domain yet. Press f to see another, or a to add one.")
            )
        empty.display = not roots
        tree.display = bool(roots)
        self.query_one("#goal-detail").display = bool(roots)
        self.query_one("#goal-filter", Static).update(self._filter_text())
        wanted = self._wanted
        if wanted is None:
            # The first open: the cursor goes to the first line, which needs no scrolling, so
            # it and the detail are set now and painted with the tree (not one paint later).
            tree.select_key(None)
            self._update_detail()
            return
        self.call_after_refresh(tree.select_key, wanted)
        self.call_after_refresh(self._update_detail)

    # -- view ----------------------------------------------------------------------------------

    def _filter_text(self) -> str:
        name = self.data.domain_name(self.domain_filter) if self.domain_filter else _("all")
        return _("Life domain: {name}  (f to change)").format(name=name)

    @on(Tree.NodeHighlighted, "#goal-tree")
    def _highlighted(self) -> None:
        if self.query_one(GoalTree).current is not self._detail_item:
            self._update_detail()  # not again for the line just shown (the first open)

    _detail_item: Item | None = None
    """The item the detail shows now."""

    def _update_detail(self) -> None:
        item = self._detail_item = self.query_one(GoalTree).current
        self.query_one("#goal-detail-text", Static).update(self._detail(item))
        line = self.query_one("#goal-who-can-see", WhoCanSee)
        goal = self._goal_for(item) if item is not None else None
        self.show_who_can_see(line, self._shared_goal(goal.id or 0) if goal else None)

    def _shared_goal(self, goal_id: int) -> int:
        """The goal whose share covers ``goal_id`` (a shared goal brings its sub-goals along):
        the nearest of itself and its parents shared on its own, else itself."""
        if self.read_only:
            return goal_id
        shared = {e.item_id for e in self.share_entries if e.module == "goals"}
        parents = {g.id: g.parent_id for g in self.data.goals}
        current: int | None = goal_id
        while current is not None:
            if current in shared:
                return current
            current = parents.get(current)
        return goal_id

    def _detail(self, item: Item | None) -> Text:
        if item is None:
            return Text("")
        text = Text(item.title, style="bold")
        today = self.session.today()
        lines: list[tuple[str, str]] = []
        if isinstance(item, Goal):
            lines.append((_("Why"), item.why))
            lines.append((_("Life domain"), self.data.domain_name(item.domain_id)))
            lines.append((_("Due"), when_text(item.due, today)))
            lines.append((_("Status"), _("done") if item.done else _("in progress")))
        else:
            parent = next((g for g in self.data.goals if g.id == item.goal_id), None)
            lines.append((_("For"), parent.title if parent else ""))
            lines.append((_("Scheduled"), when_text(item.scheduled_on, today)))
            lines.append((_("Status"), _("done") if item.done else _("to do")))
        lines.append((_("Notes"), item.notes))
        for label, value in lines:
            if value:
                text.append(f"\n{label}: ", style="bold")
                text.append(value)
        return text

    # -- actions -------------------------------------------------------------------------------

    def _current(self) -> Item | None:
        item = self.query_one(GoalTree).current
        if item is None:
            self.notify(_("Choose a goal or an activity first."), severity="warning")
        return item

    def _goal_for(self, item: Item) -> Goal | None:
        if isinstance(item, Goal):
            return item
        return next((g for g in self.data.goals if g.id == item.goal_id), None)

    def _goal_fields(self, current: int | None = None) -> list[Field]:
        # A goal may have no life domain: the field is optional, its blank says so.
        choices = tuple(
            (domain_label(d.name), d.id)
            for d in self.data.domains
            if not d.hidden or d.id == current
        )
        return [
            Field("title", _("Goal"), required=True),
            Field("why", _("Why it matters to me"), "multiline"),
            Field("domain_id", _("Life domain"), "choice", choices=choices,
                  placeholder=_("No life domain")),
            Field("due", _("Reach it by"), "date"),
            Field("notes", _("Notes"), "multiline"),
        ]

    def _activity_fields(self) -> list[Field]:
        return [
            Field("title", _("Activity"), required=True),
            Field(
                "scheduled_on",
                _("When"),
                "date",
                help=_("Activities planned for today or this week show up on Home."),
            ),
            Field("notes", _("Notes"), "multiline"),
        ]

    def action_add_goal(self) -> None:
        def saved(values: dict[str, Any] | None) -> None:
            if values:
                goal = self.toolbox.goals.add(Goal(**_goal_values(values)))
                self.reload(item_key(goal))

        values = {"domain_id": self.domain_filter or None}
        draft = self.toolbox.drafts.slot("new-goal")
        self.app.push_screen(
            FormScreen(_("New goal"), self._goal_fields(), values, draft=draft), saved
        )

    def action_add_subgoal(self) -> None:
        item = self._current()
        parent = self._goal_for(item) if item is not None else None
        if parent is None:
            self.nothing_chosen(_("Choose a goal first: a sub-goal goes under one."))
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values:
                goal = self.toolbox.goals.add(Goal(parent_id=parent.id, **_goal_values(values)))
                self.reload(item_key(goal))

        title = _("New sub-goal under “{goal}”").format(goal=parent.title)
        values = {"domain_id": parent.domain_id}
        fields = self._goal_fields(parent.domain_id)
        draft = self.toolbox.drafts.slot("new-sub-goal", parent.id or 0)
        self.app.push_screen(FormScreen(title, fields, values, draft=draft), saved)

    def action_add_activity(self) -> None:
        item = self._current()
        goal = self._goal_for(item) if item is not None else None
        if goal is None:
            self.nothing_chosen(_("Choose a goal first: an activity goes under one."))
            return

        def saved(values: dict[str, Any] | None) -> None:
            if values:
                assert goal.id is not None  # read from the vault: it has one
                activity = self.toolbox.goals.add_activity(Activity(goal_id=goal.id, **values))
                self.reload(item_key(activity))

        title = _("New activity for “{goal}”").format(goal=goal.title)
        draft = self.toolbox.drafts.slot("new-activity", goal.id or 0)
        self.app.push_screen(FormScreen(title, self._activity_fields(), draft=draft), saved)

    @on(Tree.NodeSelected, "#goal-tree")
    def _selected(self) -> None:
        self.action_edit()

    def action_edit(self) -> None:
        item = self._current()
        if item is None:
            self.nothing_chosen()
            return
        if isinstance(item, Goal):
            fields = self._goal_fields(item.domain_id)
            fields.insert(4, Field("done", _("Done"), "bool"))
            title = _("Edit goal")
        else:
            fields = self._activity_fields()
            fields.insert(2, Field("done", _("Done"), "bool"))
            title = _("Edit activity")
        values = {f.name: getattr(item, f.name) for f in fields}

        def saved(result: dict[str, Any] | None) -> None:
            if not result:
                return
            if isinstance(item, Goal):
                for name, value in _goal_values(result).items():
                    setattr(item, name, value)
                self.toolbox.goals.update(item)
            else:
                was_done = item.done
                for name, value in result.items():
                    if name != "done":
                        setattr(item, name, value)
                self.toolbox.goals.update_activity(item)
                if result["done"] != was_done:
                    self.toolbox.goals.set_activity_done(item.id or 0, result["done"])
            self.reload(item_key(item))

        kind = "goal" if isinstance(item, Goal) else "activity"
        draft = self.toolbox.drafts.slot(kind, item.id or 0)
        self.app.push_screen(FormScreen(title, fields, values, draft=draft), saved)

    def action_toggle_done(self) -> None:
        item = self._current()
        if item is None:
            self.nothing_chosen()
            return
        if isinstance(item, Goal):
            item.done = not item.done
            self.toolbox.goals.update(item)
            message = _("Goal reached. Well done!") if item.done else _("Goal open again.")
        else:
            self.toolbox.goals.set_activity_done(item.id or 0, not item.done)
            message = _("Ticked off.") if not item.done else _("Not done after all.")
        self.notify(message)
        self.reload(item_key(item))

    def action_delete(self) -> None:
        item = self._current()
        if item is None:
            self.nothing_chosen()
            return
        if isinstance(item, Goal):
            sub_goals, activities = self.data.descendants(item.id or 0)
            question = _("Delete the goal “{title}”?").format(title=item.title)
            if sub_goals or activities:
                question += " " + _(
                    "Its {sub_goals} sub-goal(s) and {activities} activity(ies) go too."
                ).format(sub_goals=sub_goals, activities=activities)

            def delete() -> None:
                self.toolbox.goals.delete(item.id or 0)
                self.reload()

        else:
            question = _("Delete the activity “{title}”?").format(title=item.title)

            def delete() -> None:
                self.toolbox.goals.delete_activity(item.id or 0)
                self.reload()

        self.confirm(question, delete)

    def action_next_domain(self) -> None:
        """Cycle: all life domains, then each visible domain in turn."""
        order: list[int | None] = [None, *(d.id for d in self.data.domains if not d.hidden)]
        position = order.index(self.domain_filter) if self.domain_filter in order else 0
        self.domain_filter = order[(position + 1) % len(order)]
        self.reload()
