"""A real relay subprocess on 127.0.0.1, driven through RelayClient."""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
from pathlib import Path

import nacl.bindings
import nacl.signing
import pytest
from typer.testing import CliRunner

from reconnect_tui import wire as p
from reconnect_tui.errors import RelayError
from reconnect_tui.relay.cli import app as relay_cli
from reconnect_tui.sync.client import RelayClient, RelayRefused
from reconnect_tui.wire.padding import BUCKETS, pad, unpad
from tests.relay_backends import RelayDatabase
from tests.relay_server import RelayProcess, free_port

AEAD_OVERHEAD = 24 + 16  # XChaCha20-Poly1305 nonce + tag


def seal(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = secrets.token_bytes(24)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        pad(plaintext), aad, nonce, key)


def open_sealed(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    return unpad(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
        sealed[24:], aad, sealed[:24], key))


def test_thousand_sealed_envelopes_leave_no_plaintext_at_the_relay(
        relay_process: RelayProcess) -> None:
    recipient, sender = nacl.signing.SigningKey.generate(), nacl.signing.SigningKey.generate()
    share_key = secrets.token_bytes(32)
    mailbox = p.new_id(32)
    markers = {f"MARKER-{secrets.token_hex(8)}" for _ in range(1000)}
    with RelayClient(relay_process.url, recipient) as inbox, \
            RelayClient(relay_process.url, sender) as outbox:
        assert inbox.claim_mailbox(mailbox) is True
        for marker in markers:
            filler = "x" * secrets.randbelow(3000)
            sealed = seal(share_key, f"{marker} {filler}".encode(), mailbox.encode())
            assert outbox.deposit(mailbox, p.new_id(), sealed) is True

        database = RelayDatabase.of(relay_process.db)
        sizes = {row[0] for row in database.rows("SELECT DISTINCT size FROM envelopes")}
        assert sizes <= {bucket + AEAD_OVERHEAD for bucket in BUCKETS}
        if database.schema is None:  # SQLite: every byte of its files
            db = Path(database.target)
            stored = b"".join(path.read_bytes() for path in db.parent.iterdir()
                              if path.name.startswith(db.name))
        else:  # PostgreSQL: every stored value
            stored = b"".join(
                value for table in ("envelopes", "mailboxes", "items", "invitations")
                for row in database.rows(f"SELECT * FROM {table}") for value in row
                if isinstance(value, bytes))
        logs = relay_process.logs()
        assert len(stored) > 1000 * 256
        for marker in markers:
            assert marker.encode() not in stored
            assert marker not in logs
        for secret in (p.b64encode(bytes(sender.verify_key)), p.b64encode(share_key), mailbox):
            assert secret not in logs
        assert "POST /v1/mailboxes/{mailbox}/envelopes 201" in logs

        received: set[str] = set()
        cursor = 0
        while True:
            page = inbox.fetch(mailbox, since=cursor, limit=500)
            for envelope in page.envelopes:
                received.add(open_sealed(share_key, envelope.ciphertext,
                                         mailbox.encode()).decode().split(" ")[0])
            assert inbox.acknowledge(mailbox, [e.id for e in page.envelopes]) == len(
                page.envelopes)
            cursor = page.cursor
            if not page.more:
                break
        assert received == markers
        assert inbox.fetch(mailbox).envelopes == []


def test_killed_relay_loses_nothing_it_acknowledged(tmp_path: Path, relay_database) -> None:
    recipient, sender = nacl.signing.SigningKey.generate(), nacl.signing.SigningKey.generate()
    mailbox = p.new_id()
    item = p.new_id()
    acknowledged: dict[str, bytes] = {}
    with RelayProcess(tmp_path / "relay", db=relay_database().target,
                      extra_args=["--rate-limit", "100000", "--no-address-limits"]) as relay:
        with RelayClient(relay.url, recipient) as client:
            client.claim_mailbox(mailbox)
        for round_ in range(3):
            with RelayClient(relay.url, sender) as client:
                for _ in range(40):
                    envelope_id, ciphertext = p.new_id(), secrets.token_bytes(296)
                    if client.deposit(mailbox, envelope_id, ciphertext):
                        acknowledged[envelope_id] = ciphertext
                client.put_item(item, round_ + 1, b"v%d" % (round_ + 1))
            relay.kill()  # SIGKILL straight after the last 2xx
            relay.start()
        with RelayClient(relay.url, recipient) as client:
            page = client.fetch(mailbox, limit=500)
            assert {e.id: e.ciphertext for e in page.envelopes} == acknowledged
            assert client.claim_mailbox(mailbox) is False  # still ours after the crashes
        with RelayClient(relay.url, sender) as client:
            assert client.get_item(item) == p.ItemVersion(3, b"v3")
    assert len(acknowledged) == 120


def test_client_maps_refusals_and_limits(tmp_path: Path, relay_database) -> None:
    owner, stranger = nacl.signing.SigningKey.generate(), nacl.signing.SigningKey.generate()
    with RelayProcess(tmp_path / "relay", db=relay_database().target,
                      extra_args=["--rate-limit", "6"]) as relay:
        mailbox = p.new_id()
        with RelayClient(relay.url, owner) as client:
            assert client.health() == {"status": "ok", "protocol": 1}
            client.claim_mailbox(mailbox)
            client.put_invitation(p.invitation_lookup_id("AB3-K7Q"), b"bundle")
        with RelayClient(relay.url, stranger) as client:
            with pytest.raises(RelayRefused) as caught:
                client.fetch(mailbox)
            assert (caught.value.status, caught.value.code) == (403, "forbidden")
            assert relay.url in str(caught.value)
            assert client.take_invitation(p.invitation_lookup_id("ab3 k7q")) == b"bundle"
            assert client.take_invitation(p.invitation_lookup_id("AB3K7Q")) is None
            assert client.get_item(p.new_id()) is None
            for _ in range(2):
                client.get_item(p.new_id())
            with pytest.raises(RelayRefused) as caught:
                client.get_item(p.new_id())
            assert (caught.value.status, caught.value.code) == (429, "rate_limited")


def test_client_reports_an_unreachable_relay_and_refuses_plain_http() -> None:
    key = nacl.signing.SigningKey.generate()
    with RelayClient(f"http://127.0.0.1:{free_port()}", key, timeout=2) as client, \
            pytest.raises(RelayError, match="could not be reached"):
        client.health()
    for url in ["http://relay.example.org", "http://10.0.0.5:8765", "ftp://127.0.0.1"]:
        with pytest.raises(RelayError):
            RelayClient(url, key)
    for url in ["http://localhost:1", "http://[::1]:1", "http://127.8.0.1", "https://x.org"]:
        RelayClient(url, key).close()


@pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl not installed")
def test_tls_relay(tmp_path: Path) -> None:
    cert, private = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", str(private), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True)
    key = nacl.signing.SigningKey.generate()
    extra = ["--certfile", str(cert), "--keyfile", str(private)]
    with RelayProcess(tmp_path / "relay", extra_args=extra) as relay:
        assert relay.url.startswith("https://")
        with RelayClient(relay.url, key, verify=str(cert)) as client:
            assert client.claim_mailbox(p.new_id()) is True
        with RelayClient(relay.url, key) as client, pytest.raises(RelayError):
            client.health()  # self-signed: refused without the pinned certificate


def run_cli(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(relay_cli, ["serve", *args])
    return result.exit_code, result.output


def test_cli_port_in_use(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, output = run_cli("--port", str(port), "--db", str(tmp_path / "r.db"))
    assert code == 1
    assert output.strip() == f"Error: Port {port} on 127.0.0.1 is already in use."


def test_cli_unreadable_certificate(tmp_path: Path) -> None:
    bad = tmp_path / "cert.pem"
    bad.write_text("not a certificate")
    code, output = run_cli("--certfile", str(bad), "--keyfile", str(bad),
                           "--db", str(tmp_path / "r.db"))
    assert code == 1
    assert output.startswith("Error: Cannot read the TLS certificate")
    assert len(output.strip().splitlines()) == 1
    code, output = run_cli("--certfile", str(bad), "--db", str(tmp_path / "r.db"))
    assert code == 1
    assert "both --certfile and --keyfile" in output


def test_cli_unwritable_database(tmp_path: Path) -> None:
    in_the_way = tmp_path / "file"
    in_the_way.write_text("")
    code, output = run_cli("--db", str(in_the_way / "relay.db"), "--port", str(free_port()))
    assert code == 1
    assert output.startswith(f"Error: The relay database {in_the_way / 'relay.db'} cannot be")
    assert "Traceback" not in output
