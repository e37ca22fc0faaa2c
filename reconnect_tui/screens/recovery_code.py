"""The recovery code, shown once after the vault is created."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Label, Static

from ..i18n import _
from ..widgets.footer import QuietFooter
from ..widgets.toggles import StateCheckbox
from .events import RecoveryCodeStored
from .localized import LocalizedScreen


class RecoveryCodeScreen(LocalizedScreen[None]):
    """Show the code and go on only when the person says they have stored it."""

    APP_CSS_ONLY = True
    """Painted before the toolbox's CSS is read (``app.TOOLBOX_CSS``)."""

    AUTO_FOCUS = "#stored"

    def __init__(self, code: str) -> None:
        super().__init__()
        self.code = code

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="form narrow"):
            yield Label(_("Your recovery code"), classes="title")
            yield Static(
                _(
                    "If you ever forget your passphrase, this code is the only way back into"
                    " your vault. Nobody else has it, not even us. It is shown only this once."
                ),
                classes="help",
            )
            yield Static(self.code, id="code")
            yield Static(
                _(
                    "Write it on paper and keep it somewhere safe, away from this computer."
                    " To use it later, run: reconnect recover"
                ),
                classes="help",
            )
            yield StateCheckbox(_("I have written the code down and stored it safely"), id="stored")
            with Horizontal(classes="buttons"):
                yield Button(_("Continue"), id="continue", variant="primary", disabled=True)
        yield QuietFooter()

    @on(Checkbox.Changed, "#stored")
    def stored_changed(self, event: Checkbox.Changed) -> None:
        self.query_one("#continue", Button).disabled = not event.value

    @on(Button.Pressed, "#continue")
    def go_on(self) -> None:
        self.code = ""
        self.app.post_message(RecoveryCodeStored())
