"""Life domains screen driven by Pilot on a real vault: what matters, status, history, hiding."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.widgets import Input, OptionList, Sparkline, TextArea

from reconnect_tui.model import StatusEntry
from reconnect_tui.screens.life_domains import LifeDomainsScreen
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.widgets.confirm import ConfirmScreen
from reconnect_tui.widgets.form import FormScreen
from tests.pilot import SIZE, lock_and_unlock, make_app, open_module, unlock, wait_for


def names(screen: LifeDomainsScreen) -> list[str]:
    options = screen.query_one("#domain-list", OptionList)
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


def highlight(screen: LifeDomainsScreen, name: str) -> None:
    screen.query_one("#domain-list", OptionList).highlighted = next(
        i for i, d in enumerate(screen.domains) if d.name == name
    )


async def fill_form(pilot, **values: str) -> None:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, FormScreen))
    for name, value in values.items():
        widget = pilot.app.screen.query_one(f"#field-{name}")
        if isinstance(widget, TextArea):
            widget.text = value
        else:
            pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await pilot.press("ctrl+s")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LifeDomainsScreen))
    await pilot.pause()


def text_of(screen: LifeDomainsScreen, selector: str) -> str:
    return str(screen.query_one(selector).render())


async def test_empty_state_when_every_domain_is_gone(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        for domain in toolbox.domains.list():
            toolbox.domains.delete(domain.id)
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        assert screen.query_one("#domains-empty").display
        assert not screen.query_one("#domains-panes").display
        assert "parts of your life" in text_of(screen, "#domains-empty")
        assert "Not written yet" in text_of(screen, "#what-matters")
        assert "Only you can see this" in text_of(screen, ".who-can-see")


async def test_what_matters_add_edit_rename_and_survive_lock(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        assert names(screen)[0] == "School / occupation"
        await pilot.press("w")
        await fill_form(pilot, text="My daughter and the sea")
        assert "My daughter and the sea" in text_of(screen, "#what-matters")
        await pilot.press("a")
        await fill_form(pilot, name="Music", status="Playing again", rating="6", helps="Choir")
        assert names(screen)[-1] == "Music  6/10"
        assert "Playing again" in text_of(screen, "#domain-text")
        await pilot.press("e")
        await fill_form(pilot, status="Playing every week", rating="8")
        await pilot.press("r")
        await fill_form(pilot, name="Music and singing")
        await lock_and_unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        assert "My daughter and the sea" in text_of(screen, "#what-matters")
        assert names(screen)[-1] == "Music and singing  8/10"
        highlight(screen, "Music and singing")
        await wait_for(pilot, lambda: "Playing again" in text_of(screen, "#history-lines"))
        detail = text_of(screen, "#domain-text")
        assert "Playing every week" in detail and "Choir" in detail
        sparkline = screen.query_one(Sparkline)
        assert list(sparkline.data) == [6.0, 8.0] and sparkline.display
        history = text_of(screen, "#history-lines")
        assert history.index("Playing every week") < history.index("Playing again")


async def test_history_lists_past_statuses_with_dates(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        housing = toolbox.domains.list()[4]
        for day, rating, status in [(3, 2, "Noisy flat"), (20, 5, "Moved"), (25, 7, "Settled")]:
            when = datetime(2026, 10, day, 12, tzinfo=UTC)
            toolbox.domains.add_history(housing.id, StatusEntry(status, rating, when))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        highlight(screen, "Housing")
        await wait_for(pilot, lambda: "Noisy flat" in text_of(screen, "#history-lines"))
        assert list(screen.query_one(Sparkline).data) == [2.0, 5.0, 7.0]
        lines = text_of(screen, "#history-lines").splitlines()
        assert lines == [
            "2026-10-25  7/10  Settled",
            "2026-10-20  5/10  Moved",
            "2026-10-03  2/10  Noisy flat",
        ]
        assert "lowest 2, highest 7" in text_of(screen, "#history-range")


async def test_hide_unhide_and_delete_asks(vault_path: Path) -> None:
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        highlight(screen, "Finances")
        await pilot.press("h")
        await pilot.pause()
        assert "Finances" not in names(screen)
        await pilot.press("v")
        await pilot.pause()
        assert "Finances  (hidden)" in names(screen)
        highlight(screen, "Finances")
        await pilot.press("h")
        await pilot.press("v")
        await pilot.pause()
        assert "Finances" in names(screen)
        highlight(screen, "Housing")
        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Housing" in app.screen.question
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, LifeDomainsScreen))
        assert "Housing" in names(screen)
        await pilot.press("delete")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: isinstance(app.screen, LifeDomainsScreen))
        await pilot.pause()
        assert "Housing" not in names(screen)
        assert "Housing" not in [d.name for d in app.toolbox.domains.list(include_hidden=True)]


async def test_long_history_shows_the_newest_30_and_counts_the_rest(
    vault_path: Path, user_template
) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        housing = toolbox.domains.list()[4]
        for n in range(70):
            when = datetime(2026, 1, 1, 12, tzinfo=UTC) + timedelta(days=n)
            toolbox.domains.add_history(housing.id, StatusEntry(f"Week {n}", n % 11, when))
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        screen = await open_module(pilot, "life-domains")
        highlight(screen, "Housing")
        # the history is read in the screen's loading thread: wait for it, however busy
        await wait_for(pilot, lambda: "Week 69" in text_of(screen, "#history-lines"))
        lines = text_of(screen, "#history-lines").splitlines()
        assert len(lines) == 31
        assert lines[0].endswith("Week 69") and lines[29].endswith("Week 40")
        assert lines[30] == "… and 40 older statuses"
        # the sparkline draws the newest 60 ratings, and the range names their first day
        assert list(screen.query_one(Sparkline).data) == [float(n % 11) for n in range(10, 70)]
        assert "from 2026-01-11" in text_of(screen, "#history-range")
