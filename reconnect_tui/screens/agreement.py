"""The dyad agreement: what holds, what is proposed, the history; propose a change, accept or
decline it (with a reason the partner sees).

Terms are edited in a form with a field per term (numbers, times, a date, yes/no toggles, texts;
every key is explained in docs/agreement.md); a value that does not fit keeps the form open with
the message beside its field. A first agreement starts from the template. Everything goes
through ``sync.agreements``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Static

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _
from ..sync.agreement_terms import (
    DEFAULT_TIME_ZONE,
    TERM_LABELS,
    TIME_ZONES,
    TermsError,
    check_form,
    form_values,
    terms_from_form,
)
from ..sync.agreements import Agreements, AgreementState
from ..text_safety import clean_text
from ..widgets.form import Field, FormError, FormScreen
from ..widgets.toggles import StateCheckbox
from .base import ModuleScreen
from .events import SyncRequested

if TYPE_CHECKING:
    from ..store.toolbox import Toolbox



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
    text = Text()
    if state.declined is not None:
        declined = state.declined
        who = _("you") if declined.declined_by_me else partner
        text.append(_("Version {n} was declined by {who}").format(n=declined.version, who=who),
                    style="bold")
        text.append("\n")
        if declined.decline_reason:  # the partner's words: cleaned again before the terminal
            text.append(_("Reason: {reason}").format(
                reason=clean_text(declined.decline_reason)) + "\n")
        text.append(_("Press e to propose a change.") + "\n\n")
    if state.status == "none":
        text.append(_(
            "You and {name} have no agreement yet. Agreeing how you use ReConnect (how soon"
            " answers come, what messages are for, what to do in an emergency) helps you both."
            " Press e to start from a template.").format(name=partner))
        return text
    if state.pending is not None:
        who = _("you") if state.pending.proposed_by_me else partner
        text.append(_("Version {n} proposed by {who}").format(n=state.pending.version, who=who),
                    style="bold")
        text.append("  · " + (_("waiting for {name} to accept").format(name=partner)
                              if state.pending.proposed_by_me
                              else _("press a to accept, d to decline")))
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
            mark = (_("accepted") if version.accepted else _("declined") if version.declined
                    else _("proposed"))
            proposed = formats.day(version.proposed_at.astimezone())
            text.append(f"  v{version.version} · {proposed} · {mark}\n")
    return text


def terms_fields(terms: dict[str, Any]) -> list[Field]:
    """A field per term, of the kind its value needs (docs/agreement.md)."""
    zone = str(terms.get("time_zone") or DEFAULT_TIME_ZONE)
    zones = TIME_ZONES if zone in TIME_ZONES else (zone, *TIME_ZONES)
    return [
        Field("answer_within_working_days", _(TERM_LABELS["answer_within_working_days"]), "int",
              required=True, help=_("0: the same working day; at most 30.")),
        Field("working_from", _("Working hours from"), "time", required=True),
        Field("working_until", _("Working hours until"), "time", required=True),
        Field("time_zone", _(TERM_LABELS["time_zone"]), "choice", required=True,
              choices=tuple((z, z) for z in zones)),
        Field("country", _(TERM_LABELS["country"]), placeholder="SE",
              help=_("A country code, if its public holidays are days off too (Norway's"
                     " always are). Empty: none.")),
        Field("review_on", _(TERM_LABELS["review_on"]), "date",
              help=_("Empty: three months after it is accepted.")),
        Field("suggested_max_words", _(TERM_LABELS["suggested_max_words"]), "int",
              help=_("10 to 5000, or empty for no suggestion.")),
        Field("read_receipts", _(TERM_LABELS["read_receipts"]), "bool"),
        Field("view_receipts", _("View receipts (the owner is told when a shared item was"
                                 " viewed)"), "bool"),
        Field("messages_for", _(TERM_LABELS["messages_for"]), "multiline"),
        Field("messages_not_for", _(TERM_LABELS["messages_not_for"]), "multiline"),
        Field("emergency", _(TERM_LABELS["emergency"]), "multiline"),
        Field("notes", _(TERM_LABELS["notes"]), "multiline"),
    ]


def check_terms(values: dict[str, Any]) -> None:
    """Refuse the form's values with the message beside the field at fault (FormError)."""
    try:
        check_form(values)
    except TermsError as error:
        raise FormError(error.key or "", str(error)) from None


class ProposeScreen(FormScreen):
    """The terms as a form, a field per term; returns the form's values (``terms_from_form``
    makes the terms of them) or None."""

    def __init__(self, terms: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(
            _("Propose the agreement"), terms_fields(terms), form_values(terms),
            intro=_("Each term is explained in the help under it. Ctrl+S proposes, Escape"
                    " cancels."),
            save_label=_("Propose"), check=check_terms, **kwargs)


def decline_form() -> FormScreen:
    """Why the proposal is declined (optional; the partner sees it)."""
    return FormScreen(
        _("Decline the proposed agreement"),
        [Field("reason", _("Reason (optional)"), "multiline",
               help=_("Your partner sees this, end-to-end encrypted."))],
        intro=_("What was agreed before still holds. Your partner can propose a change."),
        save_label=_("Decline"))


@dataclass(frozen=True, slots=True)
class AgreementData:
    """What the agreement screen shows, read in the screen's loading thread."""

    partner_name: str
    state: AgreementState


class AgreementScreen(ModuleScreen[AgreementData]):
    """The agreement with one partner."""

    TITLE_TEXT = N_("Agreement")
    BINDINGS = [
        Binding("a", "accept", N_("Accept"), tooltip=N_("Accept the proposed agreement")),
        Binding("d", "decline", N_("Decline"),
                tooltip=N_("Decline the proposed agreement, saying why")),
        Binding("e", "propose", N_("Propose a change"), tooltip=N_("Edit the terms and propose")),
    ]

    def reopen(self) -> Callable[[], ModuleScreen] | None:
        return functools.partial(AgreementScreen, self.partner_id)

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.partner_name = ""
        self.state: AgreementState | None = None
        """As of the last read (None until the first)."""

    @property
    def agreements(self) -> Agreements:
        return self.session.agreements

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="module-body", id="agreement-body"):
            yield Static("", id="agreement-state")

    def refresh_after_sync(self) -> None:
        self.request_load()

    def reload(self) -> None:
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> AgreementData:
        agreements = self.agreements
        partner = agreements.dyads._partner(self.partner_id)
        return AgreementData(partner.name, agreements.state(self.partner_id))

    def show_data(self, data: AgreementData) -> None:
        self.partner_name, self.state = data.partner_name, data.state
        self.sub_title = _("Agreement with {name}").format(name=data.partner_name)
        self.query_one("#agreement-state", Static).update(
            state_text(data.state, data.partner_name))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Accept and decline are offered only while the partner's proposal is open."""
        if action in ("accept", "decline"):
            pending = self.state.pending if self.state is not None else None
            return pending is not None and not pending.proposed_by_me
        return super().check_action(action, parameters)

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

    def action_decline(self) -> None:
        pending = self.state.pending if self.state is not None else None
        if pending is None or pending.proposed_by_me:
            self.notify(_("There is no proposal from {name} to decline.").format(
                name=self.partner_name), severity="warning")
            return

        def declined(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                self.agreements.decline(self.partner_id, values.get("reason") or "")
            except ReconnectError as error:
                self.notify(str(error), severity="warning")
                return
            self.notify(_("Declined. {name} sees it, and your reason, after the next sync.")
                        .format(name=self.partner_name))
            self.reload()
            self._deliver()

        self.app.push_screen(decline_form(), declined)

    def action_propose(self) -> None:
        if self.state is None:  # not read yet
            return
        shown = self.state.shown or self.state.declined
        start = dict(shown.terms) if shown else self.agreements.template()

        def proposed(values: dict[str, Any] | None) -> None:
            if values is None:
                return
            try:
                self.agreements.propose(self.partner_id, terms_from_form(values))
            except ReconnectError as error:  # TermsError names the key
                self.notify(str(error), severity="error", title=_("Not proposed"))
                return
            self.notify(_("Proposed to {name}.").format(name=self.partner_name))
            self.reload()
            self._deliver()

        self.app.push_screen(
            ProposeScreen(start, draft=self.toolbox.drafts.slot("agreement", self.partner_id)),
            proposed)

    def _deliver(self) -> None:
        self.app.post_message(SyncRequested())


class CheckinAnswerScreen(ModalScreen[tuple[int, str, bool] | None]):
    """Answer a check-in in a few keys: a number 0–10, Enter; optionally a line first."""

    BINDINGS = [
        # priority: Enter answers from every field, the checkbox too (space ticks it)
        Binding("enter", "answer", N_("Answer"), priority=True, show=False),
        Binding("escape", "cancel", N_("Cancel")),
    ]

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
    def action_answer(self) -> None:
        raw = self.query_one("#checkin-score", Input).value
        if not raw or not 0 <= int(raw) <= 10:
            self.notify(_("A number from 0 to 10, please."), severity="warning")
            return
        self.dismiss((int(raw), self.query_one("#checkin-line", Input).value,
                      self.query_one("#checkin-share", Checkbox).value))

    def action_cancel(self) -> None:
        self.dismiss(None)


def schedule_checkin_form(check: Callable[[dict[str, Any]], None] | None = None) -> FormScreen:
    """The provider's form for a repeating check-in; ``check`` schedules it (calling
    ``Agreements.schedule_checkin``) while the form is open, so a refusal keeps what was typed."""
    fields = [
        Field("question", _("Question"), required=True, placeholder=_("How are you doing?")),
        Field("every_days", _("Every … days"), "int", required=True, low=1, high=365,
              help=_("The first goes out now, then again after this many days.")),
    ]
    return FormScreen(_("Schedule a check-in"), fields,
                      {"question": _("How are you doing?"), "every_days": 7},
                      intro=_("They answer with a number from 0 to 10 and, if they like, a"
                              " line; they choose whether you see it as a trend."), check=check)


def feedback_form(check: Callable[[dict[str, Any]], None] | None = None) -> FormScreen:
    """Four 0–10 scales on the working relationship; ``check`` gives it (calling
    ``Agreements.give_feedback``) while the form is open."""
    from .trends import feedback_labels

    fields = [Field(key, label, "rating", required=True)
              for key, label in feedback_labels().items()]
    return FormScreen(_("Feedback on how we work"), fields,
                      intro=_("From 0 (not at all) to 10 (completely). You both see it."),
                      check=check)
