"""Trends and our next meeting: check-in answers and feedback on the working relationship over
time, and the drafts kept "for our next meeting", for one dyad.

Both sides open it from the conversation (F5). Check-in answers show only what the service user
shared (``Agreements.trend_answers``); feedback is seen by both. A sparkline is drawn on the
0–10 scale the answers are given on (one value of 6 is one bar at 6, not a full line), and the
numbers are given in words beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from ..store.repositories.agreements import Draft, FeedbackRecord
from ..sync.agreements import Agreements
from ..widgets.scaled_sparkline import ScaledSparkline
from .access import SessionAccess
from .responsive import Responsive

SHOWN_POINTS = 52
"""The newest values drawn in a sparkline (a year of weekly check-ins)."""


def feedback_labels() -> dict[str, str]:
    """The four scales of feedback on the working relationship, in our own words."""
    return {
        "heard": _("I felt heard"),
        "matters": _("We worked on what matters to me"),
        "way": _("The way we worked suited me"),
        "overall": _("Overall"),
    }


def day_text(moment: datetime) -> str:
    return formats.long_day(moment.astimezone())


def values_text(values: Sequence[int]) -> str:
    """The numbers behind a sparkline, newest first: "now 7/10 · from 3 to 8"."""
    text = _("now {n}/10").format(n=values[-1])
    if min(values) != max(values):
        text += " · " + _("from {low} to {high}").format(low=min(values), high=max(values))
    return text


def draft_label(draft: Draft) -> Text:
    """A draft in the list: its day, then its first line (never read as markup)."""
    first = draft.text.strip().splitlines()[0] if draft.text.strip() else ""
    label = Text(day_text(draft.created_at) + "  ", style="bold")
    label.append(first if len(first) <= 60 else first[:59] + "…")
    return label


def drafts_line(count: int) -> str:
    """For the conversation's header: "2 drafts for our next meeting (F5)"."""
    return ngettext("{n} draft for our next meeting (F5)", "{n} drafts for our next meeting (F5)",
                    count).format(n=count)


class TrendRow(Horizontal):
    """One scale: its label, a sparkline of its values, and the numbers in words."""

    def __init__(self, label: str, values: Sequence[int], **kwargs) -> None:
        super().__init__(classes="trend-row", **kwargs)
        self.label, self.values = label, list(values)[-SHOWN_POINTS:]

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="trend-label", markup=False)
        yield ScaledSparkline([float(v) for v in self.values], lowest=0, highest=10,
                              classes="trend-sparkline")
        yield Static(values_text(self.values), classes="trend-words")


class TrendsScreen(Responsive, SessionAccess, ModalScreen[None]):
    """Check-in answers and feedback over time, and the drafts for the next meeting."""

    BINDINGS = [
        Binding("escape", "close", N_("Close")),
        Binding("d", "delete_draft", N_("Delete draft"),
                tooltip=N_("Delete the highlighted draft for your next meeting")),
    ]

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.drafts: list[Draft] = []

    @property
    def agreements(self) -> Agreements:
        return self.session.agreements

    def compose(self) -> ComposeResult:
        agreements = self.agreements
        partner = agreements.dyads._partner(self.partner_id)
        provider = agreements.vault.profile().role is Role.PROVIDER
        self.fit_size()
        with VerticalScroll(classes="dialog", id="trends-dialog"):
            yield Label(_("Trends and our next meeting: {name}").format(name=partner.name),
                        classes="title")
            yield Label(_("Check-ins"), classes="section-title")
            yield from self._checkins(agreements, provider)
            yield Label(_("Feedback on how we work"), classes="section-title")
            yield from self._feedback(agreements.feedback(self.partner_id), partner.name)
            yield Label(_("For our next meeting"), classes="section-title")
            yield Static(_("Nothing kept for your next meeting."), id="drafts-empty",
                         classes="empty")
            yield OptionList(id="drafts-list")
            yield Static(_("d deletes the highlighted draft · Escape closes"), classes="help")

    def _checkins(self, agreements: Agreements, provider: bool) -> ComposeResult:
        answers = agreements.trend_answers(self.partner_id)
        if not answers:
            yield Static(_("No answers shared as a trend yet.") if provider
                         else _("No check-ins answered yet."), id="checkin-empty",
                         classes="empty")
            return
        latest = answers[-1]
        assert latest.answered_at is not None
        yield TrendRow(_("How it is going"), [a.overall or 0 for a in answers],
                       id="checkin-trend")
        latest_text = Text(ngettext("{n} answer, the latest on {day}",
                                    "{n} answers, the latest on {day}", len(answers)).format(
                                        n=len(answers), day=day_text(latest.answered_at)))
        if latest.line:
            latest_text.append(": “" + latest.line + "”")
        yield Static(latest_text, classes="help", id="checkin-latest")

    def _feedback(self, records: list[FeedbackRecord], partner: str) -> ComposeResult:
        if not records:
            yield Static(_("No feedback yet. F4 in the conversation gives it: four numbers"
                           " from 0 to 10, seen by both of you."), id="feedback-empty",
                         classes="empty")
            return
        for from_me, who in ((True, _("From you")), (False, _("From {name}").format(
                name=partner))):
            mine = [r for r in records if r.from_me is from_me]
            if not mine:
                continue
            yield Label(who + " · " + _("latest on {day}").format(
                day=day_text(mine[-1].given_at)), classes="trend-who", markup=False)
            for key, label in feedback_labels().items():
                yield TrendRow(label, [r.scores[key] for r in mine],
                               id=f"feedback-{'mine' if from_me else 'theirs'}-{key}")

    def on_mount(self) -> None:
        self._fill_drafts()

    def _fill_drafts(self) -> None:
        self.drafts = self.agreements.drafts(self.partner_id)
        listing = self.query_one("#drafts-list", OptionList)
        listing.clear_options()
        listing.add_options(Option(draft_label(d), id=str(d.id)) for d in self.drafts)
        listing.display = bool(self.drafts)
        self.query_one("#drafts-empty").display = not self.drafts
        if self.drafts:
            listing.highlighted = 0
            listing.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "delete_draft":
            return bool(self.drafts)
        return True

    def action_delete_draft(self) -> None:
        from ..widgets.confirm import ConfirmScreen

        index = self.query_one("#drafts-list", OptionList).highlighted
        if index is None or not 0 <= index < len(self.drafts):
            return
        draft = self.drafts[index]

        def chosen(delete: bool | None) -> None:
            if not delete:
                return
            try:
                self.agreements.delete_draft(self.partner_id, draft.id)
            except ReconnectError as error:
                self.notify(str(error), severity="warning")
            self._fill_drafts()
            self.refresh_bindings()

        self.app.push_screen(ConfirmScreen(_("Delete this draft for your next meeting?")),
                             chosen)

    def action_close(self) -> None:
        self.dismiss(None)
