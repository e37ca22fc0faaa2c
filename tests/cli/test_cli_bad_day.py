"""The command line on a bad day: every command says what is wrong, exit 1, never a traceback.

A damaged vault is named with `reconnect restore`; a read-only folder or a full disk is said as
such, with "Your vault is intact", and the vault's files are byte-identical afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from reconnect_tui.cli import app
from reconnect_tui.store import keys as vault_keys
from tests.bad_disk import (
    damage_one_page,
    files_of,
    fill,
    tmpfs,
    without_permission_override,
)
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE, Template, copy_vault

runner = CliRunner()


def run(*args: str, **env: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE, **env})


def _says_damaged(result, path: Path) -> None:
    assert result.exit_code == 1, result.output
    assert str(path) in result.stderr and "reconnect restore" in result.stderr
    assert "Traceback" not in result.output and "unexpected" not in result.stderr


@pytest.mark.parametrize(
    "command",
    [
        ["export", "all"],
        ["export", "crisis-plan", "--format", "txt"],
        ["backup", "{out}"],
        ["passphrase", "change"],
        ["message", "list"],
        ["share", "list"],
        ["agreement", "show", "Someone"],
        ["forum", "forums"],
        ["sync", "--relay", "http://127.0.0.1:9"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_every_command_on_a_vault_with_a_damaged_page_says_it_is_damaged(
    vault_path: Path, tmp_path: Path, command: list[str]
) -> None:
    damage_one_page(vault_path)
    before = files_of(vault_path)
    args = [part.replace("{out}", str(tmp_path / "b.reconnect")) for part in command]
    result = run(*args, "--vault", str(vault_path), RECONNECT_NEW_PASSPHRASE="another one 123")
    _says_damaged(result, vault_path)
    assert files_of(vault_path) == before


def test_backup_of_a_damaged_vault_writes_nothing_and_says_so(
    vault_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "backups"
    out.mkdir()
    damage_one_page(vault_path)
    result = run("backup", str(out / "b.reconnect"), "--vault", str(vault_path))
    _says_damaged(result, vault_path)
    assert "Backup written" not in result.output
    assert list(out.iterdir()) == []


def test_healthy_backup_still_written_and_restores(vault_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "backups"
    out.mkdir()
    result = run("backup", str(out / "b.reconnect"), "--vault", str(vault_path))
    assert result.exit_code == 0 and "Backup written" in result.stdout
    assert [p.name for p in out.iterdir()] == ["b.reconnect"]
    target = tmp_path / "restored.db"
    assert run("restore", str(out / "b.reconnect"), "--vault", str(target)).exit_code == 0
    assert run("export", "all", "--vault", str(target)).exit_code == 0


def test_zero_byte_vault_is_damaged_and_init_does_not_overwrite_it(vault_path: Path) -> None:
    vault_path.write_bytes(b"")
    result = run("export", "all", "--vault", str(vault_path))
    _says_damaged(result, vault_path)
    assert "empty (0 bytes)" in result.stderr
    vault_keys.header_path(vault_path).unlink()
    _says_damaged(run("message", "list", "--vault", str(vault_path)), vault_path)
    init = run("init", "--name", "Kari", "--vault", str(vault_path))
    assert init.exit_code == 1 and "empty file (0 bytes)" in init.stderr
    assert "does not overwrite" in init.stderr
    assert vault_path.stat().st_size == 0 and not vault_keys.header_path(vault_path).exists()


def test_backup_to_a_full_disk(vault_path: Path, tmp_path: Path) -> None:
    before = files_of(vault_path)
    with tmpfs(tmp_path / "usb", size="128k") as usb:
        fill(usb)
        result = run("backup", str(usb / "b.reconnect"), "--vault", str(vault_path))
        assert result.exit_code == 1 and "Traceback" not in result.output
        assert "The disk is full" in result.stderr and "Your vault is intact" in result.stderr
        assert "Backup written" not in result.output
        assert sorted(p.name for p in usb.iterdir()) == ["filler"]
    assert files_of(vault_path) == before


def test_full_disk_at_open_says_so(user_template: Template, tmp_path: Path) -> None:
    with tmpfs(tmp_path / "disk", size="1m") as disk:
        path = copy_vault(user_template, disk)
        before = files_of(path)
        fill(disk)
        result = run("export", "all", "--vault", str(path))
        assert result.exit_code == 1, result.output
        assert f"The disk is full: ReConnect could not write to {disk}" in result.stderr
        assert "Your vault is intact" in result.stderr and "damaged" not in result.stderr
        assert files_of(path) == before


def test_read_only_folder_says_permission_denied_and_vault_intact(
    user_template: Template, tmp_path: Path
) -> None:
    """The reported case: the vault's folder is read-only (mode 0500) for whoever runs ReConnect.

    As root (CI) the command runs without CAP_DAC_OVERRIDE, so the mode binds as it does for
    anyone else; the error is the kernel's EACCES, met by SQLite creating the WAL."""
    prefix = without_permission_override()
    folder = tmp_path / "vault"
    path = copy_vault(user_template, folder)
    before = files_of(path)
    folder.chmod(0o500)
    try:
        result = subprocess.run(
            [*prefix, sys.executable, "-m", "reconnect_tui.cli", "export", "all"]
            + ["--vault", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            stdin=subprocess.DEVNULL,
            env={
                **os.environ,
                "PYTHONPATH": kdf_profile.pythonpath(),
                "RECONNECT_PASSPHRASE": PASSPHRASE,
                "PYTHONDONTWRITEBYTECODE": "1",
            },
        )
    finally:
        folder.chmod(0o700)
    assert result.returncode == 1, result.stderr
    assert f"ReConnect cannot write to {folder}: permission denied." in result.stderr
    assert "Your vault is intact" in result.stderr
    assert "damaged" not in result.stderr and "Traceback" not in result.stderr
    assert files_of(path) == before
    assert sorted(p.name for p in folder.iterdir()) == ["vault.db", "vault.db.keys"]


def test_sqlcipher_prints_nothing_of_its_own_on_a_damaged_vault(vault_path: Path) -> None:
    """SQLCipher logged each failed page check to stderr (dozens of "ERROR CORE" lines), which
    also garbled the app's screen; the real entry point now prints our one line only."""
    damage_one_page(vault_path)
    result = subprocess.run(
        [sys.executable, "-m", "reconnect_tui.cli", "export", "all", "--vault", str(vault_path)],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        env={
            **os.environ,
            "PYTHONPATH": kdf_profile.pythonpath(),
            "RECONNECT_PASSPHRASE": PASSPHRASE,
        },
    )
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "reconnect restore" in result.stderr
    assert "ERROR CORE" not in result.stderr and result.stdout == ""


@pytest.mark.parametrize("command", [["goal", "list"], ["init", "--name", "Kari"],
                                     ["export", "all"]], ids=lambda c: c[0])
def test_a_folder_given_as_the_vault_is_called_a_folder(tmp_path: Path, command: list[str]):
    """Not "damaged" (nothing is), and init does not say a vault already exists there."""
    result = run(*command, "--vault", str(tmp_path))
    assert result.exit_code == 1, result.output
    assert f"{tmp_path} is a folder. A vault is a file in it" in result.stderr
    assert "damaged" not in result.stderr and "already exists" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # nothing made in it
