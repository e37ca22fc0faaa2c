"""The Textual app: screens, global keys, command palette, auto-lock. Wiring only.

Locking (Ctrl+L from any screen or dialog, idle minutes, a crash, a lost terminal) goes through
``_secure``: every open form keeps what it holds as a draft (``widgets/drafts.py``), then the
vault closes and its keys are dropped. An unexpected exception takes the crash path
(``crash.py``) instead of Textual's traceback with local variables; a hang-up takes
``hangup.py``'s.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from . import crash
from .hangup import EXIT_CODE as HANGUP_EXIT_CODE
from .hangup import HangupWatch, terminal_fds
from .i18n import N_, _, resolve_language, set_language
from .screens.localized import translate_bindings
from .settings import Settings, load_settings
from .sync.schedule import SyncSchedule

if TYPE_CHECKING:  # the vault is imported when it is first opened, not at start-up
    from rich.console import RenderableType

    from .notify.news import Announcer
    from .screens import events as screen_events
    from .session import Session
    from .store import Toolbox, Vault
    from .sync.dyads import Dyads
    from .sync.engine import SyncReport
    from .sync.live import AppLive

_TEXTUAL_ACTIONS = frozenset(
    b.action for b in [*Screen.BINDINGS, *App.BINDINGS] if isinstance(b, Binding)
)
"""Actions every Textual screen has; F1 lists this screen's own keys, not these."""

AUTO_LOCK_CHECK_SECONDS = 5.0

TOOLBOX_CSS = Path(__file__).with_name("toolbox.tcss").absolute()
"""The CSS of every screen but the first ones (``app.tcss`` holds theirs): read before the first
other screen shows, not before the unlock screen's first paint."""


class ReconnectApp(App[None]):
    """ReConnect in the terminal. Give it a vault path; it creates or unlocks the vault."""

    TITLE = "ReConnect"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("f2", "crisis", N_("Crisis plan"), priority=True, id="crisis"),
        Binding("f1", "help", N_("Help"), id="help"),
        # priority: a dialog (a ModalScreen) or a focused text field never swallows it
        Binding("ctrl+l", "lock", N_("Lock"), id="lock", priority=True),
        Binding("escape", "back", N_("Back"), show=False),
        Binding("ctrl+r", "sync", N_("Sync now"), id="sync"),
        Binding("ctrl+q", "quit", N_("Quit"), id="quit", show=False),
    ]

    sync_status: reactive[str] = reactive("")
    """One line about the relay: "" (no relay yet), "Synced …" or "Offline — N waiting"."""

    def __init__(
        self,
        vault_path: Path,
        settings: Settings | None = None,
        *,
        clock: Callable[[], datetime] = datetime.now,
        auto_lock_seconds: float | None = None,
        language: str | None = None,
        unlock_hint: str = "",
    ) -> None:
        """``unlock_hint``: a line the unlock screen shows instead of its usual help (the demo
        shows its passphrase there)."""
        super().__init__()
        self.unlock_hint = unlock_hint
        self.vault_path = Path(vault_path)
        settings = settings or load_settings()
        chosen = resolve_language(language, settings.language)  # --lang, env, file, locale
        self.settings = replace(settings, language=set_language(chosen))
        self.clock = clock
        self.session: Session | None = None
        self.syncs_started = 0
        """How many syncs this app started (one at a time; see ``request_sync``)."""
        self._sync_again: bool | None = None
        """A sync asked for while one ran: run one more after it (forced if True)."""
        self.live: AppLive | None = None
        self.sync_schedule = SyncSchedule()
        """When the next timed sync is due (``sync/schedule.py``)."""
        self._announcing: Announcer | None = None
        """Live delivery while unlocked with a relay (``sync/live.py``): the relay's push
        channel asks for a sync the moment something arrives."""
        """The unlocked vault and its services (``session.py``); None while locked."""
        minutes = self.settings.auto_lock_minutes
        self.auto_lock_seconds = (
            auto_lock_seconds if auto_lock_seconds is not None else minutes * 60
        )
        self._last_activity = time.monotonic()
        self.theme = self.settings.theme
        self.crash: crash.Failure | None = None
        """What went wrong, once the app took the crash path."""
        self.crash_report: Path | None = None
        self.crash_kept = True
        """False when a form could not be kept as a draft while crashing."""
        self.hung_up = False
        self._return_path: list[tuple[Callable[[], Screen], object | None]] = []
        """The module screens open when the app locked (how to open each again, and its
        highlighted item): reopened after the unlock, so the person is back where they were."""
        self._hangup_watch: HangupWatch | None = None
        self._previous_loop_handler: Callable | None = None

    # -- start, create, unlock, lock ---------------------------------------------------------

    def _load_screen_css(self, screen: Screen) -> None:
        """Textual's hook before a screen is styled: read ``toolbox.tcss`` first unless the
        screen needs only ``app.tcss`` (``APP_CSS_ONLY``: unlock, create, recovery code; and
        Textual's own default screen)."""
        first = getattr(screen, "APP_CSS_ONLY", type(screen) is Screen)
        if not first and not self.stylesheet.has_source(os.path.abspath(TOOLBOX_CSS), ""):
            self.stylesheet.read(TOOLBOX_CSS)
            self.stylesheet.reparse()
            self.stylesheet.update(self)
        super()._load_screen_css(screen)

    def on_mount(self) -> None:
        # Checked even when auto-lock is off: Settings may turn it on while the app runs.
        interval = min(AUTO_LOCK_CHECK_SECONDS, max(self.auto_lock_seconds / 2, 0.05))
        self.set_interval(interval, self._check_idle)
        self.set_interval(1.0, self._timed_sync)
        self._watch_for_hangup()
        loop = asyncio.get_running_loop()
        self._previous_loop_handler = loop.get_exception_handler()
        loop.set_exception_handler(self._loop_exception)
        self._show_lock_screen(self.unlock_hint)

    def _show_lock_screen(self, reason: str = "") -> None:
        if self.vault_path.exists():
            from .screens.unlock import UnlockScreen

            self.push_screen(UnlockScreen(self.vault_path, self.settings.locale, reason))
        else:
            from .screens.create import CreateVaultScreen

            self.push_screen(CreateVaultScreen(self.vault_path, self.settings.locale))

    def _open_session(self, vault: Vault) -> None:
        from .session import Session

        self.session = Session(vault, settings=self.settings, clock=self.clock)

    @property
    def toolbox(self) -> Toolbox | None:
        """The unlocked vault's repositories, or None while locked."""
        session = self.session
        return session.toolbox if session is not None and session.is_open else None

    def vault_created(self, vault: Vault, recovery_code: str) -> None:
        from .screens.recovery_code import RecoveryCodeScreen

        self._open_session(vault)
        self._register_builtin_exercises()
        crisis = self._close_dialogs_over_the_lock()
        self.switch_screen(RecoveryCodeScreen(recovery_code))
        if crisis:
            self.action_crisis()

    def recovery_code_stored(self) -> None:
        self._last_activity = time.monotonic()
        crisis = self._close_dialogs_over_the_lock()
        self.switch_screen(self._home())
        if crisis:
            self.action_crisis()

    def _close_dialogs_over_the_lock(self) -> bool:
        """Close what was opened over the lock (or create) screen while its passphrase was
        being checked (F2, F1), so that Home replaces the lock screen and not the dialog;
        True when the crisis plan was open, to open it again now with the person's own plan."""
        from textual.screen import ModalScreen

        from .screens.crisis import CrisisScreen

        crisis = False
        while len(self.screen_stack) > 2 and isinstance(self.screen, ModalScreen):
            crisis = crisis or isinstance(self.screen, CrisisScreen)
            self.pop_screen()
        return crisis

    # the screens' typed messages (screens/events.py)

    def on_vault_created(self, message: screen_events.VaultCreated) -> None:
        self.vault_created(message.vault, message.recovery_code)

    def on_vault_unlocked(self, message: screen_events.VaultUnlocked) -> None:
        self.unlocked(message.vault)

    def on_recovery_code_stored(self, message: screen_events.RecoveryCodeStored) -> None:
        self.recovery_code_stored()

    def on_lock_requested(self, message: screen_events.LockRequested) -> None:
        self.action_lock(message.reason)

    def on_sync_requested(self, message: screen_events.SyncRequested) -> None:
        self.request_sync(force=message.force, quiet=message.quiet)

    async def on_back_requested(self, message: screen_events.BackRequested) -> None:
        await self.action_back()

    async def on_open_conversation(self, message: screen_events.OpenConversation) -> None:
        from .screens.messages import ConversationScreen
        from .widgets.composer import Composer

        if self.toolbox is None:
            return
        conversation = ConversationScreen(message.partner_id)
        await self.push_screen(conversation)
        if message.about is not None:
            conversation.query_one(Composer).set_about(message.about)

    def on_open_shared_crisis_plan(self, message: screen_events.OpenSharedCrisisPlan) -> None:
        from .screens.shared import SharedWithMeScreen

        self.action_open_module("shared")
        if isinstance(self.screen, SharedWithMeScreen):
            self.screen.open_shared(message.partner_id, "crisis-plan")

    def on_open_module(self, message: screen_events.OpenModule) -> None:
        self.action_open_module(message.module_id)
        if message.item_id is None:
            return
        select = getattr(self.screen, "select_item", None)
        if callable(select):
            self.screen.call_after_refresh(select, message.item_id, message.item_kind,
                                           message.match)

    def unlocked(self, vault: Vault) -> None:
        self._open_session(vault)
        self._register_builtin_exercises()
        self._last_activity = time.monotonic()
        crisis = self._close_dialogs_over_the_lock()
        self.switch_screen(self._home())
        self._return_where_it_was()
        if crisis:
            self.action_crisis()
        self.sync_schedule.due_now()  # what came while the vault was locked, at once
        self._timed_sync()
        self._start_live()  # and one more sync once subscribed: nothing falls in between
        self.call_after_refresh(_settle_heap)

    def _remember_where_it_is(self) -> None:
        """Before locking: which module screens are open above Home, to reopen after the
        unlock. Dialogs are not reopened (what a form held is kept as its draft and offered
        when it is opened again); nor is anything above one."""
        from .screens.home import HomeScreen

        path: list[tuple[Callable[[], Screen], object | None]] = []
        stack = self.screen_stack
        if len(stack) > 1 and isinstance(stack[1], HomeScreen):
            for screen in stack[2:]:
                reopen = getattr(screen, "reopen", None)
                factory = reopen() if callable(reopen) else None
                if factory is None:
                    break
                point = getattr(screen, "return_point", None)
                try:
                    path.append((factory, point() if callable(point) else None))
                except Exception:  # a screen half built: back to it without its item
                    path.append((factory, None))
        self._return_path = path

    def _return_where_it_was(self) -> None:
        """After an unlock: the module screens open at the lock, each with its item."""
        path, self._return_path = self._return_path, []
        for factory, point in path:
            try:
                screen = factory()
            except Exception:  # gone meanwhile (a partner, a forum): stay where we are
                return
            later = getattr(screen, "return_later", None)
            if callable(later):
                later(point)
            self.push_screen(screen)

    # -- sync ---------------------------------------------------------------------------------

    def _relay_url(self) -> str:
        from .sync.service import known_relay_url

        return known_relay_url(self.toolbox.vault, self.settings.relay_url) if self.toolbox else ""

    def _start_live(self) -> bool:
        """Keep the relay's push channel open while unlocked (again after the relay address
        changed); False when there is no relay yet."""
        session, url = self.session, self._relay_url()
        if session is None or not url:
            return False
        if self.live is not None:
            if self.live.relay_url == url and not self.live.stopped.is_set():
                return True
            self.live.stop()
        from .screens.events import SyncRequested
        from .sync.live import AppLive

        def ask() -> None:  # from the live thread: the app's one sync path
            self.post_message(SyncRequested(force=False, quiet=True))

        self.live = AppLive(url, lambda: session.sync.push_targets(), ask).start()
        return True

    def _stop_live(self) -> None:
        live, self.live = self.live, None
        if live is not None:
            live.stop()

    def _timed_sync(self) -> None:
        """Sync when the schedule says so (``sync/schedule.py``: a minute, five with a push
        channel open, backing off while offline); the one running covers it."""
        if self.sync_schedule.due() and not self.sync_running():
            self.sync_schedule.synced(offline=False, push_up=self.live is not None
                                      and self.live.up)  # provisional, until it reports
            if self.toolbox is not None and not self._relay_url():
                self.look_for_news()  # no relay yet: reminders are still due on their day
                return
            self.request_sync(force=False, quiet=True)

    @work(thread=True, exclusive=True, group="news")
    def look_for_news(self) -> None:
        """Today's reminders (and anything a sync brought) told once, read off the UI thread;
        a sync does this after it ends, this is for a vault that has no relay."""
        from .errors import ReconnectError

        session = self.session
        if session is None:
            return
        with contextlib.suppress(ReconnectError):  # a courtesy: the vault may have locked
            self._announcer(session.vault).look()

    def action_sync(self) -> None:
        """Sync now (Ctrl+R), retrying whatever is waiting."""
        self.request_sync(force=True, quiet=False)

    def sync_running(self) -> bool:
        return any(w.group == "sync" and not w.is_finished for w in self.workers)

    def request_sync(self, *, force: bool, quiet: bool) -> None:
        """The one place a sync starts. Never two at once: asked for while one runs, one more
        runs after it (what was queued since may have missed the one running), however often
        it was asked for. ``quiet``: say nothing when there is no relay yet."""
        if self.toolbox is None:
            return
        if not self._relay_url():
            if not quiet:
                self.notify(
                    _(
                        "No relay yet: pairing with a provider sets one up (or run `reconnect sync`"
                        " --relay URL)."
                    ),
                    title=_("Sync"),
                )
            return
        if self.sync_running():
            self._sync_again = bool(self._sync_again) or force
            return
        if force:
            self.sync_status = _("Syncing…")
        self.syncs_started += 1
        self.run_sync(force=force)

    @work(thread=True, exclusive=True, group="sync")
    def run_sync(self, force: bool) -> None:
        """The network never blocks the interface: sync runs in a thread worker."""
        from .errors import ReconnectError

        session = self.session
        if session is None:
            return
        try:
            report = session.sync.sync(self._relay_url(), force=force, timeout=5.0)
        except ReconnectError as error:  # the vault was locked meanwhile, a bad address …
            self.call_from_thread(setattr, self, "sync_status", str(error))
            return
        status = report.summary()
        restored = _restore_status(session, report)
        self.call_from_thread(setattr, self, "sync_status",
                              f"{status}\n{restored}" if restored else status)
        push_up = self.live is not None and self.live.up
        self.call_from_thread(self.sync_schedule.synced, offline=report.offline, push_up=push_up)
        if report.restored:  # the vault was put back to an older copy (docs/dyads.md)
            self.call_from_thread(self.notify, restored,
                                  title=_("Restored from a backup"), severity="warning",
                                  timeout=30)
        for problem in dict.fromkeys(report.problems):  # e.g. a share too large to publish
            self.call_from_thread(self.notify, problem, severity="warning", timeout=10)
        with contextlib.suppress(ReconnectError):  # a courtesy: never fails a sync
            self._announcer(session.vault).look()

    def _announcer(self, vault: Vault) -> Announcer:
        """New messages, check-ins, agreements and due reminders while the app is open: a
        bell, and OSC 9 to the app's own terminal (``notify/``; the watch beside the app
        shares what was told through the vault, so nothing is told twice)."""
        from .notify.news import Announcer
        from .notify.notifier import Notifier
        from .notify.terminal import TerminalBell

        if self._announcing is None or self._announcing.vault is not vault:
            self._announcing = Announcer(vault, Notifier.from_settings(
                self.settings, TerminalBell(self)))
        return self._announcing

    def _home(self) -> Screen:
        from .screens.home import HomeScreen

        assert self.toolbox is not None
        return HomeScreen(self.toolbox, self.today())

    # -- settings -----------------------------------------------------------------------------

    def action_settings(self) -> None:
        """Theme, auto-lock, language and relay address (palette, F1)."""
        from .screens.settings import SettingsScreen

        if isinstance(self.screen, SettingsScreen):
            return
        saved = load_settings()  # the file's own values: "" for a language left to the system
        self.push_screen(
            SettingsScreen(saved, sorted(self.available_themes), self.settings.language),
            self._settings_chosen,
        )

    def _settings_chosen(self, result: dict[str, Settings] | None) -> None:
        if result is not None:
            self.apply_settings(result["settings"])

    def apply_settings(self, chosen: Settings) -> None:
        """Use ``chosen`` now and keep it in the settings file. A new language rebuilds Home
        (or the lock screen), so every label and key in the footer switches together."""
        from .settings import save_settings

        try:
            save_settings(chosen)
        except OSError as error:
            self.notify(_("The settings apply now but could not be saved: {reason}").format(
                reason=error.strerror or type(error).__name__), severity="warning", timeout=10)
        language = set_language(resolve_language(None, chosen.language))
        changed = language != self.settings.language
        self.settings = replace(chosen, language=language)
        self._announcing = None  # notifications as now chosen
        self.auto_lock_seconds = chosen.auto_lock_minutes * 60
        self._last_activity = time.monotonic()
        self.theme = chosen.theme
        if changed:
            if self.toolbox is not None:
                self.show_home()
            else:
                self.switch_screen_to_lock()
        self.refresh_bindings()
        self.notify(_("Settings saved."), timeout=3)

    def switch_screen_to_lock(self) -> None:
        """The lock screen again (after a change of language while locked)."""
        while len(self.screen_stack) > 2:
            self.pop_screen()
        if len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_lock_screen()

    def watch_theme(self, theme: str) -> None:
        """A theme picked from the palette's "Change theme" is kept for next time too."""
        if theme and theme != self.settings.theme and self.is_running:
            from .settings import save_settings

            self.settings = replace(self.settings, theme=theme)
            file_settings = replace(load_settings(), theme=theme)
            try:
                save_settings(file_settings)
            except OSError as error:
                self.notify(_("The theme applies now but could not be saved: {reason}").format(
                    reason=error.strerror or type(error).__name__), severity="warning")

    def show_home(self) -> None:
        """Back to Home with fresh content, closing every screen above it."""
        self._close_screens_above(2)
        self.switch_screen(self._home())

    def _register_builtin_exercises(self) -> None:
        try:
            from .library import exercises
        except ImportError:
            return
        assert self.toolbox is not None
        for exercise in exercises(self.settings.language):
            self.toolbox.exercises.register_builtin(
                exercise.slug, exercise.title, exercise.category
            )

    def action_lock(self, reason: str = "") -> None:
        """Keep open forms as drafts, drop the keys, close every screen and dialog, and show
        the unlock screen."""
        if self.toolbox is None:
            return
        try:
            self._remember_where_it_is()
        except Exception:  # never in the way of locking
            self._return_path = []
        if not self._secure():
            self.notify(_("Something you had typed could not be kept as a draft."),
                        severity="warning")
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self._show_lock_screen(reason)

    def keep_drafts(self, screens: Iterable[Screen] | None = None) -> bool:
        """Every open form and composer (of ``screens``; default: all) keeps what it holds as
        a draft. False when one could not (the others are kept all the same)."""
        from .widgets.drafts import KeepsDraft

        kept = True
        for screen in list(self.screen_stack if screens is None else screens):
            for node in list(screen.walk_children(with_self=True)):
                if isinstance(node, KeepsDraft):
                    try:
                        node.keep_draft()
                    except Exception:
                        kept = False
        return kept

    def _close_screens_above(self, depth: int) -> None:
        """Close screens until ``depth`` are left; what their forms and composers hold is kept
        as drafts first (a message half written, a form left by opening another module)."""
        while len(self.screen_stack) > depth:
            if self.toolbox is not None:
                self.keep_drafts([self.screen])
            self.pop_screen()

    def _secure(self) -> bool:
        """Keep drafts, then close the vault and drop its keys. True when nothing typed was
        lost. Never raises: this is also the crash and hang-up path."""
        session = self.session
        if session is None:
            return True
        try:
            kept = self.keep_drafts()
        except Exception:
            kept = False
        self.session = None
        self._sync_again = None
        with contextlib.suppress(Exception):
            self._stop_live()
        with contextlib.suppress(Exception):
            self.workers.cancel_group(self, "sync")
        session.close()
        with contextlib.suppress(Exception):
            self.sync_status = ""
        return kept

    async def action_quit(self) -> None:
        """Ctrl+Q: what is typed in an open form is kept as a draft, as when locking."""
        self._secure()
        await super().action_quit()

    def _check_idle(self) -> None:
        if self.toolbox is None or self.auto_lock_seconds <= 0:
            return
        if time.monotonic() - self._last_activity >= self.auto_lock_seconds:
            self.action_lock(_("Locked after a while without activity."))

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown | events.MouseScrollDown):
            self._last_activity = time.monotonic()
        if isinstance(event, events.Paste):  # pasted escape codes never reach a field
            from .text_safety import clean_text  # not before the first paint (cold start)

            event.text = clean_text(event.text)
        await super().on_event(event)

    def today(self) -> date:
        return self.clock().date()

    @property
    def dyads(self) -> Dyads:
        """The session's dyads service (``VaultLocked`` while locked)."""
        from .errors import VaultLocked

        if self.session is None:
            raise VaultLocked(_("The vault is locked."))
        return self.session.dyads

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """After a sync, the screen shown may have new messages or statuses to show; a sync
        asked for meanwhile runs now."""
        if event.worker.group != "sync" or not event.worker.is_finished:
            return
        if event.state is WorkerState.SUCCESS:
            refresh = getattr(self.screen, "refresh_after_sync", None)
            # a sync can end while the screen is still being built: it reads when mounted
            if callable(refresh) and self.toolbox is not None and self.screen.is_mounted:
                refresh()
        if self.toolbox is not None and self._start_live() and self.live is not None:
            self.live.poke()  # new mailboxes (a partner paired) are subscribed at once
        again, self._sync_again = self._sync_again, None
        if again is not None and self.toolbox is not None:
            self.request_sync(force=again, quiet=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Lock and sync are offered only while unlocked."""
        if action in ("lock", "sync"):
            return self.toolbox is not None
        return True

    # -- navigation --------------------------------------------------------------------------

    def action_crisis(self) -> None:
        from .model import Role
        from .screens.crisis import CrisisScreen

        if isinstance(self.screen, CrisisScreen):
            self.screen.dismiss(None)
            return
        if self.toolbox is None:
            self.push_screen(CrisisScreen(None, "", self.settings.locale))
            return
        profile = self.toolbox.profile.get()
        if profile.role is Role.PROVIDER and self.session is not None:  # the numbers, and
            shared = [(person.partner_id, person.name)  # the plans shared with them
                      for person in self.session.sharing.shared_with_me()
                      if any(item.module == "crisis-plan" for item in person.items)]
            self.push_screen(CrisisScreen(None, profile.name, profile.locale, shared_plans=shared))
            return
        self.push_screen(CrisisScreen(self.toolbox.crisis_plan.get(), profile.name, profile.locale))

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            return
        screen = self.screen
        keys: list[tuple[str, str]] = []
        seen: set[str] = set()
        global_actions = {"crisis", "help", "lock", "back", "sync", "quit", "command_palette"}
        for active in translate_bindings(screen.active_bindings).values():
            binding = active.binding
            if (not binding.description or binding.action in global_actions
                    or binding.action in seen or not active.enabled):
                continue
            if binding.action in _TEXTUAL_ACTIONS:  # focus next, copy … (Textual's own)
                continue
            if not binding.show and active.node is not screen:  # a widget's cursor keys
                continue
            seen.add(binding.action)
            keys.append((self.get_key_display(binding), binding.description))
        from .screens.settings import LANGUAGE_NAMES

        settings_line = _("Theme {theme} · lock after {minutes} idle minutes · {language}").format(
            theme=self.theme, minutes=self.auto_lock_seconds // 60,
            language=LANGUAGE_NAMES.get(self.settings.language, self.settings.language))
        title = str(screen.sub_title or screen.title or "")
        self.push_screen(HelpScreen(title, keys, settings_line))

    async def action_back(self) -> None:
        """Escape: close the top screen, but never the lock screen or Home. A message half
        written in it is kept as a draft (the composer offers it again)."""
        if len(self.screen_stack) > 2:
            if self.toolbox is not None:
                self.keep_drafts([self.screen])
            await self.pop_screen()

    def action_open_module(self, module_id: str) -> None:
        from .screens.registry import MODULES

        if self.toolbox is None:
            return
        module = next((m for m in MODULES if m.id == module_id), None)
        if module is None:
            return
        self._close_screens_above(2)
        self.push_screen(module.screen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Every action is in the palette: the app's, the current screen's, every module."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for key, active in translate_bindings(screen.active_bindings).items():
            binding = active.binding
            if not binding.description or binding.action in seen or not active.enabled:
                continue
            seen.add(binding.action)
            yield SystemCommand(
                binding.description,
                binding.tooltip or _("Key: {key}").format(key=key),
                partial(self.run_action, binding.action, active.node),
            )
        if self.toolbox is not None and "lock" not in seen:  # over a dialog: its keys only
            yield SystemCommand(_("Lock"), _("Key: {key}").format(key="ctrl+l"), self.action_lock)
        if self.toolbox is not None:
            from .screens.registry import available_modules, translated_title

            for module in available_modules(self.toolbox.profile.get().role):
                yield SystemCommand(
                    _("Open: {title}").format(title=translated_title(module)),
                    _(module.summary),
                    partial(self.action_open_module, module.id),
                )
            yield SystemCommand(_("Home"), _("Back to the first screen"), self.show_home)
        yield SystemCommand(_("Settings"), _("Theme, auto-lock, language and relay address"),
                            self.action_settings)

    def on_unmount(self) -> None:
        if self._hangup_watch is not None:
            self._hangup_watch.stop()
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().set_exception_handler(self._previous_loop_handler)
        if self.session is not None:
            self.session.close()
            self.session = None

    # -- a crash, a hang-up ------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        """Every unexpected exception ends here (Textual calls this from handlers, workers and
        timers). Textual's own version prints the traceback with local variables; this one
        locks, keeps drafts, writes a report without locals or messages and exits with
        ``crash.EXIT_CODE``. ``run_app`` prints the one line once the terminal is back."""
        if self.vault_refused_write(crash.unwrap(error)):  # a full disk is not a crash
            return
        self._return_code = crash.EXIT_CODE
        if self._exception is None:  # Pilot re-raises it in tests: the cause, not the wrapper
            cause = crash.unwrap(error)
            self._exception = cause if isinstance(cause, Exception) else error
            self._exception_event.set()
        self._crashed(lambda: crash.describe(error))

    def panic(self, *renderables: RenderableType) -> None:
        """Textual's other way out (its input thread failing): the same crash path; what it
        would have printed is read for type names and frames only."""
        self._return_code = crash.EXIT_CODE
        traces = [r.trace for r in renderables if hasattr(r, "trace")]
        self._crashed(lambda: crash.describe_trace(traces[0]) if traces
                      else crash.Failure("Panic"))

    def _fatal_error(self) -> None:
        """Never Textual's traceback with locals, whatever calls this."""
        import sys

        error = sys.exc_info()[1]
        self._handle_exception(error if isinstance(error, Exception) else RuntimeError())

    def _crashed(self, describe: Callable[[], crash.Failure]) -> None:
        if self.crash is None:
            try:
                failure = describe()
            except Exception:
                failure = crash.Failure("Exception")
            self.crash = failure
            try:
                self.crash_kept = self._secure()
            except Exception:
                self.crash_kept = False
            self.crash_report = crash.write_report(failure)
        self._exit_renderables.clear()
        self._close_messages_no_wait()

    def _loop_exception(self, loop: asyncio.AbstractEventLoop, context: dict) -> None:
        """An exception in a callback or a task nobody awaited: asyncio would log it, message
        and all, onto the terminal. It takes the crash path instead; asyncio's other notes
        (no exception in them) are dropped."""
        error = context.get("exception")
        if isinstance(error, Exception):
            self._handle_exception(error)

    def _watch_for_hangup(self) -> None:
        """A closed terminal (SIGHUP, or the terminal gone) locks the app and ends it."""
        if self.is_headless:
            return
        loop = asyncio.get_running_loop()
        def hung_up() -> None:  # from the watch's thread
            loop.call_soon_threadsafe(self._hung_up)

        watch = HangupWatch(hung_up, terminal_fds())
        try:
            watch.start(loop)
        except (RuntimeError, ValueError, NotImplementedError):  # not the main thread
            return
        self._hangup_watch = watch

    def _hung_up(self) -> None:
        self.hung_up = True
        self._secure()
        self.exit(return_code=HANGUP_EXIT_CODE)

    # -- a full disk, a folder that cannot be written ----------------------------------------

    def vault_refused_write(self, error: BaseException) -> bool:
        """A full disk or a folder ReConnect cannot write is not a crash: SQLite rolled the
        change back and the vault is intact. Say what is wrong and carry on, unlocked."""
        from .errors import DiskFull, VaultNotWritable

        if not isinstance(error, DiskFull | VaultNotWritable):
            return False
        self.notify(str(error), title=_("Not saved"), severity="error", timeout=30)
        return True


def _restore_status(session: Session, report: SyncReport) -> str:
    """The notice that this vault was restored from a backup: from the sync that found it
    until every partner has answered on a new session (docs/dyads.md). "" otherwise."""
    from .errors import ReconnectError
    from .sync.restore import notice, restored_from

    if report.restored:
        return notice(report.restored_from)
    with contextlib.suppress(ReconnectError):  # a courtesy: never fails a sync
        if session.dyads.resets_open():
            return notice(restored_from(session.vault))
    return ""


def _settle_heap() -> None:
    """Move what start-up and unlocking allocated out of the garbage collector's way: a full
    collection otherwise walks all of Textual's long-lived objects on every screen opened."""
    import gc

    gc.collect()
    gc.freeze()


def run_app(vault_path: Path, language: str | None = None, *, unlock_hint: str = "") -> int:
    """Run the app on ``vault_path``; the exit code (after a crash, its one line printed)."""
    app = ReconnectApp(vault_path, language=language, unlock_hint=unlock_hint)
    try:
        app.run()
    finally:
        if app.session is not None:  # however it ended, the keys go
            app.session.close()
            app.session = None
    return finish(app)


def finish(app: ReconnectApp) -> int:
    """The exit code of an app that ran, after saying what happened if it did not end well."""
    if app.crash is not None:
        crash.say(crash.message(app.crash, app.crash_report, kept=app.crash_kept))
        return crash.EXIT_CODE
    if app.hung_up:
        return HANGUP_EXIT_CODE
    return app.return_code or 0
