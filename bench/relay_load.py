"""A load test of the relay: simulated dyads and forums signing their own requests, from
several load generator processes (asyncio each).

One Python process signing every request was the limit at about 200 requests/s, for the bare
app as for the relay, so ``--generators`` processes (4 by default) each simulate a slice of the
dyads and forums, start the load together and send their tallies back to be merged; each
still checks, for every client it simulates, that nothing was lost or duplicated. Beside each
target's figures: the CPU seconds of the servers, of the generators and of PostgreSQL over the
run, as a share of the machine's cores, to show which of them is the limit.

Every simulated person has an Ed25519 key and a mailbox; the two people of a dyad deposit into
each other's mailbox, fetch and acknowledge their own, write a shared item and read the
partner's. Forums: groups of members (10 forums of 50 by default, taken from the dyads' people)
where, each round, a tenth of the members post one envelope to all the others in one batched
``POST /v1/envelopes``, as the sync engine does. Bounded in rounds and time, loopback only. The
same generator, in the same run, measures (1) a bare Starlette app that keeps bodies in memory
and checks nothing (the baseline), (2) the relay on SQLite, one process, and, where a PostgreSQL
server answers (``--postgres``, default ``RECONNECT_TEST_POSTGRES`` or
``postgresql://postgres@127.0.0.1:5432/test``), (3) the relay on PostgreSQL with one process,
(4) with two processes on one schema (each client talks to one of them), and (5) two processes
of which one is killed with SIGKILL halfway through: its clients move to the other (a request
that failed is signed again and retried there; a deposit retried with the same envelope id is
stored once). At the end every client drains its mailbox and checks what it received against
what was sent to it: envelopes lost and duplicated. Prints requests/s, p50/p99 per kind, errors
and failovers per target.

    python bench/relay_load.py [--dyads 1000] [--forums 10] [--forum-size 50] [--rounds 3]
                               [--concurrency 64] [--time-bound 120] [--generators 4]
                               [--targets bare,sqlite,pg1,pg2,pg2kill]

Push: a tenth of the clients (``--subscribers``) hold a push subscription (``GET /v1/subscribe``,
a WebSocket) to their own mailbox for the whole run and count the notices they are told; one
whose process dies subscribes again at the next process it knows. The bare app tells its
subscribers in memory.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import nacl.signing
from websockets.asyncio.client import connect as ws_connect
from websockets.exceptions import WebSocketException

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import contextlib

from bench.relay import free_port, start, stop  # noqa: E402
from reconnect_tui import wire as p  # noqa: E402
from reconnect_tui.wire import push  # noqa: E402
from reconnect_tui.wire.batch import (  # noqa: E402
    BatchEnvelope,
    decode_batch_results,
    encode_deposit_batch,
)

KINDS = ("deposit", "fetch", "ack", "item_put", "item_get", "forum_post")


@dataclass
class Person:
    key: nacl.signing.SigningKey
    mailbox: str
    item: str
    urls: list[str]
    """The relay processes this client knows, the one it uses first."""
    partner: Person | None = None
    forum: list[Person] = field(default_factory=list)
    item_version: int = 0
    cursor: int = 0
    received: list[str] = field(default_factory=list)
    expected: list[str] = field(default_factory=list)
    """Envelope ids others stored for this person (the relay answered 200 or 201)."""
    subscribed: bool = False


@dataclass
class Tally:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    requests: int = 0
    failovers: int = 0
    killed_at: int | None = None
    subscriptions: int = 0
    refusals: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    notices: int = 0


async def call(http: httpx.AsyncClient, tally: Tally | None, kind: str, person: Person,
               method: str, path: str, body: bytes = b"") -> httpx.Response | None:
    """One signed request; when the process does not answer, sign it again and move to the
    next process this client knows (the same envelope id, so a deposit is stored once)."""
    tried: set[str] = set()
    while True:
        url = person.urls[0]
        headers = p.sign_request(person.key, method, path, body, timestamp=int(time.time()))
        if body:
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            response = await http.request(method, url + path, content=body, headers=headers)
        except httpx.HTTPError as error:
            tried.add(url)
            move_on(person, url)
            if person.urls[0] in tried:
                if tally is not None:
                    tally.errors[kind] += 1
                    tally.refusals[f"{kind} {type(error).__name__}"] += 1  # what went wrong
                return None
            if tally is not None:
                tally.failovers += 1
            continue
        if tally is not None:
            tally.requests += 1
            tally.latencies[kind].append(time.perf_counter() - started)
            fine = response.status_code < 400 or (kind == "item_get"
                                                  and response.status_code == 404)
            # A put retried after its process died may have been stored before it died.
            retried_put = bool(tried) and kind == "item_put" and response.status_code == 409
            if not (fine or retried_put):
                tally.errors[kind] += 1
                tally.refusals[f"{kind} {response.status_code}"] += 1
        return response


def move_on(person: Person, failed: str) -> None:
    """The process at ``failed`` did not answer: use the next one (unless another of this
    client's requests, or its subscription, moved on already)."""
    if person.urls[0] == failed:
        person.urls.append(person.urls.pop(0))


async def drain(http: httpx.AsyncClient, tally: Tally | None, person: Person) -> None:
    """Fetch and acknowledge everything waiting in ``person``'s mailbox."""
    while True:
        path = f"/v1/mailboxes/{person.mailbox}/envelopes?since={person.cursor}&limit=100"
        response = await call(http, tally, "fetch", person, "GET", path)
        if response is None or response.status_code != 200:
            return
        page = p.decode_fetch_page(response.content)
        person.received.extend(e.id for e in page.envelopes)
        person.cursor = page.cursor
        if page.envelopes:
            await call(http, tally, "ack", person, "POST",
                       f"/v1/mailboxes/{person.mailbox}/ack",
                       p.encode_ack([e.id for e in page.envelopes]))
        if not page.more:
            return


async def one_round(http: httpx.AsyncClient, tally: Tally, person: Person,
                    ciphertext: bytes) -> None:
    partner = person.partner
    assert partner is not None
    envelope_id = p.new_id()
    response = await call(http, tally, "deposit", person, "POST",
                          f"/v1/mailboxes/{partner.mailbox}/envelopes",
                          p.encode_deposit(envelope_id, ciphertext))
    if response is not None and response.status_code in (200, 201):
        partner.expected.append(envelope_id)
    await drain(http, tally, person)
    person.item_version += 1
    await call(http, tally, "item_put", person, "PUT", f"/v1/items/{person.item}",
               p.encode_item(person.item_version, ciphertext))
    await call(http, tally, "item_get", person, "GET", f"/v1/items/{partner.item}")


async def forum_post(http: httpx.AsyncClient, tally: Tally, person: Person,
                     ciphertext: bytes) -> None:
    """One post to every other member of the person's forum, in one batched request."""
    others = [member for member in person.forum if member is not person]
    batch = [BatchEnvelope(member.mailbox, p.new_id(), ciphertext) for member in others]
    response = await call(http, tally, "forum_post", person, "POST", "/v1/envelopes",
                          encode_deposit_batch(batch))
    if response is None or response.status_code != 200:
        return
    for member, result in zip(others, decode_batch_results(response.content, batch),
                              strict=True):
        if result.error is None:
            member.expected.append(result.id)
        else:
            tally.errors["forum_post"] += 1


async def subscribe(tally: Tally, person: Person, stop: asyncio.Event) -> None:
    """Hold a push subscription to the person's mailbox until ``stop``; count the notices.
    When the process goes away, subscribe again at the next one this client knows."""
    body = push.encode_subscribe([person.mailbox])
    while not stop.is_set():
        url = "ws" + person.urls[0].removeprefix("http") + push.SUBSCRIBE_PATH
        headers = p.sign_request(person.key, "GET", push.SUBSCRIBE_PATH, body,
                                 timestamp=int(time.time()))
        try:
            async with ws_connect(url, additional_headers=headers, max_size=4096,
                                  compression=None, open_timeout=30) as ws:
                await ws.send(body.decode("ascii"))
                kind, _ = push.decode_event(str(await ws.recv()).encode())
                if kind != "subscribed":
                    tally.errors["subscribe"] += 1
                    return
                tally.subscriptions += 1
                waiter = asyncio.ensure_future(stop.wait())
                while not stop.is_set():
                    receiver = asyncio.ensure_future(ws.recv())
                    done, _pending = await asyncio.wait({receiver, waiter},
                                                        return_when=asyncio.FIRST_COMPLETED)
                    if receiver in done:
                        push.decode_event(str(receiver.result()).encode())
                        tally.notices += 1
                    else:
                        receiver.cancel()
                return
        except (OSError, WebSocketException, TimeoutError):
            if len(person.urls) < 2:
                tally.errors["subscribe"] += 1
                return
            move_on(person, url.replace("ws", "http", 1).removesuffix(push.SUBSCRIBE_PATH))
            tally.failovers += 1
            await asyncio.sleep(0.1)


@dataclass
class Slice:
    """One generator process's share of the run: dyads ``number``, ``number + count``, …
    and forums likewise, each forum made of this generator's own people, so everything a
    simulated client is sent comes from the same process and is checked there."""

    number: int = 0
    count: int = 1
    ready: Any = None
    """A ``multiprocessing.Barrier`` every generator waits at before the load (None: alone)."""
    answered: Any = None
    """A shared array: requests answered per generator (for the kill halfway)."""


async def kill_halfway(tally: Tally, expected_requests: int, victim: int,
                       answered: Callable[[], int]) -> None:
    """SIGKILL process ``victim`` once half the expected requests (of every generator) have
    been answered."""
    while answered() < expected_requests // 2:
        await asyncio.sleep(0.01)
    os.kill(victim, signal.SIGKILL)
    tally.killed_at = answered()


async def run_load(urls: list[str], dyads: int, forums: int, forum_size: int, rounds: int,
                   concurrency: int, time_bound: float, subscribers: float,
                   victim: int | None = None, part: Slice | None = None
                   ) -> tuple[Tally, float, float, int, int, float]:
    """One generator's share (``part``; all of it by default). Returns the tally, the load's
    start and end (``time.time()``, comparable between processes), envelopes lost, envelopes
    duplicated, and this process's CPU seconds during the load (setup and drain left out)."""
    part = part or Slice()
    people: list[Person] = []
    for dyad in range(part.number, dyads, part.count):
        for number in (2 * dyad, 2 * dyad + 1):
            first = number % len(urls)
            people.append(Person(nacl.signing.SigningKey.generate(), p.new_id(32), p.new_id(),
                                 urls[first:] + urls[:first]))
    for first, second in zip(people[::2], people[1::2], strict=True):
        first.partner, second.partner = second, first
    every = round(1 / subscribers) if subscribers > 0 else 0
    for number, person in enumerate(people):
        person.subscribed = bool(every) and number % every == 0
    mine = len(range(part.number, forums, part.count))
    for start_at in range(0, min(mine * forum_size, len(people)), forum_size):
        members = people[start_at:start_at + forum_size]
        for member in members:
            member.forum = members
    ciphertext = secrets.token_bytes(1064)  # a 1 KiB bucket and the cipher's overhead
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30) as http:
        gate = asyncio.Semaphore(concurrency)

        async def claim(person: Person) -> bool:
            # As many at once as the run's concurrency: 2,000 claims handed to a pool of 64
            # connections at once waited past the client's timeout on a relay that commits each
            # one, failed unseen, and every later deposit and fetch measured a 404.
            async with gate:
                answer = await call(http, None, "claim", person, "PUT",
                                    f"/v1/mailboxes/{person.mailbox}")
            return answer is not None and answer.status_code in (200, 201)

        claimed = await asyncio.gather(*(claim(person) for person in people))
        tally = Tally()
        if not all(claimed):
            tally.errors["claim"] += claimed.count(False)

        async def simulate(number: int, person: Person) -> None:
            for round_number in range(rounds):
                if time.monotonic() > deadline:
                    return
                async with gate:
                    await one_round(http, tally, person, ciphertext)
                    if person.forum and (number + round_number) % 10 == 0:
                        await forum_post(http, tally, person, ciphertext)

        # per round: deposit, fetch, ack (most rounds), item put and get; a tenth post
        expected_requests = dyads * 2 * rounds * 5
        stop = asyncio.Event()
        listeners = [asyncio.ensure_future(subscribe(tally, person, stop))
                     for person in people if person.subscribed]
        while tally.subscriptions + sum(t.done() for t in listeners) < len(listeners):
            await asyncio.sleep(0.05)  # every subscription is in place before the load
        if part.ready is not None:  # every generator starts the load at once
            await asyncio.get_running_loop().run_in_executor(None, part.ready.wait)
        answered = part.answered

        def count() -> int:
            if answered is None:
                return tally.requests
            answered[part.number] = tally.requests
            return sum(answered[:])

        killer = (asyncio.ensure_future(kill_halfway(tally, expected_requests, victim, count))
                  if victim is not None and part.number == 0 else None)
        reporter = (asyncio.ensure_future(_report_count(count))
                    if answered is not None and killer is None else None)
        deadline = time.monotonic() + time_bound
        started, cpu_started = time.time(), time.process_time()
        await asyncio.gather(*(simulate(n, person) for n, person in enumerate(people)))
        ended, cpu_used = time.time(), time.process_time() - cpu_started
        count()
        stop.set()
        await asyncio.gather(*listeners)
        for task in (killer, reporter):
            if task is not None and not task.done():
                task.cancel()
        await asyncio.gather(*(drain(http, None, person) for person in people))
    lost = duplicated = 0
    for person in people:
        got = person.received
        lost += len(set(person.expected) - set(got))
        duplicated += len(got) - len(set(got))
    return tally, started, ended, lost, duplicated, cpu_used


async def _report_count(count: Callable[[], int]) -> None:
    """Keep this generator's answered count current for the one that kills."""
    while True:
        count()
        await asyncio.sleep(0.01)


def generate(arguments: tuple[Any, ...], part: Slice, results: Any) -> None:
    """A generator process: its slice of the run; the result goes to ``results``."""
    results.put((part.number, asyncio.run(run_load(*arguments, part=part))))


def run_generators(generators: int, arguments: tuple[Any, ...]
                   ) -> tuple[Tally, float, int, int, float]:
    """``generators`` processes, each simulating its slice of the dyads and forums, started
    together; their tallies merged. Returns the tally, seconds (first start to last end),
    lost, duplicated and the generators' CPU seconds during the load."""
    if generators == 1:
        tally, started, ended, lost, duplicated, cpu = asyncio.run(run_load(*arguments))
        return tally, ended - started, lost, duplicated, cpu
    context = multiprocessing.get_context("fork")  # before any event loop or thread here
    ready = context.Barrier(generators)
    answered = context.Array("q", generators, lock=False)
    results = context.Queue()
    workers = [context.Process(target=generate, args=(arguments, Slice(
        number, generators, ready, answered), results)) for number in range(generators)]
    for worker in workers:
        worker.start()
    outcomes = dict(results.get() for _ in workers)
    for worker in workers:
        worker.join()
    merged = Tally()
    lost = duplicated = 0
    cpu = 0.0
    for tally, _started, _ended, part_lost, part_duplicated, part_cpu in outcomes.values():
        cpu += part_cpu
        for kind, values in tally.latencies.items():
            merged.latencies[kind].extend(values)
        for kind, number in tally.errors.items():
            merged.errors[kind] += number
        for refusal, number in tally.refusals.items():
            merged.refusals[refusal] += number
        merged.requests += tally.requests
        merged.failovers += tally.failovers
        merged.subscriptions += tally.subscriptions
        merged.notices += tally.notices
        if tally.killed_at is not None:
            merged.killed_at = tally.killed_at
        lost += part_lost
        duplicated += part_duplicated
    seconds = (max(o[2] for o in outcomes.values()) - min(o[1] for o in outcomes.values()))
    return merged, seconds, lost, duplicated, cpu


def process_cpu(pids: list[int]) -> dict[int, float]:
    """CPU seconds (user + system) so far of each of the processes ``pids`` still running."""
    ticks = os.sysconf("SC_CLK_TCK")
    used = {}
    for pid in pids:
        with contextlib.suppress(OSError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            used[pid] = (int(fields[11]) + int(fields[12])) / ticks
    return used


def cpu_since(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two :func:`process_cpu` readings (a process that started
    between them, e.g. a PostgreSQL backend for a new connection, counts whole)."""
    return sum(used - before.get(pid, 0.0) for pid, used in after.items())


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (for their CPU time), if any."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() in ("postgres", "postmaster"):
                    pids.append(int(entry.name))
    return pids


def report(name: str, tally: Tally, seconds: float, lost: int, duplicated: int,
           cpu: dict[str, float]) -> float:
    rate = tally.requests / seconds
    print(f"{name:<34} {tally.requests:>6} requests in {seconds:6.1f} s  {rate:6.0f} req/s  "
          f"errors {sum(tally.errors.values())}  lost {lost}  duplicated {duplicated}")
    cores = os.cpu_count() or 1
    print("    CPU seconds (share of " + str(cores) + " cores over the run): " + ", ".join(
        f"{part} {used:.1f} ({used / (seconds * cores):.0%})" for part, used in cpu.items())
        + f"; load {os.getloadavg()[0]:.1f}")
    for refusal, count in sorted(tally.refusals.items()):
        print(f"    refused: {refusal} x{count}")
    if tally.subscriptions:
        print(f"    push: {tally.subscriptions} subscriptions held, {tally.notices} notices, "
              f"errors {tally.errors.get('subscribe', 0)}")
    if tally.killed_at is not None:
        print(f"    one process killed (SIGKILL) after {tally.killed_at} requests; "
              f"{tally.failovers} requests moved to the other process")
    for kind in KINDS:
        values = tally.latencies.get(kind, [])
        if len(values) >= 2:
            q = statistics.quantiles(values, n=100)
            print(f"    {kind:<9} {len(values):>6}  p50 {q[49] * 1000:7.2f} ms  "
                  f"p99 {q[98] * 1000:7.2f} ms  errors {tally.errors.get(kind, 0)}")
    return rate


def serve_bare(port: int) -> None:
    """The baseline: the same routes, state in memory, nothing checked."""
    import uvicorn
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route, WebSocketRoute
    from starlette.websockets import WebSocket, WebSocketDisconnect

    mailboxes: dict[str, list[tuple[str, int, str]]] = defaultdict(list)
    items: dict[str, bytes] = {}
    listeners: dict[str, set[WebSocket]] = defaultdict(set)
    seq = 0

    async def tell(mailbox: str) -> None:
        for websocket in list(listeners.get(mailbox, ())):
            await websocket.send_text(push.NEW_EVENT.decode("ascii"))

    async def subscribe(websocket: WebSocket) -> None:
        await websocket.accept()
        wanted = push.decode_subscribe((await websocket.receive_text()).encode())
        for mailbox in wanted:
            listeners[mailbox].add(websocket)
        await websocket.send_text(push.encode_subscribed(len(wanted)).decode("ascii"))
        with contextlib.suppress(WebSocketDisconnect):
            await websocket.receive_text()
        for mailbox in wanted:
            listeners[mailbox].discard(websocket)

    async def health(request: Request) -> Response:
        return JSONResponse({"status": "ok", "protocol": 1})

    async def claim(request: Request) -> Response:
        return JSONResponse({"claimed": True, "created": True}, status_code=201)

    async def deposit(request: Request) -> Response:
        nonlocal seq
        body = p.parse_object(await request.body())
        seq += 1
        mailboxes[request.path_params["mailbox"]].append((body["id"], seq, body["ciphertext"]))
        await tell(request.path_params["mailbox"])
        return JSONResponse({"id": body["id"], "stored": True, "duplicate": False},
                            status_code=201)

    async def fetch(request: Request) -> Response:
        since = int(request.query_params.get("since", 0))
        waiting = [e for e in mailboxes[request.path_params["mailbox"]] if e[1] > since][:100]
        return JSONResponse({"v": 1, "envelopes": [{"id": i, "seq": s, "ciphertext": c}
                                                   for i, s, c in waiting],
                             "cursor": waiting[-1][1] if waiting else since, "more": False})

    async def deposit_batch(request: Request) -> Response:
        nonlocal seq
        answers = []
        for entry in p.parse_object(await request.body())["envelopes"]:
            seq += 1
            mailboxes[entry["mailbox"]].append((entry["id"], seq, entry["ciphertext"]))
            await tell(entry["mailbox"])
            answers.append({"mailbox": entry["mailbox"], "id": entry["id"], "stored": True,
                            "duplicate": False})
        return JSONResponse({"v": 1, "results": answers})

    async def ack(request: Request) -> Response:
        ids = set(p.parse_object(await request.body())["ids"])
        box = mailboxes[request.path_params["mailbox"]]
        box[:] = [e for e in box if e[0] not in ids]
        return JSONResponse({"deleted": len(ids)})

    async def put_item(request: Request) -> Response:
        items[request.path_params["item"]] = await request.body()
        return JSONResponse({"id": request.path_params["item"], "version": 1, "created": True},
                            status_code=201)

    async def get_item(request: Request) -> Response:
        body = items.get(request.path_params["item"])
        return Response(body or b"{}", status_code=200 if body else 404,
                        media_type="application/json")

    mailbox = "/v1/mailboxes/{mailbox}"
    app = Starlette(routes=[
        Route("/health", health), Route(mailbox, claim, methods=["PUT"]),
        Route(mailbox + "/envelopes", deposit, methods=["POST"]),
        Route(mailbox + "/envelopes", fetch, methods=["GET"]),
        Route(mailbox + "/ack", ack, methods=["POST"]),
        Route("/v1/envelopes", deposit_batch, methods=["POST"]),
        WebSocketRoute(push.SUBSCRIBE_PATH, subscribe),
        Route("/v1/items/{item}", put_item, methods=["PUT"]),
        Route("/v1/items/{item}", get_item, methods=["GET"]),
    ])
    uvicorn.run(app, host="127.0.0.1", port=port, access_log=False, log_config=None,
                log_level="warning")


def relay_command(port: int, db: str) -> list[str]:
    return [sys.executable, "-m", "reconnect_tui.relay", "serve", "--port", str(port),
            "--db", db, "--rate-limit", "1000000000", "--no-address-limits",
            "--log-level", "warning"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dyads", type=int, default=1000)
    parser.add_argument("--forums", type=int, default=10)
    parser.add_argument("--forum-size", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--subscribers", type=float, default=0.1,
                        help="share of the clients that hold a push subscription")
    parser.add_argument("--concurrency", type=int, default=64,
                        help="requests in flight at once, over all the generators")
    parser.add_argument("--generators", type=int, default=4,
                        help="load generator processes, each simulating a slice of the dyads")
    parser.add_argument("--time-bound", type=float, default=120.0)
    parser.add_argument("--postgres", default=os.environ.get(
        "RECONNECT_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test"),
        help="PostgreSQL server for the PostgreSQL runs ('' to skip them)")
    parser.add_argument("--targets", default="bare,sqlite,pg1,pg2,pg2kill",
                        help="which targets to measure, in order (default: all five)")
    parser.add_argument("--serve-bare", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return
    print(f"relay load: {args.dyads} dyads ({2 * args.dyads} clients, each its own key), "
          f"{args.forums} forums of {args.forum_size}, "
          f"{args.rounds} rounds of deposit, fetch, ack, item put and get each "
          f"(and a forum post for a tenth of the members), "
          f"{args.concurrency} at once from {args.generators} generator processes; "
          f"{os.cpu_count()} CPUs, load "
          f"{os.getloadavg()[0]:.1f}, loopback")

    def measure(name: str, commands: list[list[str]], ports: list[int],
                kill_one: bool = False) -> float:
        urls = [f"http://127.0.0.1:{port}" for port in ports]
        processes: list[subprocess.Popen[bytes]] = []
        try:
            for command, url in zip(commands, urls, strict=True):
                processes.append(start(command, url))
            servers = [process.pid for process in processes]
            postgres = "postgresql" in " ".join(commands[0])
            served = process_cpu(servers)
            stored = process_cpu(postgres_pids()) if postgres else {}
            concurrency = -(-args.concurrency // args.generators)  # the same in flight in all
            tally, seconds, lost, duplicated, generated = run_generators(args.generators, (
                urls, args.dyads, args.forums, args.forum_size, args.rounds, concurrency,
                args.time_bound, args.subscribers, servers[0] if kill_one else None))
            cpu = {"servers": cpu_since(served, process_cpu(servers)),
                   "generators": generated}
            if postgres:
                cpu["PostgreSQL (whole server)"] = cpu_since(stored,
                                                             process_cpu(postgres_pids()))
        finally:
            for process in processes:
                stop(process)
        return report(name, tally, seconds, lost, duplicated, cpu)

    targets = args.targets.split(",")
    rates: dict[str, float] = {}
    if "bare" in targets:
        port = free_port()
        rates["bare"] = measure("bare Starlette (in memory)",
                                [[sys.executable, __file__, "--serve-bare", str(port)]], [port])
    if "sqlite" in targets:
        with tempfile.TemporaryDirectory() as tmp:
            port = free_port()
            rates["sqlite"] = measure("relay, SQLite, one process",
                                      [relay_command(port, str(Path(tmp) / "relay.db"))], [port])
    if "bare" in rates and "sqlite" in rates:
        print(f"ratio SQLite relay / bare: {rates['sqlite'] / rates['bare']:.2f}x (goal >= 0.5x)")
    if not args.postgres:
        return
    from bench.relay import drop_schema, postgres_schema

    for target, processes, kill_one in (("pg1", 1, False), ("pg2", 2, False),
                                        ("pg2kill", 2, True)):
        if target not in targets:
            continue
        schema = postgres_schema(args.postgres)
        if schema is None:
            return
        try:
            ports = [free_port() for _ in range(processes)]
            name = f"relay, PostgreSQL, {processes} process{'es' * (processes > 1)}"
            rates[target] = measure(name + (", one killed" if kill_one else ""),
                                    [relay_command(port, schema) for port in ports], ports,
                                    kill_one)
        finally:
            drop_schema(args.postgres, schema)
        if target == "pg2" and "pg1" in rates:
            print(f"ratio PostgreSQL two processes / one: {rates['pg2'] / rates['pg1']:.2f}x "
                  f"(goal >= 1.6x; on {os.cpu_count()} CPUs shared with the load generators "
                  f"and the database)")


if __name__ == "__main__":
    main()
