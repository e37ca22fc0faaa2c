"""The app shows information pages and exercises in the language chosen (issue 16)."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from reconnect_tui.app import ReconnectApp
from reconnect_tui.screens.info import MarkdownText
from reconnect_tui.settings import Settings
from tests.pilot import NOW, SIZE, make_app, open_module, unlock


def _page_lines(screen) -> list[str]:
    widget = screen.query_one("#info-page", MarkdownText)
    return [widget.render_line(y).text.strip() for y in range(widget.size.height)]


async def test_information_page_in_norwegian(vault_path: Path) -> None:
    app = make_app(vault_path, language="nb")
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.settings.language == "nb"
        screen = await open_module(pilot, "info")
        listing = screen.query_one("#info-pages", OptionList)
        titles = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert titles[0] == "ReConnect er ikke for akutt hjelp"
        assert "Personlig bedring" in titles
        lines = _page_lines(screen)
        assert lines[0] == "ReConnect er ikke for akutt hjelp"
        assert "I Norge" in lines
        assert any("legevakt" in line for line in lines)
        await pilot.press("l")
        source = str(screen.query_one("#info-source", Static).render())
        assert "nb/info/local-links.md" in source
        assert "Lokale aktiviteter og organisasjoner" in _page_lines(screen)


@pytest.mark.parametrize("how", ["settings", "env"])
async def test_settings_and_env_choose_norwegian(
    vault_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    if how == "env":
        monkeypatch.setenv("RECONNECT_LANGUAGE", "nb")
        settings = Settings(auto_lock_minutes=0)
    else:
        settings = Settings(auto_lock_minutes=0, language="nb")
    app = ReconnectApp(vault_path, settings, clock=lambda: NOW)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.settings.language == "nb"
        screen = await open_module(pilot, "exercises")
        listing = screen.query_one("#exercise-list", OptionList)
        titles = {str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)}
        assert {"Firkantpust", "Kroppsskanning", "Sjekkliste for søvn"} <= titles
        assert all(e.text is not None and "nb/" in e.text.source for e in screen.entries)


async def test_english_by_default(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert app.settings.language == "en"
        screen = await open_module(pilot, "info")
        assert _page_lines(screen)[0] == "ReConnect is not for emergencies"
