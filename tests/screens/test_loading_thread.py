"""No module screen reads the vault on the UI thread while it opens, and opening one only
reads (nothing written, nothing sent).

SQLCipher calls a connection's trace callback in the thread that runs each statement, so the
test records which thread ran what while every screen opens (an observation of the real
vault, not a stand-in for it): the UI thread runs none of them; the screen's loading thread
runs the reads."""

from __future__ import annotations

import threading

import pytest

from reconnect_tui.screens.registry import MODULES
from tests.pilot import make_app, open_module, unlock, wait_for

LOADING_IN_THREAD = (
    "life-domains", "goals", "network", "crisis-plan", "exercises", "medications", "diary",
    "info", "search", "messages", "sharing", "forum",
)
"""The service user's module screens (all of them; a provider's "Shared with me" is not
offered to a service user)."""
USER_MODULES = [m.id for m in MODULES if m.id in LOADING_IN_THREAD]


@pytest.mark.parametrize("module_id", USER_MODULES)
async def test_screen_reads_off_the_ui_thread(vault_path, module_id):
    app = make_app(vault_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await unlock(pilot)
        await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        home = app.screen
        ui_thread = threading.get_ident()
        statements: list[tuple[int, str]] = []
        connection = app.toolbox.vault._conn
        connection.set_trace_callback(
            lambda sql: statements.append((threading.get_ident(), sql)))
        try:
            screen = await open_module(pilot, module_id)
            await wait_for(pilot, lambda: not any(w.is_running for w in app.workers))
        finally:
            connection.set_trace_callback(None)
        assert screen is not home and screen.loaded
        on_ui = [sql for thread, sql in statements if thread == ui_thread]
        assert on_ui == [], f"{module_id} read the vault on the UI thread: {on_ui[:3]}"
        assert any(thread != ui_thread for thread, _sql in statements)
        changes = [sql for _thread, sql in statements
                   if not sql.lstrip().upper().startswith(("SELECT", "PRAGMA", "WITH"))]
        assert changes == [], f"opening {module_id} changed the vault: {changes[:3]}"
