"""Linking when things go wrong (docs/devices.md): an expired code, an answer after expiry, and
SIGKILL at random points of `device join` and of the first device's sync: neither vault is
damaged and linking again works."""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from reconnect_tui.clock import utc_now
from reconnect_tui.qr_text import qr_lines
from reconnect_tui.store import Vault
from reconnect_tui.sync.devices import LINK_LIFETIME, Devices, staging_folder
from reconnect_tui.sync.dyads import relay_for
from reconnect_tui.sync.service import connect
from tests.devices.device_helpers import devices, invite, join, run, sync
from tests.support.vaults import PASSPHRASE, copy_vault


def test_an_expired_code_is_refused_by_the_new_device(user_template, tmp_path: Path,
                                                      relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    with Vault.unlock(laptop, PASSPHRASE) as vault, relay_for(vault, relay.url) as port:
        earlier = utc_now() - LINK_LIFETIME - timedelta(minutes=1)
        code = Devices(vault, clock=lambda: earlier).create_invitation(port, "Laptop")
    work = tmp_path / "work" / "vault.db"
    result = join(code, work, relay.url)
    assert result.exit_code == 1 and "expired" in result.stderr
    assert not work.exists() and not staging_folder(work).exists()


def test_an_answer_after_the_code_expired_links_nothing(user_template, tmp_path: Path,
                                                        relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    code = invite(laptop, relay.url)
    work = tmp_path / "work" / "vault.db"
    assert join(code, work, relay.url).exit_code == 0
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        with connect(vault, relay.url) as engine:
            engine.sync()
        later = utc_now() + LINK_LIFETIME + timedelta(minutes=1)
        assert Devices(vault, clock=lambda: later).process_inbox() == 0
    assert [d["name"] for d in devices(laptop)] == ["Laptop"]
    sync(work)
    assert [d["status"] for d in devices(work)] == ["joining"]


def test_the_qr_code_is_plain_characters_and_only_on_a_terminal(user_template, tmp_path: Path,
                                                                relay) -> None:
    import segno

    lines = qr_lines("ABCD-EFGH-JKMN")
    assert set("".join(lines)) <= set("█▀▄ ")
    size = len(segno.make("ABCD-EFGH-JKMN", error="m", micro=False).matrix) + 4
    assert len(lines) == (size + 1) // 2 and {len(line) for line in lines} == {size}
    laptop = copy_vault(user_template, tmp_path / "laptop")
    shown = run("device", "invite", "--vault", str(laptop), "--relay", relay.url)
    assert shown.exit_code == 0 and "█" not in shown.output  # not a terminal here


def _reconnect(*args: str) -> list[str]:
    return [sys.executable, "-m", "reconnect_tui.cli", *args]


def _killed_after(command: list[str], delay: float) -> None:
    env = {**os.environ, "RECONNECT_PASSPHRASE": PASSPHRASE}
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        child.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


@pytest.mark.slow
def test_sigkill_during_linking_loses_nothing_and_linking_again_works(
        user_template, tmp_path: Path, relay) -> None:
    rng = random.Random(int(time.time()))
    laptop = copy_vault(user_template, tmp_path / "laptop")
    for round_ in range(4):
        work = tmp_path / f"work{round_}" / "vault.db"
        code = invite(laptop, relay.url)
        _killed_after(_reconnect("device", "join", code, "--name", f"PC {round_}", "--vault",
                                 str(work), "--relay", relay.url, "--wait", "30"),
                      rng.uniform(0.3, 4.0))
        _killed_after(_reconnect("sync", "--vault", str(laptop)), rng.uniform(0.2, 2.0))
        assert devices(laptop)[0]["name"] == "Laptop"  # the first device opens, undamaged
        name = f"PC {round_}"
        result = join(code, work, relay.url, name)
        if result.exit_code != 0:  # killed after the code was taken: a new code links
            assert "works once" in result.stderr, result.output
            assert not work.exists()
            code = invite(laptop, relay.url)
            result = join(code, work, relay.url, name)
            assert result.exit_code == 0, result.output
        sync(laptop)
        linked = join(code, work, relay.url, name)
        assert linked.exit_code == 0 and json.loads(linked.stdout)["linked"], linked.output
        names = [d["name"] for d in devices(work)]
        assert name in names and "Laptop" in names
        assert name in [d["name"] for d in devices(laptop)]
