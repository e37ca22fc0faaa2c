"""Receiving through a real relay on loopback: the sync engine beside bare relay calls.

    .venv/bin/python bench/sync.py [--repeat 5]

(a) 1,000 new envelopes (1 KiB padded bucket, already deposited) fetched into a vault by one
``engine.sync()``: two fetches of 500, one transaction each, then the acknowledgements. The
baseline, in the same run against the same relay: the same health + fetch + ack calls made
with a bare ``RelayClient`` and no vault. Goal: <= 100 ms. Each repetition uses a fresh copy
of a new vault and a fresh mailbox.

(b) 10 new envelopes synced into the ten-year vault (``bench/vault.py``: 50k inbox rows)
beside the same into a new, empty vault; the two alternate. Goal: ratio <= 1.5x.

The relay runs in its own process (``tests/relay_server.py``) with the rate limit lifted.
Deposits happen before the clock starts, from four threads.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import nacl.bindings
import nacl.signing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from relay_server import RelayProcess  # noqa: E402
from vault import build_ten_year_vault  # noqa: E402

from reconnect_tui import wire  # noqa: E402
from reconnect_tui.model import Profile  # noqa: E402
from reconnect_tui.store import Vault  # noqa: E402
from reconnect_tui.store import keys as vault_keys  # noqa: E402
from reconnect_tui.store.repositories.sync_state import SyncStateRepository  # noqa: E402
from reconnect_tui.sync.client import RelayClient  # noqa: E402
from reconnect_tui.sync.engine import FETCH_BATCH  # noqa: E402
from reconnect_tui.sync.service import connect  # noqa: E402
from reconnect_tui.wire.padding import pad  # noqa: E402

PASSPHRASE = "benchmark passphrase"
RELAY_ARGS = ["--rate-limit", "1000000", "--no-address-limits"]
GOAL_MS = 100.0
GOAL_RATIO = 1.5
MESSAGE_BYTES = 600  # padded to the 1 KiB bucket, as a few paragraphs would be


def envelope() -> bytes:
    """Opaque ciphertext of a realistic size: XChaCha20-Poly1305 over a padded message."""
    nonce = secrets.token_bytes(24)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        pad(secrets.token_bytes(MESSAGE_BYTES)), None, nonce, secrets.token_bytes(32)
    )


def deposit(url: str, mailbox_id: str, count: int, threads: int = 4) -> None:
    """``count`` envelopes into a mailbox, each thread signing with its own key."""

    def worker(n: int) -> None:
        with RelayClient(url, nacl.signing.SigningKey.generate()) as client:
            for _ in range(n):
                if not client.deposit(mailbox_id, wire.new_id(), envelope()):
                    raise SystemExit("the relay already had a new envelope")

    shares = [count // threads + (i < count % threads) for i in range(threads)]
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        list(pool.map(worker, shares))


def new_mailbox(vault: Vault, url: str) -> str:
    """A mailbox this vault reads, already claimed at the relay (the engine only fetches)."""
    state = SyncStateRepository(vault)
    mailbox_id = wire.new_id()
    state.add_mailbox(mailbox_id, "in", "bench")
    with RelayClient(url, wire.relay_signing_key(state.device_seed())) as client:
        client.claim_mailbox(mailbox_id)
    state.mark_claimed(mailbox_id)
    return mailbox_id


def timed_sync(vault: Vault, url: str, expected: int) -> float:
    """Milliseconds of one ``engine.sync()`` (the engine and its client made beforehand)."""
    with connect(vault, url) as engine:
        start = time.perf_counter()
        report = engine.sync()
        elapsed = (time.perf_counter() - start) * 1000
    if report.offline or report.received != expected:
        raise SystemExit(f"sync received {report.received} of {expected} ({report.error})")
    if SyncStateRepository(vault).unacked():
        raise SystemExit("sync left envelopes unacknowledged")
    return elapsed


def timed_bare(url: str, key: nacl.signing.SigningKey, mailbox_id: str, expected: int) -> float:
    """The baseline: the engine's relay calls for one receive, with nothing kept."""
    with RelayClient(url, key) as client:
        start = time.perf_counter()
        client.health()
        cursor, ids = 0, []
        while True:
            page = client.fetch(mailbox_id, since=cursor, limit=FETCH_BATCH)
            ids += [e.id for e in page.envelopes]
            cursor = max(cursor, page.cursor)
            if not page.more or not page.envelopes:
                break
        for first in range(0, len(ids), FETCH_BATCH):
            client.acknowledge(mailbox_id, ids[first : first + FETCH_BATCH])
        elapsed = (time.perf_counter() - start) * 1000
    if len(ids) != expected:
        raise SystemExit(f"bare fetch got {len(ids)} of {expected}")
    return elapsed


def copy_of(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True)
    target = folder / "vault.db"
    shutil.copyfile(template, target)
    shutil.copyfile(vault_keys.header_path(template), vault_keys.header_path(target))
    return target


def part_a(url: str, tmp: Path, repeat: int, count: int = 1000) -> tuple[float, float]:
    template = tmp / "template" / "vault.db"
    vault, _code = Vault.create(template, PASSPHRASE, Profile(name="Bench"))
    key, header = vault.key, vault_keys.read_header(template)
    SyncStateRepository(vault).device_seed()  # made once, so every copy has the same relay key
    vault.close()
    ours: list[float] = []
    bare: list[float] = []
    for i in range(repeat):
        path = copy_of(template, tmp / f"a{i}")
        with Vault.open_with_key(path, key, header) as copy:
            mailbox_id = new_mailbox(copy, url)
            deposit(url, mailbox_id, count)
            ours.append(timed_sync(copy, url, count))
            # The baseline's mailbox, claimed with the same key; only the bare client reads it.
            relay_key = wire.relay_signing_key(SyncStateRepository(copy).device_seed())
            mailbox_id = new_mailbox(copy, url)
        deposit(url, mailbox_id, count)
        bare.append(timed_bare(url, relay_key, mailbox_id, count))
    return statistics.median(ours), statistics.median(bare)


def part_b(url: str, tmp: Path, repeat: int, count: int = 10) -> tuple[float, float]:
    big_path = tmp / "ten-year" / "vault.db"
    started = time.perf_counter()
    key, header = build_ten_year_vault(big_path)
    print(f"built ten-year vault in {time.perf_counter() - started:.1f} s "
          f"({big_path.stat().st_size / 1e6:.0f} MB)")
    empty, _code = Vault.create(tmp / "empty" / "vault.db", PASSPHRASE, Profile(name="Bench"))
    big = Vault.open_with_key(big_path, key, header)
    samples: dict[str, list[float]] = {"big": [], "empty": []}
    try:
        vaults = {"big": big, "empty": empty}
        mailboxes = {name: new_mailbox(v, url) for name, v in vaults.items()}
        for name, v in vaults.items():  # warm up: first connection, first write to the file
            deposit(url, mailboxes[name], count)
            timed_sync(v, url, count)
        for _ in range(repeat):
            for name, v in vaults.items():
                deposit(url, mailboxes[name], count)
                samples[name].append(timed_sync(v, url, count))
        inbox = SyncStateRepository(big).received_count()
    finally:
        big.close()
        empty.close()
    print(f"ten-year vault inbox now holds {inbox} rows")
    return statistics.median(samples["big"]), statistics.median(samples["empty"])


def report(name: str, ours: float, base: float, goal: str, ok: Callable[[], bool]) -> None:
    print(f"{name:46} {ours:8.1f} {base:8.1f} {ours / base:6.2f}x  {goal} "
          f"{'ok' if ok() else 'OVER'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as folder:
        tmp = Path(folder)
        with RelayProcess(tmp / "relay", extra_args=RELAY_ARGS) as relay:
            a_ours, a_bare = part_a(relay.url, tmp, args.repeat)
            b_big, b_empty = part_b(relay.url, tmp, args.repeat + 2)
    print(f"\nmedian ms; (a) of {args.repeat} runs, (b) of {args.repeat + 2}")
    print(f"{'case':46} {'ours':>8} {'base':>8} {'ratio':>7}  goal")
    report("(a) 1,000 envelopes: engine.sync() | bare client", a_ours, a_bare,
           f"<= {GOAL_MS:.0f} ms", lambda: a_ours <= GOAL_MS)
    report("(b) 10 envelopes: 50k-row vault | empty vault", b_big, b_empty,
           f"<= {GOAL_RATIO}x", lambda: b_big / b_empty <= GOAL_RATIO)


if __name__ == "__main__":
    main()
