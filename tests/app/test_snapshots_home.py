"""Snapshots of Home at 80x24 and 120x40 with seeded data and a fixed clock."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reconnect_tui.model import Activity, Goal
from reconnect_tui.store import Toolbox, Vault
from tests.pilot import make_app, unlock


def seed(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        toolbox = Toolbox(vault)
        toolbox.what_matters.set("My daughter, the garden, and being useful to someone.")
        job = toolbox.goals.add(Goal(title="Find a part-time job"))
        toolbox.goals.add_activity(Activity(job.id, "Call the job centre", date(2026, 11, 27)))
        toolbox.goals.add_activity(Activity(job.id, "Write a CV", date(2026, 11, 29)))
        toolbox.goals.add(Goal(title="Sleep before midnight"))


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
def test_home_snapshot(snap_compare, vault_path: Path, user_template, size) -> None:
    seed(vault_path, user_template)
    assert snap_compare(make_app(vault_path), terminal_size=size, run_before=unlock)
