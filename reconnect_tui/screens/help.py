"""The keys, in one place: those of the screen F1 was pressed on, the global ones, and the
settings in use (with a key to change them)."""

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


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def screen_keys_markdown(title: str, keys: list[tuple[str, str]]) -> str:
    """A Markdown table of one screen's keys (already translated), or "" when it has none."""
    if not keys:
        return ""
    rows = "\n".join(f"| **{_cell(key)}** | {_cell(what)} |" for key, what in keys)
    return (f"# {_cell(title)}\n\n| {_('Key')} | {_('What it does')} |\n|---|---|\n"
            f"{rows}\n")


class HelpScreen(LocalizedModalScreen[None]):
    BINDINGS = [
        Binding("escape,f1,q", "dismiss", N_("Close")),
        Binding("s", "settings", N_("Settings")),
    ]

    def __init__(self, screen_title: str = "", screen_keys: list[tuple[str, str]] | None = None,
                 settings_line: str = "") -> None:
        """``screen_keys``: (key, what it does) of the screen F1 was pressed on."""
        super().__init__()
        self.screen_title = screen_title
        self.screen_keys = screen_keys or []
        self.settings_line = settings_line

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide"):
            title = _("Keys on this screen: {screen}").format(screen=self.screen_title) \
                if self.screen_title else _("Keys on this screen")
            here = screen_keys_markdown(title, self.screen_keys)
            if here:
                yield Markdown(here, id="screen-keys")
            yield Markdown(_(HELP))
            if self.settings_line:
                yield Markdown(f"# {_('Settings')}\n\n{_cell(self.settings_line)}\n\n"
                               + _("Press **s** to change them."), id="settings-summary")

    def action_settings(self) -> None:
        self.dismiss(None)
        self.app.call_later(self.app.run_action, "settings")
