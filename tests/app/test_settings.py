"""The Settings screen: theme, auto-lock, language and relay address, applied at once and kept
in the settings file; F1 shows the current screen's keys and the settings."""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from textual.widgets import Input, Markdown, Select, Static

from reconnect_tui.screens.help import HelpScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.settings import SettingsScreen
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for


def saved() -> dict[str, object]:
    return tomllib.loads(Path(os.environ["RECONNECT_CONFIG"]).read_text(encoding="utf-8"))


def footer_text(app) -> str:
    return " ".join(str(w.render()) for w in app.screen.query("FooterKey"))


async def open_settings_from_the_palette(pilot) -> SettingsScreen:
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*"Settings")
    await pilot.pause(0.3)
    await pilot.press("enter")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen)
                   and bool(pilot.app.screen.query("#field-theme")))
    return pilot.app.screen


async def test_language_theme_and_auto_lock_apply_at_once_and_are_kept(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        assert "Crisis plan" in footer_text(app)
        form = await open_settings_from_the_palette(pilot)
        form.query_one("#field-language", Select).value = "nb"
        form.query_one("#field-theme", Select).value = "textual-light"
        form.query_one("#field-auto_lock_minutes", Input).value = "0"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.pause()
        assert "Kriseplan" in footer_text(app)  # the footer switched with everything else
        assert app.theme == "textual-light" and app.auto_lock_seconds == 0
    assert saved()["language"] == "nb" and saved()["theme"] == "textual-light"
    assert saved()["auto_lock_minutes"] == 0


async def test_bad_values_keep_the_form_open_with_what_was_typed(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.action_settings()
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and bool(app.screen.query("#field-relay_url")))
        form = app.screen
        form.query_one("#field-auto_lock_minutes", Input).value = "99999"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "1440" in str(form.query_one("#error-auto_lock_minutes", Static).render())
        form.query_one("#field-auto_lock_minutes", Input).value = "5"
        form.query_one("#field-relay_url", Input).value = "http://relay.example.org"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is form
        assert "https" in str(form.query_one("#error-relay_url", Static).render())
        assert form.query_one("#field-relay_url", Input).value == "http://relay.example.org"
    assert not Path(os.environ["RECONNECT_CONFIG"]).exists()  # nothing saved


async def test_a_theme_picked_in_the_app_is_kept(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.theme = "textual-light"
        await pilot.pause()
    assert saved()["theme"] == "textual-light"


async def test_f1_shows_this_screens_keys_and_the_settings(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await open_module(pilot, "goals")
        await pilot.press("f1")
        await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
        here = app.screen.query_one("#screen-keys", Markdown).source
        assert "Keys on this screen" in here and "| **a** |" in here
        summary = app.screen.query_one("#settings-summary", Markdown).source
        assert "textual-dark" in summary and "idle minutes" in summary
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen))
