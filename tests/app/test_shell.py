"""The app shell driven by Pilot: create, recovery code, Home, lock, unlock, auto-lock, F2."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Label

from reconnect_tui.model import Goal
from reconnect_tui.screens.create import CreateVaultScreen
from reconnect_tui.screens.crisis import CrisisScreen
from reconnect_tui.screens.help import HelpScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.recovery_code import RecoveryCodeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Toolbox, Vault
from tests.pilot import SIZE, make_app, submit_passphrase, wait_for
from tests.support.vaults import PASSPHRASE


@pytest.mark.real_kdf
async def test_create_then_lock_then_unlock(tmp_path: Path) -> None:
    path = tmp_path / "new" / "vault.db"
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, CreateVaultScreen)
        await pilot.click("#name")
        await pilot.press(*"Kari")
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#confirm", Input).value = PASSPHRASE
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, RecoveryCodeScreen))
        code = str(app.screen.query_one("#code").render())
        assert len(code.replace("-", "").strip()) == 25
        assert app.screen.query_one("#continue").disabled
        await pilot.click("#stored")
        await pilot.click("#continue")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert path.exists()
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.toolbox is None
        await submit_passphrase(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        assert app.toolbox is not None and app.toolbox.profile.get().name == "Kari"


async def test_create_refuses_mismatched_passphrases(tmp_path: Path) -> None:
    app = make_app(tmp_path / "vault.db")
    async with app.run_test(size=SIZE) as pilot:
        app.screen.query_one("#name", Input).value = "Kari"
        app.screen.query_one("#passphrase", Input).value = PASSPHRASE
        app.screen.query_one("#confirm", Input).value = PASSPHRASE + "x"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "not the same" in str(app.screen.query_one("#error", Label).render())
        assert not (tmp_path / "vault.db").exists()


@pytest.mark.real_kdf
async def test_wrong_passphrase_shows_the_error_and_keeps_the_file(vault_path: Path) -> None:
    before = vault_path.read_bytes()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app.screen, UnlockScreen)
        await submit_passphrase(pilot, "not my passphrase")
        await wait_for(
            pilot, lambda: "Wrong passphrase" in str(app.screen.query_one("#error", Label).render())
        )
        assert isinstance(app.screen, UnlockScreen)
        assert app.screen.query_one("#passphrase", Input).value == ""
    assert vault_path.read_bytes() == before


async def test_home_shows_goals_and_what_matters(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).goals.add(Goal(title="Walk by the fjord"))
        Toolbox(vault).what_matters.set("My sister")
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit_passphrase(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        text = " ".join(str(w.render()) for w in app.screen.query(".item"))
        assert "Walk by the fjord" in text and "My sister" in text


async def test_auto_lock_drops_keys(vault_path: Path) -> None:
    app = make_app(vault_path, auto_lock_seconds=600)
    async with app.run_test(size=SIZE) as pilot:
        await submit_passphrase(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        vault = app.toolbox.vault
        app._check_idle()  # not idle long enough yet
        assert app.toolbox is not None
        app._last_activity -= 601  # ten idle minutes, without waiting for them (a 0.4 s
        app._check_idle()  # timeout raced the test's own polling on a loaded machine)
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.toolbox is None and not vault.is_open
        await wait_for(
            pilot,
            lambda: (
                "without activity" in " ".join(str(w.render()) for w in app.screen.query(".help"))
            ),
        )


async def test_f2_opens_crisis_view_from_every_screen(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("f2")  # locked: numbers and notice only
        assert isinstance(app.screen, CrisisScreen) and app.screen.plan is None
        assert "113" in " ".join(str(w.render()) for w in app.screen.query(".number"))
        await pilot.press("escape")
        assert isinstance(app.screen, UnlockScreen)
        await submit_passphrase(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("f2")
        assert isinstance(app.screen, CrisisScreen) and app.screen.plan is not None
        assert "(not filled in)" in " ".join(str(w.render()) for w in app.screen.query(".empty"))


async def test_palette_offers_every_module_and_action(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await submit_passphrase(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {"Crisis plan", "Help", "Lock", "Home"} <= titles
        modules = [m.id for m in app.screen.modules]
        assert len([t for t in titles if t.startswith("Open: ")]) == len(modules)


async def test_passphrase_strength_is_advice_not_an_error(tmp_path: Path) -> None:
    app = make_app(tmp_path / "new" / "vault.db")
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, CreateVaultScreen))
        screen = app.screen
        screen.query_one("#passphrase", Input).value = "short"
        await pilot.pause()
        strength = screen.query_one("#strength", Label)
        assert "Too short" in str(strength.render()) and strength.has_class("weak")
        screen.query_one("#passphrase", Input).value = "correct horse battery staple fjord"
        await pilot.pause()
        assert str(strength.render()) == "Strong." and not strength.has_class("weak")
        assert not strength.has_class("error")
        assert str(screen.query_one("#error", Label).render()) == ""  # errors have their own line
