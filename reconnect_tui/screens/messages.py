"""Messages: one conversation per dyad, and a list of dyads for more than one partner.

Everything goes through ``self.session.dyads`` (``sync.dyads.Dyads``). Sending only queues
the message in the vault, so it works offline; a sync delivers it and the status moves from
queued to delivered to read. Opening a conversation marks it read. A message that failed
verification is shown as a warning, never with its text.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Header, Label, OptionList, Static
from textual.widgets.option_list import Option

from .. import formats
from ..domain_names import domain_label
from ..errors import ReconnectError
from ..i18n import N_, _, ngettext
from ..model import Role
from ..store import Toolbox
from ..store.repositories.agreements import CheckinRecord
from ..store.repositories.drafts import FormDraft
from ..sync.agreements import Agreements, AgreementState, AnswerTime
from ..sync.dyads import ChatMessage, DyadSummary, ItemRef, Partner
from ..widgets.composer import Composer, about_text
from ..widgets.footer import CompactFooter
from ..widgets.notice import NotForEmergencies
from .base import ModuleScreen
from .events import SyncRequested
from .provider_home import DyadList

NO_ITEM = ItemRef(module="", item_id=0, title="")
"""What the item picker returns for "nothing in particular"."""


def status_text(message: ChatMessage) -> str:
    """The status shown beside a message ("" for incoming ones that need none)."""
    texts = {
        "queued": _("queued: goes out at the next sync"),
        "delivered": _("delivered"),
        "read": _("read") if message.outgoing else "",
    }
    return texts.get(message.status, "")


def time_text(moment: datetime, now: datetime) -> str:
    """Local clock time, with the day when it is not today."""
    local, today = moment.astimezone(), now.astimezone()
    if local.date() == today.date():
        return formats.clock(local)
    if local.year == today.year:
        return formats.day_month_and_time(local)
    return formats.day_and_time(local)


def day_time_text(moment: datetime) -> str:
    """"Thursday 15:30" in local time (the weekday is translated)."""
    return formats.weekday_and_time(moment.astimezone())


def wait_text(wait: AnswerTime) -> str:
    """Under a message the service user sent: when an answer can be expected."""
    if wait.promised_by is not None:
        return _("seen — {name} will answer by {when}")
    parts = []
    if wait.read_from is not None:
        parts.append(_("will be read from {start}").format(start=day_time_text(wait.read_from)))
    parts.append(_("answer expected by {when}"))
    return " · ".join(parts)


def checkin_text(checkin: CheckinRecord, partner: str) -> Text:
    """A check-in and its answer, as they appear in the conversation."""
    heading = (_("Your check-in question: ") if checkin.asked_by_me
               else _("Check-in from {name}: ").format(name=partner))
    text = Text(heading, style="bold")
    text.append(checkin.question)
    if checkin.answered_at is None:
        text.append("\n" + (_("not answered yet") if checkin.asked_by_me
                            else _("Ctrl+F to answer")), style="italic")
        return text
    text.append("\n" + _("Answer: {n}/10").format(n=checkin.overall), style="bold")
    for domain, score in checkin.domain_scores.items():
        text.append(f" · {domain} {score}/10")
    if checkin.line:
        text.append(" — ")
        text.append(checkin.line)
    return text


class CheckinBubble(Static):
    def __init__(self, checkin: CheckinRecord, partner: str) -> None:
        super().__init__(checkin_text(checkin, partner), classes="message checkin")
        self.checkin = checkin


def message_text(message: ChatMessage, partner: str, now: datetime,
                 wait: AnswerTime | None = None) -> Text:
    """A message as text; what people wrote is never read as markup."""
    if message.status == "unverified":
        warning = Text("⚠ " + _("This message could not be verified and is not shown."), "bold")
        warning.append(
            "\n"
            + _(
                "It may have been damaged or changed on the way. If something important was"
                " meant, ask {name} in person."
            ).format(name=partner)
        )
        return warning
    text = Text()
    if message.about is not None:
        text.append_text(about_text(message.about))
        text.append("\n")
    sender = _("You") if message.outgoing else message.sender
    text.append(sender, style="bold")
    text.append(f" · {time_text(message.sent_at, now)}", style="dim")
    status = status_text(message)
    if status:
        text.append(f" · {status}", style="italic")
    if wait is not None:
        when = day_time_text(wait.promised_by or wait.expected_by)
        text.append(" · " + wait_text(wait).format(name=partner, when=when), style="italic")
    text.append("\n")
    text.append(message.text)
    return text


def item_label(item: ItemRef) -> Text:
    """An item in the picker: its kind, then its title (never read as markup)."""
    kinds = {"goals": _("Goal"), "life-domains": _("Life domain"), "crisis-plan": _("Crisis plan")}
    label = Text(kinds.get(item.module, item.module) + ": ", style="bold")
    label.append(domain_label(item.title) if item.module == "life-domains" else item.title)
    return label


class MessageBubble(Static):
    """One message; its classes say outgoing/incoming/unverified and its status."""

    def __init__(self, message: ChatMessage, partner: str, now: datetime,
                 wait: AnswerTime | None = None) -> None:
        direction = "outgoing" if message.outgoing else "incoming"
        classes = f"message {direction} status-{message.status}"
        if message.status == "unverified":
            classes += " unverified"
        super().__init__(message_text(message, partner, now, wait), classes=classes)
        self.message = message


class ItemPickerScreen(ModalScreen[ItemRef | None]):
    """Choose the toolbox item a message is about (or nothing in particular)."""

    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, items: list[ItemRef]) -> None:
        super().__init__()
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="item-picker"):
            yield Label(_("What is this message about?"), classes="title")
            options = [Option(_("Nothing in particular"), id="none")]
            options += [
                Option(item_label(item), id=str(index)) for index, item in enumerate(self.items)
            ]
            yield OptionList(*options, id="item-options")

    @on(OptionList.OptionSelected, "#item-options")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id or "none"
        self.dismiss(NO_ITEM if option_id == "none" else self.items[int(option_id)])

    def action_cancel(self) -> None:
        self.dismiss(None)


class AboutPrivacyScreen(ModalScreen[str | None]):
    """The message is about an item the partner cannot see: share it, send the message without
    the item's title, or go back to the draft."""

    SHARE, WITHOUT = "share", "without"
    BINDINGS = [Binding("escape", "back", N_("Back"))]

    def __init__(self, about: ItemRef, partner: str, *, can_share: bool) -> None:
        super().__init__()
        self.about = about
        self.partner = partner
        self.can_share = can_share

    def compose(self) -> ComposeResult:
        question = Text(_("This message is about "))
        question.append(item_label(self.about))
        question.append(". " + _(
            "{name} cannot see it: it is not shared with them, so its title is not sent unless"
            " you share it.").format(name=self.partner))
        with Vertical(classes="dialog", id="about-privacy"):
            yield Static(question, classes="question")
            with Horizontal(classes="buttons"):
                if self.can_share:
                    yield Button(_("Share it with {name}").format(name=self.partner),
                                 id=self.SHARE)
                yield Button(_("Send without the title"), id=self.WITHOUT, variant="primary")
                yield Button(_("Back"), id="back")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id if event.button.id in (self.SHARE, self.WITHOUT) else None)

    def action_back(self) -> None:
        self.dismiss(None)


@dataclass(frozen=True, slots=True)
class ConversationData:
    """What the conversation shows, read in the screen's loading thread."""

    messages: list[ChatMessage]
    state: AgreementState
    waits: dict[str, AnswerTime]
    """When an answer is due, by message id (shown to the service user)."""
    checkins: list[CheckinRecord]
    drafts: int
    """How many drafts for the next meeting are kept."""
    role: Role
    partner: Partner | None
    """Read again with the rest: a sync may have completed the pairing or changed the key."""
    locale: str
    """The vault's country, for the emergency numbers."""
    undelivered: int
    """Envelopes to this partner the relay has not accepted yet."""
    unsent: FormDraft | None
    """The message kept unsent at a lock (read with the first load only)."""


class ConversationScreen(ModuleScreen[ConversationData]):
    """The conversation with one partner, newest at the bottom, and the composer."""

    _seen_pending: str | None = None
    """When "Seen — I will answer by …" said the answer comes, until it was delivered."""
    _report_seen_after_load = False
    """A sync finished while "seen" was pending: say with the next read whether it went."""

    BINDINGS = [
        Binding("ctrl+s", "send", N_("Send"), tooltip=N_("Send the message (Enter: new line)")),
        Binding("ctrl+t", "about", N_("About an item"), tooltip=N_("Say which goal it is about")),
        Binding("ctrl+n", "safety_number", N_("Safety number"), tooltip=N_("Compare and verify")),
        Binding(
            "ctrl+g",
            "toggle_receipts",
            N_("Read receipts"),
            tooltip=N_("Turn read receipts on or off for this conversation"),
        ),
        Binding("ctrl+o", "agreement", N_("Agreement"), tooltip=N_("How you use ReConnect")),
        Binding("ctrl+b", "seen", N_("Seen…"),
                tooltip=N_("Tell them you have seen it and when you will answer")),
        Binding("ctrl+f", "answer_checkin", N_("Check-in"),
                tooltip=N_("Answer the check-in question waiting for you")),
        # F keys: every free Ctrl letter is an editing key of the composer (TextArea).
        Binding("f3", "schedule_checkin", N_("Check-in"),
                tooltip=N_("Schedule a check-in: a question every few days, such as \"How are"
                           " you doing?\"")),
        Binding("f4", "feedback", N_("Feedback"),
                tooltip=N_("Feedback on how we work: four numbers from 0 to 10")),
        Binding("f5", "trends", N_("Trends"),
                tooltip=N_("Check-ins and feedback over time; drafts for our next meeting")),
    ]
    FOOTER_KEYS = ("send", "seen", "answer_checkin", "agreement", "schedule_checkin", "feedback",
                   "trends", "about", "safety_number", "toggle_receipts")

    def reopen(self) -> Callable[[], ModuleScreen] | None:
        return functools.partial(ConversationScreen, self.partner_id)

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.partner: Partner | None = None
        self.messages: list[ChatMessage] = []
        self.role: Role | None = None

    @property
    def dyads(self):
        return self.session.dyads

    def compose(self) -> ComposeResult:
        """Reads nothing: the partner's name, the country's emergency numbers and the
        conversation arrive together from the loading thread (``show_data``)."""
        self.TITLE_TEXT = _("Messages")  # "Messages with {name}" once the partner is read
        yield Header()
        yield Static("", id="partner-line", classes="help")
        yield Static("", id="key-warning", classes="key-warning")
        yield Static("", id="agreement-line", classes="help")
        with VerticalScroll(id="conversation"):
            yield Static("", id="conversation-empty", classes="empty")
        yield NotForEmergencies(None)
        draft = self.toolbox.drafts.slot("message", self.partner_id)
        yield Composer("", draft=draft, draft_read_here=False, id="composer")
        yield CompactFooter()

    def on_mount(self) -> None:
        self.query_one(Composer).focus_text()
        self.reload(mark_read=True)

    def on_screen_resume(self) -> None:
        """Back from the safety number or a dialog: state may have changed meanwhile (the
        partner too: read again with the rest, off the UI thread)."""
        self.reload(mark_read=True)

    def refresh_after_sync(self) -> None:
        """Called by the app when a sync finished: new messages, new statuses (and whether a
        queued "seen" went out, said when the read arrives)."""
        self._report_seen_after_load = self._seen_pending is not None
        self.reload(mark_read=True)  # the partner too, off the UI thread

    # -- loading -------------------------------------------------------------------------------

    def _find_partner(self) -> Partner | None:
        return next((p for p in self.dyads.partners() if p.id == self.partner_id), None)

    def reload(self, *, mark_read: bool = False) -> None:
        """Read the conversation again; ``mark_read``: first mark what arrived as read (the
        person is looking at it), in its own thread worker, then read."""
        if mark_read:
            self._mark_read()
        else:
            self.request_load()

    @work(thread=True, exclusive=True, group="conversation-read")
    def _mark_read(self) -> None:
        try:
            self.dyads.mark_read(self.partner_id)
            self.agreements.mark_answers_seen(self.partner_id)
        except ReconnectError:  # locked meanwhile
            return
        self.app.call_from_thread(self.request_load)

    def load_data(self, toolbox: Toolbox) -> ConversationData:
        """Only reads: check-ins that are due go out with the next sync
        (``sync.sync_service.sync_and_process``), never because a screen was opened."""
        agreements = self.agreements
        partner_id = self.partner_id or 0
        first = self.role is None  # nothing shown yet: the unsent message kept at a lock too
        return ConversationData(
            messages=self.dyads.conversation(partner_id),
            state=agreements.state(partner_id),
            waits={w.message_id: w for w in agreements.answer_times(partner_id)},
            checkins=agreements.checkins(partner_id),
            drafts=len(agreements.drafts(partner_id)),
            role=toolbox.profile.get().role,
            partner=self._find_partner(),
            locale=toolbox.profile.get().locale,
            undelivered=self.dyads.undelivered(partner_id),
            unsent=toolbox.drafts.slot("message", partner_id).load() if first else None,
        )

    def show_data(self, data: ConversationData) -> None:
        first = self.role is None
        self.role = data.role
        self.partner = data.partner
        self._show_partner_name()
        self._show_partner()
        self.query_one(NotForEmergencies).show_locale(data.locale)
        if first:
            self.query_one(Composer).offer_unsent(data.unsent)
        if self._report_seen_after_load:
            self._report_seen_after_load = False
            self._report_seen(data.undelivered)
        if first:
            self.refresh_bindings()  # the role's own keys, now it is known
        self._show(data.messages, data.state, data.waits, data.checkins, data.drafts)

    @property
    def agreements(self) -> Agreements:
        return self.session.agreements

    def _show(self, messages: list[ChatMessage], state=None, waits=None, checkins=(),
              drafts: int = 0) -> None:
        self.messages = messages
        self.draft_count = drafts
        self.checkins = list(checkins)
        scroll = self.query_one("#conversation", VerticalScroll)
        scroll.remove_children(".message")
        name = self.partner.name if self.partner else ""
        now = self.session.now()  # the app's clock, as the waiting times use
        shown_waits = waits if self.role is Role.USER else {}
        items: list[tuple[datetime, Static]] = [
            (m.sent_at, MessageBubble(m, name, now, (shown_waits or {}).get(m.id)))
            for m in messages]
        items += [(c.sent_at, CheckinBubble(c, name)) for c in self.checkins]
        items.sort(key=lambda item: item[0])
        scroll.mount_all(widget for _when, widget in items)
        self.query_one("#conversation-empty").display = not items
        if state is not None:
            self._show_agreement(state, name)
        # Anchored: it stays at the newest message while the bubbles are laid out (a header
        # that wraps at 80 columns grew the list after a one-off scroll to the end, and hid
        # the newest message's text), until the person scrolls up.
        scroll.anchor()

    def _show_agreement(self, state, name: str) -> None:
        """The gentle prompt before a first agreement; afterwards what was agreed, briefly."""
        self.suggested_words = None
        line = self.query_one("#agreement-line", Static)
        if state.current is None:
            text = _(
                "You and {name} have not agreed yet how you use messages. Ctrl+O opens the"
                " agreement, with a template to start from."
            ).format(name=name)
            if state.pending is not None and not state.pending.proposed_by_me:
                text = _("{name} has proposed an agreement: Ctrl+O to read and accept it.").format(
                    name=name)
        else:
            terms = state.current.terms
            self.suggested_words = terms.get("suggested_max_words")
            text = _("Agreed: answers within {n} working days, {hours}.").format(
                n=terms["answer_within_working_days"], hours=terms["working_hours"])
            if state.pending is not None:
                text += " " + _("A change is proposed (Ctrl+O).")
        open_checkins = [c for c in self.checkins if not c.asked_by_me and c.answered_at is None]
        if open_checkins:
            text += " " + _("A check-in is waiting for your answer: Ctrl+F.")
        if getattr(self, "draft_count", 0):
            from .trends import drafts_line

            text += " " + drafts_line(self.draft_count)
        line.update(text)

    def _show_partner_name(self) -> None:
        name = self.partner.name if self.partner else ""
        self.sub_title = _("Messages with {name}").format(name=name)
        self.query_one("#conversation-empty", Static).update(_(
            "No messages yet. Write below what you want {name} to know; it goes out"
            " encrypted, and only {name} can read it.").format(name=name))
        self.query_one(Composer).set_receiver(name)

    def _show_partner(self) -> None:
        line = self.query_one("#partner-line", Static)
        warning = self.query_one("#key-warning", Static)
        partner = self.partner
        if partner is None:
            line.update(_("This partner is no longer here."))
            warning.display = False
            return
        role = _("provider") if partner.role is Role.PROVIDER else _("service user")
        text = Text(_("With {name} ({role})").format(name=partner.name, role=role), "bold")
        if partner.status != "paired":
            text.append("  · " + _("pairing completes when {name} syncs").format(name=partner.name))
        if partner.verified and not partner.key_changed:
            text.append("  · ✓ " + _("safety number verified"))
        elif not partner.key_changed:
            text.append("  · " + _("safety number not compared yet (Ctrl+N)"))
        if partner.devices:
            text.append("  · " + _("also on {names}").format(names=", ".join(partner.devices)))
        if not partner.read_receipts:
            text.append("  · " + _("read receipts off"))
        line.update(text)
        warning.display = partner.key_changed
        if partner.key_changed:
            warning.update(
                "⚠ "
                + _(
                    "{name}'s security key has changed. This happens when ReConnect was set up"
                    " again, but it can also mean someone is in between. Compare the safety"
                    " number face to face again (Ctrl+N)."
                ).format(name=partner.name)
            )

    # -- actions -------------------------------------------------------------------------------

    def action_send(self) -> None:
        self.query_one(Composer).submit()

    @on(Composer.Submitted)
    def _submitted(self, event: Composer.Submitted) -> None:
        event.stop()
        about = event.about
        if about is None:
            self._check_length(event)
            return
        try:
            check = self.dyads.about_check(self.partner_id, about)
        except ReconnectError as error:
            self.notify(str(error), severity="error", title=_("Not sent"))
            return
        if check.title_travels:
            self._check_length(event)
            return

        def chosen(choice: str | None) -> None:
            if choice == AboutPrivacyScreen.SHARE:
                if not self._share_about(about):
                    return
            elif choice != AboutPrivacyScreen.WITHOUT:
                self.query_one(Composer).focus_text()  # back: the draft stays as it was
                return
            self._check_length(event)

        name = self.partner.name if self.partner else ""
        self.app.push_screen(AboutPrivacyScreen(about, name, can_share=check.can_share), chosen)

    def _share_about(self, about: ItemRef) -> bool:
        """Share the item the message is about with this partner (the title then travels)."""
        try:
            self.session.sharing.share(about.module, about.item_id, self.partner_id)
        except ReconnectError as error:
            self.notify(str(error), severity="error", title=_("Not shared"))
            return False
        name = self.partner.name if self.partner else ""
        self.notify(_("{title} is now shared with {name}.").format(title=about.title, name=name))
        return True

    def _check_length(self, event: Composer.Submitted) -> None:
        if self.agreements.is_much_longer(self.partner_id, event.text):
            self._offer_next_meeting(event)
            return
        self._send(event)

    def _offer_next_meeting(self, event: Composer.Submitted) -> None:
        """Much longer than agreed: offer to keep it for the next consultation instead."""
        from ..widgets.confirm import ConfirmScreen

        def chosen(keep: bool | None) -> None:
            if keep:
                self.agreements.keep_for_meeting(self.partner_id, event.text)
                event.composer.clear()
                self.notify(_("Kept as a draft for your next meeting."))
            elif keep is not None:
                self._send(event)

        question = _(
            "This message is much longer than the {n} words you agreed on. Keep it for your"
            " next meeting instead? (It is kept as a draft marked \"for our next meeting\".)"
        ).format(n=self.suggested_words or "")
        self.app.push_screen(ConfirmScreen(question, yes=_("Keep for our next meeting"),
                                           no=_("Send anyway"), danger=False), chosen)

    def _send(self, event: Composer.Submitted) -> None:
        try:
            self.dyads.send(
                self.partner_id, event.text, reply_to=self._answering(), about=event.about
            )
        except ReconnectError as error:
            self.notify(str(error), severity="error", title=_("Not sent"))
            return
        event.composer.clear()
        self.reload()
        self._deliver()

    def _answering(self) -> str | None:
        """The partner's message this one answers: their newest, if we have not written since."""
        if self.messages and not self.messages[-1].outgoing:
            last = self.messages[-1]
            return last.id if last.status != "unverified" else None
        return None

    def _deliver(self) -> None:
        """Sync now (or right after the one running) so the message goes out without waiting."""
        self.app.post_message(SyncRequested())

    def action_about(self) -> None:
        def chosen(item: ItemRef | None) -> None:
            if item is not None:
                self.query_one(Composer).set_about(None if item == NO_ITEM else item)
            self.query_one(Composer).focus_text()

        self.app.push_screen(ItemPickerScreen(self._items()), chosen)

    def _items(self) -> list[ItemRef]:
        """Own goals and life domains, and the items the partner's messages were about."""
        items = [
            ItemRef("goals", goal.id or 0, goal.title)
            for goal in self.toolbox.goals.list()
            if not goal.done
        ]
        items += [
            ItemRef("life-domains", domain.id or 0, domain.name)
            for domain in self.toolbox.domains.list()
        ]
        for message in reversed(self.messages):
            if message.about is not None and message.about.title and message.about not in items:
                items.append(message.about)
        return items

    def action_safety_number(self) -> None:
        from .pairing import SafetyNumberScreen

        self.app.push_screen(SafetyNumberScreen(self.partner_id))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # The role load_data read: the footer asks this often, never a vault read on the UI
        # thread. Until the first load the role's own keys stay hidden.
        role = self.role
        if action == "seen":
            return role is Role.PROVIDER
        if action == "answer_checkin":
            return role is Role.USER
        if action == "schedule_checkin":
            return role is Role.PROVIDER
        return True

    def action_agreement(self) -> None:
        from .agreement import AgreementScreen

        self.app.push_screen(AgreementScreen(self.partner_id))

    def action_seen(self) -> None:
        """The provider's key: "seen — I will answer by …" for the waiting messages, at the
        time the agreement proposes or one the provider chooses (``screens/seen.py``)."""
        from .seen import SeenScreen

        agreements = self.agreements
        try:
            waiting = agreements.waiting_ids(self.partner_id)
            proposed = agreements.default_answer_by(self.partner_id) if waiting else None
        except ReconnectError as error:
            self.notify(str(error), severity="warning")
            return
        if proposed is None:
            self.notify(_("No message is waiting for an answer."), severity="information")
            return
        name = self.partner.name if self.partner else ""
        self.app.push_screen(SeenScreen(proposed, self.session.now(), name), self._seen_chosen)

    def _seen_chosen(self, answer_by: datetime | None) -> None:
        if answer_by is None:
            return
        try:
            by = self.agreements.mark_seen(self.partner_id, answer_by)
        except ReconnectError as error:
            self.notify(str(error), severity="warning")
            return
        name = self.partner.name if self.partner else ""
        self._seen_pending = day_time_text(by)
        self.notify(_("“Seen — I will answer by {when}” is queued for {name}: it goes out with"
                      " the sync that starts now.").format(when=self._seen_pending, name=name))
        self._deliver()

    def _report_seen(self, waiting: int) -> None:
        """After a sync: say whether the "seen" queued by Ctrl+B has reached the relay
        (``waiting``: envelopes to this partner not accepted by the relay yet)."""
        when = self._seen_pending
        if when is None:
            return
        self._seen_pending = None
        name = self.partner.name if self.partner else ""
        if waiting:
            self.notify(_("“Seen — I will answer by {when}” is not delivered yet; it goes"
                          " out at the next sync (Ctrl+R to try now).").format(when=when),
                        severity="warning")
        else:
            self.notify(_("“Seen — I will answer by {when}” is delivered to the relay: {name}"
                          " sees it at their next sync.").format(when=when, name=name))

    def action_answer_checkin(self) -> None:
        from .agreement import CheckinAnswerScreen

        waiting = [c for c in getattr(self, "checkins", [])
                   if not c.asked_by_me and c.answered_at is None]
        if not waiting:
            self.notify(_("No check-in is waiting."), severity="information")
            return
        checkin = waiting[0]

        def answered(result: tuple[int, str, bool] | None) -> None:
            if result is None:
                return
            score, line, share = result
            try:
                self.agreements.answer_checkin(self.partner_id, checkin.checkin_id,
                                               overall=score, line=line, share_trend=share)
            except ReconnectError as error:
                self.notify(str(error), severity="error")
                return
            self.reload()
            self._deliver()

        self.app.push_screen(CheckinAnswerScreen(checkin.question), answered)

    def action_schedule_checkin(self) -> None:
        """Provider: a repeating check-in for this dyad; the first goes out at once."""
        from .agreement import schedule_checkin_form

        def schedule(values: dict) -> None:  # a refusal keeps the form open, as typed
            agreements = self.agreements
            agreements.schedule_checkin(self.partner_id, values["question"],
                                        values["every_days"])
            try:
                agreements.send_due_checkins(self.partner_id)
            except ReconnectError as error:  # scheduled all the same: it goes with a sync
                self.notify(str(error), severity="warning")

        def scheduled(values: dict | None) -> None:
            if values is None:
                return
            self.notify(ngettext("Check-in scheduled: the first goes out now, then every day.",
                                 "Check-in scheduled: the first goes out now, then every"
                                 " {n} days.", values["every_days"]).format(
                                     n=values["every_days"]))
            self.reload()
            self._deliver()

        self.app.push_screen(schedule_checkin_form(schedule), scheduled)

    def action_feedback(self) -> None:
        """Either side: feedback on the working relationship, four 0–10 scales."""
        from .agreement import feedback_form

        def give(values: dict) -> None:  # a refusal keeps the form open, as typed
            self.agreements.give_feedback(self.partner_id, values)

        def given(values: dict | None) -> None:
            if values is None:
                return
            name = self.partner.name if self.partner else ""
            self.notify(_("Thank you. {name} sees your feedback after the next sync.").format(
                name=name))
            self._deliver()

        self.app.push_screen(feedback_form(give), given)

    def action_trends(self) -> None:
        from .trends import TrendsScreen

        self.app.push_screen(TrendsScreen(self.partner_id))

    def action_toggle_receipts(self) -> None:
        partner = self.partner  # as last read; the change is read back with the rest
        if partner is None:
            self.nothing_chosen(_("This partner is no longer here."))
            return
        self.dyads.set_read_receipts(self.partner_id, not partner.read_receipts)
        if partner.read_receipts:
            message = _("Read receipts off: {name} no longer sees when you have read a message.")
        else:
            message = _("Read receipts on: {name} sees when you have read a message.")
        self.notify(message.format(name=partner.name))
        self.reload()


@dataclass(frozen=True, slots=True)
class MessagesData:
    """What the list of conversations shows, read in the screen's loading thread."""

    role: Role
    summaries: list[DyadSummary]
    imported: bool = False
    """Whether an import brought conversations or forums to read (``y``)."""


class MessagesScreen(ModuleScreen[MessagesData]):
    """The Messages module: the list of conversations; with one partner, that conversation."""

    TITLE_TEXT = N_("Messages")
    BINDINGS = [
        Binding("o", "open", N_("Open conversation"), tooltip=N_("Enter works too")),
        Binding("v", "safety_number", N_("Safety number"), tooltip=N_("Compare and verify")),
        Binding("j", "join", N_("Enter invitation code"), tooltip=N_("Pair with a provider")),
        Binding("p", "invite", N_("New invitation"), tooltip=N_("Invite a service user")),
        Binding("y", "imported", N_("Imported history"),
                tooltip=N_("Conversations and forums an import file brought, to read")),
    ]
    FOOTER_KEYS = ("open", "join", "invite", "safety_number", "imported")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.role: Role | None = None
        """The vault owner's role, once read."""
        self.imported = False

    def compose_body(self) -> ComposeResult:
        with Vertical(classes="module-body", id="messages-body"):
            yield Static(
                _("Only you and the person you write to can read these messages."),
                classes="who-can-see",
            )
            yield self.empty_state("", id="messages-empty")
            yield DyadList(show_waiting=False, id="dyad-list")

    def _empty_text(self) -> str:
        if self.role is Role.PROVIDER:
            return _(
                "Messages are a calm, written channel between you and the service users you are"
                " paired with. Press p to create an invitation code and give it in a"
                " consultation."
            )
        return _(
            "Messages are a calm, written channel between you and your providers, encrypted so"
            " only the two of you can read them. Ask your provider for an invitation code and"
            " press j to enter it."
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#messages-empty").display = False

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.request_load()

    def refresh_after_sync(self) -> None:
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> MessagesData:
        from ..store.repositories.imported_history import ImportedHistoryRepository

        return MessagesData(toolbox.profile.get().role, self.session.dyads.summaries(),
                            ImportedHistoryRepository(toolbox.vault).any())

    def show_data(self, data: MessagesData) -> None:
        first = self.role is None
        self.role = data.role
        self.imported = data.imported
        summaries = data.summaries
        if first and len(summaries) == 1 and self.role is Role.USER and not data.imported:
            # One provider: no list to choose from, straight into the conversation.
            self.app.switch_screen(ConversationScreen(summaries[0].partner.id))
            return
        self.query_one("#messages-empty", Static).update(self._empty_text())
        self.query_one(DyadList).show_waiting = self.role is Role.PROVIDER
        self._fill(summaries)
        if first:
            self.refresh_bindings()

    def _fill(self, summaries: list[DyadSummary]) -> None:
        dyads = self.query_one(DyadList)
        dyads.fill(summaries)
        dyads.display = bool(summaries)
        self.query_one("#messages-empty").display = not summaries
        if summaries:
            dyads.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "join":
            return self.role is Role.USER
        if action == "invite":
            return self.role is Role.PROVIDER
        if action == "imported":
            return self.imported
        return True

    def action_imported(self) -> None:
        from .imported_history import ImportedHistoryScreen

        self.app.push_screen(ImportedHistoryScreen())

    def _current_id(self) -> int | None:
        current = self.query_one(DyadList).current
        if current is None:
            self.notify(_("No conversation yet."), severity="warning")
            return None
        return current.partner.id

    @on(OptionList.OptionSelected, "#dyad-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.app.push_screen(ConversationScreen(int(event.option.id or 0)))

    def action_open(self) -> None:
        partner_id = self._current_id()
        if partner_id is not None:
            self.app.push_screen(ConversationScreen(partner_id))

    def action_safety_number(self) -> None:
        from .pairing import SafetyNumberScreen

        partner_id = self._current_id()
        if partner_id is not None:
            self.app.push_screen(SafetyNumberScreen(partner_id))

    def action_join(self) -> None:
        from .pairing import JoinScreen

        self.app.push_screen(JoinScreen())

    def action_invite(self) -> None:
        from .pairing import InvitationScreen

        self.app.push_screen(InvitationScreen())
