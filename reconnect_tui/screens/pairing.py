"""Pairing a dyad: the provider's invitation code, the service user entering it, and the safety
number both compare face to face.

The relay calls run in thread workers (the interface never waits on the network). The code is
the only secret the two share at first, so the screens say how to give it: in person, read out
or shown on screen, never by e-mail or text message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from ..sync.dyads import INVITATION_LIFETIME, Partner
from .base import ModuleScreen
from .events import SyncRequested

if TYPE_CHECKING:
    from ..store import Toolbox
    from ..sync.client import RelayClient


def spaced_code(code: str) -> str:
    """The code with room between characters, easier to read out and to copy by eye."""
    return "  ".join(" ".join(group) for group in code.split("-"))


def safety_rows(number: str) -> str:
    """12 groups of 5 digits as 3 rows of 4: easy to compare row by row."""
    groups = number.split()
    return "\n".join("   ".join(groups[i : i + 4]) for i in range(0, len(groups), 4))


class RelayScreen(ModuleScreen):
    """What the invitation and join screens share: the relay address and a line for errors."""

    RELAY_HELP = N_(
        "The relay passes on encrypted messages; it never sees what you write."
        " Your provider or your service can tell you its address."
    )
    """Who can tell this person the relay's address: for a service user, their provider."""

    def relay_default(self) -> str:
        """The relay kept in the vault, or the settings' default ("" if none)."""
        from ..sync.service import known_relay_url

        settings = self.session.settings
        return known_relay_url(self.toolbox.vault, settings.relay_url)

    def relay_fields(self) -> ComposeResult:
        with Vertical(id="relay-fields", classes="form"):
            yield Label(_("Relay address"))
            yield Input(placeholder="https://relay.example.org", id="relay-url")
            yield Static(_(self.RELAY_HELP), classes="help")

    def relay_given(self) -> str:
        return self.query_one("#relay-url", Input).value.strip()

    def show_error(self, text: str) -> None:
        self.query_one("#busy", Static).update("")
        error = self.query_one("#pairing-error", Static)
        error.update(text)
        error.display = bool(text)

    def show_busy(self, text: str) -> None:
        self.show_error("")
        self.query_one("#busy", Static).update(text)

    def resolve_url(self, given: str) -> str:
        """Check (and keep in the vault) the relay address; raises RelayError with a reason."""
        from ..sync.service import resolve_relay_url

        settings = self.session.settings
        return resolve_relay_url(self.toolbox.vault, given or None, settings.relay_url)


class InvitationScreen(RelayScreen):
    """Provider: create an invitation and show the code big, with how to give it.

    The forum's invitation (``forum_dialogs.ForumInviteScreen``) is the same screen with its own
    heading, code and help: a subclass overrides ``heading``, ``make_code`` and ``help_text``."""

    TITLE_TEXT = N_("Invite a service user")
    RELAY_HELP = N_(
        "The relay passes on encrypted messages; it never sees what anyone writes. Whoever runs"
        " it for your service (often IT) can tell you its address."
    )
    BINDINGS = [
        Binding("n", "create", N_("New code"), tooltip=N_("Create another invitation code")),
    ]
    TITLE_ID = "invitation-title"

    def __init__(self) -> None:
        super().__init__()
        self.code = ""

    def heading(self) -> str:
        return _("Invite a service user")

    def make_code(self, relay: RelayClient) -> str:
        """Put the invitation at the relay; runs in a thread worker."""
        return self.session.dyads.create_invitation(relay)

    def help_text(self) -> str:
        return _(
            "Read this code out or show it on your screen in the consultation; do not send"
            " it by e-mail or text message. The service user enters it under Messages"
            " (j) or with `reconnect pair join`. It works once and expires in {hours} hours."
            "\nWhen they have joined, sync (Ctrl+R): they appear on Home. Then compare the"
            " safety number together. Press n for another code."
        ).format(hours=int(INVITATION_LIFETIME.total_seconds() // 3600))

    def compose_notice(self) -> ComposeResult:
        yield from ()

    def compose_body(self) -> ComposeResult:
        yield from self.compose_notice()
        with Vertical(classes="module-body", id="invitation-body"):
            yield Label("", id=self.TITLE_ID, classes="section-title")
            yield from self.relay_fields()
            with Horizontal(id="invitation-buttons", classes="buttons"):
                yield Button(_("Create invitation"), id="create", variant="primary")
            yield Static("", id="busy", classes="help")
            yield Static("", id="pairing-error", classes="error")
            yield Static("", id="invitation-code")
            yield Static("", id="invitation-help")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one(f"#{self.TITLE_ID}", Label).update(self.heading())
        self.show_error("")
        self.query_one("#invitation-code").display = False
        self.query_one("#invitation-help").display = False
        if self.relay_default():
            self.query_one("#relay-fields").display = False
            self.query_one("#invitation-buttons").display = False
            self.set_focus(None)
            self.action_create()
        else:
            self.query_one("#relay-url", Input).focus()

    @on(Button.Pressed, "#create")
    @on(Input.Submitted, "#relay-url")
    def _create_pressed(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        self.show_busy(_("Creating the invitation at the relay…"))
        self._create(self.relay_given())

    @work(thread=True, exclusive=True, group="pairing")
    def _create(self, given: str) -> None:
        from ..sync.service import connect

        try:
            url = self.resolve_url(given)
            with connect(self.toolbox.vault, url) as engine:
                code = self.make_code(engine.relay)
        except ReconnectError as error:
            self.app.call_from_thread(self.show_error, str(error))
            return
        self.app.call_from_thread(self._created, code)

    def _created(self, code: str) -> None:
        self.code = code
        self.show_busy("")
        self.query_one("#relay-fields").display = False
        self.query_one("#invitation-buttons").display = False
        self.set_focus(None)  # the hidden relay field must not take the keys
        code_box = self.query_one("#invitation-code", Static)
        code_box.update(spaced_code(code))
        code_box.display = True
        help_text = self.query_one("#invitation-help", Static)
        help_text.update(self.help_text())
        help_text.display = True


class JoinScreen(RelayScreen):
    """Service user: enter the code the provider gave, then compare the safety number."""

    TITLE_TEXT = N_("Pair with a provider")
    BINDINGS = [Binding("ctrl+s", "join", N_("Join"), tooltip=N_("Pair with this code"))]

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="join-body"):
            yield Label(_("Pair with a provider"), classes="section-title")
            with Vertical(classes="form"):
                yield Label(_("Invitation code from your provider"))
                yield Input(placeholder="ABCD-EFGH-JKMN", id="invite-code")
                yield Static(
                    _(
                        "Your provider reads it out or shows it in a consultation. Small letters"
                        " and missing dashes are fine."
                    ),
                    classes="help",
                )
            yield from self.relay_fields()
            with Horizontal(classes="buttons"):
                yield Button(_("Join"), id="join", variant="primary")
            yield Static("", id="busy", classes="help")
            yield Static("", id="pairing-error", classes="error")

    def on_mount(self) -> None:
        super().on_mount()
        self.show_error("")
        self.query_one("#relay-fields").display = not self.relay_default()
        self.query_one("#invite-code", Input).focus()

    @on(Button.Pressed, "#join")
    @on(Input.Submitted)
    def _join_pressed(self) -> None:
        self.action_join()

    def action_join(self) -> None:
        code = self.query_one("#invite-code", Input).value.strip()
        if not code:
            self.show_error(_("Enter the invitation code first."))
            return
        if self.query_one("#relay-fields").display and not self.relay_given():
            self.show_error(_("Enter the relay address too."))
            return
        self.show_busy(_("Pairing…"))
        self._join(code, self.relay_given())

    @work(thread=True, exclusive=True, group="pairing")
    def _join(self, code: str, given: str) -> None:
        from ..sync.service import connect

        try:
            url = self.resolve_url(given)
            with connect(self.toolbox.vault, url) as engine:
                partner = self.session.dyads.join(code, engine.relay)
        except ReconnectError as error:
            self.app.call_from_thread(self.show_error, str(error))
            return
        self.app.call_from_thread(self._joined, partner)

    def _joined(self, partner: Partner) -> None:
        self.notify(
            _("Paired with {name}. Pairing completes when they have synced.").format(
                name=partner.name
            )
        )
        self.app.switch_screen(SafetyNumberScreen(partner.id))
        self.app.post_message(SyncRequested())


def linked_devices_line(partner: Partner) -> str:
    """Why the number changed when the partner linked devices (docs/devices.md): one number per
    person, kept verified because the paired device introduced the others."""
    if not partner.devices:
        return ""
    n = len(partner.devices) + 1
    line = ngettext("{name} now uses {n} device (also {names}).",
                    "{name} now uses {n} devices (also {names}).", n).format(
        name=partner.name, n=n, names=", ".join(partner.devices))
    if partner.verified and not partner.key_changed:
        return line + " " + _(
            "Your safety number changed when they were linked and is still verified: the"
            " device you compared it with introduced them, in a list signed with the same"
            " person's key.")
    return line + " " + _("Your safety number is now one number for all of their devices.")


@dataclass(frozen=True)
class SafetyData:
    partner: Partner | None
    """None: the partner is no longer here."""


class SafetyNumberScreen(ModuleScreen[SafetyData]):
    """Both sides see the same number: compare it face to face and mark it verified."""

    TITLE_TEXT = N_("Safety number")
    BINDINGS = [
        Binding("v", "verify", N_("Mark verified"), tooltip=N_("The numbers match")),
    ]

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.partner: Partner | None = None
        """As last read (``load_data``, in the loading thread)."""

    def load_data(self, toolbox: Toolbox) -> SafetyData:
        session = self.current_session()
        partners = session.dyads.partners() if session is not None else []
        return SafetyData(next((p for p in partners if p.id == self.partner_id), None))

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="safety-body"):
            yield Label("", id="safety-title", classes="section-title")
            yield Static("", id="key-warning", classes="key-warning")
            yield Static("", id="safety-number")
            yield Static("", id="safety-status")
            yield Static("", id="safety-devices")
            yield Static("", id="safety-help", classes="help")

    def show_data(self, data: SafetyData) -> None:
        self.partner = partner = data.partner
        if partner is None:
            self.query_one("#safety-title", Label).update(_("This partner is no longer here."))
            return
        self.query_one("#safety-title", Label).update(
            _("Safety number with {name}").format(name=partner.name)
        )
        warning = self.query_one("#key-warning", Static)
        warning.display = partner.key_changed
        warning.update(
            "⚠ "
            + _(
                "{name}'s security key has changed since you last verified. Compare the new"
                " number face to face before you trust it again."
            ).format(name=partner.name)
        )
        self.query_one("#safety-number", Static).update(safety_rows(partner.safety_number))
        status = Text()
        if partner.verified and not partner.key_changed:
            status.append("✓ " + _("Verified: you compared this number together."), "bold")
        else:
            status.append(_("Not verified yet."), "bold")
        self.query_one("#safety-status", Static).update(status)
        devices = self.query_one("#safety-devices", Static)
        devices.display = bool(partner.devices)
        devices.update(linked_devices_line(partner))
        where = _("your provider") if partner.role is Role.PROVIDER else _("the service user")
        self.query_one("#safety-help", Static).update(
            _(
                "Meet {where} ({name}) and compare: they find this number under Messages."
                " If every digit matches, press v. If the numbers differ, do not mark it"
                " verified: someone may be in between. Make a new invitation instead."
            ).format(where=where, name=partner.name)
        )

    def action_verify(self) -> None:
        if self.partner is None:
            self.nothing_chosen(_("This partner is no longer here."))
            return
        self.session.dyads.verify(self.partner.id)
        self.notify(_("Marked as verified."))
        self.request_load()
