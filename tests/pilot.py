"""Shared helpers for driving the app with Pilot on a real vault."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime
from pathlib import Path

from textual.widgets import Input
from textual.worker import WorkerCancelled

from reconnect_tui.app import ReconnectApp
from reconnect_tui.settings import Settings
from tests.support.vaults import PASSPHRASE

SIZE = (80, 24)
NOW = datetime(2026, 11, 27, 9)


def make_app(path: Path, **kwargs) -> ReconnectApp:
    return ReconnectApp(path, Settings(auto_lock_minutes=0), clock=lambda: NOW, **kwargs)


async def wait_for(pilot, condition, timeout: float = 60.0) -> None:
    """Let workers (Argon2id runs in a thread) finish and the screen settle.

    ``timeout`` is patience, not a speed goal: on a busy 2-core machine Argon2id and a sync
    with the relay can take many seconds, and the test is about what happens, not when."""
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout
    while not condition():
        if loop.time() > end:
            raise AssertionError("condition not reached in time")
        # A screen closed under its own worker (a test moving on while a screen still loads)
        # cancels what it still runs: not a failure.
        with contextlib.suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def submit_passphrase(pilot, passphrase: str = PASSPHRASE) -> None:
    """Type a passphrase on the unlock screen and press Enter (does not wait)."""
    await wait_for(pilot, lambda: bool(pilot.app.screen.query("#passphrase")))  # composed
    field = pilot.app.screen.query_one("#passphrase", Input)
    field.value = passphrase
    await pilot.press("enter")


async def unlock(pilot, passphrase: str = PASSPHRASE) -> None:
    """Type the passphrase on the unlock screen and wait for Home, or, after a lock, for the
    screen the person was on (the app reopens it) with its data shown."""
    from reconnect_tui.screens.home import HomeScreen

    await submit_passphrase(pilot, passphrase)
    app = pilot.app
    await wait_for(pilot, lambda: len(app.screen_stack) > 1
                   and isinstance(app.screen_stack[1], HomeScreen)
                   and (app.screen is app.screen_stack[1] or getattr(app.screen, "loaded", True)))


async def open_module(pilot, module_id: str):
    """Open a toolbox module from Home and return its screen once mounted."""
    from reconnect_tui.screens.registry import MODULES

    assert any(m.id == module_id for m in MODULES)
    home = pilot.app.screen
    pilot.app.action_open_module(module_id)
    # Its data read and shown (a screen may hand over to another: Messages with one partner
    # opens that conversation).
    await wait_for(pilot, lambda: pilot.app.screen is not home
                   and getattr(pilot.app.screen, "loaded", True))
    await pilot.pause()
    return pilot.app.screen


async def lock_and_unlock(pilot) -> None:
    """Ctrl+L, then unlock again: what was saved must still be there."""
    from reconnect_tui.screens.unlock import UnlockScreen

    await pilot.press("ctrl+l")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, UnlockScreen))
    await unlock(pilot)
