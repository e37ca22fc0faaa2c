"""Checkboxes and radio buttons show their state without colour (widgets/toggles.py)."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import RadioSet

from reconnect_tui.widgets.toggles import StateCheckbox, StateRadioButton


class Toggles(App[None]):
    def compose(self) -> ComposeResult:
        yield StateCheckbox("Prescribed by a doctor", id="box")
        with RadioSet(id="role"):
            yield StateRadioButton("a service user", value=True, id="user")
            yield StateRadioButton("a health provider", id="provider")


def drawn(app: App[None], selector: str) -> str:
    return str(app.query_one(selector).render())


async def test_state_is_drawn_not_only_coloured(tmp_path: Path) -> None:
    app = Toggles()
    async with app.run_test(size=(80, 24)) as pilot:
        assert drawn(app, "#box").startswith("[ ] Prescribed")
        assert drawn(app, "#user").startswith("(•) a service user")
        assert drawn(app, "#provider").startswith("( ) a health provider")
        app.query_one("#box").focus()
        await pilot.press("space")
        assert drawn(app, "#box").startswith("[x] Prescribed")
        app.query_one("#provider", StateRadioButton).value = True
        await pilot.pause()
        assert drawn(app, "#provider").startswith("(•)")
        assert drawn(app, "#user").startswith("( )")  # RadioSet still keeps one on
