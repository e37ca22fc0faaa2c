"""The session: built once per unlock, its services and Olm identity shared, dropped on lock."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_tui.errors import VaultLocked
from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.screens.unlock import UnlockScreen
from reconnect_tui.store import Vault
from reconnect_tui.sync.dyads import Dyads
from tests.pilot import SIZE, make_app, open_module, unlock, wait_for
from tests.support.vaults import Template, copy_vault


def _with_identity(template: Template, path: Path) -> str:
    """Give the copied vault its Olm identity (as pairing would) and return its key."""
    with Vault.open_with_key(path, template.key, template.header) as vault:
        return Dyads(vault).identity_key


async def test_one_session_per_unlock_and_identity_loaded_once(
    user_template: Template, tmp_path: Path
) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    identity = _with_identity(user_template, path)
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        session = app.session
        assert session is not None and session.identity_loads == 0
        for module in ("messages", "sharing", "goals"):
            screen = await open_module(pilot, module)
            assert screen.session is session
        assert isinstance(app.screen.session.dyads, Dyads)
        # every service that signs or sends uses the one identity, read from the vault once
        assert session.dyads.identity_key == identity
        assert session.sharing.dyads.identity_key == identity
        assert session.agreements.dyads.sign(b"check") == session.dyads.sign(b"check")
        assert session.sharing.dyads is session.dyads is session.agreements.dyads
        assert session.sync.dyads is session.dyads  # the sync worker signs with it too
        assert session.sync.forums is session.forums
        assert session.identity_loads == 1
        assert app.dyads is session.dyads
        first_dyads = session.dyads

        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: isinstance(app.screen, UnlockScreen))
        assert app.session is None
        assert not session.is_open
        with pytest.raises(VaultLocked):
            session.toolbox  # noqa: B018
        with pytest.raises(VaultLocked):
            session.dyads  # noqa: B018

        await unlock(pilot)
        assert isinstance(app.screen_stack[1], HomeScreen)  # the goals screen reopened on it
        again = app.session
        assert again is not None and again is not session
        assert again.dyads is not first_dyads  # nothing of the locked session is reused
        assert again.dyads.identity_key == identity
        assert again.identity_loads == 1


async def test_sync_requests_while_one_runs_make_exactly_one_more(
    user_template: Template, tmp_path: Path
) -> None:
    """Screens ask for a sync with ``SyncRequested``; while one runs, however many ask, exactly
    one more sync starts, after it (never two at once)."""
    import threading

    from reconnect_tui.screens.events import SyncRequested
    from reconnect_tui.store.repositories.sync_state import SyncStateRepository
    from reconnect_tui.sync.service import RELAY_SETTING
    from tests.relay_server import free_port

    path = copy_vault(user_template, tmp_path / "user")
    with Vault.open_with_key(path, user_template.key, user_template.header) as vault:
        # a relay address nobody listens on: each sync ends quickly, offline
        SyncStateRepository(vault).set_setting(RELAY_SETTING, f"http://127.0.0.1:{free_port()}")
    app = make_app(path)
    async with app.run_test(size=SIZE) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not app.sync_running())
        started = app.syncs_started  # the sync that unlocking starts, if it has

        # a sync under way: the sync group is busy until the test lets it finish
        gate = threading.Event()
        app.run_worker(gate.wait, thread=True, group="sync", name="a sync under way")
        for _ in range(3):
            app.post_message(SyncRequested())
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert app.syncs_started == started  # none started beside the one running

        gate.set()
        await wait_for(pilot, lambda: not app.sync_running() and app.syncs_started > started)
        assert app.syncs_started == started + 1
        assert "Offline" in app.sync_status or "offline" in app.sync_status.lower()

        app.post_message(SyncRequested())  # nothing running: it starts at once
        await wait_for(pilot, lambda: app.syncs_started == started + 2)
