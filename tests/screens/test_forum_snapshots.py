"""Snapshots of the forum screens at 80x24: a forum with its pinned rules and café dates, a
muted thread and an unread-free list; a thread with replies (seeded through the core API with
a fixed clock; the app's clock is fixed too)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconnect_tui.store import Vault
from reconnect_tui.sync.forum import Forums
from tests.pilot import make_app, open_module, unlock


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch):
    """Post times are shown in local time: pin it so the pictures do not depend on the host."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def seed(vault_path: Path, user_template) -> None:
    moment = [datetime(2026, 11, 20, 8, tzinfo=UTC)]

    def clock() -> datetime:
        moment[0] += timedelta(minutes=60)
        return moment[0]

    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        forums = Forums(vault, clock=clock)
        forum = forums.membership.create("Strand peers", "Mod").id
        posting = forums.posting
        rules = posting.post(forum, "Welcome to Strand peers!\nBe kind. Share what helped you;"
                             " no advice on doses.")
        cafe = posting.post(forum, "Café dates: 3 December and 7 January, 18:00 at the library")
        walk = posting.post(forum, "Anyone up for a walk on Sunday morning? It helps with the"
                            " weekend.")
        posting.post(forum, "Count me in, the harbour path?", thread=walk.id)
        sleep = posting.post(forum, "Tips for sleeping when the evening thoughts get loud?")
        posting.pin(forum, rules.id, "rules")
        posting.pin(forum, cafe.id, "cafe")
        forums.views.set_muted(forum, sleep.id, True)


async def _open_forum(pilot) -> None:
    await unlock(pilot)
    await open_module(pilot, "forum")
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def _open_thread(pilot) -> None:
    await _open_forum(pilot)
    await pilot.press("end", "enter")  # the walk: the oldest unpinned thread
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def test_forum_snapshot(snap_compare, vault_path: Path, user_template) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=(80, 24), run_before=_open_forum)


def test_thread_snapshot(snap_compare, vault_path: Path, user_template) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=(80, 24), run_before=_open_thread)
