"""A `reconnect sync --watch` process for tests, and waiting for what it does."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.sync_service import sync_and_process
from tests.screens.messages_helpers import Person, send
from tests.support.vaults import PASSPHRASE

PATIENCE = 90.0  # how long to wait for an outcome on a busy machine: not a speed goal


class Watch:
    """One `reconnect sync --watch` process on ``vault``."""

    def __init__(self, vault: Path, folder: Path, *extra: str) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.err_path = folder / "stderr.txt"
        self.out_path = folder / "stdout.txt"
        with open(self.out_path, "ab") as out, open(self.err_path, "ab") as err:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "reconnect_tui.cli", "sync", "--watch",
                 "--vault", str(vault), *extra],
                stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                env={**os.environ, "RECONNECT_PASSPHRASE": PASSPHRASE})

    def stderr(self) -> str:
        return self.err_path.read_text(errors="replace")

    def wait_live(self, times: int = 1) -> None:
        """Until it says its push channel is up (``times`` such lines in all)."""
        until(lambda: self.stderr().count("Live:") >= times or self.process.poll() is not None)
        assert self.process.poll() is None, self.stderr()

    def stop(self, sig: int = signal.SIGTERM) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        return self.process.wait(PATIENCE)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(PATIENCE)


def until(condition, patience: float = PATIENCE) -> None:
    end = time.monotonic() + patience
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("condition not reached in time")
        time.sleep(0.1)


def received(person: Person) -> list[str]:
    """The texts of the messages ``person`` received, with repeats if any."""
    with person.open() as vault:
        return [m.text for m in Dyads(vault).all_messages() if not m.outgoing]


def deliver(person: Person, url: str, text: str) -> None:
    send(person, text)
    with person.open() as vault:
        assert not sync_and_process(vault, url).offline
