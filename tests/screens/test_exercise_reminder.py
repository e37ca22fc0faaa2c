"""r on the Exercises screen sets a daily reminder for the exercise (issue 18), kept in the
vault where the companion and the app read it; a bad time keeps the form open; empty ends it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, OptionList

from reconnect_tui.notify.news import reminders
from reconnect_tui.store import Vault
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for


async def test_r_sets_and_clears_a_daily_reminder(vault_path: Path, user_template) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        index = next(i for i, e in enumerate(screen.entries) if e.row.slug == "box-breathing")
        screen.query_one("#exercise-list", OptionList).highlighted = index
        await pilot.pause()
        exercise_id = screen.entries[index].row.id
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        field = app.screen.query_one(Input)
        field.value = "8.30"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # a bad time: the form stays open
        field.value = "08:30"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert reminders(app.toolbox.vault) == {f"exercise:{exercise_id}": "08:30"}
        await pilot.press("r")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one(Input).value == "08:30"
        app.screen.query_one(Input).value = ""
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, FormScreen))
        assert reminders(app.toolbox.vault) == {}
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        assert reminders(vault) == {}
