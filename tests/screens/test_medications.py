"""Medication overview driven by Pilot on a real vault: empty state, add, edit, delete, lock."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from reconnect_tui.model import Medication
from reconnect_tui.screens.medications import MedicationsScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for


def seed(vault_path: Path, template, medications: list[Medication]) -> None:
    vault = Vault.open_with_key(vault_path, template.key, template.header)
    try:
        for medication in medications:
            Toolbox(vault).medications.add(medication)
    finally:
        vault.close()


def detail(screen, name: str) -> str:
    return str(screen.query_one(f"#medication-{name}", Static).render())


async def test_empty_state_says_what_the_overview_is_for(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "medications")
        empty = screen.query_one("#medications-empty")
        assert empty.display and "doctor" in str(empty.render())
        assert not screen.query_one("#medications-panes").display
        await pilot.press("e")  # nothing to edit: the key says so (issue 15)
        await pilot.pause()
        assert any("Nothing to act on" in n.message for n in app._notifications)


async def test_add_edit_delete_and_survive_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await pilot.press("m")
        await wait_for(pilot, lambda: isinstance(app.screen, MedicationsScreen))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        form = app.screen
        await pilot.press(*"Sertraline")
        form.query_one("#field-dose", Input).value = "50 mg"
        form.query_one("#field-schedule", Input).value = "morning"
        form.query_one("#field-intended_effect", TextArea).text = "Lift my mood"
        form.query_one("#field-questions", TextArea).text = "Can I lower the dose?"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MedicationsScreen))
        screen = app.screen
        assert detail(screen, "name") == "Sertraline"
        assert detail(screen, "dose") == "50 mg · morning"
        assert detail(screen, "questions") == "Can I lower the dose?"
        assert detail(screen, "experiences") == "Not written yet."

        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-prescribed", Checkbox).value = False
        app.screen.query_one("#field-experiences", TextArea).text = "Sleep better"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, MedicationsScreen))
        assert detail(screen, "prescribed") == "Not prescribed"

        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "medications")
        assert detail(screen, "experiences") == "Sleep better"
        assert detail(screen, "prescribed") == "Not prescribed"
        options = screen.query_one("#medications", OptionList)
        assert options.option_count == 1
        assert "not prescribed" in str(options.get_option_at_index(0).prompt)

        await pilot.press("x", "n")
        await wait_for(pilot, lambda: isinstance(app.screen, MedicationsScreen))
        assert len(screen.medications) == 1
        await pilot.press("delete", "y")
        await wait_for(pilot, lambda: not screen.medications)
        assert screen.query_one("#medications-empty").display
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "medications")
        assert screen.medications == []


async def test_list_selects_detail_and_enter_edits(vault_path: Path, user_template) -> None:
    seed(
        vault_path,
        user_template,
        [Medication("Melatonin", prescribed=False), Medication("Lithium", dose="400 mg")],
    )
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "medications")
        assert detail(screen, "name") == "Lithium"  # sorted by name
        await pilot.press("down")
        await wait_for(pilot, lambda: detail(screen, "name") == "Melatonin")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        assert app.screen.query_one("#field-name", Input).value == "Melatonin"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, MedicationsScreen))
        titles = {c.title for c in app.get_system_commands(screen)}
        assert {"Add medicine", "Edit", "Delete"} <= titles
