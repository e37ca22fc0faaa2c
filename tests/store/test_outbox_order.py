"""``SyncStateRepository.due``: the oldest undelivered envelopes first, in the order they were
written, whatever their retry times, below and above the read's limit (issue 20 changed how
it is read)."""

from __future__ import annotations

from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository


def test_due_is_in_written_order_below_and_at_the_limit(vault: Vault) -> None:
    state = SyncStateRepository(vault)
    for i in range(8):
        state.enqueue(f"e{i}", "mailbox", b"x", 100.0 + i)
    ids = {e.envelope_id: e.id for e in state.due(None)}
    state.mark_failed(ids["e0"], "relay down", 200.0, 0.0)  # retried last, written first
    state.mark_failed(ids["e3"], "relay down", 150.0, 0.0)
    state.mark_delivered(ids["e5"], 300.0)
    written = ["e0", "e1", "e2", "e3", "e4", "e6", "e7"]
    assert [e.envelope_id for e in state.due(None)] == written
    assert [e.envelope_id for e in state.due(None, limit=3)] == written[:3]
    assert [e.envelope_id for e in state.due(None, limit=7)] == written
    assert [e.envelope_id for e in state.due(None, limit=8)] == written
    due_at_110 = [e.envelope_id for e in state.due(110.0)]
    assert due_at_110 == ["e1", "e2", "e4", "e6", "e7"]
    assert [e.envelope_id for e in state.due(110.0, limit=2)] == due_at_110[:2]
    assert [e.envelope_id for e in state.due(110.0, limit=5)] == due_at_110
