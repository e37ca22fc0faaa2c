"""Every migration runs from the schema before it, and a failed step leaves nothing behind."""

from __future__ import annotations

from pathlib import Path

import pytest

from reconnect_tui.errors import VaultError
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.store.db import open_connection
from reconnect_tui.store.schema import MIGRATIONS, SCHEMA_VERSION, migrate, schema_version


def _tables(conn) -> set[str]:
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


@pytest.mark.parametrize("start", range(SCHEMA_VERSION))
def test_each_migration_from_the_schema_before_it(tmp_path: Path, start: int) -> None:
    key = vault_keys.new_vault_key()
    conn = open_connection(tmp_path / "v.db", key)
    migrate(conn, target=start)
    assert schema_version(conn) == start
    before = _tables(conn)
    if start >= 1:  # data written under the older schema survives the step
        conn.execute("INSERT INTO meta(key, value) VALUES ('what_matters', 'my garden')")
    migrate(conn, target=start + 1)
    assert schema_version(conn) == start + 1
    assert _tables(conn) > before
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
