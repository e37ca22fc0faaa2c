"""Conversations and forums an import file brought (export format version 2): read only.

No encryption session comes back from a file (docs/export-format.md), so these are history to
read, not conversations to continue; the Messages screen opens this one with ``y`` when there
is any. The text is another person's: the repository cleans it as it reads, and it is shown as
plain text (never markup).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from .. import formats
from ..i18n import N_, _
from ..store.repositories.imported_history import ImportedEntry, ImportedHistoryRepository
from .base import ModuleScreen

if TYPE_CHECKING:
    from ..store.toolbox import Toolbox


def _when(text: object) -> str:
    try:
        when = datetime.fromisoformat(str(text))
    except ValueError:
        return ""
    return formats.format_moment(when if when.tzinfo else when.replace(tzinfo=UTC))


def history_text(entries: list[ImportedEntry]) -> Text:
    """Each imported conversation and forum: a heading, then its messages or posts."""
    text = Text()
    for entry in entries:
        data = entry.data
        if entry.kind == "dyad":
            text.append(_("Conversation with {name} (imported, read only)").format(
                name=entry.name) + "\n", style="bold")
            for message in data.get("messages", []):
                who = _("you") if message.get("outgoing") else entry.name
                text.append(f"  {_when(message.get('sent_at'))} {who}: ", style="dim")
                text.append(str(message.get("text", "")) + "\n")
            versions = len(data.get("agreements", []))
            if versions:
                text.append("  " + _("Agreement versions kept: {n}").format(n=versions) + "\n",
                            style="dim")
        else:
            text.append(_("Forum {name}, where you were {pseudonym} (imported, read only)")
                        .format(name=entry.name, pseudonym=data.get("pseudonym", "")) + "\n",
                        style="bold")
            for post in data.get("posts", []):
                text.append(f"  {_when(post.get('posted_at'))} {post.get('author', '')}: ",
                            style="dim")
                text.append(str(post.get("text", "")) + "\n")
        text.append("\n")
    return text


class ImportedHistoryScreen(ModuleScreen[list[ImportedEntry]]):
    """What an import brought of conversations and forums, to read."""

    TITLE_TEXT = N_("Imported conversations and forums")
    EMPTY_TEXT = N_("No imported conversations or forums.")

    def compose_body(self) -> ComposeResult:
        with VerticalScroll(classes="module-body", id="imported-body"):
            yield Static(_("Read from an export file. These are not connected: to write to"
                           " someone again, pair again."), classes="who-can-see")
            yield Static("", id="imported-history")

    def load_data(self, toolbox: Toolbox) -> list[ImportedEntry]:
        return ImportedHistoryRepository(toolbox.vault).entries()

    def show_data(self, data: list[ImportedEntry]) -> None:
        shown = history_text(data) if data else Text(self.EMPTY_TEXT)
        self.query_one("#imported-history", Static).update(shown)
