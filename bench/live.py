"""Live delivery on loopback: how soon a subscriber hears of a deposit, what an idle watch costs,
and what an idle subscriber costs the relay.

    .venv/bin/python bench/live.py [--rounds 300] [--idle-seconds 60] [--subscribers 500]

(a) Deposit-to-notified: a signed deposit (``RelayClient.deposit``) into a mailbox a push
channel (``sync/push.py``) watches; the clock runs from just before the deposit is sent until
the channel says "new". Baseline in the same run: a message's round trip through a bare
WebSocket echo server (``websockets``, in this process). Goals: median <= 3x the echo, p99 <=
50 ms. The echo has no HTTP request in it, and a deposit is one, so a second baseline in the
same run has the same shape as ours with nothing of ours in it: a bare Starlette app (its own
process, uvicorn, as the relay) that answers a POST of the same bytes by telling a WebSocket
subscriber "new" from memory — no signature, no nonce, no database. The relay's database is
on tmpfs (``/dev/shm`` where there is one): this measures the push path, not the disk's
fsync, which every deposit pays before it is acknowledged anyway.

(b) Idle CPU of ``reconnect sync --watch`` on a paired vault with its channel up: user+system
CPU seconds over a sample of ``--idle-seconds``, extrapolated to an hour. Goal: < 2 s per hour.

Then 15 messages one by one: from the start of the partner's sync (which deposits it) until the
message is stored, decrypted, in the watch's vault; the app shows it after its own reload.

(c) Relay memory per idle subscriber: the relay process's resident memory before and after
``--subscribers`` channels (each its own key and mailbox) are open and idle, divided by the
count. Goal: < 50 KiB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import nacl.signing

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from _dyad import pair  # noqa: E402
from relay_server import RelayProcess, free_port  # noqa: E402

from reconnect_tui import wire  # noqa: E402
from reconnect_tui.model import Profile, Role  # noqa: E402
from reconnect_tui.store import Vault  # noqa: E402
from reconnect_tui.store import keys as vault_keys  # noqa: E402
from reconnect_tui.sync.client import RelayClient  # noqa: E402
from reconnect_tui.sync.dyads import Dyads  # noqa: E402
from reconnect_tui.sync.push import PushChannel, push_url  # noqa: E402
from reconnect_tui.sync.service import resolve_relay_url  # noqa: E402
from reconnect_tui.sync.sync_service import sync_and_process  # noqa: E402
from reconnect_tui.wire.push import SUBSCRIBE_PATH, encode_subscribe  # noqa: E402

PASSPHRASE = "benchmark passphrase"
RELAY_ARGS = ["--rate-limit", "1000000", "--no-address-limits"]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def echo_round_trips(rounds: int) -> list[float]:
    from websockets.sync.client import connect
    from websockets.sync.server import ServerConnection, serve

    def echo(ws: ServerConnection) -> None:
        for message in ws:
            ws.send(message)

    with serve(echo, "127.0.0.1", 0, compression=None) as server:
        port = server.socket.getsockname()[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        times = []
        with connect(f"ws://127.0.0.1:{port}", compression=None) as ws:
            for _ in range(20):
                ws.send("warm")
                ws.recv()
            for _ in range(rounds):
                start = time.perf_counter()
                ws.send('{"v":1,"event":"new"}')
                ws.recv()
                times.append(time.perf_counter() - start)
        server.shutdown()
    return times


BARE_PUSH_APP = """
import sys, uvicorn
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute

listeners = set()

async def deposit(request):
    await request.body()
    for ws in list(listeners):
        await ws.send_text('{"v":1,"event":"new"}')
    return JSONResponse({"stored": True}, status_code=201)

async def health(request):
    return JSONResponse({"status": "ok"})

async def subscribe(ws):
    await ws.accept()
    listeners.add(ws)
    try:
        await ws.receive_text()
    except Exception:
        pass
    listeners.discard(ws)

app = Starlette(routes=[Route("/deposit", deposit, methods=["POST"]),
                        Route("/health", health), WebSocketRoute("/subscribe", subscribe)])
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning",
            access_log=False)
"""


def bare_post_to_notified(rounds: int) -> list[float]:
    """The bare baseline: a POST of 1 KiB to a bare app that tells a WebSocket subscriber."""
    import httpx
    from websockets.sync.client import connect

    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", BARE_PUSH_APP, str(port)])
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{port}/health", timeout=1.0)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline:
                    raise SystemExit("the bare push app did not start") from None
                time.sleep(0.05)
        body = os.urandom(1064)
        times = []
        with httpx.Client(base_url=f"http://127.0.0.1:{port}") as http, \
                connect(f"ws://127.0.0.1:{port}/subscribe", compression=None) as ws:
            for n in range(rounds + 20):
                start = time.perf_counter()
                http.post("/deposit", content=body)
                ws.recv(timeout=10.0)
                if n >= 20:
                    times.append(time.perf_counter() - start)
        return times
    finally:
        server.terminate()
        server.wait(10)


def deposit_to_notified(relay: RelayProcess, rounds: int) -> tuple[list[float], list[float]]:
    """(deposit sent -> channel told, deposit sent -> deposit answered) per round."""
    owner = nacl.signing.SigningKey.generate()
    mailbox = wire.new_id(32)
    ciphertext = os.urandom(1064)  # the 1 KiB bucket plus cipher overhead
    times = []
    answered = []
    with RelayClient(relay.url, owner) as client, \
            RelayClient(relay.url, nacl.signing.SigningKey.generate()) as sender, \
            PushChannel(relay.url, owner, [mailbox]) as channel:
        client.claim_mailbox(mailbox)
        channel.open()
        for n in range(rounds + 20):
            start = time.perf_counter()
            sender.deposit(mailbox, wire.new_id(), ciphertext)
            done = time.perf_counter()
            assert channel.wait(10.0)
            if n >= 20:  # warm-up
                times.append(time.perf_counter() - start)
                answered.append(done - start)
            if n % 200 == 199:
                client.acknowledge(mailbox, [e.id for e in client.fetch(mailbox, 0, 500)
                                             .envelopes])
    return times, answered


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


def paired_vault(folder: Path, url: str) -> Path:
    """A service user's vault paired with a provider's through the relay at ``url``."""
    provider, _ = Vault.create(folder / "provider.db", PASSPHRASE,
                               Profile(name="Dr Bench", role=Role.PROVIDER))
    user, _ = Vault.create(folder / "user.db", PASSPHRASE, Profile(name="Bench", role=Role.USER))
    for vault in (provider, user):
        resolve_relay_url(vault, url)
    pair(provider, user, url)
    provider.close()
    user.close()
    return folder / "user.db"


STORED_ROUNDS = 15
STORED: list[float] = []


def _stored(path: Path, key: bytes, header: vault_keys.KeyHeader, text: str) -> bool:
    with Vault.open_with_key(path, key, header) as opened:
        return any(m.text == text for m in Dyads(opened).all_messages())


def idle_watch_cpu(relay: RelayProcess, folder: Path, seconds: float) -> tuple[float, float]:
    """(idle CPU s per hour, CPU s of one sync a notice started: a message in)."""
    vault = paired_vault(folder, relay.url)
    err = folder / "watch.err"
    with open(err, "wb") as stderr:
        watch = subprocess.Popen(
            [sys.executable, "-m", "reconnect_tui.cli", "sync", "--watch", "--stay-unlocked",
             "--vault", str(vault)], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=stderr, env={**os.environ, "RECONNECT_PASSPHRASE": PASSPHRASE})
    try:
        deadline = time.monotonic() + 120
        while "Live:" not in err.read_text(errors="replace"):
            if watch.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the watch did not go live:\n" + err.read_text())
            time.sleep(0.2)
        time.sleep(2)  # let the first sync's tail settle
        before = cpu_seconds(watch.pid)
        time.sleep(seconds)
        used = cpu_seconds(watch.pid) - before
        # One sync as a notice starts it (what each 15-minute safety sync costs at most).
        provider = Vault.unlock(folder / "provider.db", PASSPHRASE)
        user_key = Vault.unlock(vault, PASSPHRASE)
        key, header = user_key.key, vault_keys.read_header(vault)
        user_key.close()
        with provider:
            dyads = Dyads(provider)
            partner = dyads.partners()[0].id
            dyads.send(partner, "Hei fra benken")
            before_one = cpu_seconds(watch.pid)
            sync_and_process(provider, relay.url)
            time.sleep(5)
            one_sync = cpu_seconds(watch.pid) - before_one
            # Deposit to stored in the watch's vault (the app shows it after its own reload).
            for n in range(STORED_ROUNDS):
                dyads.send(partner, f"melding {n}")
                start = time.perf_counter()
                sync_and_process(provider, relay.url)
                while not _stored(vault, key, header, f"melding {n}"):
                    time.sleep(0.01)
                STORED.append(time.perf_counter() - start)
    finally:
        watch.terminate()
        watch.wait(30)
    return used * 3600 / seconds, one_sync


async def _subscribe_many(url: str, count: int, hold: asyncio.Event,
                          ready: threading.Event, keys: list[tuple[nacl.signing.SigningKey, str]]
                          ) -> None:
    from websockets.asyncio.client import connect

    connections = []
    for key, mailbox in keys[:count]:
        body = encode_subscribe([mailbox])
        headers = wire.sign_request(key, "GET", SUBSCRIBE_PATH, body,
                                    timestamp=int(time.time()))
        ws = await connect(push_url(url), additional_headers=headers, compression=None,
                           ping_interval=None)
        await ws.send(body.decode("ascii"))
        await ws.recv()
        connections.append(ws)
    ready.set()
    await hold.wait()
    for ws in connections:
        await ws.close()


def relay_memory_per_subscriber(relay: RelayProcess, count: int) -> tuple[float, int, int]:
    assert relay.process is not None
    keys = []
    with RelayClient(relay.url, nacl.signing.SigningKey.generate()) as client:
        for _ in range(count + 20):
            key = nacl.signing.SigningKey.generate()
            mailbox = wire.new_id(32)
            client.with_key(key).claim_mailbox(mailbox)
            keys.append((key, mailbox))

    def hold_open(n: int, keys_part: list[tuple[nacl.signing.SigningKey, str]]
                  ) -> tuple[threading.Event, asyncio.AbstractEventLoop, asyncio.Event]:
        loop = asyncio.new_event_loop()
        hold = asyncio.Event()
        ready = threading.Event()
        threading.Thread(target=loop.run_until_complete,
                         args=(_subscribe_many(relay.url, n, hold, ready, keys_part),),
                         daemon=True).start()
        ready.wait(300)
        return ready, loop, hold

    _, warm_loop, warm_hold = hold_open(20, keys[:20])  # code paths and buffers warmed
    time.sleep(1)
    before = rss_kib(relay.process.pid)
    _, loop, hold = hold_open(count, keys[20:])
    time.sleep(2)
    after = rss_kib(relay.process.pid)
    for lp, hd in ((loop, hold), (warm_loop, warm_hold)):
        lp.call_soon_threadsafe(hd.set)
    return (after - before) / count, before, after


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--subscribers", type=int, default=500)
    args = parser.parse_args()
    shm = Path("/dev/shm")
    with tempfile.TemporaryDirectory(dir=shm if shm.is_dir() else None) as tmp:
        folder = Path(tmp)
        with RelayProcess(folder / "relay", extra_args=RELAY_ARGS) as relay:
            echo = echo_round_trips(args.rounds)
            push, answered = deposit_to_notified(relay, args.rounds)
            bare = bare_post_to_notified(args.rounds)
            e_med, p_med = statistics.median(echo), statistics.median(push)
            a_med = statistics.median(answered)
            print(f"(a) echo round trip: median {e_med * 1000:.2f} ms, "
                  f"p99 {percentile(echo, 0.99) * 1000:.2f} ms")
            print(f"    deposit-to-notified: median {p_med * 1000:.2f} ms, "
                  f"p99 {percentile(push, 0.99) * 1000:.2f} ms "
                  f"({p_med / e_med:.1f}x the echo; goals <= 3x, p99 <= 50 ms)")
            print(f"    of which the signed deposit's own round trip (sent -> answered): "
                  f"median {a_med * 1000:.2f} ms, p99 {percentile(answered, 0.99) * 1000:.2f} "
                  f"ms; told {(p_med - a_med) * 1000:+.2f} ms after the depositor's answer")
            b_med = statistics.median(bare)
            print(f"    bare POST-to-notified (no signature, nonce or database): median "
                  f"{b_med * 1000:.2f} ms, p99 {percentile(bare, 0.99) * 1000:.2f} ms; ours "
                  f"{p_med / b_med:.1f}x it; the bare POST alone is {b_med / e_med:.1f}x the "
                  f"echo, so no deposit can be told within 3x the echo")
            per_hour, one_sync = idle_watch_cpu(relay, folder, args.idle_seconds)
            print(f"(b) idle watch: {per_hour:.2f} CPU s per hour "
                  f"(from {args.idle_seconds:.0f} s; goal < 2 s); one told sync "
                  f"{one_sync:.2f} CPU s, so with the four safety syncs an hour "
                  f"{per_hour + 4 * one_sync:.2f} s")
            print(f"    deposit (the partner's sync) to stored in the watch's vault: median "
                  f"{statistics.median(STORED) * 1000:.0f} ms, max {max(STORED) * 1000:.0f} ms "
                  f"over {len(STORED)} messages (goal, on screen in the app: median <= 2 s)")
            per_sub, before, after = relay_memory_per_subscriber(relay, args.subscribers)
            print(f"(c) relay memory: {before} KiB -> {after} KiB with {args.subscribers} more "
                  f"idle subscribers: {per_sub:.1f} KiB each (goal < 50 KiB)")


if __name__ == "__main__":
    main()
