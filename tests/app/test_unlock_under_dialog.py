"""F2 pressed while the passphrase is being checked: the unlock still lands on Home, under the
crisis plan, and Escape closes the plan instead of going back to the lock screen."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.screens.crisis import CrisisScreen
from reconnect_tui.screens.events import VaultUnlocked
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Vault
from tests.pilot import SIZE, make_app, wait_for
from tests.support.vaults import Template, copy_vault


async def test_unlock_that_finishes_under_the_crisis_plan_lands_on_home(
        user_template: Template, tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        await pilot.press("f2")  # the numbers, while the vault is still locked
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisScreen))
        # the unlock screen's worker finishes now, with the dialog still open over it
        unlock_screen = app.screen_stack[-2]
        unlock_screen.post_message(VaultUnlocked(
            Vault.open_with_key(path, user_template.key, user_template.header)))
        await wait_for(pilot, lambda: app.session is not None
                       and any(isinstance(s, HomeScreen) for s in app.screen_stack))
        await wait_for(pilot, lambda: isinstance(app.screen, CrisisScreen))
        assert not any(isinstance(s, UnlockScreen) for s in app.screen_stack)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
