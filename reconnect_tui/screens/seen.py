"""The provider's "seen — I will answer by …" (Ctrl+B in a conversation): a small dialog that
proposes the time the agreement's answer time gives and lets the provider change the day or the
clock time before it goes out. Days and times are read by ``parsing.py``."""

from __future__ import annotations

from datetime import datetime

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from .. import formats, parsing
from ..i18n import N_, _
from .localized import LocalizedModalScreen


class SeenScreen(LocalizedModalScreen[datetime | None]):
    """Confirm or change when the answer comes; dismisses with an aware time, or None."""

    BINDINGS = [
        Binding("ctrl+s", "confirm", N_("Send"), tooltip=N_("Tell them when you will answer")),
        Binding("escape", "cancel", N_("Cancel")),
    ]

    def __init__(self, proposed: datetime, now: datetime, partner: str) -> None:
        """``proposed``: from the agreement's answer time (``Agreements.default_answer_by``);
        ``now``: the app's clock, naive times being local."""
        super().__init__()
        self.proposed = proposed.astimezone()
        self.now = now.astimezone()
        self.partner = partner

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="seen-dialog"):
            yield Label(_("Seen — when will you answer {name}?").format(name=self.partner),
                        classes="title", markup=False)
            yield Static(_("Proposed from your agreement's answer time: {when}. Change the day"
                           " or the time if you will answer at another time.").format(
                               when=formats.weekday_and_time(self.proposed)),
                         classes="help", markup=False)
            yield Label(_("Day"))
            yield Input(formats.format_day(self.proposed.date()), id="seen-day",
                        placeholder=parsing.example_day(self.now.date()))
            yield Label(_("Time"))
            yield Input(formats.clock(self.proposed), id="seen-time", placeholder="15:30",
                        max_length=9)
            yield Static("", id="seen-error", classes="error", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(_("Send"), id="seen-send", variant="primary")
                yield Button(_("Cancel"), id="seen-cancel")

    def chosen(self) -> datetime:
        """The day and time typed, as an aware local time; ``ParseError`` when either cannot
        be read or the time has passed."""
        day = parsing.parse_day(self.query_one("#seen-day", Input).value, self.now.date())
        when = parsing.parse_time(self.query_one("#seen-time", Input).value)
        moment = datetime.combine(day, when).astimezone()
        if moment <= self.now:
            raise parsing.ParseError(_("That time has passed; choose a later one."))
        return moment

    @on(Input.Submitted)
    @on(Button.Pressed, "#seen-send")
    def action_confirm(self) -> None:
        try:
            moment = self.chosen()
        except parsing.ParseError as error:
            self.query_one("#seen-error", Static).update(str(error))
            return
        self.dismiss(moment)

    @on(Button.Pressed, "#seen-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
