"""The Devices screen (issue 17) with Pilot, a real relay on 127.0.0.1 and real vaults: the list,
a code the real `device join` accepts (and the welcome it then gets), removal after a
confirmation, this device refused, and a relay that cannot be reached said in one line."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path

import pytest
from textual.widgets import DataTable, Static

from reconnect_tui.app import ReconnectApp
from reconnect_tui.screens.devices import DevicesScreen, LinkDeviceScreen
from reconnect_tui.screens.pairing import spaced_code
from reconnect_tui.settings import Settings
from reconnect_tui.store.repositories.devices import DeviceRepository
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.widgets.confirm import ConfirmScreen
from tests.devices.device_helpers import devices, join, link
from tests.pilot import NOW, SIZE, make_app, unlock, wait_for
from tests.relay_server import RelayProcess, free_port
from tests.screens.messages_helpers import Person

CODE = re.compile(r"^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}$")


def shown(screen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def rows(screen: DevicesScreen) -> list[list[str]]:
    table = screen.query_one("#devices", DataTable)
    return [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]


async def open_devices(pilot) -> DevicesScreen:
    await unlock(pilot)
    await pilot.press("v")  # the key on Home
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, DevicesScreen)
                   and pilot.app.screen.loaded)
    await pilot.pause()
    return pilot.app.screen


async def test_lists_linked_devices_this_one_marked(relay: RelayProcess, user: Person,
                                                   tmp_path: Path) -> None:
    link(user.path, tmp_path / "work" / "vault.db", relay.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_devices(pilot)
        listed = rows(screen)
        assert [r[0] for r in listed] == ["Laptop", "Work PC"]
        assert [r[1] for r in listed] == ["yes", ""]
        assert [r[3] for r in listed] == ["linked", "linked"]
        assert not screen.query_one("#devices-empty").display


async def test_empty_state_says_what_linking_does(user: Person) -> None:
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_devices(pilot)
        assert screen.query_one("#devices-empty").display
        assert "one-time code" in str(screen.query_one("#devices-empty", Static).render())
        titles = {str(c.title) for c in app.get_system_commands(screen)}
        assert {"Open: Devices", "Link a new device", "Remove device"} <= titles  # the palette


async def test_the_code_shown_links_the_other_device(relay: RelayProcess, user: Person,
                                                    tmp_path: Path) -> None:
    with user.open() as vault:
        resolve_relay_url(vault, relay.url)
    app = make_app(user.path)
    work = tmp_path / "work" / "vault.db"
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_devices(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LinkDeviceScreen)
                       and app.screen.link is not None)
        await pilot.pause()
        link_screen = app.screen
        code = link_screen.link.code
        assert CODE.match(code)
        assert shown(link_screen, "#link-code") == spaced_code(code)
        assert f"reconnect device join {code} --name NAME" in shown(link_screen, "#link-command")
        assert "█" in shown(link_screen, "#link-qr")
        assert "Waiting" in shown(link_screen, "#link-status")

        joined = await asyncio.to_thread(join, code, work, relay.url)  # the real command
        assert joined.exit_code == 0, joined.output
        await wait_for(pilot, lambda: link_screen.linked_name == "Work PC")
        assert "Linked: Work PC" in shown(link_screen, "#link-status")
        # The welcome went out: the waiting join takes it and is linked.
        again = await asyncio.to_thread(join, code, work, relay.url, "Work PC", 60)
        assert json.loads(again.stdout)["linked"], again.output

        await pilot.press("escape")
        await wait_for(pilot, lambda: app.screen is screen and len(rows(screen)) == 2)
    assert {d["name"] for d in devices(work)} == {d["name"] for d in devices(user.path)}


async def test_remove_asks_first_and_refuses_this_device(relay: RelayProcess, user: Person,
                                                        tmp_path: Path) -> None:
    link(user.path, tmp_path / "work" / "vault.db", relay.url)
    app = make_app(user.path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await open_devices(pilot)
        await pilot.press("x")  # the cursor is on this device
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmScreen)
        assert any("device you are using" in n.message for n in app._notifications)

        await pilot.press("down", "x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Work PC" in app.screen.question
        await pilot.press("n")  # keep it
        await wait_for(pilot, lambda: app.screen is screen)
        assert len(rows(screen)) == 2

        await pilot.press("x")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("y")
        await wait_for(pilot, lambda: app.screen is screen and len(rows(screen)) == 1)
        assert rows(screen)[0][0] == "Laptop"
    assert [d["name"] for d in devices(user.path)] == ["Laptop"]


async def test_a_relay_that_cannot_be_reached_is_said(user: Person) -> None:
    with user.open() as vault:
        resolve_relay_url(vault, f"http://127.0.0.1:{free_port()}")  # nobody listens
    app = make_app(user.path)
    async with app.run_test(size=SIZE) as pilot:
        await open_devices(pilot)
        await pilot.press("n")
        await wait_for(pilot, lambda: isinstance(app.screen, LinkDeviceScreen)
                       and bool(shown(app.screen, "#pairing-error")))
        error = shown(app.screen, "#pairing-error")
        assert "could not be reached" in error and "Traceback" not in error
        assert app.screen.link is None
        assert not app.screen.query_one("#link-shown").display


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def seed_devices(path: Path, template) -> None:
    """Two devices with fixed times, as a linked laptop's vault holds them."""
    from reconnect_tui.store import Vault

    with Vault.open_with_key(path, template.key, template.header) as vault:
        repo = DeviceRepository(vault)
        repo.upsert_device(ed25519="A" * 43, curve25519="B" * 43, name="Laptop",
                           linked_at="2026-11-20T08:00:00+00:00", this_device=True,
                           certificate="{}")
        repo.upsert_device(ed25519="C" * 43, curve25519="D" * 43, name="Work PC",
                           linked_at="2026-11-26T14:30:00+00:00", certificate="{}")


async def _open_seeded(pilot) -> None:
    await open_devices(pilot)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"], ids=["dark", "light"])
def test_devices_snapshot(snap_compare, user: Person, utc, theme: str) -> None:
    seed_devices(user.path, user.template)
    app = ReconnectApp(user.path, Settings(auto_lock_minutes=0, theme=theme), clock=lambda: NOW)
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_seeded)


async def _link_without_relay(pilot) -> None:
    await open_devices(pilot)
    await pilot.press("n")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, LinkDeviceScreen)
                   and pilot.app.screen.loaded
                   and pilot.app.focused is pilot.app.screen.query_one("#relay-url"))
    pilot.app.screen.query_one("#relay-url").cursor_blink = False  # the same in every picture
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_link_screen_asks_for_the_relay_snapshot(snap_compare, user: Person) -> None:
    """Without a relay the link screen asks for its address first (with one, the code it makes
    is random, so not pictured)."""
    assert snap_compare(make_app(user.path), terminal_size=SIZE, run_before=_link_without_relay)
