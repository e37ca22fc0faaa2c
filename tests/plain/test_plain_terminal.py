"""Plain mode at a real terminal (a pseudo-terminal): the passphrase is read without echo,
and even with TERM=xterm nothing it writes is an escape sequence."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconnect_tui.plain.io import Console, IdleTimeout
from tests.plain.plain_helpers import home
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE, Template, copy_vault

PATIENCE = 120.0
"""Seconds to wait for a prompt on a busy machine (a bound, not a measurement)."""


def _read_until(master: int, wanted: str, seen: bytearray) -> None:
    deadline = time.monotonic() + PATIENCE
    while wanted.encode() not in seen:
        assert time.monotonic() < deadline, f"no {wanted!r} in {bytes(seen)!r}"
        ready, _w, _x = select.select([master], [], [], 1.0)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # the child closed the terminal
                chunk = b""
            assert chunk, f"ended before {wanted!r}: {bytes(seen)!r}"
            seen.extend(chunk)


def test_at_a_terminal_the_passphrase_is_not_echoed(user_template: Template,
                                                    tmp_path: Path) -> None:
    path = copy_vault(user_template, tmp_path / "user")
    master, slave = pty.openpty()
    child = subprocess.Popen(
        [sys.executable, "-m", "reconnect_tui.cli", "--plain", "--vault", str(path)],
        stdin=slave, stdout=slave, stderr=slave, start_new_session=True,
        env={**os.environ, "PYTHONPATH": kdf_profile.pythonpath(), "TERM": "xterm-256color"})
    os.close(slave)
    seen = bytearray()
    try:
        _read_until(master, "Passphrase:", seen)
        os.write(master, PASSPHRASE.encode() + b"\n")
        _read_until(master, "Choose a number:", seen)
        os.write(master, home("quit").encode() + b"\n")
        assert child.wait(timeout=PATIENCE) == 0
        try:
            while chunk := os.read(master, 4096):
                seen.extend(chunk)
        except OSError:
            pass
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        os.close(master)
    said = seen.decode()
    assert PASSPHRASE not in said
    assert "ReConnect is not for emergencies" in said and "Home: " in said
    assert "\x1b" not in said


def test_at_a_terminal_a_prompt_left_unanswered_locks() -> None:
    """The auto-lock of the full app: a prompt nobody answers within the idle time raises
    IdleTimeout (``main.py`` then closes the session and asks for the passphrase)."""
    read_end, write_end = os.pipe()
    with os.fdopen(read_end) as stdin:
        console = Console(stdin, io.StringIO(), interactive=True)
        console.idle_seconds = 0.05
        with pytest.raises(IdleTimeout):
            console.read_line("Choose a number:")
        os.write(write_end, b"3\n")
        assert console.read_line("Choose a number:") == "3"
    os.close(write_end)
