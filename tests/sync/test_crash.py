"""A client killed with SIGKILL at random points of send and sync, 50 times:
0 lost, 0 duplicated."""

from __future__ import annotations

import random
import selectors
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from tests.sync.sync_helpers import sync

KILLS = 50
ENDLESS = 10**9  # during the kills the client never runs out of work
SCRIPT = Path(__file__).with_name("crash_client.py")


def outbox(path: Path, template) -> list[bytes]:
    with Vault.open_with_key(path, template.key, template.header) as vault, vault.read() as conn:
        return [bytes(r[0]) for r in conn.execute("SELECT ciphertext FROM outbox ORDER BY id")]


def wait_for_rounds(child: subprocess.Popen, rounds: int, patience: float = 120.0) -> bool:
    """Read the child's "working" lines until ``rounds`` have been seen (False if it stopped
    or said nothing for ``patience`` seconds, which only a broken client does)."""
    assert child.stdout is not None
    with selectors.DefaultSelector() as selector:
        selector.register(child.stdout, selectors.EVENT_READ)
        seen = 0
        while seen < rounds:
            if not selector.select(timeout=patience):
                return False
            line = child.stdout.readline()
            if not line:
                return False
            seen += line.startswith(b"working")
    return True


@pytest.mark.slow
def test_sigkill_at_random_points_loses_and_duplicates_nothing(
    relay, sender, receiver, mailbox, user_template
) -> None:
    sync(receiver, relay.url)  # claim the mailbox
    sender.vault.close()
    receiver.vault.close()
    command = [
        sys.executable,
        str(SCRIPT),
        str(sender.path),
        str(receiver.path),
        user_template.key.hex(),
        relay.url,
        mailbox,
    ]
    rng = random.Random(20261127)
    finished_early = 0
    for _ in range(KILLS):
        child = subprocess.Popen(
            [*command, str(ENDLESS)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
        )
        # Kill at a random point of real work, however slow the machine: wait until the child
        # has started 1-3 rounds of send + sync, then a random fraction of a round more.
        assert wait_for_rounds(child, rng.randint(1, 3)), "the client never started working"
        time.sleep(rng.uniform(0.0, 0.2))
        if child.poll() is None:
            child.kill()
        else:
            finished_early += 1
        child.wait(60)
        assert child.stdout is not None
        child.stdout.close()
    total = len(outbox(sender.path, user_template))
    # Now let it finish: deliver and receive everything queued so far (patience, not a goal).
    final = subprocess.run([*command, str(total)], capture_output=True, text=True, timeout=600)
    assert final.returncode == 0, final.stderr

    sent = outbox(sender.path, user_template)
    with Vault.open_with_key(sender.path, user_template.key, user_template.header) as vault:
        assert SyncStateRepository(vault).waiting_count() == 0
    with Vault.open_with_key(receiver.path, user_template.key, user_template.header) as vault:
        got = [e.ciphertext for e in SyncStateRepository(vault).unprocessed(limit=1_000_000)]
    expected = [f"msg-{n}".encode() for n in range(total)]
    assert len(sent) == total  # queued exactly once each (their bytes went once delivered)
    assert set(sent) == {b""}
    lost = set(expected) - set(got)
    duplicated = len(got) - len(set(got))
    assert (len(lost), duplicated) == (0, 0)
    assert finished_early == 0  # every kill landed mid-work
