"""What one commit per deposit saves at the relay's storage, on SQLite and PostgreSQL.

In process, no HTTP: the same deposits made two ways, interleaved in small blocks so a busy
machine's load falls on both alike: "two commits" (``admit`` then ``deposit``, what the relay did
before) and "one commit" (``deposit`` with the admission in its transaction). Prints the median and
p99 per deposit and the ratio. Then SQLite's group commit: ``--threads`` threads depositing at
once into one storage, with group commit and without (``group_commit=False``), alternating
rounds; prints deposits per second and the ratio. The PostgreSQL line needs a server
(``--postgres``, default ``RECONNECT_TEST_POSTGRES`` or
``postgresql://postgres@127.0.0.1:5432/test``).

    python bench/relay_commit.py [--deposits 2000] [--block 50] [--threads 8] [--rounds 4]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconnect_tui import wire as p  # noqa: E402
from reconnect_tui.relay.backends import open_storage  # noqa: E402
from reconnect_tui.relay.sqlite_storage import SQLiteRelayStorage  # noqa: E402
from reconnect_tui.relay.storage import Admission, Budget, RelayStorage  # noqa: E402

BUDGET = Budget(total_bytes=1 << 40, source="127.0.0.1", source_bytes_per_hour=1 << 40)


def run(storage: RelayStorage, deposits: int, block: int) -> dict[str, list[float]]:
    owner = secrets.token_bytes(32)
    mailbox = p.new_id()
    storage.claim_mailbox(mailbox, owner, int(time.time()))
    ciphertext = secrets.token_bytes(1064)
    times: dict[str, list[float]] = {"two commits": [], "one commit": []}
    for start in range(0, deposits, block):
        for way in ("two commits", "one commit") if start // block % 2 else (
                "one commit", "two commits"):
            for _ in range(block // 2):
                now = int(time.time())
                admission = Admission(key=owner, nonce=p.new_id(), now=now,
                                      nonce_expires=now + 301, rate_limit=1 << 30,
                                      source="127.0.0.1", source_rate_limit=1 << 30)
                started = time.perf_counter()
                if way == "two commits":
                    storage.admit(admission.key, admission.nonce, now,
                                  nonce_expires=admission.nonce_expires,
                                  rate_limit=admission.rate_limit, source=admission.source,
                                  source_rate_limit=admission.source_rate_limit)
                    storage.deposit(mailbox, p.new_id(), ciphertext, now, expires=now + 3600,
                                    max_count=1 << 30, max_bytes=1 << 40, budget=BUDGET)
                else:
                    storage.deposit(mailbox, p.new_id(), ciphertext, now, expires=now + 3600,
                                    max_count=1 << 30, max_bytes=1 << 40, budget=BUDGET,
                                    admission=admission)
                times[way].append(time.perf_counter() - started)
    return times


def report(name: str, times: dict[str, list[float]]) -> None:
    medians = {}
    for way, values in times.items():
        q = statistics.quantiles(values, n=100)
        medians[way] = statistics.median(values)
        print(f"{name:<11} {way:<12} {len(values):>5} deposits  "
              f"median {medians[way] * 1000:6.3f} ms  p99 {q[98] * 1000:6.3f} ms")
    print(f"{name:<11} one / two commits at the median: "
          f"{medians['one commit'] / medians['two commits']:.2f}x")


def concurrent_rate(storage: RelayStorage, threads: int, per_thread: int) -> float:
    """Deposits per second with ``threads`` threads depositing at once (each its own key)."""
    mailbox = p.new_id()
    storage.claim_mailbox(mailbox, b"o" * 32, int(time.time()))
    ciphertext = secrets.token_bytes(1064)

    def worker(_n: int) -> None:
        key = secrets.token_bytes(32)
        for _ in range(per_thread):
            now = int(time.time())
            storage.deposit(mailbox, p.new_id(), ciphertext, now, expires=now + 3600,
                            max_count=1 << 30, max_bytes=1 << 40, budget=BUDGET,
                            admission=Admission(key=key, nonce=p.new_id(), now=now,
                                                nonce_expires=now + 301, rate_limit=1 << 30))

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, range(threads)))
    return threads * per_thread / (time.perf_counter() - started)


def group_commit(threads: int, rounds: int, per_thread: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        stores = {"group commit": SQLiteRelayStorage(Path(tmp) / "group.db"),
                  "each alone": SQLiteRelayStorage(Path(tmp) / "alone.db", group_commit=False)}
        rates: dict[str, list[float]] = {name: [] for name in stores}
        try:
            for number in range(rounds):
                for name in sorted(stores, reverse=bool(number % 2)):
                    rates[name].append(concurrent_rate(stores[name], threads, per_thread))
        finally:
            for store in stores.values():
                store.close()
    for name, values in rates.items():
        print(f"SQLite      {name:<12} {threads} threads  {statistics.median(values):7.0f} "
              f"deposits/s (median of {rounds} rounds of {threads * per_thread})")
    together, alone = (statistics.median(rates[name]) for name in ("group commit", "each alone"))
    print(f"SQLite      group commit / each alone: {together / alone:.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deposits", type=int, default=2000)
    parser.add_argument("--block", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--postgres", default=os.environ.get(
        "RECONNECT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"))
    args = parser.parse_args()
    print(f"relay commit bench: {args.deposits} deposits per backend, blocks of {args.block}, "
          f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        storage = open_storage(Path(tmp) / "relay.db")
        try:
            report("SQLite", run(storage, args.deposits, args.block))
        finally:
            storage.close()
    group_commit(args.threads, args.rounds, max(1, args.deposits // args.threads // 2))
    try:
        import psycopg

        schema = f"relay_bench_{secrets.token_hex(6)}"
        with psycopg.connect(args.postgres, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
    except Exception as error:  # noqa: BLE001 - the SQLite figures stand alone
        print(f"(no PostgreSQL run: {type(error).__name__})")
        return
    separator = "&" if "?" in args.postgres else "?"
    try:
        storage = open_storage(f"{args.postgres}{separator}options=-csearch_path%3D{schema}")
        try:
            report("PostgreSQL", run(storage, args.deposits, args.block))
        finally:
            storage.close()
    finally:
        with psycopg.connect(args.postgres, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


if __name__ == "__main__":
    main()
