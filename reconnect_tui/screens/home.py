"""Home: today's activities, current goals, what matters, and the way to every module."""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from datetime import date

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Size
from textual.message import Message
from textual.widgets import Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..errors import VaultLocked
from ..i18n import N_, _, ngettext
from ..model import Activity, Goal, Role
from ..store import Toolbox
from ..widgets.footer import QuietFooter
from ..widgets.notice import NotForEmergencies
from .access import SessionAccess
from .events import OpenModule
from .localized import LocalizedScreen
from .registry import Module, available_modules, translated_title
from .responsive import Responsive

SHOWN_ACTIVITIES = 6
SHOWN_GOALS = 5


@dataclass(frozen=True, slots=True)
class HomeData:
    """What the service user's side of Home shows, read in its loading thread."""

    activities: list[Activity]
    goals: list[Goal]
    matters: str
    paired: bool = False
    unread: int = 0
    notes: str = ""
    """The unread line and the agreement notes: read here too, not on the UI thread."""


class HomeLoaded(Message):
    """Home's loading thread finished reading; posted to Home only."""

    bubble = False

    def __init__(self, data: HomeData, generation: int) -> None:
        super().__init__()
        self.data = data
        self.generation = generation


def _key_label(key: str) -> str:
    return "/" if key == "slash" else key


class HomeScreen(Responsive, SessionAccess, LocalizedScreen):
    """The first screen after unlocking."""

    AUTO_FOCUS = "#modules"
    """Enter opens the highlighted module, no Tab first (a provider's list of service users
    takes the focus before this applies)."""

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
        self.loaded = False
        """True once the service user's panel shows what was read (tests wait for it)."""
        self._generation = 0
        super().__init__()

    def compose(self) -> ComposeResult:
        self.fit_size()
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
        yield QuietFooter()

    def _user_panel(self) -> ComposeResult:
        yield Static("", id="unread", classes="item")
        yield Static("", id="agreement-notes", classes="item", markup=False)
        # Filled by ``show_data`` from the loading thread, on mount and whenever Home shows
        # again: a goal added or "what matters" edited on another screen shows at once.
        yield Label(_("Today and this week"), classes="section-title")
        yield Static("", id="home-activities", classes="item")
        yield Label(_("Current goals"), classes="section-title")
        yield Static("", id="home-goals", classes="item")
        yield Label(_("What is important in my life"), classes="section-title")
        yield Static("", id="home-matters", classes="item", markup=False)

    def load_data(self, toolbox: Toolbox) -> HomeData:
        """What the service user's panel shows (in a thread worker: reads only)."""
        goals = [g for g in toolbox.goals.list() if g.parent_id is None and not g.done]
        return HomeData(toolbox.goals.due_this_week(self.today)[:SHOWN_ACTIVITIES],
                        goals[:SHOWN_GOALS], toolbox.what_matters.get())

    def show_data(self, data: HomeData) -> None:
        self._show_unread(data)
        activities = self.query_one("#home-activities", Static)
        if data.activities:
            text = Text()
            for activity in data.activities:
                if text:
                    text.append("\n")
                text.append(f"• {activity.title}  ")
                text.append(self._when(activity.scheduled_on), style="dim")
            activities.update(text)
        else:
            activities.update(_("Nothing planned. Activities you schedule in Goals show up here."))
        activities.set_class(not data.activities, "empty").set_class(bool(data.activities), "item")
        goals = self.query_one("#home-goals", Static)
        goals.update(Text("\n".join(f"• {g.title}" for g in data.goals)) if data.goals
                     else _("No goals yet. Press g to set one, big or small."))
        goals.set_class(not data.goals, "empty").set_class(bool(data.goals), "item")
        matters = self.query_one("#home-matters", Static)
        matters.update(data.matters or _("Not written yet. Press l to write it."))
        matters.set_class(not data.matters, "empty").set_class(bool(data.matters), "item")
        self.loaded = True

    def request_load(self) -> None:
        """Read the panel again in a thread worker; a read overtaken by a newer one is dropped."""
        if self.profile.role is Role.PROVIDER:
            return
        self._generation += 1
        self.run_worker(functools.partial(self._read, self._generation), thread=True,
                        group="home-load", name="HomeScreen load")

    def _read(self, generation: int) -> None:
        session = self.current_session()
        if session is None:
            return
        try:
            data = self.load_data(session.toolbox)
            from .provider_home import agreement_notes

            dyads = session.dyads
            data = replace(data, paired=bool(dyads.partners()),
                            unread=dyads.unread_total(),
                            notes=agreement_notes(session, provider=False))
        except VaultLocked:
            return  # locked while reading: Home is about to close
        self.post_message(HomeLoaded(data, generation))

    @on(HomeLoaded)
    def _loaded(self, message: HomeLoaded) -> None:
        message.stop()
        if message.generation == self._generation and self.is_attached:
            self.show_data(message.data)

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
        self.request_load()

    def _screen_resized(self, size: Size) -> None:
        """Textual lays out every screen under a newly pushed one again (the new screen's
        first resize is passed to all of them), so each module screen's open laid out Home as
        well. Under another screen at an unchanged size there is nothing to lay out; Home is laid
        out on its return if the size changed meanwhile (``Screen._on_screen_resume``)."""
        if self.app.screen is not self and size == self._compositor.size:
            return
        super()._screen_resized(size)

    def on_screen_resume(self) -> None:
        """Back from a module or a conversation: goals, "what matters", unread counts and
        waiting times may have changed."""
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
            self.request_load()  # the unread line and notes too, in the loading thread

    def _show_unread(self, data: HomeData) -> None:
        """The service user's "N unread messages" line (hidden until they have paired)."""
        found = self.query("#unread")
        if not found:  # not composed yet, or closing: a sync can end at any moment
            return
        line = found.first(Static)
        line.display = data.paired
        unread = data.unread
        if unread:
            text = ngettext(
                "[b]{n} unread message[/b] · press s to read it",
                "[b]{n} unread messages[/b] · press s to read them",
                unread,
            ).format(n=unread)
        else:
            text = _("No unread messages.")
        line.update(text)
        notes = self.query_one("#agreement-notes", Static)
        text = data.notes
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
