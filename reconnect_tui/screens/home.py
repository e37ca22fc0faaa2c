"""Home: today's activities, current goals, what matters, and the way to every module."""

from __future__ import annotations

from datetime import date

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..i18n import N_, _, ngettext
from ..model import Role
from ..store import Toolbox
from ..widgets.notice import NotForEmergencies
from .access import SessionAccess
from .events import OpenModule
from .localized import LocalizedScreen
from .registry import Module, available_modules, translated_title


def _key_label(key: str) -> str:
    return "/" if key == "slash" else key


class HomeScreen(SessionAccess, LocalizedScreen):
    """The first screen after unlocking."""

    BINDINGS = [
        Binding(
            "p", "pair", N_("Pair"), tooltip=N_("Create an invitation code, or enter one you got")
        ),
    ]

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
        yield Static("", id="unread", classes="item")
        yield Static("", id="agreement-notes", classes="item", markup=False)
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
        from .provider_home import ProviderDyads

        yield ProviderDyads(id="provider-dyads")

    def _when(self, day: date | None) -> str:
        if day is None:
            return ""
        if day < self.today:
            return _("overdue since {day}").format(day=formats.day(day))
        if day == self.today:
            return _("today")
        return formats.weekday(day)

    def on_mount(self) -> None:
        self.watch(self.app, "sync_status", self._show_sync_status)
        self._show_unread()

    def on_screen_resume(self) -> None:
        """Back from a conversation: unread counts and waiting times may have changed."""
        self.refresh_after_sync()

    def refresh_after_sync(self) -> None:
        """Called by the app when a sync finished (and on resume, unless it is locking)."""
        if self.current_session() is None or not self.is_mounted:
            return
        if self.profile.role is Role.PROVIDER:
            from .provider_home import ProviderDyads

            # a sync can end before Home is composed or while it closes: nothing to refresh
            for panel in self.query(ProviderDyads):
                panel.reload()
        else:
            self._show_unread()

    def _show_unread(self) -> None:
        """The service user's "N unread messages" line (hidden until they have paired)."""
        if self.profile.role is Role.PROVIDER:
            return
        found = self.query("#unread")
        if not found:  # not composed yet, or closing: a sync can end at any moment
            return
        line = found.first(Static)
        dyads = self.session.dyads
        line.display = bool(dyads.partners())
        unread = dyads.unread_total()
        if unread:
            text = ngettext(
                "[b]{n} unread message[/b] · press s to read it",
                "[b]{n} unread messages[/b] · press s to read them",
                unread,
            ).format(n=unread)
        else:
            text = _("No unread messages.")
        line.update(text)
        from .provider_home import agreement_notes

        notes = self.query_one("#agreement-notes", Static)
        text = agreement_notes(self.session, provider=False)
        notes.update(text)
        notes.display = bool(text)

    def action_pair(self) -> None:
        """Providers create an invitation code; service users enter the one they were given."""
        from .pairing import InvitationScreen, JoinScreen

        provider = self.profile.role is Role.PROVIDER
        self.app.push_screen(InvitationScreen() if provider else JoinScreen())

    def _show_sync_status(self, text: str) -> None:
        status = self.query_one("#sync-status", Static)
        status.update(text)
        status.display = bool(text)

    def on_key(self, event: events.Key) -> None:
        """The letter beside a module opens it (Home has no text fields to type into)."""
        for module in self.modules:
            if event.key == module.key:
                event.stop()
                self.app.post_message(OpenModule(module.id))
                return

    @on(OptionList.OptionSelected, "#modules")
    def open_selected(self, event: OptionList.OptionSelected) -> None:
        self.app.post_message(OpenModule(event.option.id or ""))
