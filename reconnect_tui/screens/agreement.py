"""The dyad agreement: what holds, what is proposed, the history; propose a change, accept.

Terms are edited as JSON (every key is explained in docs/agreement.md and shown beside it);
a first agreement starts from the template. Everything goes through ``sync.agreements``.
"""

from __future__ import annotations

import json

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static, TextArea

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _
from ..sync.agreements import Agreements, AgreementState
from ..widgets.form import Field, FormScreen
from ..widgets.toggles import StateCheckbox
from .base import ModuleScreen
from .events import SyncRequested

TERM_LABELS = {
    "answer_within_working_days": N_("Answers usually within (working days)"),
    "working_hours": N_("Working hours"),
    "time_zone": N_("Time zone"),
    "country": N_("Public holidays also of"),
    "messages_for": N_("Messages are for"),
    "messages_not_for": N_("Messages are not for"),
    "suggested_max_words": N_("Suggested length (words)"),
    "read_receipts": N_("Read receipts"),
    "view_receipts": N_("View receipts"),
    "emergency": N_("In an emergency"),
    "review_on": N_("Talk it over again on"),
    "notes": N_("Notes"),
}


def terms_text(terms: dict[str, object]) -> Text:
    """The terms, one per line, labelled in words (values are never markup)."""
    text = Text()
    for key, label in TERM_LABELS.items():
        value = terms.get(key)
        if value is None or value == "":
            continue
        shown = (_("on") if value else _("off")) if isinstance(value, bool) else str(value)
        text.append(_(label) + ": ", style="bold")
        text.append(shown + "\n")
    return text


def state_text(state: AgreementState, partner: str) -> Text:
    if state.status == "none":
        return Text(_(
            "You and {name} have no agreement yet. Agreeing how you use ReConnect (how soon"
            " answers come, what messages are for, what to do in an emergency) helps you both."
            " Press e to start from a template.").format(name=partner))
    text = Text()
    if state.pending is not None:
        who = _("you") if state.pending.proposed_by_me else partner
        text.append(_("Version {n} proposed by {who}").format(n=state.pending.version, who=who),
                    style="bold")
        text.append("  · " + (_("waiting for {name} to accept").format(name=partner)
                              if state.pending.proposed_by_me else _("press a to accept")))
        text.append("\n")
        text.append_text(terms_text(state.pending.terms))
    if state.current is not None:
        text.append(_("Agreed: version {n}, signed by both").format(n=state.current.version),
                    style="bold")
        if state.review_on:
            text.append("  · " + _("talk it over again on {day}").format(
                day=formats.day(state.review_on)))
        text.append("\n")
        text.append_text(terms_text(state.current.terms))
    if len(state.history) > 1:
        text.append(_("History") + "\n", style="bold")
        for version in state.history:
            mark = _("accepted") if version.accepted else _("proposed")
            proposed = formats.day(version.proposed_at.astimezone())
            text.append(f"  v{version.version} · {proposed} · {mark}\n")
    return text


class ProposeScreen(ModalScreen[dict | None]):
    """Edit the terms as JSON; returns them (not yet validated) or None."""

    BINDINGS = [Binding("ctrl+s", "propose", N_("Propose")), Binding("escape", "cancel",
                                                                    N_("Cancel"))]

    def __init__(self, terms: dict[str, object]) -> None:
        super().__init__()
        self.terms = terms

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="propose-dialog"):
            yield Label(_("Propose the agreement (Ctrl+S proposes, Escape cancels)"),
                        classes="title")
            yield TextArea(json.dumps(self.terms, indent=2, ensure_ascii=False),
                           id="terms-json", language=None)
            yield Static("", id="terms-error", classes="error")

    def action_propose(self) -> None:
        try:
            terms = json.loads(self.query_one("#terms-json", TextArea).text)
        except json.JSONDecodeError as error:
            self.query_one("#terms-error", Static).update(
                _("Not valid JSON: {reason} (line {line}).").format(reason=error.msg,
                                                                    line=error.lineno))
            return
        self.dismiss(terms)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AgreementScreen(ModuleScreen):
    """The agreement with one partner."""

    BINDINGS = [
        Binding("a", "accept", N_("Accept"), tooltip=N_("Accept the proposed agreement")),
        Binding("e", "propose", N_("Propose a change"), tooltip=N_("Edit the terms and propose")),
    ]

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id

    @property
    def agreements(self) -> Agreements:
        return self.session.agreements

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="module-body", id="agreement-body"):
            yield Static("", id="agreement-state")

    def on_mount(self) -> None:
        partner = self.agreements.dyads._partner(self.partner_id)
        self.partner_name = partner.name
        self.TITLE_TEXT = _("Agreement with {name}").format(name=partner.name)
        super().on_mount()
        self.reload()

    def refresh_after_sync(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.state = self.agreements.state(self.partner_id)
        self.query_one("#agreement-state", Static).update(
            state_text(self.state, self.partner_name))

    def action_accept(self) -> None:
        try:
            self.agreements.accept(self.partner_id)
        except ReconnectError as error:
            self.notify(str(error), severity="warning")
            return
        self.notify(_("Accepted. {name} sees it after the next sync.").format(
            name=self.partner_name))
        self.reload()
        self._deliver()

    def action_propose(self) -> None:
        shown = self.state.shown
        start = dict(shown.terms) if shown else self.agreements.template()

        def proposed(terms: dict | None) -> None:
            if terms is None:
                return
            try:
                self.agreements.propose(self.partner_id, terms)
            except ReconnectError as error:  # TermsError names the key
                self.notify(str(error), severity="error", title=_("Not proposed"))
                return
            self.notify(_("Proposed to {name}.").format(name=self.partner_name))
            self.reload()
            self._deliver()

        self.app.push_screen(ProposeScreen(start), proposed)

    def _deliver(self) -> None:
        self.app.post_message(SyncRequested())


class CheckinAnswerScreen(ModalScreen[tuple[int, str, bool] | None]):
    """Answer a check-in in a few keys: a number 0–10, Enter; optionally a line first."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="checkin-dialog"):
            yield Label(self.question, classes="title", markup=False)
            yield Input(placeholder=_("0–10 (10: very well)"), id="checkin-score",
                        restrict=r"\d{0,2}", max_length=2)
            yield Input(placeholder=_("A line, if you like"), id="checkin-line", max_length=500)
            yield StateCheckbox(_("Let my provider see this as a trend"), id="checkin-share")
            with Horizontal(classes="buttons"):
                yield Button(_("Answer"), id="checkin-answer", variant="primary")

    @on(Input.Submitted)
    @on(Button.Pressed, "#checkin-answer")
    def _answer(self) -> None:
        raw = self.query_one("#checkin-score", Input).value
        if not raw or not 0 <= int(raw) <= 10:
            self.notify(_("A number from 0 to 10, please."), severity="warning")
            return
        self.dismiss((int(raw), self.query_one("#checkin-line", Input).value,
                      self.query_one("#checkin-share", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


def schedule_checkin_form() -> FormScreen:
    """The provider's form for a repeating check-in (calls ``Agreements.schedule_checkin``)."""
    fields = [
        Field("question", _("Question"), required=True, placeholder=_("How are you doing?")),
        Field("every_days", _("Every … days"), "int", required=True,
              help=_("The first goes out now, then again after this many days.")),
    ]
    return FormScreen(_("Schedule a check-in"), fields,
                      {"question": _("How are you doing?"), "every_days": 7},
                      intro=_("They answer with a number from 0 to 10 and, if they like, a"
                              " line; they choose whether you see it as a trend."))


def feedback_form() -> FormScreen:
    """Four 0–10 scales on the working relationship (calls ``Agreements.give_feedback``)."""
    from .trends import feedback_labels

    fields = [Field(key, label, "rating", required=True)
              for key, label in feedback_labels().items()]
    return FormScreen(_("Feedback on how we work"), fields,
                      intro=_("From 0 (not at all) to 10 (completely). You both see it."))
