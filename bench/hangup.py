"""A closed terminal: from the hang-up to the process gone, beside a Ctrl+Q quit.

    .venv/bin/python bench/hangup.py [--runs 3]

Each run starts the real app in a pseudo-terminal, unlocks it, opens "New diary entry" and
types a line, then ends it one of three ways: Ctrl+L then Ctrl+Q (the baseline: an ordinary
lock, which keeps the draft, and quit), SIGHUP, or closing the terminal of a process that gets
no SIGHUP (not its controlling terminal, SIGHUP ignored). The time is from that moment to the
process being reaped; the goal is under 2 s for both hang-ups (issue 13). Medians are printed,
and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import os
import pty
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "app"))

from test_hangup import LAUNCH, Terminal, unlock_and_start_an_entry  # noqa: E402

from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Vault  # noqa: E402
from tests.support.vaults import PASSPHRASE  # noqa: E402


def environment(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RECONNECT_", "TEXTUAL"))}
    env.update(PYTHONPATH=str(ROOT), TERM="xterm-256color", XDG_STATE_HOME=str(home / "state"),
               XDG_CONFIG_HOME=str(home / "config"), RECONNECT_CONFIG=str(home / "none.toml"))
    return env


def reap(poll: Callable[[], int | None], started: float) -> float:
    while poll() is None:
        if time.monotonic() - started > 60:
            raise SystemExit("the app did not exit within 60 s")
        time.sleep(0.002)
    return time.monotonic() - started


def controlling(vault: Path, home: Path, end: str) -> float:
    pid, master = pty.fork()
    if pid == 0:
        os.execve(sys.executable, [sys.executable, "-c", LAUNCH, "--vault", str(vault)],
                  environment(home))
    terminal = Terminal(master)
    unlock_and_start_an_entry(terminal)

    def poll() -> int | None:
        done, status = os.waitpid(pid, os.WNOHANG)
        return status if done else None

    started = time.monotonic()
    if end == "quit":
        terminal.type("\x0c")  # Ctrl+L (Ctrl+Q is not heard inside a dialog)
        terminal.wait_for("ReConnect is locked")
        terminal.type("\x11")  # Ctrl+Q
    else:
        os.kill(pid, signal.SIGHUP)
    took = reap(poll, started)
    terminal.close()
    return took


def detached(vault: Path, home: Path) -> float:
    master, slave = os.openpty()
    process = subprocess.Popen(
        [sys.executable, "-c", LAUNCH, "--vault", str(vault)],
        stdin=slave, stdout=slave, stderr=slave, env=environment(home), start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN),
    )
    os.close(slave)
    terminal = Terminal(master)
    unlock_and_start_an_entry(terminal)
    started = time.monotonic()
    terminal.close()
    return reap(process.poll, started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        vault = home / "vault.db"
        Vault.create(vault, PASSPHRASE, Profile(name="Bench", role=Role.USER))[0].close()
        times: dict[str, list[float]] = {"quit": [], "sighup": [], "closed": []}
        for _ in range(runs):  # alternate, so load on the machine falls on all three
            times["quit"].append(controlling(vault, home, "quit"))
            times["sighup"].append(controlling(vault, home, "sighup"))
            times["closed"].append(detached(vault, home))
    base = statistics.median(times["quit"])
    labels = {
        "quit": "Ctrl+L, Ctrl+Q (baseline)",
        "sighup": "SIGHUP",
        "closed": "terminal closed, no SIGHUP",
    }
    print(f"{'':32} {'median':>9} {'max':>9} {'ratio':>7}  goal")
    for key, label in labels.items():
        median, worst = statistics.median(times[key]), max(times[key])
        goal = "" if key == "quit" else ("< 2 s ok" if worst < 2 else "< 2 s OVER")
        print(f"{label:32} {median * 1000:7.0f}ms {worst * 1000:7.0f}ms "
              f"{median / base:6.2f}x  {goal}")


if __name__ == "__main__":
    main()
