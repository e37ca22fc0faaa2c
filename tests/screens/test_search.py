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


async def test_the_screen_says_when_only_the_newest_matches_were_ranked(
    vault_path: Path, user_template, monkeypatch
) -> None:
    from reconnect_tui.store.repositories import search

    _seed(vault_path, user_template)
    monkeypatch.setattr(search, "RANKED_MATCHES", 1)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "search")
        await _type(pilot, screen, "swim")
        status = str(screen.query_one("#search-status", Static).render())
        assert "The best 1 of your newest 1 of 2 matches" in status
        await pilot.press(*" pool")
        await wait_for(pilot, lambda: screen.searched_for == "swim pool")
        status = str(screen.query_one("#search-status", Static).render())
        assert status.startswith("1 found")


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


def test_accents_are_ignored_as_well_as_case(toolbox: Toolbox) -> None:
    """ "kafe" finds "kafé" and "CAFE" finds "café" (the index's tokenizer folds diacritics,
    ``unicode61 remove_diacritics 2``, since the first schema) (issue 15)."""
    toolbox.diary.add(DiaryEntry("Møtte Emma på kafé i går", datetime(2026, 11, 2, 9)))
    toolbox.diary.add(DiaryEntry("The café at the library", datetime(2026, 11, 3, 9)))
    assert [h.snippet for h in toolbox.search.search("kafe")] == ["Møtte Emma på [kafé] i går"]
    assert [h.snippet for h in toolbox.search.search("CAFE")] == ["The [café] at the library"]
    assert len(toolbox.search.search("kafé")) == 1
    with toolbox.vault.read() as conn:
        sql = conn.execute("SELECT sql FROM sqlite_master WHERE name = 'search_index'").fetchone()
    assert "remove_diacritics 2" in sql[0]


async def _open_hit(pilot, text: str, module: str):
    """Search for ``text``, open the hit of ``module``; the screen once its data shows."""
    app = pilot.app
    screen = await open_module(pilot, "search")
    await _type(pilot, screen, text)
    index = next(n for n, hit in enumerate(screen.hits) if hit.module == module)
    screen.open_hit(index)
    await wait_for(pilot, lambda: app.screen is not screen and getattr(app.screen, "loaded", 0))
    await app.workers.wait_for_complete()
    await pilot.pause()
    return app.screen


async def test_opening_a_result_selects_it_and_scrolls_it_into_view(
    vault_path: Path, user_template
) -> None:
    """Goals, activities, people and medicines found by search are selected on their screen
    and scrolled into view, also far down a long list (issue 15)."""
    from reconnect_tui.model import Activity, Goal, Medication, Person
    from reconnect_tui.widgets.goal_tree import GoalTree

    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        for n in range(30):
            toolbox.goals.add(Goal(title=f"Goal number {n}"))
            toolbox.network.add(Person(name=f"Person {n}"))
            toolbox.medications.add(Medication(name=f"Medicine {n}"))
        goal = toolbox.goals.add(Goal(title="Learn the harmonica"))
        activity = toolbox.goals.add_activity(Activity(goal_id=goal.id, title="Buy a zither"))
        person = toolbox.network.add(Person(name="Oskar Quist"))
        medicine = toolbox.medications.add(Medication(name="Xylomedin"))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        goals = await _open_hit(pilot, "harmonica", "goals")
        tree = goals.query_one(GoalTree)
        await wait_for(pilot, lambda: tree.current is not None and tree.current.id == goal.id)
        assert app.focused is tree
        assert tree.scroll_offset.y <= tree.cursor_line < tree.scroll_offset.y + tree.size.height
        await pilot.press("escape")

        goals = await _open_hit(pilot, "zither", "activities")
        tree = goals.query_one(GoalTree)
        await wait_for(pilot, lambda: tree.current is not None
                       and isinstance(tree.current, Activity) and tree.current.id == activity.id)
        await pilot.press("escape")

        network = await _open_hit(pilot, "quist", "network")
        await wait_for(pilot, lambda: network.selected_id() == person.id)
        table = network.query_one("#people")
        assert app.focused is table and table.display
        assert table.scroll_offset.y <= table.cursor_row < table.scroll_offset.y + table.size.height
        await pilot.press("escape")

        meds = await _open_hit(pilot, "xylomedin", "medications")
        await wait_for(pilot, lambda: meds.selected() is not None
                       and meds.selected().id == medicine.id)
        listing = meds.query_one("#medications", OptionList)
        assert app.focused is listing
        top = listing.scroll_offset.y
        assert top > 0  # scrolled down to it


async def test_opening_a_crisis_plan_result_selects_the_section_that_holds_it(
    vault_path: Path, user_template
) -> None:
    from textual.widgets import ListView

    from reconnect_tui.model import CrisisPlan
    from reconnect_tui.screens.crisis_plan import SectionItem

    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).crisis_plan.save(CrisisPlan(
            warning_signs="I stop answering the phone", reasons_for_living="Emma and the choir",
            treatment_wishes="Ask me before changing the medicine"))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        plan = await _open_hit(pilot, "choir", "crisis-plan")
        sections = plan.query_one("#sections", ListView)
        await wait_for(pilot, lambda: sections.index is not None and sections.index > 0)
        item = list(plan.query(SectionItem).results(SectionItem))[sections.index]
        assert item.spec.key == "reasons_for_living"
        assert app.focused is sections
        assert sections.scroll_offset.y <= item.virtual_region.y < (
            sections.scroll_offset.y + sections.size.height)
