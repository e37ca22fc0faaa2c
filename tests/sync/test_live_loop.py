"""The live loop's pieces: backoff with jitter, and ``watch`` locking when its time is up."""

from __future__ import annotations

import random
import threading
import time
from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.sync.engine import SyncReport
from reconnect_tui.sync.live import watch
from reconnect_tui.sync.schedule import BACKOFF_MAX, Backoff
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sync_service import SyncService
from tests.relay_server import RelayProcess
from tests.support.vaults import Template


def test_backoff_doubles_with_jitter_up_to_its_cap() -> None:
    backoff = Backoff(first=2.0, cap=BACKOFF_MAX, rng=random.Random(7))
    delays = [backoff.next() for _ in range(12)]
    ceilings = [min(BACKOFF_MAX, 2.0 * 2 ** n) for n in range(12)]
    assert all(c / 2 <= d <= c for d, c in zip(delays, ceilings, strict=True))
    assert len(set(delays)) == len(delays)  # jittered: two watches do not retry in step
    backoff.reset()
    assert backoff.next() <= 2.0


def test_watch_locks_when_its_time_is_up(relay: RelayProcess, vault_path: Path,
                                         user_template: Template) -> None:
    reports: list[tuple[SyncReport, bool]] = []
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        url = resolve_relay_url(vault, relay.url)
        service = SyncService(vault)
        end = watch(url, sync=lambda: service.sync(url), targets=service.push_targets,
                    stop=threading.Event(), wake=threading.Event(),
                    report=lambda r, live: reports.append((r, live)),
                    lock_at=time.monotonic() + 2.0)
    assert end == "locked"
    assert reports and not reports[0][0].offline
    assert reports[0][1]  # nothing to watch yet, the relay answers: as good as live
