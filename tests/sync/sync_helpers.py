"""Helpers for the sync tests."""

from __future__ import annotations

from reconnect_tui.sync.engine import SyncReport
from reconnect_tui.sync.service import connect


def sync(side, url: str, force: bool = True) -> SyncReport:
    """One sync of ``side``'s vault with the relay at ``url`` (a short timeout: it is local)."""
    with connect(side.vault, url, timeout=2.0) as engine:
        return engine.sync(force=force)
