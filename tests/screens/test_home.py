"""Home driven by Pilot on a real vault: it shows what changed elsewhere as soon as it shows
again, without a lock or a restart (issue 15)."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static, TextArea

from reconnect_tui.screens.goals import GoalsScreen
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.life_domains import LifeDomainsScreen
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.support.statements import statements_by_thread


def shown(home: HomeScreen, widget_id: str) -> str:
    return str(home.query_one(f"#{widget_id}", Static).render())


async def test_home_shows_a_new_goal_and_what_matters_without_a_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.loaded)
        assert "No goals yet" in shown(home, "home-goals")
        assert "Not written yet" in shown(home, "home-matters")

        goals = await open_module(pilot, "goals")
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-title", Input).value = "Walk to the harbour"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is goals)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home
                       and "Walk to the harbour" in shown(home, "home-goals"))

        domains = await open_module(pilot, "life-domains")
        assert isinstance(domains, LifeDomainsScreen)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, FormScreen))
        app.screen.query_one("#field-text", TextArea).text = "Emma, and the sea"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is domains)
        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is home
                       and "Emma, and the sea" in shown(home, "home-matters"))
        assert isinstance(goals, GoalsScreen)


async def test_home_and_life_domains_fit_60x20(vault_path: Path) -> None:
    """At 60x20 Home's left column is wide enough for its titles and the toolbox still shows,
    and the life domains list leaves the detail room (issue 15)."""
    from textual.widgets import Label

    from tests.rendered import rendered_lines

    app = make_app(vault_path)
    async with app.run_test(size=(60, 20)) as pilot:
        await unlock(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.loaded)
        today, modules = home.query_one("#today"), home.query_one("#modules-panel")
        assert today.region.width >= 30 and modules.region.right <= 60
        for title in home.query("#today Label").results(Label):
            assert title.region.width >= len(str(title.render()))  # not cut off
        assert any("Today and this week" in line for line in rendered_lines(app))

        domains = await open_module(pilot, "life-domains")
        listing, detail = domains.query_one("#domain-list"), domains.query_one("#domain-detail")
        assert listing.region.height >= 4 and listing.region.right <= 60
        assert detail.region.width >= 30 and detail.region.right <= 60


async def test_home_reads_its_unread_line_off_the_ui_thread(vault_path: Path) -> None:
    """Each sync refreshes Home (each minute): the unread line and the agreement notes are
    read with the rest in the loading thread, never on the UI thread."""
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        home = app.screen
        assert isinstance(home, HomeScreen)
        await wait_for(pilot, lambda: home.loaded
                       and not any(w.is_running for w in app.workers))
        with statements_by_thread(app) as log:
            home.refresh_after_sync()
            await wait_for(pilot, lambda: bool(log.off_ui())
                           and not any(w.is_running for w in app.workers))
        assert log.on_ui() == []
        assert not home.query_one("#unread", Static).display  # not paired: no unread line
