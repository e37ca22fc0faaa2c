"""The vault file: encryption at rest, keys, wrong passphrase, damage, backup and restore."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconnect_tui.errors import (
    VaultDamaged,
    VaultExists,
    VaultNotFound,
    WeakKdfParameters,
    WrongPassphrase,
)
from reconnect_tui.model import DiaryEntry, Profile
from reconnect_tui.store import Toolbox, Vault, restore
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.store.db import IntegrityError
from tests.support.vaults import PASSPHRASE, Template

MARKER = "MARKER-7f3a-fjellvann-æøå"


def _files(path: Path) -> bytes:
    data = b""
    for candidate in (path, Path(f"{path}-wal"), vault_keys.header_path(path)):
        if candidate.exists():
            data += candidate.read_bytes()
    return data


def test_vault_file_is_not_sqlite_and_holds_no_plaintext(vault_path: Path, user_template) -> None:
    with Vault.open_with_key(vault_path, user_template.key, user_template.header) as vault:
        Toolbox(vault).what_matters.set(MARKER)
        Toolbox(vault).diary.add(
            DiaryEntry(text=MARKER, written_at=datetime(2026, 1, 1, tzinfo=UTC))
        )
        raw = _files(vault_path)
    assert MARKER.encode() not in raw
    assert not vault_path.read_bytes().startswith(b"SQLite format 3")
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(vault_path).execute("SELECT * FROM sqlite_master").fetchall()


@pytest.mark.real_kdf
def test_unlock_with_passphrase_and_wrong_passphrase_changes_nothing(vault_path: Path) -> None:
    before = vault_path.read_bytes(), vault_keys.header_path(vault_path).read_bytes()
    with pytest.raises(WrongPassphrase, match="Wrong passphrase"):
        Vault.unlock(vault_path, "not the passphrase")
    after = vault_path.read_bytes(), vault_keys.header_path(vault_path).read_bytes()
    assert before == after
    with Vault.unlock(vault_path, PASSPHRASE) as vault:
        assert vault.profile().name == "Kari Nordmann"


@pytest.mark.real_kdf
def test_recovery_code_sets_new_passphrase_without_rewriting_db(
    vault_path: Path, real_user_template: Template
) -> None:
    db_before = vault_path.read_bytes()
    messy = real_user_template.recovery_code.lower().replace("-", " ")
    with Vault.unlock_with_recovery_code(vault_path, messy) as vault:
        vault.change_passphrase("a brand new passphrase")
    assert vault_path.read_bytes() == db_before
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_path, PASSPHRASE)
    Vault.unlock(vault_path, "a brand new passphrase").close()


def test_recovery_code_alphabet_avoids_lookalikes() -> None:
    for _ in range(50):
        code = vault_keys.new_recovery_code()
        assert not code.startswith("-")
        assert not set(code) & set("01ILOU")
        assert len(code.replace("-", "")) == 25


@pytest.mark.real_kdf
def test_weakened_kdf_parameters_are_refused(vault_path: Path) -> None:
    header_file = vault_keys.header_path(vault_path)
    data = json.loads(header_file.read_text())
    data["kdf"]["opslimit"] = 1
    data["kdf"]["memlimit"] = 8192
    header_file.write_text(json.dumps(data))
    with pytest.raises(WeakKdfParameters):
        Vault.unlock(vault_path, PASSPHRASE)


@pytest.mark.real_kdf
def test_kdf_parameters_are_bound_to_the_wrapped_key(vault_path: Path) -> None:
    """Raising the parameters (still above the minimum) must not unwrap either: they are bound."""
    header_file = vault_keys.header_path(vault_path)
    data = json.loads(header_file.read_text())
    data["kdf"]["opslimit"] += 1
    header_file.write_text(json.dumps(data))
    with pytest.raises(WrongPassphrase):
        Vault.unlock(vault_path, PASSPHRASE)


def test_missing_vault_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(VaultNotFound, match="reconnect init"):
        Vault.unlock(tmp_path / "nope.db", PASSPHRASE)


def test_file_that_is_not_a_vault_names_file_and_restore(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello")
    with pytest.raises(VaultDamaged) as info:
        Vault.unlock(bogus, PASSPHRASE)
    assert str(bogus) in str(info.value) and "reconnect restore" in str(info.value)


def test_damaged_database_names_file_and_restore(vault_path: Path) -> None:
    data = bytearray(vault_path.read_bytes())
    data[100:4096] = b"\x00" * (4096 - 100)  # the first page's encrypted body
    vault_path.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged, match="reconnect restore"):
        Vault.unlock(vault_path, PASSPHRASE)


def test_damaged_header_names_file(vault_path: Path) -> None:
    vault_keys.header_path(vault_path).write_text("{not json")
    with pytest.raises(VaultDamaged, match=str(vault_path).replace("\\", "\\\\")):
        Vault.unlock(vault_path, PASSPHRASE)


def test_create_refuses_to_overwrite(vault_path: Path) -> None:
    with pytest.raises(VaultExists):
        Vault.create(vault_path, PASSPHRASE, Profile(name="x"))


def test_backup_and_restore_round_trip(vault: Vault, tmp_path: Path) -> None:
    Toolbox(vault).what_matters.set(MARKER)
    backup_file = tmp_path / "backup.reconnect"
    vault.backup(backup_file)
    assert MARKER.encode() not in backup_file.read_bytes()
    assert not list(tmp_path.glob("*.partial*"))
    target = tmp_path / "restored" / "vault.db"
    restore(backup_file, target, PASSPHRASE)
    with Vault.unlock(target, PASSPHRASE) as restored:
        assert Toolbox(restored).what_matters.get() == MARKER


def test_restore_keeps_existing_vault_aside(vault: Vault, vault_path: Path, tmp_path: Path) -> None:
    Toolbox(vault).what_matters.set("before")
    backup_file = tmp_path / "b.reconnect"
    vault.backup(backup_file)
    Toolbox(vault).what_matters.set("after the backup")
    vault.close()
    with pytest.raises(VaultExists, match="--replace"):
        restore(backup_file, vault_path, PASSPHRASE)
    kept = restore(backup_file, vault_path, PASSPHRASE, replace=True)
    assert kept is not None and kept.exists()
    with Vault.unlock(vault_path, PASSPHRASE) as restored:
        assert Toolbox(restored).what_matters.get() == "before"
    with Vault.unlock(kept, PASSPHRASE) as old:
        assert Toolbox(old).what_matters.get() == "after the backup"


def test_restore_wrong_passphrase_and_damaged_backup(vault: Vault, tmp_path: Path) -> None:
    backup_file = tmp_path / "b.reconnect"
    vault.backup(backup_file)
    target = tmp_path / "new" / "vault.db"
    with pytest.raises(WrongPassphrase):
        restore(backup_file, target, "wrong passphrase")
    assert not target.exists()
    damaged = tmp_path / "damaged.reconnect"
    data = bytearray(backup_file.read_bytes())
    data[-3000:] = b"\xff" * 3000
    damaged.write_bytes(bytes(data))
    with pytest.raises(VaultDamaged):
        restore(damaged, target, PASSPHRASE)
    assert not target.exists()
    not_a_backup = tmp_path / "x.txt"
    not_a_backup.write_text("hello")
    with pytest.raises(VaultDamaged, match="not a ReConnect backup"):
        restore(not_a_backup, target, PASSPHRASE)


def test_closed_vault_drops_key(vault: Vault) -> None:
    vault.close()
    from reconnect_tui.errors import VaultLocked

    with pytest.raises(VaultLocked):
        _ = vault.key
    with pytest.raises(VaultLocked):
        Toolbox(vault).what_matters.get()


def test_a_nested_transaction_is_part_of_the_outer_one(vault: Vault) -> None:
    """Services hold one transaction across load – encrypt – commit and call repositories
    inside it: an inner failure undoes only its own part, the outer one commits everything."""
    with vault.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('outer', '1')")
        with pytest.raises(IntegrityError), vault.transaction() as inner:
            inner.execute("INSERT INTO settings(key, value) VALUES ('inner', '1')")
            inner.execute("INSERT INTO settings(key, value) VALUES ('outer', '2')")
        with vault.transaction() as inner:
            inner.execute("INSERT INTO settings(key, value) VALUES ('kept', '1')")
    with pytest.raises(RuntimeError), vault.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('undone', '1')")
        raise RuntimeError("the outer one fails")
    with vault.read() as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM settings")}
    assert {"outer", "kept"} <= keys and not {"inner", "undone"} & keys


def test_a_write_joining_without_a_savepoint_is_undone_with_its_caller(vault: Vault) -> None:
    """``transaction(savepoint=False)`` inside a transaction adds no savepoint: what it wrote
    before failing stays until the caller's transaction, which the failure reaches, rolls all
    of it back. Outside a transaction it is one of its own, committed."""
    with pytest.raises(IntegrityError), vault.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('caller', '1')")
        with vault.transaction(savepoint=False) as joined:
            assert joined is conn and vault.in_transaction
            joined.execute("INSERT INTO settings(key, value) VALUES ('joined', '1')")
            joined.execute("INSERT INTO settings(key, value) VALUES ('caller', '2')")
    with vault.transaction() as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('outer', '1')")
        with vault.transaction(savepoint=False) as joined:
            joined.execute("INSERT INTO settings(key, value) VALUES ('joined-kept', '1')")
    with vault.transaction(savepoint=False) as conn:
        conn.execute("INSERT INTO settings(key, value) VALUES ('alone', '1')")
    assert not vault.in_transaction
    with vault.read() as conn:
        keys = {r[0] for r in conn.execute("SELECT key FROM settings")}
    assert {"outer", "joined-kept", "alone"} <= keys and not {"caller", "joined"} & keys
