"""A closed terminal ends the app: it locks (keeping the open form as a draft), drops its keys
and exits — the real `reconnect` in a real pseudo-terminal.

Closing a terminal window used to leave the app alive without a terminal, spinning at 25–40 %
CPU with its keys in memory. Each test unlocks the app, starts a diary entry, then hangs up:
by SIGHUP, or by closing the terminal of a process that gets no SIGHUP at all (the terminal
is not its controlling one, as under a parent that outlives the hang-up). What is asserted is
the outcome — it exited, with 129, and the entry was kept as a draft — never a duration.
"""

from __future__ import annotations

import fcntl
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from reconnect_tui.hangup import EXIT_CODE
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.drafts import DraftKey
from tests.support import kdf as kdf_profile
from tests.support.vaults import PASSPHRASE

LAUNCH = "from reconnect_tui.launcher import main; main()"
DIARY_TEXT = "a note the hang-up must not lose"
WAIT = 60.0  # generous: the machine is shared; only the outcome is asserted


def _env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECONNECT_", "TEXTUAL"))}
    env.update(
        PYTHONPATH=kdf_profile.pythonpath(), TERM="xterm-256color", COLUMNS="100", LINES="30",
        XDG_STATE_HOME=str(tmp_path / "state"), XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"), RECONNECT_CONFIG=str(tmp_path / "none.toml"),
    )
    return env


class Terminal:
    """The master side of a pty: what the app draws is collected, keys are written."""

    def __init__(self, master: int) -> None:
        self.master = master
        fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
        self.output = bytearray()
        self._stop = threading.Event()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while not self._stop.is_set():
            ready, _, _ = select.select([self.master], [], [], 0.05)
            if ready:
                try:
                    data = os.read(self.master, 65536)
                except OSError:
                    return
                if not data:
                    return
                self.output += data

    def wait_for(self, text: str, timeout: float = WAIT) -> None:
        end = time.monotonic() + timeout
        while text.encode() not in self.output:
            if time.monotonic() > end:
                raise AssertionError(f"{text!r} never appeared on the terminal")
            time.sleep(0.05)

    def type(self, text: str) -> None:
        os.write(self.master, text.encode())

    def close(self) -> None:
        """Hang up: stop reading, then close the master (the window closing)."""
        self._stop.set()
        self._reader.join()
        os.close(self.master)


def unlock_and_start_an_entry(terminal: Terminal) -> None:
    terminal.wait_for("ReConnect is locked")
    terminal.type(PASSPHRASE + "\r")
    terminal.wait_for("Diary and registrations")
    terminal.type("d")
    terminal.wait_for("private place")  # the diary's empty state
    terminal.type("a")
    terminal.wait_for("New diary entry")
    terminal.type(DIARY_TEXT)
    terminal.wait_for(DIARY_TEXT)


def exit_code(wait_for_pid) -> int:
    end = time.monotonic() + WAIT
    while time.monotonic() < end:
        status = wait_for_pid()
        if status is not None:
            return status
        time.sleep(0.05)
    raise AssertionError("the app is still running after the terminal hung up")


def assert_locked_with_draft(vault_path: Path, template) -> None:
    """The app went through its lock: the entry is a draft, not a saved entry."""
    with Vault.open_with_key(vault_path, template.key, template.header) as vault:
        toolbox = Toolbox(vault)
        assert toolbox.diary.count() == 0
        draft = toolbox.drafts.get(DraftKey("new-diary-entry"))
        assert draft is not None and draft.fields == {"text": DIARY_TEXT}


def assert_no_crash_report(tmp_path: Path) -> None:
    """A hang-up is not a crash (a dead terminal's write errors included)."""
    assert list((tmp_path / "state").rglob("crash-*.txt")) == []


def test_sighup_locks_keeps_the_draft_and_exits(tmp_path, vault_path, user_template) -> None:
    pid, master = pty.fork()
    if pid == 0:  # the child: the pty is its controlling terminal
        os.execve(sys.executable, [sys.executable, "-c", LAUNCH, "--vault", str(vault_path)],
                  _env(tmp_path))
    terminal = Terminal(master)
    try:
        unlock_and_start_an_entry(terminal)
        os.kill(pid, signal.SIGHUP)

        def reaped() -> int | None:
            done, status = os.waitpid(pid, os.WNOHANG)
            return os.waitstatus_to_exitcode(status) if done else None

        assert exit_code(reaped) == EXIT_CODE
    finally:
        terminal.close()
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert_locked_with_draft(vault_path, user_template)
    assert_no_crash_report(tmp_path)


def _no_sighup() -> None:
    signal.signal(signal.SIGHUP, signal.SIG_IGN)  # as inherited from a parent that ignores it


def test_a_closed_terminal_without_sighup_ends_the_app(tmp_path, vault_path, user_template):
    """The terminal is not the app's controlling one (a new session), so closing it sends
    no SIGHUP; the app sees the hang-up on the terminal itself."""
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--vault", str(vault_path)],
        stdin=slave, stdout=slave, stderr=slave, env=_env(tmp_path),
        start_new_session=True, preexec_fn=_no_sighup,
    )
    os.close(slave)
    terminal = Terminal(master)
    try:
        unlock_and_start_an_entry(terminal)
        terminal.close()  # the window closes
        assert exit_code(process.poll) == EXIT_CODE
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert_locked_with_draft(vault_path, user_template)
    assert_no_crash_report(tmp_path)


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_under_make_a_closed_window_ends_app_and_make(tmp_path, vault_path, user_template):
    """`make run` runs the app as make's child; closing the window hangs up both."""
    makefile = tmp_path / "Makefile"
    command = f"{sys.executable} -c '{LAUNCH}' --vault {vault_path}"
    makefile.write_text(f"run:\n\t{command}\n")
    pid, master = pty.fork()
    if pid == 0:
        os.execve(shutil.which("make"), ["make", "-s", "-f", str(makefile), "run"],
                  _env(tmp_path))
    terminal = Terminal(master)
    try:
        unlock_and_start_an_entry(terminal)
        terminal.close()

        def reaped() -> int | None:
            done, status = os.waitpid(pid, os.WNOHANG)
            return os.waitstatus_to_exitcode(status) if done else None

        assert exit_code(reaped) != 0  # make ended too (its child failed, or the hang-up)
    finally:
        try:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass
    assert_locked_with_draft(vault_path, user_template)
    assert_no_crash_report(tmp_path)
    leftover = subprocess.run(["pgrep", "-f", str(vault_path)], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""  # no app left behind without a terminal
