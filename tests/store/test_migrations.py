"""Every migration runs from the schema before it, and a failed step leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_tui.errors import VaultError
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.store import schema
from reconnect_tui.store.db import open_connection
from reconnect_tui.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def _tables(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def _objects(conn) -> set[tuple[str, str]]:
    """Tables, triggers and indexes: each step adds at least one (V7 only triggers, V12 only
    indexes besides re-keying the search index)."""
    return {(r[0], r[1]) for r in conn.execute(
        "SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger', 'index')")}


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_each_migration_from_the_schema_before_it(tmp_path: Path, start: int) -> None:
    key = vault_keys.new_vault_key()
    conn = open_connection(tmp_path / "v.db", key)
    migrate(conn, target=start)
    assert schema_version(conn) == start
    before = _objects(conn)
    if start >= 1:  # data written under the older schema survives the step
        conn.execute("INSERT INTO meta(key, value) VALUES ('what_matters', 'my garden')")
    migrate(conn, target=start + 1)
    assert schema_version(conn) == start + 1
    assert _objects(conn) > before
    if start >= 1:
        row = conn.execute("SELECT value FROM meta WHERE key = 'what_matters'").fetchone()
        assert row[0] == "my garden"
    conn.close()


def test_failed_migration_is_rolled_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from reconnect_tui.store import schema

    conn = open_connection(tmp_path / "v.db", vault_keys.new_vault_key())
    migrate(conn, target=1)
    broken = (
        *MIGRATIONS[:1],
        "CREATE TABLE outbox (id INTEGER); CREATE TABLE outbox (id INTEGER);",
    )
    monkeypatch.setattr(schema, "MIGRATIONS", broken)
    with pytest.raises(Exception, match="already exists"):
        schema.migrate(conn, target=2)
    assert schema_version(conn) == 1
    assert "outbox" not in _tables(conn)
    assert not conn.in_transaction


def test_newer_schema_is_refused_with_a_message(tmp_path: Path) -> None:
    conn = open_connection(tmp_path / "v.db", vault_keys.new_vault_key())
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(VaultError, match="newer ReConnect"):
        migrate(conn)


def test_handled_ciphertext_is_pruned_by_the_migration_and_after_it(tmp_path: Path) -> None:
    """V7: a vault that kept every envelope loses the bytes of those handled or delivered; the
    rows stay (a repeated delivery is still recognised, "delivered" is still shown)."""
    conn = open_connection(tmp_path / "v.db", vault_keys.new_vault_key())
    migrate(conn, target=MIGRATIONS.index(schema.V7_PRUNE_CIPHERTEXT))
    blob = b"x" * 5000
    conn.executemany("INSERT INTO inbox(envelope_id, mailbox_id, seq, ciphertext, received_at,"
                     " processed) VALUES (?, 'm', ?, ?, 0, ?)",
                     [("done-envelope-0000000000", 1, blob, 1),
                      ("open-envelope-0000000000", 2, blob, 0)])
    conn.executemany("INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at,"
                     " next_attempt_at, delivered_at) VALUES (?, 'm', ?, 0, 0, ?)",
                     [("sent-envelope-0000000000", blob, 1.0),
                      ("wait-envelope-0000000000", blob, None)])
    migrate(conn)

    def sizes(table: str) -> list[int]:
        return [r[0] for r in conn.execute(f"SELECT length(ciphertext) FROM {table} ORDER BY id")]

    assert sizes("inbox") == [0, 5000] and sizes("outbox") == [0, 5000]
    conn.execute("UPDATE inbox SET processed = 1")
    conn.execute("UPDATE outbox SET delivered_at = 2.0")
    assert sizes("inbox") == [0, 0] and sizes("outbox") == [0, 0]
    assert conn.execute("SELECT count(*) FROM inbox").fetchone()[0] == 2
    conn.close()


def test_v12_keeps_what_was_indexed_and_keys_it_by_item(tmp_path: Path) -> None:
    """Search rows written under V11 are found after V12, and a delete or an update now finds its
    row by rowid (a change to an unindexed column leaves the row alone)."""
    conn = open_connection(tmp_path / "v.db", vault_keys.new_vault_key())
    before = MIGRATIONS.index(schema.V12_KEYED_SEARCH)
    migrate(conn, target=before)
    conn.execute("INSERT INTO meta(key, value) VALUES ('what_matters', 'my garden')")
    conn.execute("INSERT INTO search_index(module, item_id, title, body)"
                 " VALUES ('what-matters', 0, 'What is important in my life', 'my garden')")
    conn.execute("INSERT INTO goals(id, title, notes) VALUES (3, 'Choir', 'sing tenor')")
    conn.execute("INSERT INTO goals(id, title) VALUES (4, 'Walks')")
    migrate(conn, target=before + 1)

    def hits(word: str) -> list[tuple[str, int, int]]:
        return [(r[0], r[1], r[2]) for r in conn.execute(
            "SELECT module, item_id, rowid FROM search_index WHERE search_index MATCH ?"
            " ORDER BY rowid", (word,))]

    assert hits("garden") == [("what-matters", 0, schema.WHAT_MATTERS_SEARCH_ROWID)]
    assert hits("tenor") == [("goals", 3, 3 * schema.SEARCH_ROWID_SLOTS + 2)]
    conn.execute("UPDATE goals SET position = 5 WHERE id = 3")
    conn.execute("UPDATE goals SET title = 'Walks in the woods' WHERE id = 4")
    assert hits("tenor") == [("goals", 3, 3 * schema.SEARCH_ROWID_SLOTS + 2)]
    assert [h[1] for h in hits("woods")] == [4]
    conn.execute("DELETE FROM goals WHERE id = 3")
    assert hits("tenor") == [] and hits("choir") == []
    assert conn.execute("SELECT count(*) FROM search_index").fetchone()[0] == 2
    conn.close()


def test_a_vault_that_kept_every_envelope_shrinks_when_migrated(tmp_path: Path) -> None:
    path = tmp_path / "v.db"
    key = vault_keys.new_vault_key()
    conn = open_connection(path, key)
    migrate(conn, target=MIGRATIONS.index(schema.V7_PRUNE_CIPHERTEXT))
    conn.executemany("INSERT INTO inbox(envelope_id, mailbox_id, seq, ciphertext, received_at,"
                     " processed) VALUES (?, 'm', ?, ?, 0, 1)",
                     [(f"envelope-{n:016d}", n, bytes(256 * 1024)) for n in range(40)])
    conn.close()
    grown = path.stat().st_size
    assert grown > 10 * 1024 * 1024
    conn = open_connection(path, key)
    migrate(conn)
    conn.close()
    assert path.stat().st_size < 1024 * 1024  # the 10 MB of handled envelopes are given back
