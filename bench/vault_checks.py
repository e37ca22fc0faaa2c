"""What the vault's damage checks cost on the ten-year vault, beside the same work unchecked.

    .venv/bin/python bench/vault_checks.py

Opening now reads every page back (``PRAGMA cipher_integrity_check``) so that a damaged vault is
said to be damaged by every command; a backup checks the vault before copying and the copy after
(that plus ``PRAGMA integrity_check``). Baselines, timed in the same run on the same file: a bare
SQLCipher open, and the online-backup copy alone. Median of 7 (backups: 5).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from vault import build_ten_year_vault, timed  # noqa: E402

from reconnect_tui.store import Vault  # noqa: E402
from reconnect_tui.store.db import open_connection  # noqa: E402


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="reconnect-bench-checks-"))
    try:
        run(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # 45 MB, and copies of it


def run(folder: Path) -> None:
    path = folder / "vault.db"
    start = time.perf_counter()
    key, header = build_ten_year_vault(path)
    size = path.stat().st_size / 1e6
    print(f"built ten-year vault in {time.perf_counter() - start:.1f} s: {size:.1f} MB\n")

    raw_open = timed(lambda: open_connection(path, key).close())
    open_checked = timed(lambda: Vault.open_with_key(path, key, header).close())

    def raw_backup() -> None:
        target = folder / "raw.db"
        target.unlink(missing_ok=True)
        copy = open_connection(target, key)
        source = open_connection(path, key)
        source.backup(copy)
        copy.close()
        source.close()

    vault = Vault.open_with_key(path, key, header)

    def checked_backup() -> None:
        vault.backup(folder / "checked.reconnect")

    raw_backup_ms = timed(raw_backup, repeat=5)
    checked_backup_ms = timed(checked_backup, repeat=5)
    vault.close()

    rows = [
        ("open with the key (page check)", open_checked, raw_open, "bare SQLCipher open"),
        ("backup (checked twice)", checked_backup_ms, raw_backup_ms, "online-backup copy alone"),
    ]
    print(f"{'':34}{'ours':>10}{'baseline':>11}{'ratio':>8}  baseline")
    for name, ours, base, what in rows:
        print(f"{name:34}{ours:9.1f} {base:10.1f} {ours / base:7.1f}x  {what}")


if __name__ == "__main__":
    main()
