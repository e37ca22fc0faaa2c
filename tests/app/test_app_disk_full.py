"""A full disk while the app is open: a notice says so, the app stays open and unlocked."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import TextArea

from reconnect_tui.screens.life_domains import LifeDomainsScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.form import FormScreen
from tests.bad_disk import fill, tmpfs
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.support.vaults import Template, copy_vault


async def test_saving_on_a_full_disk_says_so_and_the_app_carries_on(
    user_template: Template, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        app = make_app(path)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await unlock(pilot)
            screen = await open_module(pilot, "life-domains")
            fill(disk)
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            app.screen.query_one("#field-text", TextArea).text = "the sea " * 20_000
            await pilot.press("ctrl+s")
            await wait_for(
                pilot, lambda: any("disk is full" in n.message for n in app._notifications)
            )
            notice = next(n for n in app._notifications if "disk is full" in n.message)
            assert "Your vault is intact" in notice.message and notice.severity == "error"
            assert app.is_running and app.return_code is None
            assert app.screen is screen and app.toolbox is not None
            assert "Not written yet" in str(screen.query_one("#what-matters").render())
            (disk / "filler").unlink()  # space again: the same action saves
            await pilot.press("w")
            await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
            app.screen.query_one("#field-text", TextArea).text = "the sea"
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, LifeDomainsScreen))
            await wait_for(
                pilot, lambda: "the sea" in str(screen.query_one("#what-matters").render())
            )
        with Vault.open_with_key(path, user_template.key, user_template.header) as vault:
            assert Toolbox(vault).what_matters.get() == "the sea"
