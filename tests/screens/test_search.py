"""The Search screen: type-ahead in a thread worker, friendly empty states, Enter opens the item."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from textual.widgets import OptionList, Static

from reconnect_tui.model import DiaryEntry
from reconnect_tui.screens.diary import DiaryScreen
from reconnect_tui.screens.exercises import ExercisesScreen
from reconnect_tui.screens.search import SearchScreen, snippet_text
from reconnect_tui.store import Toolbox, Vault
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for


def _seed(vault_path: Path, user_template) -> dict[str, int]:
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    toolbox = Toolbox(vault)
    first = toolbox.diary.add(DiaryEntry("Swimming with [Ola] was calm", datetime(2026, 11, 2, 9)))
    toolbox.diary.add(DiaryEntry("A grey day at home", datetime(2026, 11, 3, 9)))
    exercise = toolbox.exercises.register_builtin("body-scan", "Body scan", "mindfulness")
    log = toolbox.exercises.log(exercise.id, "swimming pool afterwards felt good")
    vault.close()
    return {"diary": first.id, "log": log.id}


async def _type(pilot, screen: SearchScreen, text: str) -> None:
    await pilot.press(*text)
    await wait_for(pilot, lambda: screen.searched_for == text)


async def test_empty_query_and_no_results(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "search")
        empty = screen.query_one("#search-empty", Static)
        assert empty.display and "anything you wrote" in str(empty.render())
        assert app.focused is screen.query_one("#search-query")
        await _type(pilot, screen, "zebra")
        assert screen.hits == []
        assert "Nothing found for “zebra”" in str(empty.render())


async def test_prefix_search_lists_module_and_snippet(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "search")
        await _type(pilot, screen, "swim")
        assert {hit.module for hit in screen.hits} == {"diary", "exercise-log"}
        listing = screen.query_one("#search-results", OptionList)
        assert listing.option_count == 2
        prompts = " ".join(str(listing.get_option_at_index(i).prompt) for i in range(2))
        assert "Diary" in prompts and "Exercise log" in prompts and "Swimming" in prompts
        assert not screen.query_one("#search-empty").display


def test_snippet_markers_become_highlights_not_markup() -> None:
    text = snippet_text("went [swim]ming with x[1] and [b]")
    assert text.plain == "went swimming with x1 and b"
    assert any("reverse" in str(span.style) for span in text.spans)


async def test_enter_opens_diary_entry(vault_path: Path, user_template) -> None:
    ids = _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "search")
        await _type(pilot, screen, "ola")
        assert [hit.module for hit in screen.hits] == ["diary"]
        await pilot.press("enter")  # from the field to the results
        assert app.focused is screen.query_one("#search-results")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        diary = app.screen
        await wait_for(pilot, lambda: diary.current_entry() is not None)
        assert diary.current_entry().id == ids["diary"]


async def test_enter_opens_exercise_history(vault_path: Path, user_template) -> None:
    ids = _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "search")
        await _type(pilot, screen, "pool")
        await pilot.press("down", "enter")
        await wait_for(pilot, lambda: isinstance(app.screen, ExercisesScreen))
        exercises = app.screen
        await pilot.pause()
        assert exercises.query_one("#exercise-tabs").active == "tab-history"
        listing = exercises.query_one("#history-list", OptionList)
        assert exercises.history_ids[listing.highlighted] == ids["log"]
