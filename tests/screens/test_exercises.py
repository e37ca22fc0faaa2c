"""The Exercises screen driven by Pilot on a real vault: browse, timer, checklist, log, own
exercises (add, edit, delete), and that all of it survives lock and unlock."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from textual.widgets import Checkbox, Input, OptionList, Static, TextArea

from reconnect_tui.screens import exercises as exercises_screen
from reconnect_tui.screens.exercises import ExercisesScreen
from reconnect_tui.screens.info import MarkdownText
from reconnect_tui.widgets.breathing import BreathingState, BreathingTimer
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for


async def _highlight(pilot, screen: ExercisesScreen, slug: str) -> None:
    index = next(i for i, e in enumerate(screen.entries) if e.row.slug == slug)
    screen.query_one("#exercise-list", OptionList).highlighted = index
    await pilot.pause()


async def test_lists_builtins_and_shows_text(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        slugs = {e.row.slug for e in screen.entries}
        assert {"breathing-space", "box-breathing", "body-scan", "sleep-checklist"} <= slugs
        assert {"strengths-mapping"} <= slugs
        assert all(e.row.id for e in screen.entries)
        await _highlight(pilot, screen, "body-scan")
        assert screen.query_one("#exercise-detail").query(MarkdownText)
        assert "nothing is shared" in str(screen.query_one(".who-can-see", Static).render())
        # the history is empty and says what it is for
        await pilot.press("h")
        assert screen.query_one("#history-empty").display
        assert "press d" in str(screen.query_one("#history-empty", Static).render()).lower()


async def test_box_breathing_timer_counts_phases_and_pauses(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await _highlight(pilot, screen, "box-breathing")
        await pilot.press("t")
        timer = screen.query_one(BreathingTimer)
        assert app.focused is timer
        # Take the wall clock out and start from zero: on a busy machine the ticker may
        # already have run for a while between the key press and this line.
        timer.restart()
        timer.ticker.pause()
        assert timer.state.label == "Breathe in"
        timer.advance(2)
        assert 0.4 < timer.state.level() < 0.6
        timer.advance(2)
        assert timer.state.label == "Hold" and timer.state.level() == 1.0
        await pilot.press("space")
        assert timer.state.paused
        timer.advance(10)
        assert timer.state.label == "Hold"
        assert "paused" in str(timer.render())
        await pilot.press("space")
        timer.advance(4 + 2)
        assert timer.state.label == "Breathe out" and 0.4 < timer.state.level() < 0.6
        timer.advance(64)
        await pilot.pause()
        assert timer.state.finished


async def test_timer_end_logs_the_exercise(vault_path: Path) -> None:
    """A timer run to its end is the exercise done: logged without pressing d (issue 15)."""
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await _highlight(pilot, screen, "box-breathing")
        box = screen.current()
        assert box is not None and box.text is not None and box.text.rounds
        await pilot.press("t")
        timer = screen.query_one(BreathingTimer)
        timer.ticker.pause()
        timer.advance(sum(s for _label, s in box.text.timer or ()) * box.text.rounds)
        await wait_for(pilot, lambda: len(screen.history) == 1)
        assert screen.history[0].exercise_id == box.row.id
        assert screen.history[0].note.startswith("Timer:")
        # the exercise stays highlighted and the timer says it is done
        assert screen.current() is not None and screen.current().row.id == box.row.id
        assert "Well done" in str(screen.query_one(BreathingTimer).render())
        assert not isinstance(app.screen, FormScreen)


async def test_timer_ticks_with_real_time(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await _highlight(pilot, screen, "slow-breathing")
        await pilot.press("t")
        timer = screen.query_one(BreathingTimer)
        # It ticks on its own: patience for a busy machine, no duration asserted.
        await wait_for(pilot, lambda: timer.state.elapsed > 0 and timer.state.level() > 0)


def test_breathing_state_rounds() -> None:
    state = BreathingState((("Breathe in", 4), ("Breathe out", 6)), rounds=2)
    state.advance(10)
    assert state.round == 2 and state.phase == 0
    assert state.seconds_left == 4
    state.advance(9.5)
    assert state.label == "Breathe out" and state.seconds_left == 1
    state.advance(1)
    assert state.finished and state.level() == 0.0


async def test_checklist_and_log_done_survive_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await _highlight(pilot, screen, "sleep-checklist")
        boxes = list(screen.query(".check-item").results(Checkbox))
        assert len(boxes) >= 10
        await pilot.press("enter")
        assert app.focused is boxes[0]
        await pilot.press("space")
        assert boxes[0].value
        await pilot.press("d")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        note = app.screen.query_one("#field-note", TextArea)
        assert note.text.startswith("Ticked 1 of")
        note.text = "Tried no screens after ten"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ExercisesScreen))
        assert len(screen.history_ids) == 1
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await pilot.press("h")
        listing = screen.query_one("#history-list", OptionList)
        assert listing.option_count == 1
        prompt = str(listing.get_option_at_index(0).prompt)
        assert "Sleep checklist" in prompt and "no screens after ten" in prompt
        assert "2026-11-27 09:00" in prompt
        # delete from history asks first
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExercisesScreen))
        await pilot.press("n")
        assert listing.option_count == 1
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExercisesScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.query_one("#history-empty").display)
        assert app.toolbox.exercises.history() == []


async def test_own_exercise_add_edit_delete(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-title", Input).value = "Walk round the block"
        app.screen.query_one("#field-body", TextArea).text = "Slowly, noticing trees."
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ExercisesScreen))
        current = screen.current()
        assert current is not None and current.row.title == "Walk round the block"
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "exercises")
        own = [e for e in screen.entries if not e.row.builtin]
        assert [e.row.title for e in own] == ["Walk round the block"]
        screen.query_one("#exercise-list", OptionList).highlighted = len(screen.entries) - 1
        await pilot.pause()
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-title", Input).value = "Walk to the lake"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ExercisesScreen))
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "exercises")
        assert [e.row.title for e in screen.entries if not e.row.builtin] == ["Walk to the lake"]
        screen.query_one("#exercise-list", OptionList).highlighted = len(screen.entries) - 1
        await pilot.pause()
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, ExercisesScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, ExercisesScreen))
        assert all(e.row.builtin for e in screen.entries)
        assert all(e.builtin for e in app.toolbox.exercises.list())


async def test_builtins_cannot_be_deleted_or_edited(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        before = len(screen.entries)
        await pilot.press("x")
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExercisesScreen)
        assert len(app.toolbox.exercises.list()) == before


async def test_every_action_is_in_the_palette(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "exercises")
        titles = {str(c.title) for c in app.get_system_commands(screen)}
        for wanted in ("Add own", "Edit", "Delete", "Log as done", "Start timer", "History"):
            assert wanted in titles


async def test_history_loads_when_opened_and_pages(vault_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(exercises_screen, "PAGE_SIZE", 2)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        box = app.toolbox.exercises.by_slug("box-breathing")
        days = [datetime(2026, 11, n, 8, tzinfo=UTC) for n in range(1, 6)]
        logs = [
            app.toolbox.exercises.log(box.id, f"round {n}", when=day)
            for n, day in enumerate(days, 1)
        ]
        screen = await open_module(pilot, "exercises")
        listing = screen.query_one("#history-list", OptionList)
        assert listing.option_count == 0  # not read until the tab is opened
        await pilot.press("h")
        assert screen.history_ids == [log.id for log in reversed(logs)]
        assert listing.option_count == 3
        older = listing.get_option_at_index(2)
        assert older.id == exercises_screen.OLDER_ID and "3 more" in str(older.prompt)
        assert "round 5" in str(listing.get_option_at_index(0).prompt)
        await pilot.press("o")
        assert listing.option_count == 5 and listing.highlighted == 2
        # x on the "show older" line deletes nothing
        listing.highlighted = 4
        await pilot.press("x")
        assert isinstance(app.screen, ExercisesScreen)
        await pilot.press("enter")
        assert listing.option_count == 5
        assert "round 1" in str(listing.get_option_at_index(4).prompt)
        # search opens an old log entry on its page, on a freshly opened screen
        app.pop_screen()
        screen = await open_module(pilot, "exercises")
        screen.select_item(logs[0].id)
        await pilot.pause()
        listing = screen.query_one("#history-list", OptionList)
        assert listing.option_count == 5 and listing.highlighted == 4
        assert screen.query_one("#exercise-tabs").active == "tab-history"
