"""Budgets beyond the per-key limits (keys are free): per client address (requests and bytes),
the whole relay's storage (507), and the expiry of items nobody writes again."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import httpx
import nacl.signing
import pytest

from reconnect_tui import wire as p
from reconnect_tui.relay.addresses import client_address, parse_networks
from reconnect_tui.relay.config import DAY, MIB, RelayConfig
from reconnect_tui.relay.sqlite_storage import MIGRATIONS, SCHEMA_VERSION, SQLiteRelayStorage
from reconnect_tui.relay.storage import Budget
from reconnect_tui.sync.client import RelayClient, RelayRefused
from tests.relay_server import RelayProcess

Key = nacl.signing.SigningKey
LARGEST = RelayConfig().max_envelope_bytes  # 257 KiB of ciphertext


def keys(n: int) -> list[Key]:
    return [nacl.signing.SigningKey.generate() for _ in range(n)]


def error_of(response) -> tuple[int, str]:  # noqa: ANN001 - httpx.Response
    return response.status_code, response.json()["error"]


def test_sixty_throwaway_keys_from_one_address_hit_its_budget(tmp_path: Path,
                                                              relay_database) -> None:
    """The reported attack, against a real relay with its default limits: 60 fresh keys, one
    largest item each. One address stores at most 8 MiB an hour, whatever the keys."""
    stored, refused = 0, []
    database = relay_database()
    with RelayProcess(tmp_path / "relay", db=database.target) as relay:
        for key in keys(60):
            with RelayClient(relay.url, key) as client:
                try:
                    client.put_item(p.new_id(), 1, b"\x01" * LARGEST)
                    stored += 1
                except RelayRefused as refusal:
                    refused.append((refusal.status, refusal.code))
        assert stored == 8 * MIB // LARGEST == 31
        assert refused == [(429, "address_budget")] * 29
        # Another address is not held back by this one (127.0.0.2 reaches 127.0.0.1).
        other = httpx.HTTPTransport(local_address="127.0.0.2")
        key = nacl.signing.SigningKey.generate()
        item = p.new_id()
        body = p.encode_item(1, b"\x02" * LARGEST)
        headers = {"Content-Type": "application/json",
                   **p.sign_request(key, "PUT", f"/v1/items/{item}", body,
                                    timestamp=int(time.time()))}
        with httpx.Client(transport=other, base_url=relay.url) as http:
            assert http.put(f"/v1/items/{item}", content=body, headers=headers
                            ).status_code == 201
    [(total,)] = database.rows("SELECT SUM(size) FROM items")
    assert total == 32 * LARGEST < 8.2 * MIB


def test_requests_per_address_count_every_key(make_relay) -> None:
    relay = make_relay(address_rate_per_minute=5)
    answers = [relay.call(key, "GET", f"/v1/items/{p.new_id()}") for key in keys(7)]
    assert [a.status_code for a in answers] == [404] * 5 + [429] * 2
    assert error_of(answers[-1]) == (429, "address_budget")
    assert answers[-1].headers["Retry-After"] == "60"
    assert relay.from_address("192.0.2.9").call(keys(1)[0], "GET", f"/v1/items/{p.new_id()}"
                                                ).status_code == 404
    relay.clock.now += 60
    assert relay.call(keys(1)[0], "GET", f"/v1/items/{p.new_id()}").status_code == 404


def test_bytes_per_address_per_hour(make_relay) -> None:
    relay = make_relay(address_bytes_per_hour=3000)
    owner = keys(1)[0]
    mailbox = p.new_id()
    relay.claim(owner, mailbox)
    assert relay.deposit(keys(1)[0], mailbox, p.new_id(), b"x" * 1000).status_code == 201
    assert relay.call(keys(1)[0], "PUT", f"/v1/items/{p.new_id()}",
                      p.encode_item(1, b"y" * 1000)).status_code == 201
    assert relay.call(keys(1)[0], "PUT", f"/v1/invitations/{p.new_id()}",
                      p.encode_invitation(b"z" * 900)).status_code == 201
    over = relay.deposit(keys(1)[0], mailbox, p.new_id(), b"x" * 101)
    assert error_of(over) == (429, "address_budget")
    assert "this address stored more than 3000 bytes" in over.json()["reason"]
    # A refused write takes nothing from the budget; a duplicate costs nothing.
    assert relay.deposit(keys(1)[0], mailbox, p.new_id(), b"x" * 100).status_code == 201
    # Rewriting an item counts only its growth.
    item = p.new_id()
    assert error_of(relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(1, b"q"))
                    ) == (429, "address_budget")
    relay.clock.now += 3600
    assert relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(1, b"q" * 2000)
                      ).status_code == 201
    assert relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(2, b"r" * 1900)
                      ).status_code == 200
    assert relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(3, b"s" * 2900)
                      ).status_code == 200
    assert relay.from_address("198.51.100.4").call(
        owner, "PUT", f"/v1/items/{p.new_id()}", p.encode_item(1, b"t" * 2999)
    ).status_code == 201


def test_the_address_budget_can_be_turned_off(make_relay) -> None:
    relay = make_relay(address_limits=False, address_rate_per_minute=2,
                       address_bytes_per_hour=10)
    for key in keys(5):
        assert relay.call(key, "PUT", f"/v1/items/{p.new_id()}", p.encode_item(1, b"x" * 100)
                          ).status_code == 201


def test_behind_a_trusted_proxy_the_forwarded_client_counts(make_relay) -> None:
    relay = make_relay(client=("10.1.2.3", 1), trusted_proxies=("10.0.0.0/8",),
                       address_rate_per_minute=2)

    def get(headers: dict[str, str], relay=relay) -> int:  # noqa: ANN001
        return relay.call(keys(1)[0], "GET", f"/v1/items/{p.new_id()}",
                          headers=headers).status_code

    # The proxy appends the client it saw: only the last hop counts (the rest is the client's).
    alice = {"X-Forwarded-For": "203.0.113.66, 198.51.100.1"}
    assert [get(alice) for _ in range(3)] == [404, 404, 429]
    forged = {"X-Forwarded-For": "198.51.100.2, 198.51.100.1"}
    assert get(forged) == 429
    bob = {"Forwarded": 'for="198.51.100.1";proto=https, for="[2001:db8::5]:4711"'}
    assert [get(bob) for _ in range(3)] == [404, 404, 429]
    same_64 = {"Forwarded": "for=\"[2001:db8::ffff]\""}
    assert get(same_64) == 429
    # From a peer that is not a trusted proxy, the headers are ignored.
    direct = relay.from_address("192.0.2.50")
    assert [direct.call(keys(1)[0], "GET", f"/v1/items/{p.new_id()}",
                        headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code
            for i in range(3)] == [404, 404, 429]


@pytest.mark.parametrize(("peer", "headers", "expected"), [
    ("192.0.2.1", {}, "192.0.2.1"),
    ("10.0.0.1", {}, "10.0.0.1"),  # a trusted proxy that sent no header: itself
    ("10.0.0.1", {"x-forwarded-for": ["1.1.1.1, 2.2.2.2", "3.3.3.3"]}, "3.3.3.3"),
    ("10.0.0.1", {"x-forwarded-for": ["junk"]}, "10.0.0.1"),
    ("10.0.0.1", {"forwarded": ["for=192.0.2.60;proto=http;by=203.0.113.43"]}, "192.0.2.60"),
    ("10.0.0.1", {"forwarded": ['for="192.0.2.7:8080"']}, "192.0.2.7"),
    ("10.0.0.1", {"forwarded": ["for=unknown"]}, "10.0.0.1"),
    ("2001:db8:1:2:3:4:5:6", {}, "2001:db8:1:2::/64"),
    ("::ffff:192.0.2.9", {}, "192.0.2.9"),
    ("192.0.2.1", {"x-forwarded-for": ["1.1.1.1"]}, "192.0.2.1"),
    (None, {}, "unknown"),
    ("testclient", {}, "testclient"),
])
def test_client_address(peer: str | None, headers: dict[str, list[str]], expected: str) -> None:
    assert client_address(peer, headers, parse_networks(["10.0.0.0/8"])) == expected


def test_a_full_relay_answers_507_and_frees_space_again(make_relay) -> None:
    relay = make_relay(max_total_bytes=3000)
    owner = keys(1)[0]
    mailbox = p.new_id()
    relay.claim(owner, mailbox)
    first = p.new_id()
    assert relay.deposit(owner, mailbox, first, b"a" * 1000).status_code == 201
    item = p.new_id()
    assert relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(1, b"b" * 1000)
                      ).status_code == 201
    assert relay.call(owner, "PUT", f"/v1/invitations/{p.new_id()}",
                      p.encode_invitation(b"c" * 900)).status_code == 201
    storage = relay.http.app.state.relay.storage
    assert storage.usage() == 2900
    for response in (
        relay.deposit(owner, mailbox, p.new_id(), b"d" * 101),
        relay.call(owner, "PUT", f"/v1/items/{p.new_id()}", p.encode_item(1, b"e" * 101)),
        relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(2, b"f" * 1101)),
        relay.call(owner, "PUT", f"/v1/invitations/{p.new_id()}",
                   p.encode_invitation(b"g" * 101)),
    ):
        assert error_of(response) == (507, "relay_full")
        assert response.json()["reason"] == "the relay's storage is full"
    assert storage.usage() == 2900
    # Shrinking an item is always allowed; an already-stored envelope is still a duplicate.
    assert relay.call(owner, "PUT", f"/v1/items/{item}", p.encode_item(2, b"f" * 500)
                      ).status_code == 200
    assert relay.deposit(owner, mailbox, first, b"a" * 1000).status_code == 200
    # Acknowledging frees the space.
    assert relay.call(owner, "POST", f"/v1/mailboxes/{mailbox}/ack", p.encode_ack([first])
                      ).status_code == 200
    assert storage.usage() == 1400
    assert relay.deposit(owner, mailbox, p.new_id(), b"d" * 1600).status_code == 201


def test_items_expire_unless_written_again(make_relay) -> None:
    relay = make_relay(item_ttl_seconds=10 * DAY)
    owner, stranger = keys(2)
    kept, dropped = f"/v1/items/{p.new_id()}", f"/v1/items/{p.new_id()}"
    for path in (kept, dropped):
        assert relay.call(owner, "PUT", path, p.encode_item(1, b"v1")).status_code == 201
    relay.clock.now += 9 * DAY
    assert relay.call(owner, "PUT", kept, p.encode_item(2, b"v2")).status_code == 200
    relay.clock.now += 1 * DAY
    assert relay.call(stranger, "GET", dropped).status_code == 404  # due, even before a purge
    assert p.decode_item(relay.call(stranger, "GET", kept).content) == p.ItemVersion(2, b"v2")
    storage = relay.http.app.state.relay.storage
    assert storage.purge_expired(int(relay.clock()), item_tombstone_seconds=10 * DAY) >= 1
    assert storage.usage() == 2
    rows = dict(relay.rows("SELECT id, ciphertext FROM items"))
    assert rows[dropped.rsplit("/", 1)[1]] is None  # content gone; owner and version kept
    # The tombstone: no rollback, no taking over the slot.
    assert error_of(relay.call(owner, "PUT", dropped, p.encode_item(1, b"old"))
                    ) == (409, "version_conflict")
    assert error_of(relay.call(stranger, "PUT", dropped, p.encode_item(5, b"mine"))
                    ) == (403, "forbidden")
    relay.clock.now += 10 * DAY
    storage.purge_expired(int(relay.clock()), item_tombstone_seconds=10 * DAY)
    rows = dict(relay.rows("SELECT id, ciphertext FROM items"))
    assert rows == {kept.rsplit("/", 1)[1]: None}  # dropped is gone; kept expired in turn
    assert storage.usage() == 0
    relay.clock.now += 10 * DAY
    storage.purge_expired(int(relay.clock()), item_tombstone_seconds=10 * DAY)
    assert relay.rows("SELECT COUNT(*) FROM items") == [(0,)]


def test_the_purge_loop_expires_items(make_relay) -> None:
    relay = make_relay(item_ttl_seconds=100, purge_interval_seconds=0.05)
    owner = keys(1)[0]
    path = f"/v1/items/{p.new_id()}"
    assert relay.call(owner, "PUT", path, p.encode_item(1, b"x")).status_code == 201
    relay.clock.now += 100
    deadline = time.monotonic() + 60  # patience for a busy machine, not a speed goal
    while time.monotonic() < deadline:
        if relay.rows("SELECT ciphertext FROM items") == [(None,)]:
            break
        time.sleep(0.05)
    else:
        pytest.fail("the relay's periodic purge did not expire the item")


def test_a_schema_1_database_is_upgraded(tmp_path: Path) -> None:
    db = tmp_path / "relay.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(MIGRATIONS[0])
        conn.execute("INSERT INTO mailboxes VALUES ('m', x'00')")
        conn.execute("INSERT INTO envelopes (mailbox, id, size, received, expires, ciphertext)"
                     " VALUES ('m', 'e1', 5, 0, 9999999999, x'0102030405'),"
                     " ('m', 'e2', 0, 0, 9999999999, NULL)")
        conn.execute("INSERT INTO items VALUES ('i1', x'00', 3, x'aabbcc'),"
                     " ('i2', x'00', 7, NULL)")
        conn.execute("INSERT INTO invitations VALUES ('v1', x'11223344', 9999999999)")
        conn.execute("PRAGMA user_version=1")
    storage = SQLiteRelayStorage(db)
    try:
        assert storage.usage() == 5 + 3 + 4
        now = int(time.time())
        assert storage.get_item("i1", now) == p.ItemVersion(3, b"\xaa\xbb\xcc")
        assert storage.get_item("i1", now + 90 * DAY + 1) is None
    finally:
        storage.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION


def test_a_schema_2_database_counts_its_mailboxes_after_the_upgrade(tmp_path: Path) -> None:
    """Schema 3 keeps each mailbox's live envelopes and bytes for the quota check: envelopes
    stored before the upgrade count, and an acknowledged or purged one stops counting."""
    db = tmp_path / "relay.db"
    with sqlite3.connect(db) as conn:
        for script in MIGRATIONS[:2]:
            conn.executescript(script.replace(":expires", "9999999999"))
        conn.execute("INSERT INTO mailboxes VALUES ('m', x'00')")
        conn.execute("INSERT INTO envelopes (mailbox, id, size, received, expires, ciphertext)"
                     " VALUES ('m', 'e1', 5, 0, 100, x'0102030405'),"
                     " ('m', 'e2', 0, 0, 9999999999, NULL),"
                     " ('m', 'e3', 2, 0, 9999999999, x'0102')")
        conn.execute("PRAGMA user_version=2")
    storage = SQLiteRelayStorage(db)

    def deposit(envelope_id: str, size: int = 1) -> bool | str:
        try:
            return storage.deposit("m", envelope_id, b"x" * size, 50, expires=9999999999,
                                   max_count=3, max_bytes=10, budget=Budget(total_bytes=MIB))
        except p.WireError as error:
            return str(error.code)

    try:
        assert [deposit("e4", 4), deposit("e5")] == ["mailbox_full", True]  # 5 + 2 + 1 held
        assert deposit("e6") == "mailbox_full"  # three live envelopes
        assert storage.acknowledge("m", b"\x00", ["e3"]) == 1
        assert [deposit("e7", 5), deposit("e8")] == ["mailbox_full", True]
        storage.purge_expired(200, item_tombstone_seconds=DAY)  # e1 expired at 100
        assert deposit("e9", 8) == True  # noqa: E712 - stored, not a refusal's code
        assert deposit("e10") == "mailbox_full"
    finally:
        storage.close()


def _signed_get(url: str, headers: dict[str, str]) -> int:
    key = nacl.signing.SigningKey.generate()
    path = f"/v1/items/{p.new_id()}"
    signed = p.sign_request(key, "GET", path, b"", timestamp=int(time.time()))
    return httpx.get(url + path, headers={**headers, **signed}).status_code


def test_serve_options_reach_the_relay(tmp_path: Path, relay_database) -> None:
    proxied = ["--trusted-proxy", "127.0.0.1", "--address-rate-limit", "2"]
    with RelayProcess(tmp_path / "proxied", db=relay_database().target,
                      extra_args=proxied) as relay:
        alice, bob = {"X-Forwarded-For": "198.51.100.1"}, {"X-Forwarded-For": "198.51.100.2"}
        assert [_signed_get(relay.url, alice) for _ in range(3)] == [404, 404, 429]
        assert _signed_get(relay.url, bob) == 404
    unlimited = ["--no-address-limits", "--address-rate-limit", "1"]
    with RelayProcess(tmp_path / "unlimited", db=relay_database().target,
                      extra_args=unlimited) as relay:
        assert [_signed_get(relay.url, {}) for _ in range(3)] == [404] * 3


@pytest.mark.parametrize(("args", "option"), [
    (["--trusted-proxy", "not-an-address"], "--trusted-proxy"),
    (["--trusted-proxy", "10.0.0.0/33"], "--trusted-proxy"),
    (["--item-expiry-days", "10"], "--item-expiry-days"),
    (["--max-storage-mib", "0"], "--max-storage-mib"),
    (["--address-rate-limit", "0"], "--address-rate-limit"),
])
def test_serve_refuses_bad_budget_options(tmp_path: Path, args: list[str], option: str) -> None:
    from typer.testing import CliRunner

    from reconnect_tui.relay.cli import app as relay_cli

    result = CliRunner().invoke(relay_cli, ["serve", *args, "--db", str(tmp_path / "r.db")])
    assert result.exit_code == 2
    assert option in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "r.db").exists()


def test_client_says_the_relay_is_full(tmp_path: Path, relay_database) -> None:
    with RelayProcess(tmp_path / "relay", db=relay_database().target,
                      extra_args=["--max-storage-mib", "1"]) as relay, \
            RelayClient(relay.url, keys(1)[0]) as client:
        mailbox = p.new_id()
        client.claim_mailbox(mailbox)
        for size in (LARGEST, LARGEST, LARGEST, MIB - 3 * LARGEST - 5000):
            client.put_item(p.new_id(), 1, b"\x03" * size)
        with pytest.raises(RelayRefused) as caught:
            client.deposit(mailbox, p.new_id(), b"\x04" * LARGEST)
        assert (caught.value.status, caught.value.code) == (507, "relay_full")
        assert str(caught.value) == (f"The relay at {relay.url} is full; your message is kept"
                                     " and will be sent later.")
        with pytest.raises(RelayRefused) as caught:
            client.put_invitation(p.new_id(), b"\x05" * 10_000)
        assert str(caught.value) == (f"The relay at {relay.url} is full and cannot take an "
                                     "invitation now; try again later.")
