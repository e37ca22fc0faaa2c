"""A due check-in is sent by whichever of the provider's processes syncs first (the app, the
watch, ``reconnect sync``), exactly once (issue 18)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reconnect_tui.sync.agreements import Agreements
from tests.dyads.dyad_helpers import Person, pair

SCRIPT = Path(__file__).with_name("concurrent_client.py")


def test_two_syncing_processes_send_a_due_checkin_once(provider: Person, user: Person,
                                                      tmp_path: Path) -> None:
    on_provider, on_user = pair(provider, user)
    Agreements(provider.vault).schedule_checkin(on_provider.id, "Hvordan går det?", 7)
    provider.vault.close()
    go = tmp_path / "go"
    children = [subprocess.Popen(
        [sys.executable, str(SCRIPT), "sync", str(provider.path), provider.template.key.hex(),
         str(go), provider.relay_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True) for _ in range(2)]
    go.touch()
    for child in children:
        out, err = child.communicate(timeout=300)
        assert child.returncode == 0 and out.strip() == "done", err
    provider.reopen()
    provider.sync()  # a third sync later: the schedule has moved on, nothing more goes
    user.sync()

    asked = [c for c in Agreements(user.vault).checkins(on_user.id) if not c.asked_by_me]
    assert [c.question for c in asked] == ["Hvordan går det?"]
    sent = [c for c in Agreements(provider.vault).checkins(on_provider.id) if c.asked_by_me]
    assert len(sent) == 1
    assert Agreements(provider.vault).due_checkins() == []
