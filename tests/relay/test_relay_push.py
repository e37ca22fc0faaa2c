"""The push channel (``GET /v1/subscribe``) against real relay processes, on both storages: a
subscriber is told when a deposit lands, whichever relay process took it; the handshake is
refused like any badly signed request (missing, forged, stale, replayed); bounds hold."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from pathlib import Path

import nacl.signing
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from reconnect_tui import wire as p
from reconnect_tui.errors import RelayRefused
from reconnect_tui.sync.client import RelayClient
from reconnect_tui.sync.push import PushChannel, push_url
from reconnect_tui.wire.push import SUBSCRIBE_PATH, encode_subscribe
from tests.relay_backends import RelayDatabase
from tests.relay_server import RelayProcess

WAIT = 30.0  # generous: a busy CI machine; the test asserts the outcome, not the time


def claimed(relay: RelayProcess, key: nacl.signing.SigningKey, count: int = 1) -> list[str]:
    mailboxes = [p.new_id(32) for _ in range(count)]
    with RelayClient(relay.url, key) as client:
        for mailbox in mailboxes:
            client.claim_mailbox(mailbox)
    return mailboxes


def deposit(relay: RelayProcess, mailbox: str) -> None:
    with RelayClient(relay.url, nacl.signing.SigningKey.generate()) as client:
        assert client.deposit(mailbox, p.new_id(), b"\x01" * 300)


def told(channel: PushChannel) -> bool:
    """Wait (at most ``WAIT``) for the channel to say something new."""
    return channel.wait(timeout=WAIT)


def test_subscriber_is_told_of_a_deposit(relay_process: RelayProcess,
                                         key: nacl.signing.SigningKey) -> None:
    mailbox, = claimed(relay_process, key)
    with PushChannel(relay_process.url, key, [mailbox]) as channel:
        assert channel.open() == 1
        deposit(relay_process, mailbox)
        assert told(channel)
        deposit(relay_process, mailbox)  # and again: a channel serves many deposits
        assert told(channel)


def test_only_the_keys_own_mailboxes_are_watched(relay_process: RelayProcess,
                                                 key: nacl.signing.SigningKey,
                                                 other_key: nacl.signing.SigningKey) -> None:
    mine, = claimed(relay_process, key)
    theirs, = claimed(relay_process, other_key)
    with PushChannel(relay_process.url, key, [mine, theirs, p.new_id(32)]) as channel:
        assert channel.open() == 1  # another key's mailbox and an unclaimed one are not


def test_a_duplicate_deposit_tells_nobody_new_but_the_next_one_does(
        relay_process: RelayProcess, key: nacl.signing.SigningKey) -> None:
    mailbox, = claimed(relay_process, key)
    with PushChannel(relay_process.url, key, [mailbox]) as channel:
        channel.open()
        with RelayClient(relay_process.url, key) as client:
            envelope = p.new_id()
            assert client.deposit(mailbox, envelope, b"x" * 300)
            assert told(channel)
            assert not client.deposit(mailbox, envelope, b"x" * 300)
            assert client.deposit(mailbox, p.new_id(), b"y" * 300)
        assert told(channel)


@pytest.mark.parametrize("backend", ["postgres"], indirect=True)
def test_a_deposit_through_one_process_wakes_a_subscriber_on_another(
        tmp_path: Path, relay_database: Callable[..., RelayDatabase],
        key: nacl.signing.SigningKey) -> None:
    database = relay_database()
    args = ["--rate-limit", "100000", "--no-address-limits"]
    with RelayProcess(tmp_path / "a", db=database.target, extra_args=args) as first, \
            RelayProcess(tmp_path / "b", db=database.target, extra_args=args) as second:
        mailbox, = claimed(first, key)
        with PushChannel(second.url, key, [mailbox]) as channel:
            assert channel.open() == 1
            deposit(first, mailbox)
            assert told(channel)
        with PushChannel(first.url, key, [mailbox]) as channel:  # and the other way round
            channel.open()
            deposit(second, mailbox)
            assert told(channel)


def _handshake(relay: RelayProcess, headers: dict[str, str], body: bytes) -> str:
    """Open a channel by hand; the refusal's wire code, or "" when subscribed."""
    try:
        with connect(push_url(relay.url), additional_headers=headers, open_timeout=WAIT) as ws:
            ws.send(body.decode("ascii"))
            ws.recv(timeout=WAIT)
            return ""
    except InvalidStatus as refused:
        assert refused.response.status_code == 401
        return str(p.parse_object(bytes(refused.response.body or b""))["error"])
    except ConnectionClosed as closed:
        assert closed.rcvd is not None
        return f"{closed.rcvd.code} {closed.rcvd.reason}"


def test_unsigned_forged_stale_and_replayed_subscriptions_are_refused(
        relay_process: RelayProcess, key: nacl.signing.SigningKey,
        other_key: nacl.signing.SigningKey) -> None:
    mailbox, = claimed(relay_process, key)
    body = encode_subscribe([mailbox])
    now = int(time.time())  # the relay process runs on the wall clock
    assert _handshake(relay_process, {}, body) == "missing_auth"

    signed = p.sign_request(key, "GET", SUBSCRIBE_PATH, body, timestamp=now)
    forged = dict(signed, **{p.HEADER_SIGNATURE: p.sign_request(
        other_key, "GET", SUBSCRIBE_PATH, body, timestamp=now,
        nonce=signed[p.HEADER_NONCE])[p.HEADER_SIGNATURE]})
    assert _handshake(relay_process, forged, body) == "4401 bad_signature"

    other_body = encode_subscribe([mailbox, p.new_id(32)])  # signed for another subscription
    assert _handshake(relay_process, signed, other_body) == "4401 bad_signature"

    stale = p.sign_request(key, "GET", SUBSCRIBE_PATH, body, timestamp=now - 3600)
    assert _handshake(relay_process, stale, body) == "stale_timestamp"

    assert _handshake(relay_process, signed, body) == ""
    assert _handshake(relay_process, signed, body) == "4401 replayed_nonce"


def test_subscriptions_per_key_are_bounded(relay_process: RelayProcess,
                                           key: nacl.signing.SigningKey) -> None:
    mailbox, = claimed(relay_process, key)
    channels = [PushChannel(relay_process.url, key, [mailbox]) for _ in range(5)]
    try:
        for channel in channels[:4]:
            channel.open()
        with pytest.raises(RelayRefused) as refused:
            channels[4].open()
        assert (refused.value.status, refused.value.code) == (429, "rate_limited")
        channels[0].close()  # a closed channel frees its place
        deadline = time.monotonic() + WAIT
        while channels[4].subscribed == 0 and time.monotonic() < deadline:
            with contextlib.suppress(RelayRefused):  # until the relay saw it close
                channels[4].open()
        assert channels[4].subscribed == 1
    finally:
        for channel in channels:
            channel.close()


def test_a_message_after_the_subscription_closes_the_channel(
        relay_process: RelayProcess, key: nacl.signing.SigningKey) -> None:
    mailbox, = claimed(relay_process, key)
    body = encode_subscribe([mailbox])
    headers = p.sign_request(key, "GET", SUBSCRIBE_PATH, body, timestamp=int(time.time()))
    with connect(push_url(relay_process.url), additional_headers=headers) as ws:
        ws.send(body.decode("ascii"))
        ws.recv(timeout=WAIT)
        ws.send("hello")
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=WAIT)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4400

