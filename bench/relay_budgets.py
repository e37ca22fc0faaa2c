"""Cost of the relay's per-address budgets at the storage: admit + deposit, with and without.

In process, one SQLite file each (WAL, synchronous=FULL as served), the same signed-request
bookkeeping the app does: ``admit`` (nonce, key counter, and with budgets the address counter)
then ``deposit`` (quota, total budget, and with budgets the address's byte counter). Rounds
alternate between the two so that a busy machine slows both alike; prints the median per round.

    python bench/relay_budgets.py [--requests 400] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconnect_tui import wire as p  # noqa: E402
from reconnect_tui.relay.config import RelayConfig  # noqa: E402
from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage  # noqa: E402
from reconnect_tui.relay.storage import Budget  # noqa: E402

CONFIG = RelayConfig()


def round_(storage: SQLiteRelayStorage, mailbox: str, n: int, budgets: bool) -> float:
    """Seconds per request for ``n`` admit + deposit pairs."""
    key = secrets.token_bytes(32)
    source = "192.0.2.10" if budgets else None
    budget = Budget(total_bytes=CONFIG.max_total_bytes, source=source,
                    source_bytes_per_hour=10**15)
    ciphertext = secrets.token_bytes(1064)  # the 1 KiB bucket + AEAD overhead
    now = int(time.time())
    started = time.perf_counter()
    for _ in range(n):
        storage.admit(key, p.new_id(), now, nonce_expires=now + 600, rate_limit=10**9,
                      source=source, source_rate_limit=10**9)
        storage.deposit(mailbox, p.new_id(), ciphertext, now, expires=now + 3600,
                        max_count=10**9, max_bytes=10**15, budget=budget)
    return (time.perf_counter() - started) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    print(f"relay budgets bench: {args.rounds} x {args.requests} admit+deposit each way, "
          f"{os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory() as tmp:
        stores = {flag: SQLiteRelayStorage(Path(tmp) / f"{flag}.db") for flag in (False, True)}
        mailbox = p.new_id()
        for storage in stores.values():
            storage.claim_mailbox(mailbox, b"\x00" * 32, 0)
        times: dict[bool, list[float]] = {False: [], True: []}
        for _ in range(args.rounds):
            for flag in (False, True):
                times[flag].append(round_(stores[flag], mailbox, args.requests, flag))
        for storage in stores.values():
            storage.close()
    without, with_ = (statistics.median(times[flag]) * 1000 for flag in (False, True))
    print(f"{'baseline: no address budgets':<34} {without:6.2f} ms per request (median round)")
    print(f"{'ours: with address budgets':<34} {with_:6.2f} ms per request (median round)")
    print(f"ratio: {with_ / without:.2f}x")


if __name__ == "__main__":
    main()
