"""The vault on a bad day: a damaged page, an empty or cut file, a read-only folder, a full disk.

Damage is reported as damage (naming the file and `reconnect restore`); a folder that cannot be
written or a full disk is reported as what it is, with "your vault is intact", and the vault's
files are byte-identical afterwards. Every condition is real (see ``tests/bad_disk.py``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconnect_tui.errors import DiskFull, VaultDamaged, VaultNotWritable, WrongPassphrase
from reconnect_tui.model import Profile
from reconnect_tui.store import Toolbox, Vault, restore
from reconnect_tui.store import keys as vault_keys
from tests.bad_disk import (
    damage_one_page,
    files_of,
    fill,
    immutable,
    remount_read_only,
    tmpfs,
)
from tests.support.vaults import PASSPHRASE, Template, copy_vault

BIG = "a line of a diary entry, long enough to need new pages " * 4000  # about 220 kB


def _damaged_message(error: BaseException, path: Path) -> None:
    message = str(error)
    assert str(path) in message and "reconnect restore" in message


# -- a damaged page ------------------------------------------------------------------------------


def test_unlock_of_a_vault_with_one_damaged_page_says_it_is_damaged(vault_path: Path) -> None:
    damage_one_page(vault_path)
    with pytest.raises(VaultDamaged) as info:
        Vault.unlock(vault_path, PASSPHRASE)
    _damaged_message(info.value, vault_path)


def test_backup_of_a_vault_damaged_while_open_writes_nothing(
    vault: Vault, vault_path: Path, tmp_path: Path
) -> None:
    """The disk damaged a page after the vault was opened: the backup checks before copying."""
    out = tmp_path / "backups"
    out.mkdir()
    older = out / "vault.reconnect"
    older.write_bytes(b"an older backup")
    damage_one_page(vault_path)
    with pytest.raises(VaultDamaged) as info:
        vault.backup(older)
    _damaged_message(info.value, vault_path)
    assert "no backup was written" in str(info.value)
    assert sorted(out.iterdir()) == [older] and older.read_bytes() == b"an older backup"


def test_a_healthy_backup_is_checked_and_restores(vault: Vault, tmp_path: Path) -> None:
    Toolbox(vault).what_matters.set("the sea")
    out = tmp_path / "backups"
    out.mkdir()
    backup = out / "vault.reconnect"
    backup.write_bytes(b"an older backup, replaced whole")
    vault.backup(backup)
    assert sorted(out.iterdir()) == [backup]
    target = tmp_path / "restored" / "vault.db"
    restore(backup, target, PASSPHRASE)
    with Vault.unlock(target, PASSPHRASE) as restored:
        assert Toolbox(restored).what_matters.get() == "the sea"


def test_restore_refuses_a_backup_with_a_damaged_page(vault: Vault, tmp_path: Path) -> None:
    """A damaged page in a backup is refused, and nothing of it is left beside the vault."""
    backup = tmp_path / "b.reconnect"
    vault.backup(backup)
    data = bytearray(backup.read_bytes())
    start = len(data) - 40 * 4096  # a page of the database part, away from its first page
    data[start + 100 : start + 164] = bytes(64)
    backup.write_bytes(bytes(data))
    target = tmp_path / "new" / "vault.db"
    with pytest.raises(VaultDamaged, match="damaged"):
        restore(backup, target, PASSPHRASE)
    assert sorted(p.name for p in target.parent.iterdir()) == []


# -- an empty, cut or missing file ---------------------------------------------------------------


def test_zero_byte_vault_with_its_key_header_is_damaged_never_recreated(vault_path: Path) -> None:
    vault_path.write_bytes(b"")
    with pytest.raises(VaultDamaged, match=r"empty \(0 bytes\)"):
        Vault._header_for(vault_path)  # said before a passphrase is asked for
    with pytest.raises(VaultDamaged, match=r"empty \(0 bytes\)") as info:
        Vault.unlock(vault_path, PASSPHRASE)
    _damaged_message(info.value, vault_path)
    assert vault_path.stat().st_size == 0
    assert sorted(p.name for p in vault_path.parent.iterdir()) == ["vault.db", "vault.db.keys"]


def test_zero_byte_vault_without_key_header_is_damaged(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    path.write_bytes(b"")
    with pytest.raises(VaultDamaged) as info:
        Vault.unlock(path, PASSPHRASE)
    _damaged_message(info.value, path)
    assert sorted(tmp_path.iterdir()) == [path] and path.stat().st_size == 0


@pytest.mark.parametrize("keep", [4096, 4096 * 20, 4096 * 20 + 1000, 1000], ids=str)
def test_cut_vault_is_damaged(vault_path: Path, keep: int) -> None:
    vault_path.write_bytes(vault_path.read_bytes()[:keep])
    with pytest.raises(VaultDamaged) as info:
        Vault.unlock(vault_path, PASSPHRASE)
    _damaged_message(info.value, vault_path)
    assert vault_path.stat().st_size == keep


def test_key_header_without_its_database_is_damaged(vault_path: Path) -> None:
    vault_path.unlink()
    with pytest.raises(VaultDamaged) as info:
        Vault.unlock(vault_path, PASSPHRASE)
    _damaged_message(info.value, vault_path)
    assert not vault_path.exists()


def test_create_never_overwrites_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "vault.db"
    path.write_bytes(b"")
    with pytest.raises(Exception, match="already exists"):
        Vault.create(path, PASSPHRASE, Profile(name="K"))
    assert path.stat().st_size == 0 and not vault_keys.header_path(path).exists()


# -- a full disk -----------------------------------------------------------------------------------


def test_full_disk_during_a_write_is_disk_full_and_the_vault_is_intact(
    vault: Vault, vault_path: Path
) -> None:
    """SQLite's own SQLITE_FULL (the page limit reached): it was masked by a failed ROLLBACK."""
    with vault.read() as conn:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages}")
    before = files_of(vault_path)
    with pytest.raises(DiskFull) as info:
        Toolbox(vault).what_matters.set(BIG)
    message = str(info.value)
    assert "disk is full" in message and "Your vault is intact" in message
    assert "damaged" not in message and str(vault_path.parent) in message
    assert Toolbox(vault).what_matters.get() == ""  # nothing half-written, the vault still reads
    vault.close()
    assert files_of(vault_path) == before


def test_full_tmpfs_at_open_and_at_write(user_template: Template, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        opened = Vault.open_with_key(path, user_template.key, user_template.header)
        fill(disk)
        before = files_of(path)
        with pytest.raises(DiskFull, match="Your vault is intact"):
            Toolbox(opened).what_matters.set(BIG)
        opened.close()  # its WAL and shared-memory files go, and free their space
        assert files_of(path) == before
        fill(disk)
        with pytest.raises(DiskFull) as info:
            Vault.unlock(path, PASSPHRASE)
        assert str(disk) in str(info.value) and "free some space" in str(info.value).lower()
        assert files_of(path) == before
        (disk / "filler").unlink()  # space again: the same vault opens and takes the write
        with Vault.unlock(path, PASSPHRASE) as again:
            Toolbox(again).what_matters.set("room again")
            assert Toolbox(again).what_matters.get() == "room again"


def test_passphrase_change_on_a_full_disk_changes_nothing(
    user_template: Template, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        opened = Vault.open_with_key(path, user_template.key, user_template.header)
        fill(disk)
        header_before = vault_keys.header_path(path).read_bytes()
        with pytest.raises(DiskFull, match="the passphrase was not changed"):
            opened.change_passphrase("a new passphrase")
        opened.close()
        assert vault_keys.header_path(path).read_bytes() == header_before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "vault.db", "vault.db.keys"]
        (disk / "filler").unlink()
        with pytest.raises(WrongPassphrase):
            Vault.unlock(path, "a new passphrase")


def test_backup_to_a_full_disk_leaves_nothing(vault: Vault, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "usb", size="256k") as usb:
        fill(usb)
        (usb / "filler").write_bytes(b"")  # 256 kB free: less than the vault
        (usb / "pad").write_bytes(bytes(200 * 1024))
        with pytest.raises(DiskFull) as info:
            vault.backup(usb / "vault.reconnect")
        assert "no backup was written" in str(info.value) and "Your vault is intact" in str(
            info.value
        )
        assert sorted(p.name for p in usb.iterdir()) == ["filler", "pad"]


# -- a folder or file that cannot be written -------------------------------------------------------


def test_read_only_disk_says_so_and_the_vault_is_intact(
    user_template: Template, tmp_path: Path
) -> None:
    with tmpfs(tmp_path / "disk") as disk:
        path = copy_vault(user_template, disk)
        before = files_of(path)
        remount_read_only(disk)
        with pytest.raises(VaultNotWritable) as info:
            Vault.unlock(path, PASSPHRASE)
        message = str(info.value)
        assert f"cannot write to {disk}: the disk is read-only" in message
        assert "Your vault is intact" in message and "damaged" not in message
        assert files_of(path) == before


def test_immutable_folder_says_permission_denied(vault_path: Path) -> None:
    folder = vault_path.parent
    before = files_of(vault_path)
    with immutable(folder):
        with pytest.raises(VaultNotWritable) as info:
            Vault.unlock(vault_path, PASSPHRASE)
        with pytest.raises(VaultNotWritable, match="No vault was created"):
            Vault.create(folder / "other.db", PASSPHRASE, Profile(name="K"))
    message = str(info.value)
    assert f"cannot write to {folder}: permission denied" in message
    assert "Your vault is intact" in message and "damaged" not in message
    assert files_of(vault_path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["vault.db", "vault.db.keys"]


def test_immutable_vault_file_reads_and_refuses_writes(
    vault_path: Path, user_template: Template
) -> None:
    before = files_of(vault_path)
    with immutable(vault_path):
        with Vault.unlock(vault_path, PASSPHRASE) as opened:
            assert Toolbox(opened).what_matters.get() == ""  # reading still works
            with pytest.raises(VaultNotWritable) as info:
                Toolbox(opened).what_matters.set("kept?")
        assert f"cannot write to {vault_path}: permission denied" in str(info.value)
        assert "Your vault is intact" in str(info.value)
        assert files_of(vault_path) == before
    shutil.rmtree(vault_path.parent)


def test_restore_onto_a_full_disk_changes_nothing(
    vault: Vault, user_template: Template, tmp_path: Path
) -> None:
    backup = tmp_path / "b.reconnect"
    vault.backup(backup)
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        before = files_of(path)
        fill(disk)
        with pytest.raises(DiskFull) as info:
            restore(backup, path, PASSPHRASE, replace=True)
        assert "Nothing was restored" in str(info.value)
        assert files_of(path) == before
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "vault.db", "vault.db.keys"]
