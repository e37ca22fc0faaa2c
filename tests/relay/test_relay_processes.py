"""Two real relay processes on one PostgreSQL schema: one relay as far as clients can tell."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import nacl.signing
import pytest

from reconnect_tui import wire as p
from reconnect_tui.sync.client import RelayClient
from tests.relay_backends import RelayDatabase, postgres_unavailable
from tests.relay_server import RelayProcess


@pytest.fixture
def two_relays(tmp_path: Path):  # noqa: ANN201
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    database = RelayDatabase.create("postgres", tmp_path)
    args = ["--rate-limit", "8", "--no-address-limits"]
    try:
        with RelayProcess(tmp_path / "a", db=database.target, extra_args=args) as first, \
                RelayProcess(tmp_path / "b", db=database.target, extra_args=args) as second:
            yield first, second
    finally:
        database.drop()


def signed(key: nacl.signing.SigningKey, method: str, path: str,
           body: bytes = b"") -> dict[str, str]:
    headers = p.sign_request(key, method, path, body, timestamp=int(time.time()))
    return {**headers, "Content-Type": "application/json"} if body else headers


def test_a_deposit_through_one_is_fetched_through_the_other(two_relays) -> None:  # noqa: ANN001
    first, second = two_relays
    owner, sender = nacl.signing.SigningKey.generate(), nacl.signing.SigningKey.generate()
    mailbox = p.new_id(32)
    with RelayClient(first.url, owner) as inbox_a, RelayClient(second.url, owner) as inbox_b, \
            RelayClient(first.url, sender) as out_a, RelayClient(second.url, sender) as out_b:
        assert inbox_a.claim_mailbox(mailbox) is True
        assert inbox_b.claim_mailbox(mailbox) is False  # the other process knows it is ours
        sent = {p.new_id(): bytes([n]) * 300 for n in range(6)}
        for number, (envelope_id, ciphertext) in enumerate(sent.items()):
            assert (out_a if number % 2 else out_b).deposit(mailbox, envelope_id, ciphertext)
        first_id = next(iter(sent))
        assert out_a.deposit(mailbox, first_id, sent[first_id]) is False  # a duplicate there too
        page = inbox_b.fetch(mailbox)
        assert {e.id: e.ciphertext for e in page.envelopes} == sent
        assert [e.seq for e in page.envelopes] == sorted(e.seq for e in page.envelopes)
        assert inbox_a.acknowledge(mailbox, list(sent)) == 6
        assert inbox_b.fetch(mailbox).envelopes == []


def test_a_request_replayed_to_the_other_process_is_refused(two_relays) -> None:  # noqa: ANN001
    first, second = two_relays
    key = nacl.signing.SigningKey.generate()
    path = f"/v1/mailboxes/{p.new_id()}"
    headers = signed(key, "PUT", path)
    assert httpx.put(first.url + path, headers=headers).status_code == 201
    replayed = httpx.put(second.url + path, headers=headers)
    assert (replayed.status_code, replayed.json()["error"]) == (401, "replayed_nonce")


def test_the_rate_limit_holds_across_both(two_relays) -> None:  # noqa: ANN001
    first, second = two_relays
    for _attempt in range(3):  # a run that straddles a minute starts a new count: run again
        key = nacl.signing.SigningKey.generate()
        minute = int(time.time()) // 60
        statuses = []
        for number in range(10):
            path = f"/v1/items/{p.new_id()}"
            url = (first if number % 2 else second).url
            statuses.append(httpx.get(url + path, headers=signed(key, "GET", path)).status_code)
        if int(time.time()) // 60 == minute:
            break
    # 8 a minute for the key, counted together by both processes.
    assert statuses == [404] * 8 + [429, 429]
