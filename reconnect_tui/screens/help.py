"""The keys, in one place."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Markdown

from ..i18n import N_, _
from .localized import LocalizedModalScreen

HELP = N_("""\
# Keys

| Key | What it does |
|---|---|
| **F2** | Crisis plan and emergency numbers, from every screen |
| **F1** | This help |
| **Ctrl+P** | Command palette: every action, searchable |
| **Ctrl+L** | Lock now (ReConnect also locks itself when idle) |
| **Ctrl+R** | Sync now: send what is waiting, fetch what is new |
| **Escape** | Back |
| **Tab / Shift+Tab** | Next / previous field |
| **Ctrl+Q** | Quit |

On Home, the letter beside each module opens it; **s** opens your messages and **p** pairs
with a provider (a provider makes an invitation code there).
In a conversation: **Ctrl+S** sends, **Ctrl+T** says which goal or item it is about,
**Ctrl+N** shows the safety number to compare face to face.
In lists: **a** add, **Enter** or **e** edit, **Delete** or **x** delete (asks first).

ReConnect is **not for emergencies**: messages may not be read for days.
In an emergency call 113 (Norway) or 112, or follow your crisis plan (F2).
""")


class HelpScreen(LocalizedModalScreen[None]):
    BINDINGS = [Binding("escape,f1,q", "dismiss", N_("Close"))]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            yield Markdown(_(HELP))
