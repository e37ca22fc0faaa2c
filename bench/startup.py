"""Cold start to the first paint of the unlock screen, beside an empty Textual app.

    .venv/bin/python bench/startup.py [--runs 10]

Each sample is a fresh interpreter (its start-up included) that runs an app headless and exits
right after the first refresh of its first screen: ReConnect, loaded as the `reconnect` console
script loads it (reconnect_tui.launcher first), on an existing vault (made once
here with ``Vault.create``, so the first screen is the unlock screen), and as the baseline an
App holding one Static. The two alternate; the medians and their ratio are printed (goal:
<= 1.2x, issue 14), and beside them the CPU time each child had used at its first paint
(``time.process_time()``), whose ratio moves much less on a busy machine. Then the import time
of ``reconnect_tui.app`` (and what dominates it, from ``python -X importtime``), since a cold
start is mostly imports.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PASSPHRASE = "benchmark passphrase"

# The children print monotonic instants; CLOCK_MONOTONIC is system-wide on Linux and macOS, so
# the parent can subtract its own instant taken just before spawning them.
CHILD_EMPTY = """
import time; started = time.monotonic()
from textual.app import App
from textual.widgets import Static
imported = time.monotonic()

class Empty(App[None]):
    def compose(self):
        yield Static("Hello")

    def on_mount(self):
        self.screen.call_after_refresh(self.painted)

    def painted(self):
        print("paint", started, imported, time.monotonic(), time.process_time(), flush=True)
        self.exit()

Empty().run(headless=True, size=(120, 40))
"""

CHILD_APP = """
import sys, time; started = time.monotonic()
from pathlib import Path
import reconnect_tui.launcher  # what the `reconnect` console script loads before the app
from reconnect_tui.app import ReconnectApp
from reconnect_tui.settings import Settings
imported = time.monotonic()

class FirstPaint(ReconnectApp):
    CSS_PATH = str(Path(sys.modules[ReconnectApp.__module__].__file__).with_name("app.tcss"))

    def on_mount(self):
        # No super().on_mount(): Textual runs the handler of each class in the MRO, so
        # ReconnectApp.on_mount runs after this one; calling it here too pushed a second
        # unlock screen (until 2026-11-30, every figure of this bench included that).
        self.screen.call_after_refresh(self.painted)

    def painted(self):
        from reconnect_tui.screens.unlock import UnlockScreen
        screen = self.screen
        unlock_screens = [s for s in self.screen_stack if isinstance(s, UnlockScreen)]
        if (not isinstance(screen, UnlockScreen) or not screen.query_one("#passphrase").region
                or len(unlock_screens) != 1):
            print("wrong first screen:", type(screen).__name__, flush=True)
        else:
            print("paint", started, imported, time.monotonic(), time.process_time(), flush=True)
        self.exit()

FirstPaint(Path(sys.argv[1]), Settings(), auto_lock_seconds=0).run(headless=True, size=(120, 40))
"""


def child_env() -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for name in [n for n in env if n.startswith("RECONNECT_")]:
        del env[name]  # the person's own settings stay out of the bench
    return env


def one_run(code: str, *args: str) -> tuple[float, float, float, float, float]:
    """(to first paint, interpreter start, imports, to exit, CPU to first paint) in ms."""
    spawned = time.monotonic()
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True,
                            env=child_env(), cwd=ROOT, check=False)
    ended = time.monotonic()
    lines = [line for line in result.stdout.splitlines() if line.startswith("paint ")]
    if result.returncode != 0 or not lines:
        raise SystemExit(f"child failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    started, imported, painted, cpu = (float(x) for x in lines[-1].split()[1:])
    return ((painted - spawned) * 1000, (started - spawned) * 1000,
            (imported - started) * 1000, (ended - spawned) * 1000, cpu * 1000)


def import_breakdown(module: str, top: int = 12) -> tuple[float, list[tuple[str, float]]]:
    """Total import time of ``module`` and the top-level packages that dominate it (self time
    summed per package, in ms), from ``python -X importtime``."""
    result = subprocess.run([sys.executable, "-X", "importtime", "-c", f"import {module}"],
                            capture_output=True, text=True, env=child_env(), cwd=ROOT, check=True)
    per_package: dict[str, float] = defaultdict(float)
    total = 0.0
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line[12:].split("|"))
        per_package[name.split(".")[0]] += int(self_us) / 1000
        if name == module:
            total = int(cumulative_us) / 1000
    ranked = sorted(per_package.items(), key=lambda item: item[1], reverse=True)
    return total, ranked[:top]


def timed_import(module: str, runs: int) -> float:
    """Median wall time of ``import module`` in a fresh interpreter, in milliseconds."""
    code = (f"import time; s = time.perf_counter(); import {module}; "
            "print((time.perf_counter() - s) * 1000)")
    samples = [
        float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             env=child_env(), cwd=ROOT, check=True).stdout)
        for _ in range(runs)
    ]
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from reconnect_tui.model import Profile
    from reconnect_tui.store import Vault

    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as tmp:
        vault_path = Path(tmp) / "vault.db"
        vault, _code = Vault.create(vault_path, PASSPHRASE, Profile(name="Bench"))
        vault.close()
        one_run(CHILD_EMPTY)  # warm the file cache and .pyc files for both
        one_run(CHILD_APP, str(vault_path))
        empty: list[tuple[float, ...]] = []
        ours: list[tuple[float, ...]] = []
        for _ in range(args.runs):
            empty.append(one_run(CHILD_EMPTY))
            ours.append(one_run(CHILD_APP, str(vault_path)))

    def medians(samples: list[tuple[float, ...]]) -> list[float]:
        return [statistics.median(column) for column in zip(*samples, strict=True)]

    base, mine = medians(empty), medians(ours)
    print(f"cold start, {args.runs} fresh interpreters each, alternating, median ms "
          f"({os.cpu_count()} CPUs, Python {sys.version.split()[0]})")
    print(f"{'':34} {'first paint':>11} {'interp.':>8} {'imports':>8} {'to exit':>8}"
          f" {'CPU to paint':>13}")
    for name, row in (("empty App + Static (baseline)", base), ("ReConnect unlock screen", mine)):
        print(f"{name:34} {row[0]:11.0f} {row[1]:8.0f} {row[2]:8.0f} {row[3]:8.0f} {row[4]:13.0f}")
    ratio = mine[0] / base[0]
    verdict = "ok" if ratio <= 1.2 else "OVER"
    print(f"ratio to first paint: {ratio:.2f}x (goal <= 1.2x) {verdict}")
    cpu_ratio = mine[4] / base[4]
    print(f"ratio of CPU to first paint: {cpu_ratio:.2f}x (moves much less with the load;"
          f" load average {os.getloadavg()[0]:.1f})")

    print("\nimport time, fresh interpreter, median of 5:")
    for module in ("textual.app", "reconnect_tui.app", "reconnect_tui.cli"):
        print(f"  import {module:22} {timed_import(module, 5):7.1f} ms")
    total, ranked = import_breakdown("reconnect_tui.app")
    print(f"\npython -X importtime -c 'import reconnect_tui.app': {total:.1f} ms cumulative;"
          " self time by top-level package:")
    for package, ms in ranked:
        print(f"  {package:24} {ms:7.1f} ms")


if __name__ == "__main__":
    main()
