"""Later runs: unlock the vault. Argon2id runs in a thread; the interface never freezes."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Input, Label, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ..errors import ReconnectError
from ..i18n import _
from ..widgets.footer import QuietFooter
from ..widgets.notice import NotForEmergencies
from .events import VaultUnlocked
from .localized import LocalizedScreen

if TYPE_CHECKING:
    from ..store import Vault


class UnlockScreen(LocalizedScreen):
    APP_CSS_ONLY = True
    """Painted before the toolbox's CSS is read (``app.TOOLBOX_CSS``)."""
    AUTO_FOCUS = "#passphrase"
    # A damaged vault, a read-only folder or a full disk takes more than one line to explain
    # (the file, what to do): the message wraps instead of being cut at the screen's edge.
    DEFAULT_CSS = """
    UnlockScreen #error {
        width: 100%;
    }
    """

    def __init__(self, vault_path: Path, locale: str, reason: str = "") -> None:
        super().__init__()
        self.vault_path = vault_path
        self.locale = locale
        self.reason = reason

    def compose(self) -> ComposeResult:
        yield NotForEmergencies(self.locale)
        with VerticalScroll(classes="form narrow"):
            yield Label(_("ReConnect is locked"), classes="title")
            yield Static(self.reason or _("Type your passphrase and press Enter."), classes="help")
            yield Input(id="passphrase", password=True, placeholder=_("Passphrase"))
            yield Label("", id="error", classes="error")
            yield Static(
                _("Forgot it? Run `reconnect recover` with your recovery code."), classes="help"
            )
            yield Static(_("Vault: {path}").format(path=self.vault_path), classes="help path")
        yield QuietFooter()

    @on(Input.Submitted, "#passphrase")
    def submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            return
        field = self.query_one("#passphrase", Input)
        field.disabled = True
        self._show_busy()
        self.query_one("#error", Label).update(_("Unlocking…"))
        self.unlock(event.value)

    @work(thread=True, exclusive=True, group="vault")
    def unlock(self, passphrase: str) -> Vault | str:
        """The vault, or the message saying why not; shown once the worker has finished.

        Handing the vault over from the thread let Home replace this screen while its worker
        still ran, so the worker ended as cancelled. Now the worker finishes first and
        ``on_worker_state_changed`` posts ``VaultUnlocked`` on the UI thread; a vault unlocked
        after the screen went away (lock, hang-up) is closed again.
        """
        from ..store import Vault  # imported when needed: keeps start-up light

        try:
            vault = Vault.unlock(self.vault_path, passphrase)
        except ReconnectError as exc:
            return str(exc)
        if get_current_worker().is_cancelled:
            vault.close()
            return ""
        return vault

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "vault" or event.state is not WorkerState.SUCCESS:
            return
        result = event.worker.result
        if isinstance(result, str):
            self._failed(result)
        elif result is not None:
            self.app.post_message(VaultUnlocked(result))

    def _show_busy(self) -> None:
        """The loading indicator, mounted under the message the first time: it is not needed
        for the first paint (a cold start waits for every widget of this screen)."""
        shown = self.query("#busy")
        if shown:
            shown.first().display = True
            return
        from textual.widgets import LoadingIndicator

        self.query_one(VerticalScroll).mount(LoadingIndicator(id="busy"), after="#error")

    def _failed(self, message: str) -> None:
        for busy in self.query("#busy"):
            busy.display = False
        self.query_one("#error", Label).update(message)
        field = self.query_one("#passphrase", Input)
        field.disabled = False
        field.value = ""
        field.focus()

