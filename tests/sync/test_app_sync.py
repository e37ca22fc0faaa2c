"""In the app, sync runs in a worker; offline, Home says "Offline — N waiting", nothing lost."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Static

from reconnect_tui.screens.home import HomeScreen
from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync.service import resolve_relay_url
from tests.pilot import SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess


def status_text(app) -> str:
    return str(app.screen.query_one("#sync-status", Static).render())


async def test_home_shows_offline_then_synced(
    tmp_path: Path, vault_path: Path, user_template
) -> None:
    relay = RelayProcess(tmp_path / "relay", extra_args=["--rate-limit", "100000",
                                                         "--no-address-limits"]).start()
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        resolve_relay_url(vault, relay.url)  # kept in the vault from now on
        SyncStateRepository(vault).enqueue("E" * 22, "M" * 22, b"ciphertext", 0.0)
    relay.stop()
    app = make_app(vault_path)
    async with app.run_test(size=SIZE) as pilot:
        app.sync_schedule.next_at = float("inf")  # no timed sync: only the unlock's own
        await unlock(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await wait_for(pilot, lambda: "Offline — 1 waiting" in status_text(app))
        relay.start()
        try:
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: status_text(app).startswith("Synced"))
            # The envelope's mailbox is unclaimed: the relay refuses it, so it keeps waiting.
            assert "1 still waiting" in status_text(app)
        finally:
            relay.stop()


async def test_app_says_once_that_the_vault_was_restored_from_a_backup(
    tmp_path: Path, user_template, provider_template
) -> None:
    """A vault copied back over a later one: the unlock's sync finds it and the app says so."""
    import shutil

    from tests.dyads.dyad_helpers import open_person, pair

    relay = RelayProcess(tmp_path / "relay", extra_args=["--rate-limit", "100000",
                                                         "--no-address-limits"]).start()
    try:
        provider = open_person(provider_template, tmp_path / "provider", relay.url)
        user = open_person(user_template, tmp_path / "user", relay.url)
        pair(provider, user)
        resolve_relay_url(user.vault, relay.url)  # kept in the vault: the app syncs with it
        user.vault.close()
        shutil.copytree(user.path.parent, tmp_path / "backup")
        user.reopen()
        for _ in range(2):
            assert not user.sync().restored
        user.vault.close()
        shutil.rmtree(user.path.parent)
        shutil.copytree(tmp_path / "backup", user.path.parent)
        app = make_app(user.path)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            app.sync_schedule.next_at = float("inf")
            await unlock(pilot)
            await wait_for(pilot, lambda: any("restored from a backup of" in n.message
                                              for n in app._notifications))
            # Home keeps saying so while the provider has not answered on a new session.
            await wait_for(pilot, lambda: "restored from a backup" in status_text(app))
            provider.sync()  # it answers on a new session
            await pilot.press("ctrl+r")
            await wait_for(pilot, lambda: status_text(app).startswith("Synced")
                           and "restored from a backup" not in status_text(app))
        provider.vault.close()
    finally:
        relay.stop()
