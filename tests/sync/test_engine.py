"""The sync engine against a real relay: outbox first, inbox by cursor, offline, restarts."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from reconnect_tui.errors import RelayError
from reconnect_tui.sync.service import connect, resolve_relay_url
from tests.relay_server import RelayProcess
from tests.sync.sync_helpers import sync


def send(side, url: str, mailbox: str, payloads: list[bytes]) -> list[str]:
    with connect(side.vault, url) as engine:
        return [engine.send(mailbox, payload) for payload in payloads]


def received_payloads(side) -> list[bytes]:
    return [e.ciphertext for e in side.state.unprocessed(limit=100_000)]


def test_send_then_receive_once(relay: RelayProcess, sender, receiver, mailbox: str) -> None:
    assert sync(receiver, relay.url).received == 0  # claims the mailbox
    payloads = [f"envelope {i}".encode() for i in range(50)]
    send(sender, relay.url, mailbox, payloads)
    assert sender.state.waiting_count() == 50  # written locally before any network call
    report = sync(sender, relay.url)
    assert (report.sent, report.waiting, report.offline) == (50, 0, False)
    first = sync(receiver, relay.url)
    assert first.received == 50
    assert received_payloads(receiver) == payloads  # in order
    assert sync(receiver, relay.url).received == 0  # only what is new
    assert receiver.state.unacked() == {}


def test_relay_down_keeps_everything_waiting(tmp_path: Path, sender, receiver, mailbox) -> None:
    relay = RelayProcess(tmp_path / "r", extra_args=["--rate-limit", "1000000",
                                                     "--no-address-limits"]).start()
    sync(receiver, relay.url)
    url = relay.url
    relay.stop()
    send(sender, url, mailbox, [b"one", b"two"])
    report = sync(sender, url)
    assert report.offline and report.waiting == 2 and "could not be reached" in report.error
    assert "Offline — 2 waiting" in report.summary()
    relay.start()
    try:
        assert sync(sender, url).sent == 2
        assert sync(receiver, url).received == 2
    finally:
        relay.stop()


def test_failed_delivery_waits_for_backoff_unless_forced(relay, sender, receiver) -> None:
    unclaimed = "A" * 22  # nobody reads this mailbox: the relay refuses deposits to it
    send(sender, relay.url, unclaimed, [b"x"])
    report = sync(sender, relay.url)
    assert report.sent == 0 and report.waiting == 1 and not report.offline
    assert sync(sender, relay.url, force=False).sent == 0  # still in backoff: not even tried
    assert sender.state.due(None)[0].attempts == 1


def test_relay_restarted_in_the_middle_of_a_sync(relay, sender, receiver, mailbox) -> None:
    sync(receiver, relay.url)
    payloads = [f"m{i}".encode() for i in range(300)]
    send(sender, relay.url, mailbox, payloads)
    restarted = threading.Event()

    def restart_soon() -> None:
        relay.restart(hard=True)
        restarted.set()

    timer = threading.Timer(0.15, restart_soon)
    timer.start()
    reports = [sync(sender, relay.url)]
    timer.join()
    restarted.wait(30)
    while sender.state.waiting_count():
        reports.append(sync(sender, relay.url))
    assert sum(r.sent for r in reports) == 300
    sync(receiver, relay.url)
    got = received_payloads(receiver)
    assert sorted(got) == sorted(payloads) and len(set(got)) == 300


def test_relay_address_is_kept_in_the_vault(relay, sender, monkeypatch) -> None:
    with pytest.raises(RelayError, match="No relay address"):
        resolve_relay_url(sender.vault)
    assert resolve_relay_url(sender.vault, relay.url) == relay.url
    assert resolve_relay_url(sender.vault) == relay.url
    with pytest.raises(RelayError, match="plain http"):
        resolve_relay_url(sender.vault, "http://example.org:8765")
    monkeypatch.setenv("RECONNECT_RELAY", "https://relay.example.org")
    assert resolve_relay_url(sender.vault) == "https://relay.example.org"
