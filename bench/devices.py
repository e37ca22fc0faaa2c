"""Linked devices through a real relay on loopback (docs/devices.md), each figure beside a
baseline measured in the same run.

    .venv/bin/python bench/devices.py [--repeat 3] [--messages 40] [--skip-ten-year]

(a) A second device receiving a ten-year vault (``bench/vault.py``'s build), from the first
device's sync that takes the new device's answer until the new device holds what it was sent,
beside ``reconnect import`` of the same data into a fresh local vault (``portable.read`` and
``import_all``, the command's path without the Argon2id unlock). Goal: under 2x. What the new
device holds is counted per table; where a table did not arrive whole, the figure is said not
to be measurable rather than given for part of the vault.

(b) Per-message cost with two devices on each side (a service user's laptop and work PC, a
provider's office PC and laptop) beside one device each: ``--messages`` messages written on the
user's laptop, then one sync of every device (the laptop first), until each message is in the
conversation on every device of both people; per message = the whole round's time / messages.
Goal: under 2.5x. It needs fan-out to every device (``sync/device_fanout.py``); where the
partner's second device does not receive the messages, it says it is not measurable.

(c) Linking a device end to end, Argon2id included (reported on its own); (d) one crisis-plan
edit reaching the other device (two syncs); (e) ``hlc.merge`` of two 10-field records.

(f) A diary of 5,000 entries on a linked device: the first sync making their records (once),
and a sync with no edit comparing every toolbox table with its records (each sync pays it).

The relay runs in its own process (``tests/relay_server.py``) with the rate limit lifted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from _dyad import pair  # noqa: E402
from relay_server import RelayProcess  # noqa: E402
from vault import build_ten_year_vault  # noqa: E402

from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Toolbox, Vault, portable  # noqa: E402
from reconnect_tui.sync import devices as device_service  # noqa: E402
from reconnect_tui.sync.dyads import Dyads, relay_for  # noqa: E402
from reconnect_tui.sync.hlc import Hlc, Record, merge  # noqa: E402
from reconnect_tui.sync.sync_service import sync_and_process  # noqa: E402

PASSPHRASE = "benchmark passphrase"
RELAY_ARGS = ["--rate-limit", "1000000", "--no-address-limits"]
GOAL_TEN_YEAR = 2.0
GOAL_FANOUT = 2.5
COUNTED = ("goals", "people", "medications", "diary", "exercise_log", "registrations",
           "domain_status_history")
"""Tables whose rows show what a device holds of the toolbox."""


def rows(vault: Vault) -> dict[str, int]:
    with vault.transaction() as conn:
        return {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: S608
                for table in COUNTED}


def timed(func: Callable[[], object]) -> float:
    start = time.perf_counter()
    func()
    return (time.perf_counter() - start) * 1000


def _link(first: Vault, work: Path, url: str, name: str = "Work PC") -> Vault:
    """Invite on ``first``, make the new vault at ``work`` (Argon2id: not timed by callers) and
    send its answer; returns it, open, not yet linked."""
    with relay_for(first, url) as port:
        code = device_service.Devices(first).create_invitation(port, "First")
    bundle, keys = device_service.take_bundle(code, url)
    device_service.create_joined_vault(work, PASSPHRASE, bundle, keys, name, url)
    second = Vault.unlock(work, PASSPHRASE)
    sync_and_process(second, url)  # the answer goes out
    return second


# --- (a) a ten-year vault to a second device ------------------------------------------------


def ten_year(tmp: Path, url: str, scale: float = 1.0) -> None:
    path = tmp / "ten" / "vault.db"
    path.parent.mkdir()
    started = time.perf_counter()
    key, header = build_ten_year_vault(path, scale=scale)
    print(f"(a) built the ten-year vault in {time.perf_counter() - started:.0f} s")
    first = Vault.open_with_key(path, key, header)
    try:
        exported = portable.export_all(first)
        export_file = tmp / "ten-year.json"
        export_file.write_text(portable.dumps(exported), encoding="utf-8")
        held_first = rows(first)

        second = _link(first, tmp / "ten-work" / "vault.db", url)
        try:
            start = time.perf_counter()
            sync_and_process(first, url)  # the answer checked; welcome and records go out
            first_ms = (time.perf_counter() - start) * 1000
            rounds = 0
            while True:
                rounds += 1
                sync_and_process(second, url)
                held = rows(second)
                if all(held[t] >= held_first[t] for t in COUNTED) or rounds >= 20:
                    break
            received_ms = (time.perf_counter() - start) * 1000
            linked = not device_service.Devices(second).joining()
        finally:
            second.close()
    finally:
        first.close()

    whole_ms = import_ms(tmp / "import-whole", export_file)
    size = export_file.stat().st_size
    print(f"    export of the toolbox {size / 1024:.0f} KiB; linked {linked}, {rounds} syncs on"
          " the new device")
    print(f"    rows on the first device: {held_first}")
    print(f"    rows on the new device:   {held}")
    print(f"    new device receives what it was sent: {received_ms:8.0f} ms (the first device's"
          f" sync {first_ms:.0f} ms, the new device's {received_ms - first_ms:.0f} ms)")
    print(f"    baseline: import of the whole ten-year export locally: {whole_ms:8.0f} ms")
    missing = [t for t in COUNTED if held[t] < held_first[t]]
    if not missing:
        ratio = received_ms / whole_ms
        print(f"    the whole vault arrived: {ratio:.2f}x the local import of it (goal <"
              f" {GOAL_TEN_YEAR}x: {'ok' if ratio < GOAL_TEN_YEAR else 'OVER'})")
        return
    print(f"    the whole vault: NOT MEASURABLE YET: the new device did not receive"
          f" {', '.join(missing)} (arrived: {', '.join(t for t in COUNTED if held[t])})")


def import_ms(folder: Path, export_file: Path) -> float:
    """``reconnect import --replace FILE`` into a fresh vault, less the Argon2id unlock."""
    vault, _code = Vault.create(folder / "vault.db", PASSPHRASE, Profile("Bench"))
    try:
        return timed(lambda: portable.import_all(vault, portable.read(export_file),
                                                 replace=True))
    finally:
        vault.close()


# --- (b) per-message cost, two devices each side ---------------------------------------------


def people(tmp: Path, url: str, devices_each: int) -> tuple[list[Vault], list[Vault]]:
    """A user and a provider, paired; with ``devices_each`` 2 each links a second device.
    Returns (the user's devices, the provider's devices), the paired device first."""
    base = tmp / f"people{devices_each}"
    provider, _ = Vault.create(base / "p" / "vault.db", PASSPHRASE,
                               Profile("Dr Bench", Role.PROVIDER))
    user, _ = Vault.create(base / "u" / "vault.db", PASSPHRASE, Profile("Bench User"))
    pair(provider, user, url)
    users, providers = [user], [provider]
    if devices_each == 2:
        for side, name in ((users, "Work PC"), (providers, "Office laptop")):
            second = _link(side[0], base / name.replace(" ", "-") / "vault.db", url, name)
            sync_and_process(side[0], url)
            sync_and_process(second, url)
            side.append(second)
        for _ in range(3):  # lists, dyad hand-over and one-time keys settle
            for vault in (*users, *providers):
                sync_and_process(vault, url)
    return users, providers


def received(vault: Vault, text: str) -> int:
    dyads = Dyads(vault)
    partners = dyads.partners()
    if not partners:
        return 0
    return sum(1 for m in dyads.conversation(partners[0].id) if m.text.startswith(text))


def per_message(tmp: Path, url: str, devices_each: int, count: int
                ) -> tuple[float | None, float, str]:
    """(ms per message with every device holding it or None, sender's ms per message, note)."""
    users, providers = people(tmp, url, devices_each)
    try:
        sender = Dyads(users[0])
        partner = sender.partners()[0].id
        everyone = [*users, *providers]
        prefix = f"bench message {devices_each}:"
        start = time.perf_counter()
        for i in range(count):
            sender.send(partner, f"{prefix} {i} " + "Jeg gikk en tur i dag, og det hjalp. " * 4)
        sync_and_process(users[0], url)
        sent = time.perf_counter()
        for vault in everyone[1:]:
            sync_and_process(vault, url)
        total = time.perf_counter() - start
        holding = [received(vault, prefix) for vault in everyone]
        note = f"held per device {holding}"
        whole = all(n == count for n in holding)
        return (total * 1000 / count if whole else None), (sent - start) * 1000 / count, note
    finally:
        for vault in (*users, *providers):
            vault.close()


def fanout(tmp: Path, url: str, count: int) -> None:
    one, one_sender, one_note = per_message(tmp, url, 1, count)
    two, two_sender, two_note = per_message(tmp, url, 2, count)
    print(f"(b) {count} messages from the user's first device, then one sync of each device")
    print(f"    one device each:  {one or float('nan'):7.1f} ms/message everywhere,"
          f" sender {one_sender:6.1f} ms/message ({one_note})")
    if two is None or one is None:
        print(f"    two devices each: NOT MEASURABLE YET: not every device received every message"
              f" ({two_note}); fan-out to every device is needed (sync/device_fanout.py)")
        return
    ratio = two / one
    print(f"    two devices each: {two:7.1f} ms/message everywhere, sender {two_sender:6.1f}"
          f" ms/message ({two_note})")
    verdict = "ok" if ratio < GOAL_FANOUT else "OVER"
    print(f"    ratio {ratio:.2f}x (goal < {GOAL_FANOUT}x: {verdict}); the sender's part"
          f" {two_sender / one_sender:.2f}x")


# --- (c)-(e) linking, one edit, a merge --------------------------------------------------------


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


def load() -> str:
    with open("/proc/loadavg", encoding="ascii") as f:
        return " ".join(f.read().split()[:3])


def rows_ms(workdir: Path, entries: int = 5000, repeat: int = 5) -> tuple[float, float]:
    """(first local_changes ms, median ms of a local_changes with no edit)."""
    from datetime import UTC, datetime

    from reconnect_tui.sync.device_rows import DeviceRows

    vault, _code = Vault.create(workdir / "rows" / "vault.db", PASSPHRASE, Profile("Kari"))
    with vault.transaction() as conn:
        conn.executemany("INSERT INTO diary(written_at, text) VALUES (?, ?)",
                         [(f"2026-01-01T00:00:{i % 60:02d}+00:00", f"Entry {i} " + "x" * 300)
                          for i in range(entries)])
    rows = DeviceRows(vault, "bench-device")
    now = datetime.now(UTC)
    start = time.perf_counter()
    with vault.transaction():
        rows.local_changes(now)
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        with vault.transaction():
            rows.local_changes(now)
        times.append((time.perf_counter() - start) * 1000)
    vault.close()
    return first, statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--skip-ten-year", action="store_true")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="(a) only: that fraction of the ten-year vault (quick runs)")
    parser.add_argument("--only-ten-year", action="store_true", help="(a) only")
    args = parser.parse_args()
    print(f"load average at start {load()}", flush=True)
    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as folder:
        tmp = Path(folder)
        relay = RelayProcess(tmp / "relay", extra_args=RELAY_ARGS).start()
        try:
            if not args.skip_ten_year:
                ten_year(tmp, relay.url, args.scale)
            if args.only_ten_year:
                return
            fanout(tmp, relay.url, args.messages)
            runs = [link_once(tmp / f"run{i}", relay.url) for i in range(args.repeat)]
        finally:
            relay.stop()
    totals, creations, rounds = zip(*runs, strict=True)
    print(f"(c) link a device: median {statistics.median(totals):.0f} ms"
          f" (of which making the new vault, Argon2id included:"
          f" {statistics.median(creations):.0f} ms), {args.repeat} runs")
    print(f"(d) one crisis-plan edit to the other device (two syncs):"
          f" median {statistics.median(rounds):.0f} ms")
    print(f"(e) hlc.merge of two 10-field records: {merge_us():.1f} µs")
    print(f"load average at the end {load()}")
    with tempfile.TemporaryDirectory() as tmp:
        first, later = rows_ms(Path(tmp))
    print(f"(f) 5,000 diary entries: first sync's records {first:.0f} ms;"
          f" a sync with no edit {later:.0f} ms (median of 5)")


if __name__ == "__main__":
    main()
