"""What opens plain mode: ``--plain``, ``RECONNECT_PLAIN=1``, the ``plain`` setting (kept by
the Settings screen) and ``TERM=dumb``; and nothing else does."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from reconnect_tui.plain import wanted
from reconnect_tui.screens.settings import SettingsScreen
from reconnect_tui.settings import load_settings
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.plain.plain_helpers import home, problems, run_plain
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE, Template, copy_vault

FIRST_WORDS = "ReConnect, plain mode."


@pytest.mark.parametrize("how", ["flag", "variable", "setting", "dumb terminal"])
def test_each_way_opens_plain_mode(how: str, user_template: Template, tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    env = {"TERM": "xterm-256color"}
    args: tuple[str, ...] = ()
    if how == "flag":
        args = ("--plain",)
    elif how == "variable":
        env["RECONNECT_PLAIN"] = "1"
    elif how == "setting":
        settings = tmp_path / "settings.toml"
        settings.write_text("plain = true\n", encoding="utf-8")
        env["RECONNECT_CONFIG"] = str(settings)
    else:
        env["TERM"] = "dumb"
    result = run_plain(path, [home("quit")], args=args, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(FIRST_WORDS)
    assert "Home: " in result.stdout and problems(result.stdout) == []


def test_the_launcher_opens_plain_mode_too(user_template: Template, tmp_path: Path) -> None:
    """The console script's fast path (``launcher.py``, no Typer) honours the same choice."""
    path = copy_vault(user_template, tmp_path / "user")
    result = subprocess.run(
        [sys.executable, "-c", "import sys; from reconnect_tui.launcher import main;"
         f" sys.argv = ['reconnect', '--vault', {str(path)!r}]; main()"],
        input=f"{PASSPHRASE}\n{home('quit')}\n", capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONPATH": kdf_profile.pythonpath(), "TERM": "dumb"})
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(FIRST_WORDS) and "\x1b" not in result.stdout


def test_wanted_reads_flag_variable_terminal_and_setting() -> None:
    assert wanted(True, {}, False)
    assert wanted(False, {"RECONNECT_PLAIN": "1"}, False)
    assert not wanted(False, {"RECONNECT_PLAIN": "0", "TERM": "dumb"}, True)  # said no
    assert wanted(False, {"TERM": "dumb"}, False)
    assert wanted(False, {"TERM": "xterm"}, True)
    assert not wanted(False, {"TERM": "xterm"}, False)


def test_the_setting_is_read_from_the_file_and_the_environment(tmp_path: Path,
                                                               monkeypatch) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text("plain = true\n", encoding="utf-8")
    assert load_settings(settings).plain is True
    monkeypatch.setenv("RECONNECT_PLAIN", "0")
    assert load_settings(settings).plain is False
    monkeypatch.delenv("RECONNECT_PLAIN")
    assert load_settings(tmp_path / "none.toml").plain is False


async def test_the_settings_screen_shows_and_keeps_the_plain_setting(vault_path: Path) -> None:
    from textual.widgets import Checkbox

    from reconnect_tui.screens.home import HomeScreen

    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        app.action_settings()
        await wait_for(pilot, lambda: isinstance(app.screen, SettingsScreen)
                       and bool(app.screen.query("#field-plain")))
        box = app.screen.query_one("#field-plain", Checkbox)
        assert box.value is False
        box.value = True
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
    kept = tomllib.loads(Path(os.environ["RECONNECT_CONFIG"]).read_text(encoding="utf-8"))
    assert kept["plain"] is True
    assert load_settings().plain is True


def test_plain_mode_offers_every_module_of_the_app_for_the_same_roles() -> None:
    from reconnect_tui.plain.home import AREAS
    from reconnect_tui.screens.registry import MODULES

    assert [(a.id, a.title, a.roles) for a in AREAS] == [(m.id, m.title, m.roles)
                                                         for m in MODULES]
