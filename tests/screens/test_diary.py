"""The Diary screen driven by Pilot on a real vault: entries (write, edit, delete), registration
parameters, today's values with + / - and typing, trends, and lock/unlock persistence."""

from __future__ import annotations

import inspect
from datetime import date, datetime
from pathlib import Path

from textual.widgets import Input, OptionList, Sparkline, Static, TabbedContent, TextArea

from reconnect_tui.model import DiaryEntry, RegistrationParameter
from reconnect_tui.screens import diary as diary_screen
from reconnect_tui.screens.diary import DiaryScreen, EntryEditor, ValueField
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for

TODAY = date(2026, 11, 27)


def _seed(vault_path: Path, user_template) -> None:
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    toolbox = Toolbox(vault)
    sleep = toolbox.registrations.add(RegistrationParameter("Sleep", "hours", 0, 14))
    toolbox.registrations.add(RegistrationParameter("Mood", "", 0, 10))
    for offset, hours in enumerate([6, 7, 8, 5]):
        toolbox.registrations.record(sleep.id, date(2026, 11, 20 + offset), hours)
    toolbox.registrations.record(sleep.id, date(2026, 9, 1), 3)  # older than 30 days
    toolbox.diary.add(DiaryEntry("An older day by the sea", datetime(2026, 11, 1, 20)))
    vault.close()


async def test_empty_states(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: screen.query_one("#diary-empty").display)
        text = str(screen.query_one("#diary-empty", Static).render())
        assert "private place" in text and "Press a" in text
        assert "nothing is shared" in str(screen.query_one(".who-can-see", Static).render())
        await pilot.press("r")
        assert screen.query_one("#registrations-empty").display
        assert not screen.query_one("#registration-rows").display
        # nothing shared: the registrations tab says so once, not once per module
        from reconnect_tui.screens.base import WhoCanSee

        shown = [line for line in screen.query(WhoCanSee) if line.display]
        assert len(shown) == 1


async def test_write_edit_delete_entry_survives_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press(*"Went for a walk [with] Ola")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: len(screen.entries) == 1)
        assert screen.entries[0].written_at.replace(tzinfo=None) == datetime(2026, 11, 27, 9)
        shown = str(screen.query_one("#entry-text-view", Static).render())
        assert "Went for a walk [with] Ola" in shown
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: len(screen.entries) == 1)
        await pilot.press("enter")  # Enter opens the entry to edit
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        app.screen.query_one("#entry-text", TextArea).text = "Went for a long walk"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: screen.entries[0].text == "Went for a long walk")
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: len(screen.entries) == 1)
        assert screen.entries[0].text == "Went for a long walk"
        await pilot.press("x")
        await wait_for(pilot, lambda: not isinstance(app.screen, DiaryScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: not screen.entries)
        assert app.toolbox.diary.list() == []
        assert screen.query_one("#diary-empty").display


async def test_empty_entry_is_not_saved(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "diary")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, EntryEditor))
        await pilot.press("ctrl+s")
        assert isinstance(app.screen, EntryEditor)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        assert app.toolbox.diary.list() == []


async def test_today_values_with_few_keys_and_trend(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("r")
        fields = list(screen.query(ValueField).results(ValueField))
        assert [f.parameter.name for f in fields] == ["Sleep", "Mood"]
        by_name = {f.parameter.name: f for f in fields}
        trends = list(screen.query(Sparkline).results(Sparkline))
        sleep_row = by_name["Sleep"].parent
        trend = sleep_row.query_one(Sparkline)
        assert list(trend.data) == [6, 7, 8, 5]  # the value from September is left out
        # drawn on Sleep's own scale, 0–14: 8 hours is not a full bar (issue 15)
        assert str(trend.render()) == "▄▅▅▄"
        assert len(trends) == 2
        # focus Sleep, type 7.5; focus Mood with the arrows, step with + and -
        by_name["Sleep"].focus()
        await pilot.press("7", ".", "5")
        await pilot.press("down")
        assert app.focused is by_name["Mood"]
        # the first + starts at the lowest value (0), then steps by one
        await pilot.press("+", "+", "+", "-")
        assert by_name["Mood"].text == "1"
        await pilot.press("enter")
        await pilot.pause()
        values = app.toolbox.registrations.values_on(TODAY)
        ids = {f.parameter.name: f.parameter.id for f in fields}
        assert values == {ids["Sleep"]: 7.5, ids["Mood"]: 1}
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("r")
        fields = {f.parameter.name: f for f in screen.query(ValueField).results(ValueField)}
        assert fields["Sleep"].text == "7.5" and fields["Mood"].text == "1"
        assert list(fields["Sleep"].parent.query_one(Sparkline).data) == [6, 7, 8, 5, 7.5]


async def test_out_of_range_value_is_refused(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("r")
        fields = {f.parameter.name: f for f in screen.query(ValueField).results(ValueField)}
        fields["Mood"].focus()
        await pilot.press("4", "2", "enter")
        await pilot.pause()
        assert app.toolbox.registrations.values_on(TODAY) == {}
        assert app.focused is fields["Mood"]
        await pilot.press("backspace", "ctrl+s")
        await pilot.pause()
        assert app.toolbox.registrations.values_on(TODAY) == {fields["Mood"].parameter.id: 4}


async def test_parameter_add_edit_delete(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("r", "a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-name", Input).value = "Anxiety"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        [param] = app.toolbox.registrations.list()
        assert (param.name, param.minimum, param.maximum) == ("Anxiety", 0, 10)
        # The new registration's field takes the focus once the registrations are read again.
        await wait_for(pilot, lambda: isinstance(app.focused, ValueField))
        await pilot.press("e")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-unit", Input).value = "0-10"
        app.screen.query_one("#field-maximum", Input).value = "5"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, DiaryScreen))
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "diary")
        [param] = app.toolbox.registrations.list()
        assert (param.unit, param.maximum) == ("0-10", 5)
        await pilot.press("r", "x")
        await wait_for(pilot, lambda: not isinstance(app.screen, DiaryScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.query_one("#registrations-empty").display)
        assert app.toolbox.registrations.list() == []


async def test_select_item_highlights_entry(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    newer = Toolbox(vault).diary.add(DiaryEntry("Newest", datetime(2026, 11, 26, 8)))
    vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: len(screen.entries) == 2)
        assert screen.current_entry().id == newer.id
        older = screen.entries[1].id
        screen.select_item(older)
        await pilot.pause()
        assert screen.query_one("#entries", OptionList).highlighted == 1
        assert "by the sea" in str(screen.query_one("#entry-text-view", Static).render())


async def test_long_diary_is_listed_a_page_at_a_time(
    vault_path: Path, user_template, monkeypatch
) -> None:
    monkeypatch.setattr(diary_screen, "PAGE_SIZE", 2)
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    toolbox = Toolbox(vault)
    for day in range(1, 6):
        toolbox.diary.add(DiaryEntry(f"Day {day}", datetime(2026, 11, day, 20)))
    vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: screen.total == 5)
        assert len(screen.entries) == 2  # only the page shown was read from the vault
        listing = screen.query_one("#entries", OptionList)
        # the newest two, then one line to show older ones
        assert listing.option_count == 3
        older = listing.get_option_at_index(2)
        assert older.id == diary_screen.OLDER_ID and "3 more" in str(older.prompt)
        assert [e.text for e in screen.entries[:2]] == ["Day 5", "Day 4"]
        # o shows the next page; the cursor goes to the first newly shown entry
        await pilot.press("o")
        assert listing.option_count == 5
        assert listing.highlighted == 2 and screen.current_entry().text == "Day 3"
        # Enter on "show older" shows the rest, and the line goes away
        listing.highlighted = 4
        await pilot.pause()
        assert screen.current_entry() is None  # the "show older" line is not an entry
        assert "show older" in str(screen.query_one("#entry-text-view", Static).render())
        await pilot.press("enter")
        assert listing.option_count == 5
        assert [str(listing.get_option_at_index(i).id) for i in range(5)] == [
            str(e.id) for e in screen.entries
        ]
        assert screen.current_entry().text == "Day 1"
        await pilot.press("o")  # nothing older: nothing happens
        assert listing.option_count == 5


async def test_select_item_shows_the_page_of_an_old_entry(
    vault_path: Path, user_template, monkeypatch
) -> None:
    monkeypatch.setattr(diary_screen, "PAGE_SIZE", 2)
    vault = Vault.open_with_key(vault_path, user_template.key, user_template.header)
    toolbox = Toolbox(vault)
    oldest = toolbox.diary.add(DiaryEntry("The oldest day", datetime(2026, 10, 1, 20)))
    for day in range(1, 5):
        toolbox.diary.add(DiaryEntry(f"Day {day}", datetime(2026, 11, day, 20)))
    vault.close()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: screen.total == 5)
        screen.select_item(oldest.id)
        listing = screen.query_one("#entries", OptionList)
        await wait_for(pilot, lambda: listing.option_count == 5)
        assert listing.option_count == 5  # its page is shown: all five, nothing older left
        assert screen.current_entry().id == oldest.id
        assert "oldest day" in str(screen.query_one("#entry-text-view", Static).render())


async def test_registrations_are_read_when_their_tab_is_first_shown(
    vault_path: Path, user_template
) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        assert not screen.query(ValueField)  # not built with the screen
        screen.query_one("#diary-tabs", TabbedContent).active = "tab-registrations"  # a click
        await wait_for(pilot, lambda: len(screen.query(ValueField)) == 2)
        names = [f.parameter.name for f in screen.query(ValueField).results(ValueField)]
        assert names == ["Sleep", "Mood"]


async def test_values_can_be_entered_for_a_past_day(vault_path: Path, user_template) -> None:
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await pilot.press("r")
        await wait_for(pilot, lambda: len(screen.query(ValueField)) == 2)

        def field(name: str) -> ValueField:
            return next(f for f in screen.query(ValueField).results(ValueField)
                        if f.parameter.name == name)

        assert screen.check_action("day_after", ()) is None  # no values for tomorrow
        for _ in range(4):  # back to the 23rd, when 5 hours of sleep were registered
            await pilot.press("[")
        await wait_for(pilot, lambda: screen.value_day == date(2026, 11, 23)
                       and field("Sleep").text == "5")
        assert "23" in str(screen.query_one("#registration-help", Static).render())
        field("Mood").focus()
        await pilot.press("3", "enter")
        await wait_for(pilot, lambda: app.toolbox.registrations.values_on(date(2026, 11, 23))
                       .get(field("Mood").parameter.id) == 3)
        assert app.toolbox.registrations.values_on(TODAY) == {}  # today untouched
        for _ in range(4):
            await pilot.press("]")
        await wait_for(pilot, lambda: screen.value_day == TODAY and field("Sleep").text == "")
        assert "Today" in str(screen.query_one("#registration-help", Static).render())


async def test_r_switches_to_registrations_with_entries_by_key_and_palette(
    vault_path: Path, user_template
) -> None:
    """With diary entries listed (and the list focused), r and the palette's command still
    switch to the registrations and back (issue 15)."""
    _seed(vault_path, user_template)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "diary")
        await wait_for(pilot, lambda: len(screen.entries) == 1)
        tabs = screen.query_one("#diary-tabs", TabbedContent)
        screen.query_one("#entries", OptionList).focus()
        await pilot.press("r")
        await wait_for(pilot, lambda: tabs.active == "tab-registrations"
                       and isinstance(app.focused, ValueField))
        await pilot.press("r")
        await wait_for(pilot, lambda: tabs.active == "tab-diary")
        assert app.focused is screen.query_one("#entries", OptionList)
        command = next(c for c in app.get_system_commands(screen)
                       if c.title == "Diary / registrations")
        ran = command.callback()
        if inspect.isawaitable(ran):  # the palette runs the screen's action
            await ran
        await wait_for(pilot, lambda: tabs.active == "tab-registrations")
