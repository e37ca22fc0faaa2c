"""Keeping what a person typed when the app locks: the part every form and composer shares.

A screen or widget with unsaved input mixes in ``KeepsDraft``, is given a ``DraftSlot``
(``toolbox.drafts.slot(form, item)``, see ``store/repositories/drafts.py``) and implements two
methods: ``draft_fields`` (what it holds now, as JSON values) and ``show_draft_fields`` (put
such values back). Then:

- ``offer_draft_from_thread()`` once its widgets exist (on mount) records what it started with
  and reads the stored draft in a thread worker (the UI thread reads nothing); back on the UI
  thread the draft is shown again, unless something was typed meanwhile (what was typed wins),
  and ``draft_offered`` is called (the form then says so); a screen that reads in its own
  loading thread hands the draft it read to ``offer_read_draft``;
- the app calls ``keep_draft()`` on every holder on screen before it locks — Ctrl+L, idle
  minutes, a crash or a lost terminal — and nothing is kept when nothing was changed;
- ``drop_draft()`` when the content is saved, or the person discards it;
- ``leave_form(close)`` on Escape: closes at once when nothing changed, else asks (``LeaveDialog``)
  whether to keep the changes as a draft, discard them, or go back to the form. A kept draft is
  offered again when the same form opens, after a lock or a restart too (it is in the vault).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Literal

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Button, Static

from .. import formats
from ..errors import ReconnectError
from ..i18n import N_, _

if TYPE_CHECKING:
    from ..store.repositories.drafts import DraftSlot, FormDraft, JsonValue


class DraftRead(Message):
    """A form's stored draft, read in its thread worker, for the UI thread to offer."""

    def __init__(self, stored: FormDraft | None) -> None:
        super().__init__()
        self.stored = stored


class KeepsDraft:
    """Mixin for anything on screen whose unsaved input the app keeps as a draft on lock."""

    draft: DraftSlot | None = None
    """Where this form's draft lives (None: this form keeps no draft)."""
    _draft_start: dict[str, JsonValue] | None = None
    draft_settled: bool = False
    """The stored draft was read and offered (or there was none to read)."""

    def draft_fields(self) -> dict[str, JsonValue]:
        """What the form holds now: raw values as typed, JSON types only."""
        raise NotImplementedError

    def show_draft_fields(self, fields: dict[str, JsonValue]) -> None:
        """Put values from ``draft_fields`` back (ignoring any that no longer fit)."""
        raise NotImplementedError

    def offer_draft_from_thread(self) -> None:
        """Remember the starting values; read the stored draft in a thread worker and offer it
        when it arrives (``on_draft_read``)."""
        self._draft_start = self.draft_fields()
        slot = self.draft
        if slot is None:
            self.draft_settled = True
            return
        assert isinstance(self, Widget)  # mixed into screens and widgets only
        holder = self

        def read() -> None:
            try:
                stored = slot.load()
            except ReconnectError:  # locked meanwhile: the form is about to close
                return
            holder.post_message(DraftRead(stored))

        self.run_worker(read, thread=True, group="draft-read", name="draft read")

    def on_draft_read(self, message: DraftRead) -> None:
        message.stop()
        self.draft_settled = True
        if self._draft_start is None or self.draft_fields() != self._draft_start:
            return  # typed meanwhile: what was typed wins (the stored draft stays until then)
        restored = self.offer_read_draft(message.stored)
        if restored is not None:
            self.draft_offered(restored)

    def draft_offered(self, restored: FormDraft) -> None:
        """A stored draft is shown again (a form says so, with a way to discard it)."""

    def offer_read_draft(self, stored: FormDraft | None) -> FormDraft | None:
        """``offer_draft_from_thread`` with the draft already read (by a screen's loading
        thread, so the UI thread reads nothing)."""
        self._draft_start = self.draft_fields()
        if self.draft is None or stored is None or stored.fields == self._draft_start:
            return None
        self.show_draft_fields(stored.fields)
        return stored

    def keep_draft(self) -> None:
        """Keep what was typed as this form's draft (the app calls this before locking)."""
        if self.draft is None or self._draft_start is None:
            return
        fields = self.draft_fields()
        if fields == self._draft_start:
            self.draft.discard()  # nothing typed (or typed back): nothing to keep
        else:
            self.draft.keep(fields)

    def drop_draft(self) -> None:
        """Saved or discarded: the draft is no longer needed."""
        if self.draft is None:
            return
        with contextlib.suppress(ReconnectError):  # locked meanwhile: the draft stays
            self.draft.discard()

    def has_changes(self) -> bool:
        """Something was typed since the form opened (a restored draft counts)."""
        return self._draft_start is not None and self.draft_fields() != self._draft_start

    def leave_form(self, close: Callable[[], object]) -> None:
        """Escape: ``close`` at once when nothing changed; else ask first (``LeaveDialog``)."""
        if not self.has_changes():
            self.drop_draft()
            close()
            return

        def chosen(choice: LeaveChoice | None) -> None:
            if choice == "keep":
                with contextlib.suppress(ReconnectError):  # locked meanwhile: already kept
                    self.keep_draft()
                close()
            elif choice == "discard":
                self.drop_draft()
                close()

        assert isinstance(self, Widget)  # mixed into screens and widgets only
        self.app.push_screen(LeaveDialog(can_keep=self.draft is not None), chosen)

    def revert_draft(self) -> None:
        """The person discards the draft: back to what the form started with."""
        if self._draft_start is not None:
            self.show_draft_fields(self._draft_start)
        self.drop_draft()


def draft_text(draft: FormDraft) -> str:
    """"Your draft from 14:05 is back." for a form's notice (kept on Escape, a lock, a quit)."""
    when = ""
    if draft.saved_at is not None:
        local = draft.saved_at.astimezone()
        same_day = local.date() == datetime.now().astimezone().date()
        when = formats.clock(local) if same_day else formats.day_and_time(local)
    if when:
        return _("Your draft from {when} is back.").format(when=when)
    return _("Your draft is back.")


LeaveChoice = Literal["keep", "discard"]


class LeaveDialog(ModalScreen[LeaveChoice | None]):
    """Escape on a form with changes: keep them as a draft (k), discard them (d), or go back
    to the form (b or Escape; None). Without a place for drafts, only discard or back."""


    BINDINGS = [
        Binding("k", "choose('keep')", N_("Keep as draft"), show=False),
        Binding("d", "choose('discard')", N_("Discard"), show=False),
        Binding("b", "choose('back')", N_("Back to the form"), show=False),
        Binding("escape", "choose('back')", N_("Back to the form"), show=False),
    ]

    def __init__(self, *, can_keep: bool = True) -> None:
        super().__init__()
        self.can_keep = can_keep

    def compose(self) -> ComposeResult:
        question = (_("You have changes that are not saved. Keep them as a draft for next time?")
                    if self.can_keep else _("You have changes that are not saved."))
        with Vertical(classes="dialog", id="leave-dialog"):
            yield Static(question, classes="question")
            with Horizontal(classes="buttons"):
                if self.can_keep:
                    yield Button(_("Keep as draft (k)"), id="keep", variant="primary")
                yield Button(_("Discard (d)"), id="discard", variant="error")
                yield Button(_("Back to the form (b)"), id="back")

    def on_mount(self) -> None:
        self.query_one("#keep" if self.can_keep else "#back", Button).focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return action != "choose" or parameters != ("keep",) or self.can_keep

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_choose(event.button.id or "back")

    def action_choose(self, choice: str) -> None:
        self.dismiss("keep" if choice == "keep" else "discard" if choice == "discard" else None)


class DraftNotice(Horizontal):
    """A hidden line in a form: "Restored what you typed …" and a Discard draft button."""

    DEFAULT_CSS = """
    DraftNotice {
        height: auto;
        display: none;
    }
    DraftNotice Static {
        width: 1fr;
        padding: 0 1 0 0;
    }
    """

    class Discard(Message):
        """The person chose to discard the restored draft."""

    def compose(self) -> ComposeResult:
        yield Static("", id="draft-text", markup=False)
        yield Button(_("Discard draft"), id="draft-discard", compact=True)

    def show(self, draft: FormDraft) -> None:
        self.query_one("#draft-text", Static).update(draft_text(draft))
        self.display = True

    @on(Button.Pressed, "#draft-discard")
    def _discard(self, event: Button.Pressed) -> None:
        event.stop()
        self.display = False
        self.post_message(self.Discard())
