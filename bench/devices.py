"""Linked devices through a real relay on loopback (docs/devices.md).

    .venv/bin/python bench/devices.py [--repeat 3]

(a) Linking a second device, end to end, in one process: the first device's invite, the new
device taking the code and making its vault (Argon2id at the product's parameters: reported on
its own), the first device's sync that checks the answer and sends the welcome with the toolbox
snapshot, and the new device's sync that stores it.

(b) One crisis-plan edit reaching the other device: the edit, the first device's sync (the
record found, stamped, encrypted, deposited), the second device's sync (fetched, decrypted,
merged, written).

(c) ``hlc.merge`` of two crisis-plan records (10 fields): microseconds per merge.

The relay runs in its own process (``tests/relay_server.py``) with the rate limit lifted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from relay_server import RelayProcess  # noqa: E402

from reconnect_tui.model import Profile  # noqa: E402
from reconnect_tui.store import Toolbox, Vault  # noqa: E402
from reconnect_tui.sync import devices as device_service  # noqa: E402
from reconnect_tui.sync.dyads import relay_for  # noqa: E402
from reconnect_tui.sync.hlc import Hlc, Record, merge  # noqa: E402
from reconnect_tui.sync.sync_service import sync_and_process  # noqa: E402

PASSPHRASE = "benchmark passphrase"
RELAY_ARGS = ["--rate-limit", "1000000", "--no-address-limits"]


def link_once(workdir: Path, url: str) -> tuple[float, float, float]:
    """(total ms, vault creation ms, record round ms)."""
    first_path = workdir / "laptop" / "vault.db"
    first, _code = Vault.create(first_path, PASSPHRASE, Profile("Kari Nordmann"))
    plan = Toolbox(first).crisis_plan.get()
    plan.warning_signs = "I stop answering the phone"
    Toolbox(first).crisis_plan.save(plan)
    new_path = workdir / "work" / "vault.db"
    start = time.perf_counter()
    with relay_for(first, url) as port:
        code = device_service.Devices(first).create_invitation(port, "Laptop")
    bundle, keys = device_service.take_bundle(code, url)
    made = time.perf_counter()
    device_service.create_joined_vault(new_path, PASSPHRASE, bundle, keys, "Work PC", url)
    created = time.perf_counter()
    second = Vault.unlock(new_path, PASSPHRASE)
    unlocked = time.perf_counter()
    sync_and_process(second, url)  # the answer goes out
    sync_and_process(first, url)  # checked; the welcome goes out
    sync_and_process(second, url)  # linked
    total = time.perf_counter() - start - (unlocked - created)  # the unlock is the bench's own
    assert not device_service.Devices(second).joining()
    sync_and_process(second, url)
    sync_and_process(first, url)
    round_start = time.perf_counter()
    plan = Toolbox(first).crisis_plan.get()
    plan.self_help = "A walk by the river"
    Toolbox(first).crisis_plan.save(plan)
    sync_and_process(first, url)
    sync_and_process(second, url)
    round_ms = (time.perf_counter() - round_start) * 1000
    assert Toolbox(second).crisis_plan.get().self_help == "A walk by the river"
    first.close()
    second.close()
    return total * 1000, (created - made) * 1000, round_ms


def merge_us(repetitions: int = 20_000) -> float:
    a, b = Hlc("laptop"), Hlc("phone")
    fields = [f"field{i}" for i in range(10)]
    left = Record().edit({f: "x" * 200 for f in fields}, a.tick(1000))
    right = Record().edit({f: "y" * 200 for f in fields[::2]}, b.tick(2000))
    start = time.perf_counter()
    for _ in range(repetitions):
        merge(left, right)
    return (time.perf_counter() - start) / repetitions * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        relay = RelayProcess(Path(tmp) / "relay", extra_args=RELAY_ARGS).start()
        try:
            runs = [link_once(Path(tmp) / f"run{i}", relay.url) for i in range(args.repeat)]
        finally:
            relay.stop()
    totals, creations, rounds = zip(*runs, strict=True)
    print(f"(a) link a device: median {statistics.median(totals):.0f} ms"
          f" (of which making the new vault, Argon2id included:"
          f" {statistics.median(creations):.0f} ms), {args.repeat} runs")
    print(f"(b) one crisis-plan edit to the other device (two syncs):"
          f" median {statistics.median(rounds):.0f} ms")
    print(f"(c) hlc.merge of two 10-field records: {merge_us():.1f} µs")


if __name__ == "__main__":
    main()
