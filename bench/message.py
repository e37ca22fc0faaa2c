"""Sending one dyad message end to end, beside a bare POST of the same size.

    .venv/bin/python bench/message.py [--count 300]

Ours: ``Dyads.send`` (Olm ratchet step, padding, outer seal, one vault transaction holding the
new session, the message row and the outbox entry) and then its delivery as the sync engine
does it: a signed ``POST /v1/mailboxes/{id}/envelopes`` to the real relay and the "delivered"
mark (a second transaction). Baselines, in the same run:

- a bare Starlette app on loopback that answers 201 to a POST, sent a body of the same size with
  a plain httpx client;
- the physical floor: the same bytes committed durably (WAL, ``synchronous=FULL``, so fsync'd) to
  an SQLite file on the sending side, then POSTed to a bare Starlette app that commits them
  durably to its own SQLite file before answering 201. No signature, no encryption, no replay
  check: what any durable store-and-forward of one message costs on this machine.

All servers run in their own process. Goals: ours <= 2x the floor at the median (issue 20) and
<= 3x the bare POST, our p99 <= 5 ms. What the relay still promises on top of the floor: the
signature of every request, replay refusal (a nonce table in the same transaction), and fsync
before the 201.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from _dyad import pair  # noqa: E402
from relay_server import RelayProcess, free_port  # noqa: E402

from reconnect_tui import wire  # noqa: E402
from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Vault  # noqa: E402
from reconnect_tui.sync.dyads import Dyads  # noqa: E402
from reconnect_tui.sync.service import connect  # noqa: E402

PASSPHRASE = "benchmark passphrase"
TEXT = "Hei! Jeg har gått tur tre dager på rad nå, og det hjelper. " * 5  # ~300 B: 1 KiB bucket
GOAL_RATIO = 3.0
GOAL_FLOOR_RATIO = 2.0
GOAL_P99_MS = 5.0

BARE_APP = textwrap.dedent("""
    import sys, uvicorn
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def deposit(request):
        await request.body()
        return JSONResponse({"stored": True}, status_code=201)

    async def health(request):
        return JSONResponse({"status": "ok"})

    conn = None
    if len(sys.argv) > 2:  # the floor: commit each body durably before answering
        import sqlite3
        conn = sqlite3.connect(sys.argv[2], isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        conn.execute("CREATE TABLE IF NOT EXISTS envelopes (id INTEGER PRIMARY KEY, body BLOB)")

    async def durable_deposit(request):
        body = await request.body()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO envelopes (body) VALUES (?)", (body,))
        conn.execute("COMMIT")
        return JSONResponse({"stored": True}, status_code=201)

    app = Starlette(routes=[Route("/envelopes", durable_deposit if conn else deposit,
                                  methods=["POST"]),
                            Route("/health", health)])
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
                access_log=False)
""")


def p99(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=100)[98]


def paired_vaults(tmp: Path, url: str) -> tuple[Vault, Vault, int]:
    provider, _ = Vault.create(tmp / "p.db", PASSPHRASE, Profile("Dr Bench", Role.PROVIDER))
    user, _ = Vault.create(tmp / "u.db", PASSPHRASE, Profile("Bench User"))
    pair(provider, user, url)
    partner = Dyads(user).partners()[0]
    assert partner.status == "paired"
    return provider, user, partner.id


def measure_ours(user: Vault, url: str, partner_id: int, count: int
                 ) -> tuple[dict[str, list[float]], int]:
    """Per send: ``Dyads.send`` + the outbox read + the signed POST (until the relay's 201);
    then, apart, the "delivered" mark, and a signed POST of the same envelope size made with
    no vault work at all (the relay's own share)."""
    dyads = Dyads(user)
    samples: dict[str, list[float]] = {"e2e": [], "send": [], "post": [], "mark": [],
                                       "relay": []}
    size = 0
    with connect(user, url) as engine:
        for i in range(count + 20):
            start = time.perf_counter()
            message = dyads.send(partner_id, TEXT)
            [envelope] = engine.state.due(None)
            sent = time.perf_counter()
            engine.relay.deposit(envelope.mailbox_id, envelope.envelope_id, envelope.ciphertext)
            posted = time.perf_counter()
            engine.state.mark_delivered(envelope.id, time.time())
            marked = time.perf_counter()
            engine.relay.deposit(envelope.mailbox_id, wire.new_id(), envelope.ciphertext)
            bare_relay = time.perf_counter()
            if i >= 20:  # warm-up rounds are not counted
                for name, ms in (("e2e", posted - start), ("send", sent - start),
                                 ("post", posted - sent), ("mark", marked - posted),
                                 ("relay", bare_relay - marked)):
                    samples[name].append(ms * 1000)
            size = len(wire.encode_deposit(envelope.envelope_id, envelope.ciphertext))
        assert message.status == "queued" and not engine.state.due(None)
    return samples, size


def local_store(path: Path) -> sqlite3.Connection:
    """The sending side of the floor: one durable SQLite commit per message."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE envelopes (id INTEGER PRIMARY KEY, body BLOB)")
    return conn


def measure_bare(size: int, count: int, floor_dir: Path | None = None) -> list[float]:
    """A bare POST of ``size`` bytes; with ``floor_dir``, the physical floor: a durable commit
    of the bytes on this side, then the POST to a server that commits them durably too."""
    port = free_port()
    command = [sys.executable, "-c", BARE_APP, str(port)]
    local = None
    if floor_dir is not None:
        command.append(str(floor_dir / "server.db"))
        local = local_store(floor_dir / "client.db")
    server = subprocess.Popen(command)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 20
        while True:
            try:
                httpx.get(url + "/health", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("the bare Starlette app did not start") from None
                time.sleep(0.05)
        body = b"x" * size
        samples: list[float] = []
        with httpx.Client(base_url=url) as client:
            for i in range(count + 20):
                start = time.perf_counter()
                if local is not None:
                    local.execute("BEGIN")
                    local.execute("INSERT INTO envelopes (body) VALUES (?)", (body,))
                    local.execute("COMMIT")
                response = client.post("/envelopes", content=body,
                                       headers={"Content-Type": "application/json"})
                elapsed = (time.perf_counter() - start) * 1000
                if response.status_code != 201:
                    raise SystemExit(f"bare POST answered {response.status_code}")
                if i >= 20:
                    samples.append(elapsed)
        return samples
    finally:
        server.terminate()
        server.wait(10)
        if local is not None:
            local.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="reconnect-bench-") as folder:
        tmp = Path(folder)
        with RelayProcess(tmp / "relay", extra_args=["--rate-limit", "1000000",
                                                     "--no-address-limits"]) as relay:
            provider, user, partner_id = paired_vaults(tmp, relay.url)
            try:
                ours, size = measure_ours(user, relay.url, partner_id, args.count)
            finally:
                provider.close()
                user.close()
        bare = measure_bare(size, args.count)
        floor = measure_bare(size, args.count, floor_dir=tmp)
    e2e = ours["e2e"]
    median_e2e, median_bare = statistics.median(e2e), statistics.median(bare)
    ratio = median_e2e / median_bare
    floor_ratio = median_e2e / statistics.median(floor)
    print(f"{args.count} sends, request body {size} bytes; ms")
    print(f"{'case':52} {'median':>8} {'p99':>8}")
    rows = [
        ("ours: send (ratchet + commit) + POST to the relay", e2e),
        ("  of which send: ratchet, seal, one vault commit", ours["send"]),
        ("  of which the signed POST to the relay (201)", ours["post"]),
        ("after: the 'delivered' mark (a second commit)", ours["mark"]),
        ("baseline: signed POST, same size, to the relay", ours["relay"]),
        ("baseline: bare POST, same size, bare Starlette", bare),
        ("floor: durable commit here + POST + durable commit", floor),
    ]
    for name, values in rows:
        print(f"{name:52} {statistics.median(values):8.2f} {p99(values):8.2f}")
    print(f"ratio to the physical floor at the median {floor_ratio:.2f}x (goal <= "
          f"{GOAL_FLOOR_RATIO}x: {'ok' if floor_ratio <= GOAL_FLOOR_RATIO else 'OVER'})")
    print(f"ratio to the bare POST at the median {ratio:.2f}x (goal <= {GOAL_RATIO}x: "
          f"{'ok' if ratio <= GOAL_RATIO else 'OVER'}); to the relay's own POST "
          f"{median_e2e / statistics.median(ours['relay']):.2f}x; our p99 {p99(e2e):.2f} ms "
          f"(goal <= {GOAL_P99_MS} ms: {'ok' if p99(e2e) <= GOAL_P99_MS else 'OVER'})")


if __name__ == "__main__":
    main()
