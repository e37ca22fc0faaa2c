"""Keeping what a person typed when the app locks: the part every form and composer shares.

A screen or widget with unsaved input mixes in ``KeepsDraft``, is given a ``DraftSlot``
(``toolbox.drafts.slot(form, item)``, see ``store/repositories/drafts.py``) and implements two
methods: ``draft_fields`` (what it holds now, as JSON values) and ``show_draft_fields`` (put
such values back). Then:

- ``offer_draft()`` once its widgets exist (on mount) records what it started with and, when
  a draft is stored, shows it again and returns it (the form then says so);
- the app calls ``keep_draft()`` on every holder on screen before it locks — Ctrl+L, idle
  minutes, a crash or a lost terminal — and nothing is kept when nothing was changed;
- ``drop_draft()`` when the content is saved, or the person discards it.
"""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import TYPE_CHECKING

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Static

from .. import formats
from ..errors import ReconnectError
from ..i18n import _

if TYPE_CHECKING:
    from ..store.repositories.drafts import DraftSlot, FormDraft, JsonValue


class KeepsDraft:
    """Mixin for anything on screen whose unsaved input the app keeps as a draft on lock."""

    draft: DraftSlot | None = None
    """Where this form's draft lives (None: this form keeps no draft)."""
    _draft_start: dict[str, JsonValue] | None = None

    def draft_fields(self) -> dict[str, JsonValue]:
        """What the form holds now: raw values as typed, JSON types only."""
        raise NotImplementedError

    def show_draft_fields(self, fields: dict[str, JsonValue]) -> None:
        """Put values from ``draft_fields`` back (ignoring any that no longer fit)."""
        raise NotImplementedError

    def offer_draft(self) -> FormDraft | None:
        """Remember the starting values; show a stored draft instead, and return it."""
        self._draft_start = self.draft_fields()
        if self.draft is None:
            return None
        try:
            stored = self.draft.load()
        except ReconnectError:  # locked meanwhile
            return None
        if stored is None or stored.fields == self._draft_start:
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

    def revert_draft(self) -> None:
        """The person discards the draft: back to what the form started with."""
        if self._draft_start is not None:
            self.show_draft_fields(self._draft_start)
        self.drop_draft()


def draft_text(draft: FormDraft) -> str:
    """"Restored what you typed before ReConnect locked (14:05)." for a form's notice."""
    when = ""
    if draft.saved_at is not None:
        local = draft.saved_at.astimezone()
        same_day = local.date() == datetime.now().astimezone().date()
        when = formats.clock(local) if same_day else formats.day_and_time(local)
    if when:
        return _("Restored what you typed before ReConnect locked ({when}).").format(when=when)
    return _("Restored what you typed before ReConnect locked.")


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
