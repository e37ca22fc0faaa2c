"""Real bad days for a vault: a damaged page, a read-only folder, a full disk.

Every condition is made for real, so the errors come from SQLite and the OS, never from us:
a page overwritten on disk, a tmpfs that is full or mounted read-only, an immutable folder
(``chattr +i``), a folder whose mode forbids writing, for a process without root's override.
Tests run as root in CI, where chmod alone does not stop a write; what cannot be made here is
skipped with the reason.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

PAGE = 4096


def damage_one_page(path: Path) -> int:
    """Overwrite 64 bytes inside one page in the middle of the file; returns the page number."""
    data = bytearray(path.read_bytes())
    page = len(data) // PAGE // 2
    offset = page * PAGE + 64
    data[offset : offset + 64] = bytes(range(64))
    path.write_bytes(bytes(data))
    return page + 1


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(list(args), capture_output=True, text=True, check=False, timeout=30)


@contextlib.contextmanager
def tmpfs(folder: Path, size: str = "2m") -> Iterator[Path]:
    """A small tmpfs mounted at ``folder`` (skips where mounting is not allowed)."""
    folder.mkdir(parents=True, exist_ok=True)
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip() or 'mount failed'}")
    try:
        yield folder
    finally:
        if _run("umount", str(folder)).returncode != 0:
            _run("umount", "-l", str(folder))


def remount_read_only(folder: Path) -> None:
    result = _run("mount", "-o", "remount,ro", str(folder))
    if result.returncode != 0:
        pytest.skip(f"cannot remount read-only here: {result.stderr.strip()}")


def fill(folder: Path) -> None:
    """Write a filler file until the file system says ENOSPC."""
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        while True:
            os.write(fd, bytes(64 * 1024))
    except OSError:
        pass
    try:
        while True:
            os.write(fd, b"\0")
    except OSError:
        pass
    finally:
        os.close(fd)


@contextlib.contextmanager
def immutable(path: Path) -> Iterator[Path]:
    """``chattr +i``: not even root can write the file, or create files in the folder."""
    result = _run("chattr", "+i", str(path))
    if result.returncode != 0:
        pytest.skip(f"chattr +i is not available here: {result.stderr.strip()}")
    try:
        yield path
    finally:
        _run("chattr", "-i", str(path))


def without_permission_override() -> list[str]:
    """A command prefix under which chmod binds: root keeps its uid but loses the capabilities
    that let it write where the mode says no (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH)."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root and setpriv is not available to drop CAP_DAC_OVERRIDE")
    prefix = [setpriv, "--bounding-set", "-dac_override,-dac_read_search"]
    if _run(*prefix, "true").returncode != 0:
        pytest.skip("setpriv cannot drop CAP_DAC_OVERRIDE here")
    return prefix


def files_of(path: Path) -> dict[str, bytes]:
    """The vault file and its key header, to compare before and after."""
    return {
        p.name: p.read_bytes() for p in (path, path.with_name(path.name + ".keys")) if p.exists()
    }
