"""A client talking to an older relay, one without the batched ``POST /v1/envelopes``: the
batch falls back to one deposit per envelope, nothing is lost, and the client stops asking."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import nacl.signing
import pytest
import uvicorn
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from reconnect_tui import wire as p
from reconnect_tui.relay.app import create_app
from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage
from reconnect_tui.sync.client import RelayClient
from reconnect_tui.wire.batch import BatchEnvelope
from tests.relay_server import free_port


class SeenPaths:
    """Records each request's method and path on its way into the relay."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.seen.append((scope["method"], scope["path"]))
        await self.app(scope, receive, send)


@pytest.fixture
def older_relay(tmp_path: Path) -> Iterator[tuple[str, SeenPaths]]:
    """A real relay on 127.0.0.1, built without the batch route, as relays before it were."""
    app = create_app(SQLiteRelayStorage(tmp_path / "relay.db"))
    app.router.routes[:] = [route for route in app.router.routes
                            if not (isinstance(route, Route) and route.path == "/v1/envelopes")]
    seen = SeenPaths(app)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(seen, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the relay did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}", seen
    finally:
        server.should_exit = True
        thread.join(30)


def test_batch_to_an_older_relay_falls_back_to_single_deposits(
        older_relay: tuple[str, SeenPaths]) -> None:
    url, seen = older_relay
    owners = [nacl.signing.SigningKey.generate() for _ in range(3)]
    mailboxes = [p.new_id(32) for _ in owners]
    for owner, mailbox in zip(owners, mailboxes, strict=True):
        with RelayClient(url, owner) as client:
            assert client.claim_mailbox(mailbox) is True

    sent = [BatchEnvelope(mailbox, p.new_id(), b"sealed %d" % n)
            for n, mailbox in enumerate(mailboxes * 2)]
    with RelayClient(url, nacl.signing.SigningKey.generate()) as sender:
        results = sender.deposit_batch(sent)
        assert [(r.mailbox, r.id, r.stored, r.error) for r in results] == [
            (e.mailbox, e.id, True, None) for e in sent]
        # A second batch goes straight to single deposits: the client remembers the answer.
        asked_before = seen.seen.count(("POST", "/v1/envelopes"))
        again = [BatchEnvelope(mailboxes[0], p.new_id(), b"later")]
        assert [r.stored for r in sender.deposit_batch(again)] == [True]
        # A retried envelope is reported as already there, not stored twice.
        assert [r.stored for r in sender.deposit_batch(again)] == [False]
    assert asked_before == 1
    assert seen.seen.count(("POST", "/v1/envelopes")) == 1

    for owner, mailbox in zip(owners, mailboxes, strict=True):
        with RelayClient(url, owner) as client:
            page = client.fetch(mailbox)
        expected = [e.ciphertext for e in sent if e.mailbox == mailbox]
        if mailbox == mailboxes[0]:
            expected.append(b"later")
        assert [envelope.ciphertext for envelope in page.envelopes] == expected
