"""Durable POST throughput of the relay against a bare in-memory Starlette app.

Both servers run under the same uvicorn settings in their own process on 127.0.0.1; this
process is the load: a fixed number of envelope uploads (signed, 1 KiB padded bucket) from a
bounded thread pool, with a time bound. The baseline stores bodies in a dict and checks nothing;
the relay verifies Ed25519, records the nonce and rate counter, and commits each envelope to
SQLite (WAL, synchronous=FULL) before answering; a third run adds the per-address budgets
(counters only: set so high they never refuse). With a PostgreSQL server answering at
``--postgres`` (default ``RECONNECT_TEST_POSTGRES`` or ``postgresql://postgres@127.0.0.1:5432/test``)
a fourth run serves the same load from PostgreSQL (a fresh schema, dropped afterwards). Prints the
figures and ratios (goal >= 0.5).

    python bench/relay.py [--requests 3000] [--threads 8] [--time-bound 60] [--postgres URL]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import os
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx
import nacl.bindings
import nacl.signing

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from reconnect_tui import wire as p  # noqa: E402
from reconnect_tui.wire.padding import pad  # noqa: E402

UVICORN_SETTINGS = {"access_log": False, "log_config": None, "server_header": False,
                    "lifespan": "on", "log_level": "warning"}


def serve_bare(port: int) -> None:
    """The baseline: same route shape, bodies kept in memory, no checks."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    store: dict[tuple[str, bytes], bytes] = {}

    async def health(request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok", "protocol": 1})

    async def deposit(request: Request) -> JSONResponse:
        body = await request.body()
        store[(request.path_params["mailbox"], body[:64])] = body
        return JSONResponse({"stored": True}, status_code=201)

    app = Starlette(routes=[Route("/health", health),
                            Route("/v1/mailboxes/{mailbox}/envelopes", deposit,
                                  methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, **UVICORN_SETTINGS)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(command: list[str], url: str) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + "/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit(f"server did not start: {' '.join(command)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def prepare(n: int, threads: int, mailbox: str) -> list[list[tuple[str, bytes, dict[str, str]]]]:
    """Signed requests built before the clock starts, one list per thread (one key each)."""
    share_key = secrets.token_bytes(32)
    target = f"/v1/mailboxes/{mailbox}/envelopes"
    batches: list[list[tuple[str, bytes, dict[str, str]]]] = [[] for _ in range(threads)]
    keys = [nacl.signing.SigningKey.generate() for _ in range(threads)]
    for i in range(n):
        nonce = secrets.token_bytes(24)
        sealed = nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
            pad(secrets.token_bytes(600)), None, nonce, share_key)
        body = p.encode_deposit(p.new_id(), sealed)
        headers = p.sign_request(keys[i % threads], "POST", target, body,
                                 timestamp=int(time.time()))
        headers["Content-Type"] = "application/json"
        batches[i % threads].append((target, body, headers))
    return batches


def load(url: str, batches: list[list[tuple[str, bytes, dict[str, str]]]],
         time_bound: float) -> tuple[int, float, list[float]]:
    """Send every batch from its own thread; returns (successes, seconds, latencies)."""
    deadline = time.monotonic() + time_bound
    latencies: list[float] = []
    lock = threading.Lock()
    failures = 0

    def worker(batch: list[tuple[str, bytes, dict[str, str]]]) -> int:
        nonlocal failures
        done = 0
        with httpx.Client(base_url=url, timeout=30) as client:
            for target, body, headers in batch:
                if time.monotonic() > deadline:
                    break
                started = time.perf_counter()
                response = client.post(target, content=body, headers=headers)
                elapsed = time.perf_counter() - started
                with lock:
                    latencies.append(elapsed)
                    if response.status_code != 201:
                        failures += 1
                done += response.status_code == 201
        return done

    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(len(batches)) as pool:
        ok = sum(pool.map(worker, batches))
    seconds = time.perf_counter() - started
    if failures:
        print(f"  warning: {failures} requests were not answered 201", file=sys.stderr)
    return ok, seconds, latencies


def report(name: str, ok: int, seconds: float, latencies: list[float]) -> float:
    rate = ok / seconds
    quantiles = statistics.quantiles(latencies, n=100)
    print(f"{name:<28} {ok:>6} ok in {seconds:6.2f} s  {rate:8.0f} req/s  "
          f"p50 {quantiles[49] * 1000:6.2f} ms  p95 {quantiles[94] * 1000:6.2f} ms")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time-bound", type=float, default=60.0)
    parser.add_argument("--postgres", default=os.environ.get(
        "RECONNECT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"),
        help="PostgreSQL server for the fourth run ('' to skip it)")
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return

    mailbox = p.new_id()
    owner = nacl.signing.SigningKey.generate()
    print(f"relay bench: {args.requests} signed envelope uploads (1 KiB bucket), "
          f"{args.threads} client threads, {os.cpu_count()} CPUs, loopback")

    port = free_port()
    bare = start([sys.executable, __file__, "--serve-bare", str(port)],
                 f"http://127.0.0.1:{port}")
    try:
        base = report("bare Starlette (in memory)",
                      *load(f"http://127.0.0.1:{port}",
                            prepare(args.requests, args.threads, mailbox), args.time_bound))
    finally:
        stop(bare)

    # The per-address budgets are on in the second run, set high enough never to refuse: what
    # is measured is their bookkeeping (two more counters in the request's transactions).
    budgets = ["--address-rate-limit", "1000000000", "--address-mib-per-hour", "1000000"]
    rates = []
    runs = [("relay (SQLite, sync=FULL)", ["--no-address-limits"], None),
            ("relay + address budgets", budgets, None)]
    schema = postgres_schema(args.postgres) if args.postgres else None
    if schema is not None:
        runs.append(("relay (PostgreSQL)", ["--no-address-limits"], schema))
    for name, extra, database in runs:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            db = database or str(Path(tmp) / "relay.db")
            relay = start([sys.executable, "-m", "reconnect_tui.relay", "serve", "--port",
                           str(port), "--db", db, "--rate-limit",
                           "1000000000", *extra, "--log-level", "warning"], url)
            try:
                from reconnect_tui.sync.client import RelayClient

                with RelayClient(url, owner) as client:
                    client.claim_mailbox(mailbox)
                rates.append(report(name, *load(url, prepare(args.requests, args.threads,
                                                             mailbox), args.time_bound)))
            finally:
                stop(relay)
    if schema is not None:
        drop_schema(args.postgres, schema)
    ours, budgeted = rates[:2]
    print(f"ratio relay / bare: {ours / base:.2f}x (goal >= 0.5x)")
    print(f"ratio relay with address budgets / bare: {budgeted / base:.2f}x; "
          f"/ relay without: {budgeted / ours:.2f}x")
    if len(rates) > 2:
        print(f"ratio relay on PostgreSQL / bare: {rates[2] / base:.2f}x; "
              f"/ relay on SQLite: {rates[2] / ours:.2f}x")


def postgres_schema(url: str) -> str | None:
    """A fresh schema's ``--db`` address, or None (said why) when no server answers."""
    try:
        import psycopg

        name = f"relay_bench_{secrets.token_hex(6)}"
        with psycopg.connect(url, connect_timeout=3, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {name}")
    except Exception as error:  # noqa: BLE001 - the bench goes on without it
        print(f"  (no PostgreSQL run: {type(error).__name__} at {url})")
        return None
    return f"{url}{'&' if '?' in url else '?'}options=-csearch_path%3D{name}"


def drop_schema(url: str, address: str) -> None:
    import psycopg

    name = address.rsplit("%3D", 1)[1]
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA {name} CASCADE")


if __name__ == "__main__":
    main()
