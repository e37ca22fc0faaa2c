"""Linked devices (issue 17, docs/devices.md): the person's devices, linking a new one with a
one-time code (and its QR code), and removing one.

The screens read through the session's ``devices`` service in their loading thread; the relay
is reached only in thread workers (``Devices.invite``), and the other device's answer arrives
with the app's ordinary sync, which the link screen asks for every few seconds while its code
is open (the sync that takes the answer also sends the new device its welcome).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.timer import Timer
from textual.widgets import Button, DataTable, Input, Label, Static

from ..errors import ReconnectError
from ..formats import clock, format_moment
from ..i18n import N_, _
from ..qr_text import qr_lines
from ..store import Toolbox
from ..text_safety import clean_label
from .base import ModuleScreen
from .events import SyncRequested
from .pairing import RelayScreen, spaced_code

if TYPE_CHECKING:
    from ..sync.devices import DeviceView, LinkCode

POLL_SECONDS = 2.0
"""While a link code is shown: how often the app syncs to take the other device's answer."""


def shown_name(device: DeviceView) -> str:
    """A device's name as a terminal may show it (names come from the other device)."""
    return clean_label(device.name) if device.name else _("(your other device)")


def status_text(device: DeviceView) -> str:
    if device.status == "joining":
        return _("waiting for its answer")
    if device.status == "removed":
        return _("removed")
    return _("linked")


def local_time(moment: datetime) -> str:
    return format_moment(moment)


@dataclass(frozen=True, slots=True)
class DevicesData:
    devices: tuple[DeviceView, ...]


class DevicesScreen(ModuleScreen[DevicesData]):
    """Every device of the person, this one marked; n links another, x removes one."""

    TITLE_TEXT = N_("Devices")
    EMPTY_TEXT = N_(
        "Only this device so far. Linking another computer (press n) gives it a vault that"
        " belongs to you as well: it shows a one-time code here, you type it there, and your"
        " toolbox goes to it, end-to-end encrypted through the relay. What you write on"
        " either then reaches the other."
    )
    EDIT_ACTIONS = frozenset({"link", "remove"})
    FOOTER_KEYS = ("link", "remove")
    BINDINGS = [
        Binding("n", "link", N_("Link a new device"),
                tooltip=N_("Show a one-time code to type on your other computer")),
        Binding("x,delete", "remove", N_("Remove device"),
                tooltip=N_("Remove the highlighted device (asks first)")),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.devices: tuple[DeviceView, ...] = ()

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="devices-body"):
            yield self.empty_state(id="devices-empty")
            yield DataTable(id="devices", cursor_type="row", zebra_stripes=True)
            yield Static(_(
                "A removed device gets nothing written after its removal. Lost a device? Remove"
                " it here from one you still have."), id="devices-help", classes="help")

    def on_mount(self) -> None:
        super().on_mount()
        table = self.query_one("#devices", DataTable)
        table.add_column(_("Name"), key="name")
        table.add_column(_("This device"), key="this")
        table.add_column(_("Linked"), key="linked")
        table.add_column(_("Status"), key="status")

    def load_data(self, toolbox: Toolbox) -> DevicesData:
        session = self.current_session()
        return DevicesData(tuple(session.devices.devices()) if session is not None else ())

    def show_data(self, data: DevicesData) -> None:
        self.devices = data.devices
        table = self.query_one("#devices", DataTable)
        selected = self.selected()
        table.clear()
        for device in self.devices:
            table.add_row(Text(shown_name(device)),
                          _("yes") if device.this_device else "",
                          local_time(device.linked_at), status_text(device),
                          key=device.ed25519)
        others = [d for d in self.devices if not d.this_device]
        self.query_one("#devices-empty").display = not others
        self.query_one("#devices-help").display = bool(others)
        table.display = bool(self.devices)
        if selected is not None and any(d.ed25519 == selected.ed25519 for d in self.devices):
            table.move_cursor(row=table.get_row_index(selected.ed25519))
        table.focus()

    def selected(self) -> DeviceView | None:
        table = self.query_one("#devices", DataTable)
        if not self.devices or table.row_count == 0:
            return None
        row = table.cursor_row
        return self.devices[row] if 0 <= row < len(self.devices) else None

    def refresh_after_sync(self) -> None:
        self.request_load()  # a device may have joined, or a list without one arrived

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.request_load()  # back from linking: the new device is in the list

    def action_link(self) -> None:
        self.app.push_screen(LinkDeviceScreen())

    def action_remove(self) -> None:
        device = self.selected()
        if device is None:
            self.nothing_chosen()
            return
        if device.this_device:
            self.notify(_("This is the device you are using: remove it from one of your other"
                          " devices."), severity="warning")
            return
        name = shown_name(device)
        self.confirm(
            _("Remove {name}? Your other devices stop sending it anything and its keys are"
              " retired. What is already on it stays there. To use it again, link it"
              " again.").format(name=name),
            lambda: self._remove_named(device.name), yes=_("Remove"))

    def _remove_named(self, name: str) -> None:
        self._remove(name)

    @work(thread=True, exclusive=True, group="devices")
    def _remove(self, name: str) -> None:
        session = self.current_session()
        if session is None:
            return
        try:
            removed = session.devices.remove(name)
        except ReconnectError as error:
            self.app.call_from_thread(self.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._removed, shown_name(removed))

    def _removed(self, name: str) -> None:
        self.notify(_("Removed {name}. Your other devices learn of it with the next sync.")
                    .format(name=name))
        self.request_load()
        self.app.post_message(SyncRequested(quiet=True))  # the new list to the other devices


@dataclass(frozen=True, slots=True)
class LinkData:
    relay: str
    """The relay kept in the vault (or the settings' default); "" when there is none."""
    devices: tuple[DeviceView, ...]


class LinkDeviceScreen(RelayScreen):
    """The one-time code, big and as a QR code, the command to type on the other computer, and
    the wait for its answer."""

    TITLE_TEXT = N_("Link a new device")
    RELAY_HELP = N_(
        "The relay passes on encrypted messages; it never sees what you write. The other"
        " computer needs the same address."
    )
    BINDINGS = [
        Binding("n", "create", N_("New code"), tooltip=N_("Make another one-time code")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.link: LinkCode | None = None
        self.linked_name = ""
        self._known: set[str] = set()
        self._poll: Timer | None = None

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="link-body"):
            yield Label(_("Link a new device"), classes="section-title")
            yield from self.relay_fields()
            with Horizontal(id="link-buttons", classes="buttons"):
                yield Button(_("Make a code"), id="create", variant="primary")
            yield Static("", id="busy", classes="help")
            yield Static("", id="pairing-error", classes="error")
            with Horizontal(id="link-shown"):
                with Vertical(id="link-text"):
                    yield Static("", id="link-code")
                    yield Static("", id="link-command", markup=False)
                    yield Static("", id="link-status")
                yield Static("", id="link-qr", markup=False)

    def on_mount(self) -> None:
        super().on_mount()
        self.show_error("")
        self.query_one("#link-shown").display = False

    def load_data(self, toolbox: Toolbox) -> LinkData:
        from ..sync.service import known_relay_url

        session = self.current_session()
        if session is None:
            return LinkData("", ())
        return LinkData(known_relay_url(toolbox.vault, session.settings.relay_url),
                        tuple(session.devices.devices()))

    def show_data(self, data: LinkData) -> None:
        if self.link is None:  # the first read: make a code, or ask for the relay first
            self._known = {d.ed25519 for d in data.devices}
            if data.relay:
                self.query_one("#relay-fields").display = False
                self.query_one("#link-buttons").display = False
                self.action_create()
            else:
                self.query_one("#relay-url").focus()
            return
        if self.linked_name:
            return
        joined = [d for d in data.devices
                  if d.ed25519 not in self._known and d.status == "linked"]
        if joined:
            self._linked(shown_name(joined[0]))

    def refresh_after_sync(self) -> None:
        if self.link is not None:
            self.request_load()

    @on(Button.Pressed, "#create")
    @on(Input.Submitted, "#relay-url")
    def _create_pressed(self) -> None:
        self.action_create()

    def action_create(self) -> None:
        if self.query_one("#relay-fields").display and not self.relay_given():
            self.show_error(_("Enter the relay address first."))
            return
        self._stop_polling()
        self.linked_name = ""
        self.show_busy(_("Making a one-time code at the relay…"))
        self._create(self.relay_given())

    @work(thread=True, exclusive=True, group="link")
    def _create(self, given: str) -> None:
        session = self.current_session()
        if session is None:
            return
        try:
            url = self.resolve_url(given)
            link = session.devices.invite(url)
            known = {d.ed25519 for d in session.devices.devices()}
        except ReconnectError as error:
            self.app.call_from_thread(self._failed, str(error))
            return
        self.app.call_from_thread(self._created, link, known, url)

    def _failed(self, text: str) -> None:
        self.show_error(_("No code was made: {reason} Check your connection, or try again"
                          " later.").format(reason=text))
        if not self.link:
            self.query_one("#link-buttons").display = True

    def _created(self, link: LinkCode, known: set[str], url: str) -> None:
        self.link = link
        self._known = known
        self.show_busy("")
        self.query_one("#relay-fields").display = False
        self.query_one("#link-buttons").display = False
        self.set_focus(None)  # the hidden relay field must not take the keys
        self.query_one("#link-code", Static).update(spaced_code(link.code))
        self.query_one("#link-command", Static).update(
            _("On the other computer run:\n  reconnect device join {code} --name NAME \\\n"
              "      --relay {relay}\nIt works once, until {time}. Give it in person; never"
              " send it by e-mail or text message.").format(
                code=link.code, relay=clean_label(url),
                time=clock(link.expires_at.astimezone())))
        self.query_one("#link-qr", Static).update("\n".join(qr_lines(link.code, "utf-8")))
        self.query_one("#link-shown").display = True
        self._show_status(_("Waiting for the other device…"))
        self._poll = self.set_interval(POLL_SECONDS, self._ask_for_answer)
        self._ask_for_answer()

    def _ask_for_answer(self) -> None:
        """Sync, so the other device's answer is taken and the welcome sent; until the code
        expires."""
        if self.link is None or self.linked_name:
            return
        if datetime.now(UTC) >= self.link.expires_at:
            self._stop_polling()
            self._show_status(_("The code has expired without an answer. Press n for a new"
                                " one."))
            return
        self.app.post_message(SyncRequested(force=False, quiet=True))

    def _linked(self, name: str) -> None:
        self.linked_name = name
        self._stop_polling()
        self._show_status("✓ " + _(
            "Linked: {name}. What it was sent arrives with its next sync. Press Escape to"
            " see your devices.").format(name=name))
        self.app.post_message(SyncRequested(quiet=True))  # whatever still waits for it

    def _show_status(self, text: str) -> None:
        self.query_one("#link-status", Static).update(text)

    def _stop_polling(self) -> None:
        if self._poll is not None:
            self._poll.stop()
            self._poll = None

    def on_unmount(self) -> None:
        self._stop_polling()
        super().on_unmount()

    def reopen(self) -> None:
        return None  # opening it makes a code: not reopened after an unlock
