"""Snapshots of the Goals screen at 80x24 and 120x40 with seeded data and a fixed clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reconnect_tui.model import Activity, Goal
from reconnect_tui.store import Toolbox, Vault
from tests.pilot import make_app, open_module, unlock


def seed(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        domains = toolbox.domains.list()
        job = toolbox.goals.add(
            Goal(title="Find a part-time job", why="Money and people", domain_id=domains[0].id)
        )
        cv = toolbox.goals.add(Goal(title="Write a CV", parent_id=job.id, domain_id=domains[0].id))
        for title, day, done in [
            ("Ask Ola to read it", date(2026, 11, 27), False),
            ("List what I am good at", date(2026, 11, 20), True),
            ("Send it to the library", date(2026, 12, 2), False),
        ]:
            activity = toolbox.goals.add_activity(Activity(cv.id, title, scheduled_on=day))
            if done:
                toolbox.goals.set_activity_done(activity.id)
        sleep = toolbox.goals.add(
            Goal(title="Sleep before midnight", domain_id=domains[3].id, due=date(2026, 12, 31))
        )
        toolbox.goals.add_activity(Activity(sleep.id, "Phone off at eleven"))
        toolbox.goals.add(Goal(title="Visit my sister", done=True, domain_id=domains[1].id))


async def _open_goals(pilot) -> None:
    await unlock(pilot)
    await open_module(pilot, "goals")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_goals_snapshot(snap_compare, vault_path: Path, user_template, size) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=size, run_before=_open_goals)
