"""The message composer: a text area, a live word count and how long the receiver needs to read it.

Long messages were a burden on providers in the ReConnect study, so the composer shows, while
typing, the number of words and "about N seconds/minutes to read" for the receiver. A message
can be about a toolbox item; the composer then shows that item's title above the text.

Enter inserts a newline; the screen sends with Ctrl+S (or the Send button), which calls
``submit``. The composer posts ``Composer.Submitted`` and leaves clearing to the screen, so a
message that could not be queued is not lost.

Given a draft slot (``toolbox.drafts.slot("message", partner_id)``), an unsent text is kept as
a draft when the app locks and is back in the composer next time; ``clear`` (the message was
queued) drops it. Only the text is kept, not what it was about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Static, TextArea

from ..domain_names import domain_label
from ..errors import ReconnectError
from ..i18n import _, ngettext
from ..sync.dyads import ItemRef, reading_time_seconds, word_count
from ..text_safety import clean_text
from .drafts import KeepsDraft

if TYPE_CHECKING:
    from ..store.repositories.drafts import DraftSlot, FormDraft, JsonValue


def reading_time_text(seconds: int) -> str:
    """"about 20 seconds" under a minute, else whole minutes (rounded, at least one)."""
    if seconds < 60:
        return ngettext("about {n} second", "about {n} seconds", seconds).format(n=seconds)
    minutes = max(1, round(seconds / 60))
    return ngettext("about {n} minute", "about {n} minutes", minutes).format(n=minutes)


def meta_text(text: str, receiver: str) -> str:
    """The line under the text area: words, and the reading time for ``receiver``."""
    words = word_count(text)
    if words == 0:
        return _("Write your message. Enter starts a new line; Ctrl+S sends.")
    count = ngettext("{n} word", "{n} words", words).format(n=words)
    reading = _("{time} for {name} to read").format(
        time=reading_time_text(reading_time_seconds(text)), name=receiver
    )
    return f"{count} · {reading}"


def about_text(about: ItemRef) -> Text:
    """The title line of a message about a toolbox item (the title is never markup). An item
    the partner cannot see travels without its title: then only its kind is named."""
    line = Text(_("About: "), style="bold")
    if about.title:
        line.append(domain_label(about.title) if about.module == "life-domains" else about.title)
        return line
    kinds = {"goals": _("a goal"), "life-domains": _("a life domain")}
    line.append(_("{kind} (its title is not shared)").format(
        kind=kinds.get(about.module, _("an item"))), style="italic")
    return line


class Composer(KeepsDraft, Vertical):
    """Write a message to ``receiver`` (their name is used in the reading-time line)."""

    @dataclass
    class Submitted(Message):
        composer: Composer
        text: str
        about: ItemRef | None

    def __init__(self, receiver: str, draft: DraftSlot | None = None, *,
                 draft_read_here: bool = True, **kwargs) -> None:
        """``draft_read_here`` False: the screen reads the draft in its loading thread and
        hands it to ``offer_unsent``."""
        super().__init__(**kwargs)
        self.receiver = receiver
        self.draft_read_here = draft_read_here
        self.about: ItemRef | None = None
        self.draft = draft

    def compose(self) -> ComposeResult:
        yield Static("", id="composer-about")
        yield TextArea(id="composer-text", soft_wrap=True, show_line_numbers=False)
        with Horizontal(id="composer-bar"):
            yield Static(meta_text("", self.receiver), id="composer-meta")
            yield Button(_("Send"), id="composer-send", variant="primary", compact=True)

    def on_mount(self) -> None:
        self._show_about()
        if self.draft_read_here:
            self.offer_unsent(self.read_draft())

    def read_draft(self) -> FormDraft | None:
        if self.draft is None:
            return None
        try:
            return self.draft.load()
        except ReconnectError:  # locked meanwhile
            return None

    def offer_unsent(self, stored: FormDraft | None) -> None:
        """The unsent message kept at the last lock (read by the conversation's loading
        thread), back in the text area."""
        if self.offer_read_draft(stored) is not None:
            self.app.notify(_("Your unsent message is back: send it, or clear it to discard it."))

    def draft_fields(self) -> dict[str, JsonValue]:
        return {"text": self.text}

    def show_draft_fields(self, fields: dict[str, JsonValue]) -> None:
        text = fields.get("text")
        if isinstance(text, str):
            self.query_one("#composer-text", TextArea).load_text(text)

    @property
    def text(self) -> str:
        return self.query_one("#composer-text", TextArea).text

    def set_about(self, about: ItemRef | None) -> None:
        """What the next message is about (None: nothing in particular)."""
        self.about = about
        self._show_about()

    def clear(self) -> None:
        """Empty the text and forget the item (after the message was queued)."""
        self.query_one("#composer-text", TextArea).clear()
        self.set_about(None)
        self.drop_draft()

    def set_receiver(self, receiver: str) -> None:
        """The partner's name, once their screen has read it."""
        if receiver != self.receiver:
            self.receiver = receiver
            if self.is_mounted:
                self.query_one("#composer-meta", Static).update(meta_text(self.text, receiver))

    def focus_text(self) -> None:
        self.query_one("#composer-text", TextArea).focus()

    def submit(self) -> None:
        """Post ``Submitted`` if there is something to send; otherwise say what is missing."""
        text = clean_text(self.text).strip()
        if not text:
            self.app.notify(_("Write something first."), severity="warning")
            return
        self.post_message(self.Submitted(self, text, self.about))

    def _show_about(self) -> None:
        line = self.query_one("#composer-about", Static)
        if self.about is None:
            line.display = False
            return
        text = about_text(self.about)
        text.append("  " + _("(Ctrl+T to change)"), style="dim")
        line.update(text)
        line.display = True

    @on(TextArea.Changed, "#composer-text")
    def _changed(self) -> None:
        self.query_one("#composer-meta", Static).update(meta_text(self.text, self.receiver))

    @on(Button.Pressed, "#composer-send")
    def _send_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.submit()
