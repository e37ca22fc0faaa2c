"""Provider mode on Home: the dyads, each with unread messages and how long the service user has
been waiting for an answer, longest waiting first.

Visible waiting times are one of the ReConnect study's recommendations: service users waited for
answers that never came. Home (``screens/home.py``) shows ``ProviderDyads`` in place of the
user's "today" panel; Enter on a dyad opens its conversation. ``DyadList`` is also the list of
conversations on the Messages screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..i18n import _, ngettext
from ..sync.dyads import DyadSummary
from .access import SessionAccess
from .events import OpenConversation

if TYPE_CHECKING:
    from ..session import Session


def duration_text(span: timedelta) -> str:
    """A waiting time in the largest unit that says enough: minutes, hours, then days."""
    minutes = max(0, int(span.total_seconds() // 60))
    if minutes < 1:
        return _("less than a minute")
    if minutes < 60:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = minutes // 60
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = hours // 24
    return ngettext("{n} day", "{n} days", days).format(n=days)


def waiting_text(summary: DyadSummary, now: datetime) -> str:
    """ "waiting 3 hours" when the partner waits for an answer, else ""."""
    if summary.waiting_since is None:
        return ""
    return _("waiting {time}").format(time=duration_text(now - summary.waiting_since))


def summary_row(summary: DyadSummary, now: datetime, *, show_waiting: bool) -> Text:
    """One line for a dyad: name, unread count, waiting time, and anything needing attention."""
    partner = summary.partner
    row = Text(partner.name, style="bold")
    if summary.unread:
        unread = ngettext("{n} unread", "{n} unread", summary.unread).format(n=summary.unread)
        row.append(f"  {unread}", style="bold")
    waiting = waiting_text(summary, now) if show_waiting else ""
    if waiting:
        row.append(f"  · {waiting}")
    if show_waiting and summary.overdue:
        row.append("  ⚠ " + _("past the agreed answer time"), style="bold")
    if partner.status != "paired":
        row.append("  · " + _("pairing not complete yet"), style="italic")
    if partner.key_changed:
        row.append("  ⚠ " + _("security key changed"), style="bold")
    elif not partner.verified:
        row.append("  · " + _("not verified"), style="dim")
    return row


def agreement_notes(session: Session, *, provider: bool) -> str:
    """Home's lines about agreements and check-ins: reviews due; for service users open
    check-ins; for providers check-ins to send and answers received."""
    agreements = session.agreements
    lines = [
        _("Time to talk your agreement with {name} over again (since {day}).").format(
            name=partner.name, day=formats.day(day)
        )
        for partner, day in agreements.reviews_due(session.today())
    ]
    names = {p.id: p.name for p in agreements.dyads.partners()}
    if provider:
        for schedule in agreements.due_checkins():
            lines.append(
                _("Check-in to send to {name}: {question}").format(
                    name=names.get(schedule.partner_id, ""), question=schedule.question
                )
            )
        for answer in agreements.new_answers():
            lines.append(
                _("{name} answered your check-in: {n}/10").format(
                    name=names.get(answer.partner_id, ""), n=answer.overall
                )
            )
    else:
        for checkin in agreements.open_checkins():
            lines.append(
                _("{name} asks: {question} (press s to answer)").format(
                    name=names.get(checkin.partner_id, ""), question=checkin.question
                )
            )
    return "\n".join("• " + line for line in lines)


def shared_with_you_line(session: Session) -> str:
    """ "Shared with you: Kari (3), Ola (1) · w to read" or "" when nothing is shared."""
    people = session.sharing.shared_with_me()
    if not people:
        return ""
    names = ", ".join(f"{p.name} ({len(p.items)})" for p in people)
    return _("Shared with you: {names} · press w to read").format(names=names)


class DyadList(OptionList):
    """The dyads in the order given (``Dyads.summaries()``: longest waiting first)."""

    def __init__(self, *, show_waiting: bool, **kwargs) -> None:
        super().__init__(**kwargs)
        self.show_waiting = show_waiting
        self.summaries: list[DyadSummary] = []

    def fill(self, summaries: Sequence[DyadSummary], now: datetime | None = None) -> None:
        """Show ``summaries``, keeping the highlighted dyad where it still exists."""
        now = now or datetime.now(UTC)
        current = self.current
        self.summaries = list(summaries)
        self.clear_options()
        self.add_options(
            Option(summary_row(s, now, show_waiting=self.show_waiting), id=str(s.partner.id))
            for s in self.summaries
        )
        ids = [s.partner.id for s in self.summaries]
        if current is not None and current.partner.id in ids:
            self.highlighted = ids.index(current.partner.id)
        elif ids:
            self.highlighted = 0

    @property
    def current(self) -> DyadSummary | None:
        index = self.highlighted
        if index is None or not 0 <= index < len(self.summaries):
            return None
        return self.summaries[index]


class ProviderDyads(SessionAccess, Vertical):
    """Home's left panel for providers: their service users, longest waiting first."""

    def compose(self) -> ComposeResult:
        yield Label(_("Your service users"), classes="section-title")
        yield Static(
            _(
                "No one is paired with you yet. Press p to create an invitation code, then give"
                " it to the service user in a consultation; when they have joined and you have"
                " synced, they appear here with their messages."
            ),
            id="provider-empty",
            classes="empty",
        )
        yield Static("", id="agreement-notes", classes="item", markup=False)
        yield Static("", id="shared-with-you", classes="item", markup=False)
        yield DyadList(show_waiting=True, id="provider-dyads-list")
        yield Static(
            _("Enter opens the conversation · p new invitation · Ctrl+R sync"),
            id="provider-dyads-help",
            classes="help",
        )

    def on_mount(self) -> None:
        self.reload()
        dyads = self.query_one(DyadList)
        if dyads.display:
            dyads.focus()  # Enter opens the conversation of the longest waiting

    def reload(self) -> None:
        """Read the dyads again (a short list: one row per paired service user)."""
        summaries = self.session.dyads.summaries()
        dyads = self.query_one(DyadList)
        dyads.fill(summaries)
        dyads.display = bool(summaries)
        self.query_one("#provider-dyads-help").display = bool(summaries)
        self.query_one("#provider-empty").display = not summaries
        notes = self.query_one("#agreement-notes", Static)
        text = agreement_notes(self.session, provider=True)
        notes.update(text)
        notes.display = bool(text)
        shared = self.query_one("#shared-with-you", Static)
        line = shared_with_you_line(self.session)
        shared.update(line)
        shared.display = bool(line)

    @on(OptionList.OptionSelected, "#provider-dyads-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.post_message(OpenConversation(int(event.option.id or 0)))
