"""``--db``: a path is SQLite, ``postgresql://`` is PostgreSQL, any other address is refused;
PostgreSQL's own migrations."""

from __future__ import annotations

import threading
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from reconnect_tui.relay.backends import UnknownDatabase, describe, parse_db
from reconnect_tui.relay.postgres_storage import SCHEMA_VERSION, PostgresRelayStorage
from reconnect_tui.relay.storage import RelayStorageError
from tests.relay_backends import RelayDatabase, postgres_unavailable
from tests.relay_server import free_port


@pytest.mark.parametrize("value", ["mysql://root@db/relay", "sqlite:///tmp/r.db",
                                   "https://relay.example.org", "Postgresq://x/y"])
def test_an_unknown_address_is_a_usage_error_and_creates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    from reconnect_tui.relay.cli import app as relay_cli

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(relay_cli, ["serve", "--db", value, "--port",
                                            str(free_port())])
    assert result.exit_code == 2
    assert "--db" in result.output and "postgresql://USER@HOST:PORT/DATABASE" in result.output
    assert "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(UnknownDatabase):
        parse_db(value)


def test_a_postgres_address_is_never_a_path(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The old relay made a folder ``postgresql:`` here; now nothing listens there, so the
    relay says it cannot reach the server (without the password) and creates nothing."""
    from reconnect_tui.relay.cli import app as relay_cli

    monkeypatch.chdir(tmp_path)
    address = f"postgresql://relay:secret-pw@127.0.0.1:{free_port()}/relay"
    assert parse_db(address) == address and parse_db("relay.db") == Path("relay.db")
    result = CliRunner().invoke(relay_cli, ["serve", "--db", address, "--port",
                                            str(free_port())])
    assert result.exit_code == 1
    assert "cannot be reached" in result.output
    assert "secret-pw" not in result.output and "Traceback" not in result.output
    assert list(tmp_path.iterdir()) == []
    assert describe(address).startswith("postgresql://127.0.0.1:")


@pytest.fixture
def database(tmp_path: Path):  # noqa: ANN201
    reason = postgres_unavailable()
    if reason:
        pytest.skip(reason)
    made = RelayDatabase.create("postgres", tmp_path)
    yield made
    made.drop()


def test_processes_starting_together_migrate_once(database: RelayDatabase) -> None:
    opened: list[PostgresRelayStorage] = []
    failures: list[BaseException] = []

    def open_one() -> None:
        try:
            opened.append(PostgresRelayStorage(database.target, max_connections=2))
        except BaseException as error:  # noqa: BLE001 - reported below
            failures.append(error)

    threads = [threading.Thread(target=open_one) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for storage in opened:
        storage.close()
    assert failures == [] and len(opened) == 4
    assert database.rows("SELECT version FROM relay_schema") == [(SCHEMA_VERSION,)]


def test_a_newer_schema_is_refused(database: RelayDatabase) -> None:
    PostgresRelayStorage(database.target).close()
    with psycopg.connect(database.target, autocommit=True) as conn:
        conn.execute("UPDATE relay_schema SET version = version + 1")
    with pytest.raises(RelayStorageError, match="newer relay"):
        PostgresRelayStorage(database.target)


def test_concurrent_deposits_each_get_their_own_answer(relay_database) -> None:  # noqa: ANN001
    """Many threads at once (SQLite commits them in groups, PostgreSQL in parallel): every
    stored envelope is fetched once, in seq order, and every refusal reaches its own caller."""
    import concurrent.futures
    import secrets

    from reconnect_tui import wire as p
    from reconnect_tui.relay.backends import open_storage
    from reconnect_tui.relay.storage import Admission, Budget
    from reconnect_tui.wire import WireError

    storage = open_storage(relay_database().target)
    owner, mailbox, now = secrets.token_bytes(32), p.new_id(), 1_800_000_000
    budget = Budget(total_bytes=1 << 30)
    storage.claim_mailbox(mailbox, owner, now)

    def admission(key: bytes, nonce: str) -> Admission:
        return Admission(key=key, nonce=nonce, now=now, nonce_expires=now + 301,
                         rate_limit=1000)

    def deposit(target: str, envelope_id: str, key: bytes, nonce: str) -> object:
        try:
            return storage.deposit(target, envelope_id, envelope_id.encode(), now,
                                   expires=now + 3600, max_count=10_000, max_bytes=1 << 30,
                                   budget=budget, admission=admission(key, nonce))
        except WireError as error:
            return error.code

    def worker(number: int) -> list[object]:
        key = secrets.token_bytes(32)
        answers = []
        for n in range(20):
            envelope_id = f"{number:02d}-{n:02d}-{p.new_id()}"
            answers.append(deposit(mailbox, envelope_id, key, p.new_id()))
            answers.append(deposit(mailbox, envelope_id, key, p.new_id()))  # a retry
        nonce = p.new_id()
        answers.append(deposit(p.new_id(), p.new_id(), key, nonce))  # unclaimed
        answers.append(deposit(mailbox, p.new_id(), key, nonce))  # its nonce again
        return answers

    try:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            results = list(pool.map(worker, range(8)))
        for answers in results:
            assert answers == [True, False] * 20 + ["not_found", "replayed_nonce"]
        page = storage.fetch(mailbox, owner, 0, 500, now)
        assert len(page.envelopes) == 160 and not page.more
        assert len({e.id for e in page.envelopes}) == 160
        assert all(e.ciphertext == e.id.encode() for e in page.envelopes)
        by_thread: dict[str, list[str]] = {}
        for envelope in page.envelopes:  # in seq order: each thread's own order is kept
            by_thread.setdefault(envelope.id[:2], []).append(envelope.id[3:5])
        assert all(ids == sorted(ids) for ids in by_thread.values())
    finally:
        storage.close()
