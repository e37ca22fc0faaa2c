"""The relay refuses what it does not expect, each with its status and code and never a 5xx:
a wrong Content-Type, an empty ciphertext, ``"v": 1.0``, repeated or unknown query
parameters, a body where none belongs, an item version that leaves no room above it; and its
database is readable by its own user only."""

from __future__ import annotations

import stat
from pathlib import Path

import nacl.signing
import pytest
from typer.testing import CliRunner

from reconnect_tui import wire as p
from reconnect_tui.cli import app as cli_app
from reconnect_tui.errors import RelayError
from reconnect_tui.relay.cli import app as relay_cli
from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage
from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync.client import check_relay_url
from tests.relay_server import RelayProcess
from tests.support.vaults import PASSPHRASE

Key = nacl.signing.SigningKey
EID = "E" * 22


def refusal(response) -> tuple[int, str]:  # noqa: ANN001 - httpx.Response
    body = response.json()
    assert set(body) == {"error", "reason"}
    return response.status_code, body["error"]


@pytest.mark.parametrize("content_type", [
    None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx",
    "application/json; charset=latin-1", "multipart/form-data; boundary=x",
])
def test_a_body_needs_content_type_json(relay, key: Key, content_type: str | None) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    body = p.encode_deposit(p.new_id(), b"sealed")
    headers = {"Content-Type": content_type} if content_type else {}
    response = relay.call(key, "POST", f"/v1/mailboxes/{mailbox}/envelopes", body,
                          headers=headers if content_type else {"Content-Type": ""})
    assert refusal(response) == (415, "unsupported_media_type")


@pytest.mark.parametrize("content_type", ["application/json", "Application/JSON",
                                          "application/json; charset=utf-8",
                                          "application/json;charset=UTF-8"])
def test_json_with_or_without_utf8_charset_is_accepted(relay, key: Key,
                                                       content_type: str) -> None:
    response = relay.call(key, "PUT", f"/v1/items/{p.new_id()}", p.encode_item(1, b"x"),
                          headers={"Content-Type": content_type})
    assert response.status_code == 201


@pytest.mark.parametrize(("path", "body"), [
    ("/v1/mailboxes/{m}/envelopes", b'{"v":1,"id":"%s","ciphertext":""}' % EID.encode()),
    ("/v1/items/{i}", b'{"v":1,"version":1,"ciphertext":""}'),
    ("/v1/invitations/{i}", b'{"v":1,"bundle":""}'),
])
def test_empty_ciphertext_is_400(relay, key: Key, path: str, body: bytes) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    method = "POST" if "envelopes" in path else "PUT"
    response = relay.call(key, method, path.format(m=mailbox, i=p.new_id()), body)
    assert refusal(response) == (400, "bad_field")
    assert "empty" in response.json()["reason"]


@pytest.mark.parametrize("v", [b"1.0", b"1e0", b"true", b"1.5", b'"1"', b"2", b"null"])
def test_v_must_be_the_integer_one(relay, key: Key, v: bytes) -> None:
    body = b'{"v":%s,"version":1,"ciphertext":"eA"}' % v
    response = relay.call(key, "PUT", f"/v1/items/{p.new_id()}", body)
    assert refusal(response) == (400, "bad_version")
    ok = relay.call(key, "PUT", f"/v1/items/{p.new_id()}",
                    b'{"v":1,"version":1,"ciphertext":"eA"}')
    assert ok.status_code == 201


@pytest.mark.parametrize("query", [
    "?since=1&since=2", "?limit=5&limit=5", "?since=0&limit=1&since=0", "?other=1",
])
def test_repeated_or_unknown_query_parameters_are_400(relay, key: Key, query: str) -> None:
    mailbox = p.new_id()
    relay.claim(key, mailbox)
    response = relay.call(key, "GET", f"/v1/mailboxes/{mailbox}/envelopes{query}")
    assert refusal(response) == (400, "bad_field")
    assert relay.call(key, "GET", f"/v1/mailboxes/{mailbox}/envelopes?since=0&limit=1"
                      ).status_code == 200


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/v1/mailboxes/{m}?x=1"), ("GET", "/v1/items/{m}?since=1"),
    ("DELETE", "/v1/items/{m}?a=b"), ("POST", "/v1/mailboxes/{m}/ack?limit=1"),
])
def test_a_query_where_none_belongs_is_400(relay, key: Key, method: str, path: str) -> None:
    body = p.encode_ack([EID]) if method == "POST" else b""
    response = relay.call(key, method, path.format(m=p.new_id()), body)
    assert refusal(response) == (400, "bad_field")


@pytest.mark.parametrize(("method", "path"), [
    ("PUT", "/v1/mailboxes/{m}"), ("GET", "/v1/items/{m}"), ("DELETE", "/v1/items/{m}"),
    ("GET", "/v1/mailboxes/{m}/envelopes"), ("GET", "/v1/invitations/{m}"),
])
def test_a_body_where_none_belongs_is_400(relay, key: Key, method: str, path: str) -> None:
    response = relay.call(key, method, path.format(m=p.new_id()), b'{"v":1}')
    assert refusal(response) == (400, "bad_field")


def test_an_item_version_must_leave_room_above_it(relay, key: Key) -> None:
    path = f"/v1/items/{p.new_id()}"
    for version in (2**63 - 1, 2**62, p.MAX_ITEM_VERSION + 1):
        response = relay.call(key, "PUT", path, p.encode_item(version, b"x"))
        assert refusal(response) == (400, "bad_field")
    first = relay.call(key, "PUT", path, p.encode_item(p.MAX_VERSION_STEP + 1, b"x"))
    assert refusal(first) == (400, "version_too_high")
    assert relay.call(key, "PUT", path, p.encode_item(p.MAX_VERSION_STEP, b"x")
                      ).status_code == 201
    jump = relay.call(key, "PUT", path, p.encode_item(2 * p.MAX_VERSION_STEP + 1, b"y"))
    assert refusal(jump) == (400, "version_too_high")
    assert relay.call(key, "PUT", path, p.encode_item(2 * p.MAX_VERSION_STEP, b"y")
                      ).status_code == 200
    assert p.decode_item(relay.call(key, "GET", path).content).version == 2 * p.MAX_VERSION_STEP


def test_relay_database_is_private(tmp_path: Path) -> None:
    folder = tmp_path / "new" / "relay"
    storage = SQLiteRelayStorage(folder / "relay.db")
    try:
        storage.purge_expired(0, item_tombstone_seconds=1)
        names = sorted(f.name for f in folder.iterdir())
        assert names == ["relay.db", "relay.db-shm", "relay.db-wal"]
        for path in folder.iterdir():
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    finally:
        storage.close()
    # The real server, started cold through its command (not forked from the tests' warm
    # parent, tests/support/relay_fork.py): its files too.
    with RelayProcess(tmp_path / "served", cold=True) as relay_process:
        for path in Path(relay_process.db).parent.glob("relay.db*"):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def test_an_existing_world_readable_database_is_narrowed(tmp_path: Path) -> None:
    db = tmp_path / "relay.db"
    SQLiteRelayStorage(db).close()
    db.chmod(0o644)
    storage = SQLiteRelayStorage(db)
    storage.close()
    assert stat.S_IMODE(db.stat().st_mode) == 0o600


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_serve_refuses_an_invalid_port(tmp_path: Path, port: str) -> None:
    db = tmp_path / "relay.db"
    result = CliRunner().invoke(relay_cli, ["serve", "--port", port, "--db", str(db)])
    assert result.exit_code == 2
    assert "--port" in result.output
    assert "Traceback" not in result.output
    assert not db.exists()


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "http://127.0.0.1:0",
                                 "http://127.0.0.1:-1", "https://relay.example.org:abc"])
def test_a_relay_address_with_an_invalid_port_is_refused(url: str) -> None:
    with pytest.raises(RelayError, match="no valid port"):
        check_relay_url(url)


def test_sync_refuses_a_relay_port_out_of_range_and_keeps_nothing(vault_path: Path,
                                                                  user_template) -> None:
    result = CliRunner().invoke(
        cli_app, ["sync", "--relay", "http://127.0.0.1:99999", "--vault", str(vault_path)],
        env={"RECONNECT_PASSPHRASE": PASSPHRASE})
    assert result.exit_code == 1
    assert "has no valid port (1-65535)" in result.output
    assert "Traceback" not in result.output
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        assert SyncStateRepository(vault).setting("relay_url") in (None, "")
