"""Search: one field that finds anything the person wrote, as they type; Enter opens the item."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..i18n import N_, _
from ..model import SearchHit, SearchResults
from ..store import Toolbox
from .base import ModuleScreen
from .events import OpenModule
from .registry import available_modules

DEBOUNCE_SECONDS = 0.25

SCREEN_FOR = {
    "life-domains": "life-domains",
    "what-matters": "life-domains",
    "goals": "goals",
    "activities": "goals",
    "network": "network",
    "medications": "medications",
    "diary": "diary",
    "exercise-log": "exercises",
    "crisis-plan": "crisis-plan",
}
"""Search-index module name → the module screen that shows the item."""

MODULE_LABELS = {
    "life-domains": N_("Life domains"),
    "what-matters": N_("What matters"),
    "goals": N_("Goal"),
    "activities": N_("Activity"),
    "network": N_("Network"),
    "medications": N_("Medication"),
    "diary": N_("Diary"),
    "exercise-log": N_("Exercise log"),
    "crisis-plan": N_("Crisis plan"),
}


def snippet_text(snippet: str) -> Text:
    """The FTS5 snippet with its ``[match]`` markers shown as highlights (never as markup)."""
    text = Text()
    rest = snippet.replace("\n", " ")
    while "[" in rest and "]" in rest.split("[", 1)[1]:
        before, after = rest.split("[", 1)
        match, rest = after.split("]", 1)
        text.append(before)
        text.append(match, style="bold reverse")
    text.append(rest)
    return text


@dataclass(frozen=True, slots=True)
class Found:
    """What a search found, read in the screen's loading thread."""

    text: str
    results: SearchResults


class SearchScreen(ModuleScreen[Found]):
    """Type to search; results update as you type; Enter opens the highlighted one."""

    TITLE_TEXT = N_("Search")
    EMPTY_TEXT = N_(
        "Search finds anything you wrote: diary entries, goals, people, medicines, your crisis "
        "plan. Type a word or the start of one."
    )
    BINDINGS = [
        Binding("ctrl+f", "focus_query", N_("Search field")),
        Binding("down", "results", N_("Go to results"), show=False),
        Binding("ctrl+o", "open", N_("Open result")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []
        self._debounce: Timer | None = None
        self.searched_for = ""
        self._query = ""
        """What the next read searches for."""

    def compose_body(self) -> ComposeResult:
        yield Input(placeholder=_("Search what you wrote…"), id="search-query")
        yield Static("", id="search-status")
        yield OptionList(id="search-results")
        yield self.empty_state(id="search-empty")
        yield Static(_("Only you can see this (nothing is shared)."), classes="who-can-see")

    def on_mount(self) -> None:
        super().on_mount()
        self._show(SearchResults([], 0, 0), "")
        self.query_one("#search-query", Input).focus()

    @on(Input.Changed, "#search-query")
    def query_changed(self, event: Input.Changed) -> None:
        if self._debounce is not None:
            self._debounce.stop()
        self._debounce = self.set_timer(DEBOUNCE_SECONDS, lambda: self.run_search(event.value))

    def run_search(self, text: str) -> None:
        """Search for ``text`` in the loading thread; an older search still under way is
        dropped when it ends."""
        self._query = text
        self.request_load()

    def load_data(self, toolbox: Toolbox) -> Found:
        text = self._query
        found = toolbox.search.find(text) if text.strip() else SearchResults([], 0, 0)
        return Found(text, found)

    def show_data(self, data: Found) -> None:
        self._show(data.results, data.text)

    def _show(self, results: SearchResults, text: str) -> None:
        hits = results.hits
        self.hits = hits
        self.searched_for = text
        listing = self.query_one("#search-results", OptionList)
        listing.clear_options()
        for n, hit in enumerate(hits):
            line = Text(_(MODULE_LABELS.get(hit.module, hit.module)), style="bold")
            if hit.title:
                line.append("  " + hit.title.replace("\n", " ")[:50])
            line.append("\n")
            line.append_text(snippet_text(hit.snippet))
            listing.add_option(Option(line, id=str(n)))
        empty = self.query_one("#search-empty", Static)
        status = self.query_one("#search-status", Static)
        listing.display = bool(hits)
        empty.display = not hits
        if not text.strip():
            empty.update(self.EMPTY_TEXT)
            status.update("")
        elif not hits:
            empty.update(
                _("Nothing found for “{text}”. Try fewer letters or another word.").format(
                    text=text.strip()
                )
            )
            status.update("")
        elif results.limited:
            # A word in thousands of entries: only the newest were ranked (search.py, store).
            found = _(
                "The best {count} of your newest {ranked} of {matches} matches · add a word to"
                " look further back · ↓ to the results, Enter opens"
            )
            status.update(
                found.format(count=len(hits), ranked=results.ranked, matches=results.matches)
            )
            listing.highlighted = 0
        else:
            found = _("{count} found · ↓ to the results, Enter opens")
            status.update(found.format(count=len(hits)))
            listing.highlighted = 0

    @on(Input.Submitted, "#search-query")
    def submitted(self) -> None:
        if self.hits:
            self.action_results()

    def action_focus_query(self) -> None:
        self.query_one("#search-query", Input).focus()

    def action_results(self) -> None:
        if self.hits:
            self.query_one("#search-results", OptionList).focus()

    @on(OptionList.OptionSelected, "#search-results")
    def selected(self, event: OptionList.OptionSelected) -> None:
        self.open_hit(event.option_index)

    def action_open(self) -> None:
        index = self.query_one("#search-results", OptionList).highlighted
        if index is not None:
            self.open_hit(index)

    def open_hit(self, index: int) -> None:
        """Open the item's module screen and, if the screen can, highlight the item."""
        if not 0 <= index < len(self.hits):
            return
        hit = self.hits[index]
        module_id = SCREEN_FOR.get(hit.module)
        available = {m.id for m in available_modules(self.toolbox.profile.get().role)}
        if module_id not in available:
            self.notify(_("That part of the toolbox is not available yet."))
            return
        marked = re.search(r"\[([^\]]+)\]", hit.snippet)
        match = marked.group(1) if marked else ""
        self.app.post_message(OpenModule(module_id, hit.item_id, hit.module, match))
