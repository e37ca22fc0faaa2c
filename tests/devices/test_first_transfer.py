"""A newly linked device's first transfer (docs/devices.md, issue 17): a vault of some hundreds
of items in every many-item module arrives whole, its export equal to the first device's, also
when the new device's sync is killed (SIGKILL) partway through and run again. Real vaults, a
real relay, the sync as its own process."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from reconnect_tui.store import Vault, portable
from tests.devices.device_helpers import invite, join, sync
from tests.support.vaults import PASSPHRASE, copy_vault

TOOLBOX = ("what_matters", "life_domains", "goals", "network", "crisis_plan", "exercises",
           "medications", "diary", "registrations")


def export(path: Path) -> Any:
    """The toolbox export, each list in a fixed order: items of equal position are listed in
    local row order, which is the order they arrived in (by global id), not the first
    device's."""
    with Vault.unlock(path, PASSPHRASE) as vault:
        exported = portable.export_sections(vault, TOOLBOX)
    exported["crisis_plan"].pop("updated_at", None)  # the time each device wrote it
    return _sorted(exported)


def _sorted(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        return sorted((_sorted(v) for v in value), key=lambda v: json.dumps(v, sort_keys=True))
    return value


def fill(path: Path, n: int = 60) -> None:
    """Some hundreds of items across every many-item module, children under parents."""
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction() as conn:
        conn.execute("UPDATE meta SET value = 'My kids, the sea' WHERE key = 'what_matters'")
        domains = [r[0] for r in conn.execute("SELECT id FROM life_domains")]
        conn.executemany(
            "INSERT INTO domain_status_history(domain_id, status, rating, recorded_at)"
            " VALUES (?, ?, ?, ?)",
            [(domains[i % len(domains)], f"status {i}", i % 11,
              f"2025-01-{1 + i % 28:02d}T10:00:00+00:00") for i in range(n)])
        for i in range(n // 3):
            goal = conn.execute("INSERT INTO goals(title, why, domain_id, position)"
                                " VALUES (?, ?, ?, 0)",
                                (f"goal {i}", f"why {i}", domains[i % len(domains)])).lastrowid
            sub = conn.execute("INSERT INTO goals(parent_id, title, position) VALUES (?, ?, 0)",
                               (goal, f"sub-goal {i}")).lastrowid
            conn.executemany("INSERT INTO activities(goal_id, title, scheduled_on, done)"
                             " VALUES (?, ?, ?, ?)",
                             [(sub, f"activity {i}.{k}", f"2026-02-{1 + k:02d}", k % 2)
                              for k in range(2)])
        conn.executemany("INSERT INTO people(name, sector, ring, can_help_in_crisis)"
                         " VALUES (?, 'friends', ?, ?)",
                         [(f"Person {i}", 1 + i % 4, i % 2) for i in range(n // 3)])
        conn.executemany("INSERT INTO medications(name, dose) VALUES (?, '10 mg')",
                         [(f"Medicine {i}",) for i in range(n // 6)])
        conn.executemany("INSERT INTO diary(written_at, text) VALUES (?, ?)",
                         [(f"2025-03-{1 + i % 28:02d}T08:{i % 60:02d}:00+00:00",
                           f"Diary entry {i}: " + "a calm day by the sea " * 20)
                          for i in range(n * 2)])
        exercise = conn.execute("INSERT INTO exercises(slug, title) VALUES ('my-walk', 'Walk')"
                                ).lastrowid
        conn.executemany("INSERT INTO exercise_log(exercise_id, done_at, note) VALUES (?, ?, ?)",
                         [(exercise, f"2025-04-{1 + i % 28:02d}T09:00:00+00:00", f"note {i}")
                          for i in range(n)])
        parameter = conn.execute("INSERT INTO registration_parameters(name, unit)"
                                 " VALUES ('Sleep h', 'h')").lastrowid
        conn.executemany("INSERT INTO registrations(parameter_id, day, value) VALUES (?, ?, ?)",
                         [(parameter, f"2025-{1 + i // 28:02d}-{1 + i % 28:02d}",
                           round(5 + (i % 40) / 10, 1)) for i in range(n)])


def linked_with_vault(template, tmp_path: Path, relay) -> tuple[Path, Path]:
    """The first device filled, the new device joined and its answer taken: the first device's
    welcome and records are on the relay, not yet fetched by the new device."""
    laptop = copy_vault(template, tmp_path / "laptop")
    fill(laptop)
    work = tmp_path / "work" / "vault.db"
    code = invite(laptop, relay.url)
    assert join(code, work, relay.url).exit_code == 0
    sync(laptop)
    return laptop, work


def test_a_new_device_receives_the_whole_vault(user_template, tmp_path: Path, relay) -> None:
    laptop, work = linked_with_vault(user_template, tmp_path, relay)
    sync(work)
    sync(laptop)
    sync(work)
    assert export(work) == export(laptop)


def test_a_first_transfer_killed_halfway_resumes_without_loss_or_duplicates(
        user_template, tmp_path: Path, relay) -> None:
    laptop, work = linked_with_vault(user_template, tmp_path, relay)
    env = {**os.environ, "RECONNECT_PASSPHRASE": PASSPHRASE}
    for delay in (0.5, 1.5):  # wherever the kill lands, what follows must end equal
        process = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "reconnect_tui.cli", "sync", "--vault", str(work)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        process.kill()
        process.wait()
    sync(work)
    sync(laptop)
    sync(work)
    assert export(work) == export(laptop)
