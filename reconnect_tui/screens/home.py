"""Home: today's activities, current goals, what matters, and the way to every module."""

from __future__ import annotations

from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import _
from ..model import Role
from ..store import Toolbox
from ..widgets.notice import NotForEmergencies
from .registry import Module, available_modules, translated_title


def _key_label(key: str) -> str:
    return "/" if key == "slash" else key


class HomeScreen(Screen):
    """The first screen after unlocking."""

    def __init__(self, toolbox: Toolbox, today: date) -> None:
        self.toolbox = toolbox
        self.today = today
        self.profile = toolbox.profile.get()
        self.modules: list[Module] = available_modules(self.profile.role)
        super().__init__()

    def compose(self) -> ComposeResult:
        yield Header()
        yield NotForEmergencies(self.profile.locale)
        yield Static("", id="sync-status", classes="help")
        with Horizontal(id="home"):
            with VerticalScroll(id="today"):
                if self.profile.role is Role.PROVIDER:
                    yield from self._provider_panel()
                else:
                    yield from self._user_panel()
            with Vertical(id="modules-panel"):
                yield Label(_("Your toolbox"), classes="section-title")
                yield OptionList(
                    *[
                        Option(f"[b]{_key_label(m.key)}[/b]  {translated_title(m)}", id=m.id)
                        for m in self.modules
                    ],
                    id="modules",
                )
        yield Footer()

    def _user_panel(self) -> ComposeResult:
        yield Label(_("Today and this week"), classes="section-title")
        activities = self.toolbox.goals.due_this_week(self.today)
        if activities:
            for activity in activities[:6]:
                when = self._when(activity.scheduled_on)
                yield Static(f"• {activity.title}  [dim]{when}[/dim]", classes="item")
        else:
            yield Static(
                _("Nothing planned. Activities you schedule in Goals show up here."),
                classes="empty",
            )
        yield Label(_("Current goals"), classes="section-title")
        goals = [g for g in self.toolbox.goals.list() if g.parent_id is None and not g.done]
        if goals:
            for goal in goals[:5]:
                yield Static(f"• {goal.title}", classes="item")
        else:
            yield Static(_("No goals yet. Press g to set one, big or small."), classes="empty")
        yield Label(_("What is important in my life"), classes="section-title")
        matters = self.toolbox.what_matters.get()
        yield Static(
            matters or _("Not written yet. Press l to write it."),
            classes="item" if matters else "empty",
            markup=False,
        )

    def _provider_panel(self) -> ComposeResult:
        yield Label(_("Your service users"), classes="section-title")
        yield Static(
            _(
                "No one is paired with you yet. When a service user joins with your invitation"
                " code, they appear here with what they chose to share and their messages."
            ),
            classes="empty",
        )

    def _when(self, day: date | None) -> str:
        if day is None:
            return ""
        if day < self.today:
            return _("overdue since {day}").format(day=day.isoformat())
        if day == self.today:
            return _("today")
        return _(day.strftime("%A"))

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self._show_sync_status)

    def _show_sync_status(self, text: str) -> None:
        status = self.query_one("#sync-status", Static)
        status.update(text)
        status.display = bool(text)

    def on_key(self, event: events.Key) -> None:
        """The letter beside a module opens it (Home has no text fields to type into)."""
        for module in self.modules:
            if event.key == module.key:
                event.stop()
                self.app.action_open_module(module.id)
                return

    @on(OptionList.OptionSelected, "#modules")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.action_open_module(event.option.id or "")
