"""First run: create the vault (name, role, passphrase twice), then show the recovery code."""

from __future__ import annotations

from pathlib import Path

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import (
    Button,
    Input,
    Label,
    LoadingIndicator,
    RadioButton,
    RadioSet,
    Static,
)

from ..errors import ReconnectError
from ..i18n import N_, _
from ..model import Profile, Role
from ..passphrase import MIN_LENGTH, strength_hint
from ..text_safety import name_problem
from ..widgets.footer import QuietFooter
from ..widgets.notice import NotForEmergencies
from ..widgets.toggles import StateRadioButton
from .events import VaultCreated
from .localized import LocalizedScreen


class CreateVaultScreen(LocalizedScreen):
    """Make a new encrypted vault on this machine."""

    APP_CSS_ONLY = True
    """Painted before the toolbox's CSS is read (``app.TOOLBOX_CSS``)."""

    BINDINGS = [Binding("ctrl+s", "create", N_("Create vault"))]
    AUTO_FOCUS = "#name"
    # The passphrase's strength is advice, not an error: muted, and amber only while weak.
    DEFAULT_CSS = """
    CreateVaultScreen #strength { color: $text-muted; }
    CreateVaultScreen #strength.weak { color: $text-warning; }
    """

    def __init__(self, vault_path: Path, locale: str) -> None:
        super().__init__()
        self.vault_path = vault_path
        self.locale = locale

    def compose(self) -> ComposeResult:
        yield NotForEmergencies(self.locale)
        with VerticalScroll(classes="form narrow"):
            yield Label(_("Welcome to ReConnect"), classes="title")
            yield Static(
                _(
                    "Everything you write stays in an encrypted vault on this machine. Only what"
                    " you choose to share ever leaves it."
                ),
                classes="help",
            )
            yield Label(_("Your name (as your provider will see it)"))
            yield Input(id="name", placeholder=_("e.g. Kari"))
            yield Label(_("I am"))
            with RadioSet(id="role"):
                yield StateRadioButton(_("a service user"), value=True, id="role-user")
                yield StateRadioButton(_("a health provider"), id="role-provider")
            yield Label(_("Passphrase (at least {n} characters)").format(n=MIN_LENGTH))
            yield Input(
                id="passphrase", password=True, placeholder=_("a few words you will remember")
            )
            yield Label("", id="strength")
            yield Label(_("The same passphrase again"))
            yield Input(id="confirm", password=True, placeholder=_("type it once more"))
            yield Label("", id="error", classes="error")
            with Horizontal(classes="buttons"):
                yield Button(_("Create vault"), id="create", variant="primary")
            yield _hidden(LoadingIndicator(id="busy"))
        yield QuietFooter()

    @on(Input.Changed, "#passphrase")
    def show_strength(self, event: Input.Changed) -> None:
        score, hint = strength_hint(event.value)
        label = self.query_one("#strength", Label)
        label.update(hint if event.value else "")
        label.set_class(score <= 1, "weak")

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        order = ["name", "passphrase", "confirm"]
        if event.input.id == "confirm":
            self.action_create()
        elif event.input.id in order:
            self.query_one(f"#{order[order.index(event.input.id) + 1]}", Input).focus()

    @on(Button.Pressed, "#create")
    def pressed_create(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        name = self.query_one("#name", Input).value.strip()
        passphrase = self.query_one("#passphrase", Input).value
        confirm = self.query_one("#confirm", Input).value
        provider = self.query_one("#role-provider", RadioButton).value
        if not name:
            return self._error(_("Please write your name."), "#name")
        if problem := name_problem(name):
            return self._error(problem, "#name")
        if len(passphrase) < MIN_LENGTH:
            return self._error(
                _("The passphrase needs at least {n} characters.").format(n=MIN_LENGTH),
                "#passphrase",
            )
        if passphrase != confirm:
            return self._error(_("The two passphrases are not the same."), "#confirm")
        self._error("")
        self._busy(True)
        role = Role.PROVIDER if provider else Role.USER
        self.create_vault(Profile(name=name, role=role, locale=self.locale), passphrase)

    @work(thread=True, exclusive=True, group="vault")
    def create_vault(self, profile: Profile, passphrase: str) -> None:
        from ..store import Vault  # imported when needed: keeps start-up light

        try:
            vault, code = Vault.create(self.vault_path, passphrase, profile)
        except ReconnectError as exc:
            self.app.call_from_thread(self._failed, str(exc))
            return
        self.app.post_message(VaultCreated(vault, code))

    def _failed(self, message: str) -> None:
        self._busy(False)
        self._error(message)

    def _busy(self, busy: bool) -> None:
        self.query_one("#busy").display = busy
        self.query_one("#create", Button).disabled = busy
        if busy:
            self.query_one("#error", Label).update(_("Creating your vault…"))

    def _error(self, message: str, focus: str | None = None) -> None:
        self.query_one("#error", Label).update(message)
        if focus:
            self.query_one(focus, Input).focus()


def _hidden(widget: LoadingIndicator) -> LoadingIndicator:
    """Hidden from the start (set before mounting: no query in on_mount, which can run while
    the app is locking and replacing screens)."""
    widget.display = False
    return widget
