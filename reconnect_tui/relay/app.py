"""The relay as an ASGI application (Starlette).

Every route except ``GET /health`` is signed (see ``wire/signing.py``). Each handler validates
everything it reads; refusals are :class:`WireError` turned into ``{"error", "reason"}`` JSON.
Storage calls run in worker threads so an fsync never stalls the event loop.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import functools
import logging
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from functools import wraps
from typing import TypeVar

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reconnect_tui import wire as p
from reconnect_tui.clock import EpochClock, epoch_seconds
from reconnect_tui.relay.addresses import client_address, parse_networks
from reconnect_tui.relay.config import RelayConfig
from reconnect_tui.relay.push import PushEndpoint, PushHub
from reconnect_tui.relay.storage import Admission, Budget, RelayStorage
from reconnect_tui.wire import ErrorCode, WireError
from reconnect_tui.wire.batch import BatchResult, decode_deposit_batch, encode_batch_results
from reconnect_tui.wire.push import SUBSCRIBE_PATH

log = logging.getLogger("reconnect.relay")
access_log = logging.getLogger("reconnect.relay.access")

Handler = Callable[[Request], Awaitable[Response]]
T = TypeVar("T")


def error_response(error: WireError) -> JSONResponse:
    headers = {"Retry-After": "60"} if error.status == 429 else None
    return JSONResponse(error.body(), status_code=error.status, headers=headers)


FETCH_QUERY = frozenset({"since", "limit"})
STORAGE_THREADS = 40
"""Storage calls at once (anyio's default before): concurrent deposits queue behind the
storage's lock and are group-committed (``relay/sqlite_storage.py``)."""


@dataclass(frozen=True, slots=True)
class Signed:
    """A request whose signature verified: the signing key, the body and the query."""

    key: bytes
    body: bytes
    query: dict[str, str]
    source: str | None
    """The client address the per-address budgets count (None: they are off)."""
    admission: Admission
    """What :meth:`RelayStorage.admit` records for it (done, unless deferred to a write)."""


def _require_json(content_type: str | None) -> None:
    """``application/json``, optionally with ``charset=utf-8``; anything else is 415."""
    media, _sep, parameters = (content_type or "").partition(";")
    charset = parameters.strip().lower().replace(" ", "")
    if media.strip().lower() != p.JSON_MEDIA_TYPE or charset not in ("", "charset=utf-8",
                                                                     'charset="utf-8"'):
        raise WireError(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                        "the body must be sent as Content-Type: application/json")


def _target(scope: Scope) -> str:
    """Path and query exactly as the client sent them (what its signature covers)."""
    raw: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
    query: bytes = scope.get("query_string") or b""
    target = raw + (b"?" + query if query else b"")
    return target.decode("latin-1")


class RelayApp:
    """Handlers bound to one storage, configuration and clock."""

    def __init__(self, storage: RelayStorage, config: RelayConfig,
                 clock: Callable[[], float]) -> None:
        self.storage = storage
        self.config = config
        self.clock = clock
        self.trusted_proxies = parse_networks(config.trusted_proxies)
        self._threads: concurrent.futures.ThreadPoolExecutor | None = None

    def source(self, request: Request) -> str | None:
        """The client address this request counts against, or None with the budgets off."""
        if not self.config.address_limits:
            return None
        peer = request.scope.get("client")
        headers: dict[str, list[str]] = {}
        if self.trusted_proxies:
            for name in ("forwarded", "x-forwarded-for"):
                values = request.headers.getlist(name)
                if values:
                    headers[name] = values
        return client_address(peer[0] if peer else None, headers, self.trusted_proxies)

    def budget(self, signed: Signed) -> Budget:
        return Budget(total_bytes=self.config.max_total_bytes, source=signed.source,
                      source_bytes_per_hour=self.config.address_bytes_per_hour)

    async def _run(self, func: Callable[..., T], *args: object) -> T:
        """``func(*args)`` in a storage thread. A plain executor, not ``anyio.to_thread``:
        about half the event loop's CPU per call (no capacity limiter or run variables). A
        request cancelled meanwhile leaves its call to finish in its thread, as anyio's did;
        :meth:`stop_threads` waits for every one before the storage closes."""
        threads = self._threads
        if threads is None:
            threads = self._threads = concurrent.futures.ThreadPoolExecutor(
                max_workers=STORAGE_THREADS, thread_name_prefix="relay-storage")
        return await asyncio.get_running_loop().run_in_executor(threads, func, *args)

    def stop_threads(self) -> None:
        """Wait for every storage call under way (before the storage is closed)."""
        threads, self._threads = self._threads, None
        if threads is not None:
            threads.shutdown(wait=True)

    async def _read_body(self, request: Request, limit: int) -> bytes:
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            raise WireError(ErrorCode.TOO_LARGE, f"body is larger than {limit} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise WireError(ErrorCode.TOO_LARGE, f"body is larger than {limit} bytes")
            chunks.append(chunk)
        return b"".join(chunks)

    async def authenticate(self, request: Request, *, body: bool = False,
                           query: frozenset[str] = frozenset(), admit: bool = True,
                           body_limit: int | None = None) -> Signed:
        """Check the request's shape, verify its signature and admit it.

        ``body``: the route takes a JSON body (``Content-Type: application/json`` required,
        415 otherwise); other routes refuse a body. ``query``: the query parameters the route
        takes, each at most once. ``admit=False``: the caller admits ``Signed.admission``
        itself, in its write's transaction (``deposit``) or with :meth:`admit`."""
        if request.method == "HEAD":
            # Starlette adds HEAD to GET routes; a HEAD must not take an invitation.
            raise WireError(ErrorCode.METHOD_NOT_ALLOWED, "HEAD is not signed-for here")
        params = p.parse_query(request.query_params.multi_items(), query)
        if body:
            _require_json(request.headers.get("content-type"))
        auth = p.parse_auth_headers(request.headers.get)
        content = await self._read_body(request, body_limit or self.config.max_body_bytes)
        if content and not body:
            raise WireError(ErrorCode.BAD_FIELD, "this request takes no body")
        now = self.clock()
        p.verify_request(auth, request.method, _target(request.scope), content, now)
        source = self.source(request)
        signed = Signed(key=auth.key, body=content, query=params, source=source,
                        admission=Admission(
                            key=auth.key, nonce=auth.nonce, now=int(now),
                            nonce_expires=auth.timestamp + p.MAX_CLOCK_SKEW + 1,
                            rate_limit=self.config.rate_limit_per_minute, source=source,
                            source_rate_limit=self.config.address_rate_per_minute))
        if admit:
            await self.admit(signed)
        return signed

    async def admit(self, signed: Signed) -> None:
        a = signed.admission
        await self._run(lambda: self.storage.admit(
            a.key, a.nonce, a.now, nonce_expires=a.nonce_expires, rate_limit=a.rate_limit,
            source=a.source, source_rate_limit=a.source_rate_limit))

    def _check_size(self, data: bytes, limit: int) -> None:
        if len(data) > limit:
            raise WireError(ErrorCode.TOO_LARGE, f"content is larger than {limit} bytes")

    # --- routes -------------------------------------------------------------------------

    async def health(self, request: Request) -> Response:
        return JSONResponse({"status": "ok", "protocol": p.PROTOCOL_VERSION})

    async def openapi(self, request: Request) -> Response:
        """The API description (``relay/openapi.py``), unsigned like ``/health``."""
        return Response(_openapi_json(), media_type=p.JSON_MEDIA_TYPE)

    async def claim_mailbox(self, request: Request) -> Response:
        mailbox = p.require_id(request.path_params["mailbox"], "mailbox id")
        key = (await self.authenticate(request)).key
        now = int(self.clock())
        created = await self._run(self.storage.claim_mailbox, mailbox, key, now)
        return JSONResponse({"claimed": True, "created": created},
                            status_code=201 if created else 200)

    async def deposit(self, request: Request) -> Response:
        mailbox = p.require_id(request.path_params["mailbox"], "mailbox id")
        # One commit: the request is admitted in the deposit's own transaction. A body that is
        # refused is admitted first, so answers are exactly as if admission came first.
        signed = await self.authenticate(request, body=True, admit=False)
        try:
            envelope = p.decode_deposit(signed.body)
            self._check_size(envelope.ciphertext, self.config.max_envelope_bytes)
        except WireError:
            await self.admit(signed)
            raise
        now = int(self.clock())
        stored = await self._run(lambda: self.storage.deposit(
            mailbox, envelope.id, envelope.ciphertext, now,
            expires=now + self.config.retention_seconds,
            max_count=self.config.mailbox_max_envelopes,
            max_bytes=self.config.mailbox_max_bytes, budget=self.budget(signed),
            admission=signed.admission))
        return JSONResponse({"id": envelope.id, "stored": stored, "duplicate": not stored},
                            status_code=201 if stored else 200)

    async def deposit_batch(self, request: Request) -> Response:
        """Many envelopes, for any mailboxes, in one signed request and one commit; each gets
        the answer a deposit of its own would have had (``wire/batch.py``)."""
        signed = await self.authenticate(request, body=True, admit=False,
                                         body_limit=self.config.max_batch_body_bytes)
        try:
            envelopes = decode_deposit_batch(signed.body)
        except WireError:
            await self.admit(signed)
            raise
        now = int(self.clock())
        limit = self.config.max_envelope_bytes
        fits = [e for e in envelopes if len(e.ciphertext) <= limit]
        answers = await self._run(lambda: self.storage.deposit_many(
            [(e.mailbox, e.id, e.ciphertext) for e in fits], now,
            expires=now + self.config.retention_seconds,
            max_count=self.config.mailbox_max_envelopes,
            max_bytes=self.config.mailbox_max_bytes, budget=self.budget(signed),
            admission=signed.admission))
        assert isinstance(answers, list)
        stored = iter(answers)
        results = []
        for envelope in envelopes:
            answer = (WireError(ErrorCode.TOO_LARGE, f"content is larger than {limit} bytes")
                      if len(envelope.ciphertext) > limit else next(stored))
            results.append(
                BatchResult(envelope.mailbox, envelope.id, False, answer.code, answer.reason)
                if isinstance(answer, WireError)
                else BatchResult(envelope.mailbox, envelope.id, bool(answer)))
        return Response(encode_batch_results(results), media_type="application/json")

    async def fetch(self, request: Request) -> Response:
        mailbox = p.require_id(request.path_params["mailbox"], "mailbox id")
        signed = await self.authenticate(request, query=FETCH_QUERY)
        since, limit = p.parse_fetch_query(signed.query)
        now = int(self.clock())
        page = await self._run(self.storage.fetch, mailbox, signed.key, since, limit, now)
        return Response(p.encode_fetch_page(page), media_type="application/json")

    async def acknowledge(self, request: Request) -> Response:
        mailbox = p.require_id(request.path_params["mailbox"], "mailbox id")
        signed = await self.authenticate(request, body=True)
        ids = p.decode_ack(signed.body)
        deleted = await self._run(self.storage.acknowledge, mailbox, signed.key, ids)
        return JSONResponse({"deleted": deleted})

    async def put_item(self, request: Request) -> Response:
        item_id = p.require_id(request.path_params["item"], "item id")
        signed = await self.authenticate(request, body=True)
        item = p.decode_item(signed.body)
        self._check_size(item.ciphertext, self.config.max_envelope_bytes)
        now = int(self.clock())
        created = await self._run(lambda: self.storage.put_item(
            item_id, signed.key, item, now, expires=now + self.config.item_ttl_seconds,
            budget=self.budget(signed)))
        return JSONResponse({"id": item_id, "version": item.version, "created": created},
                            status_code=201 if created else 200)

    async def get_item(self, request: Request) -> Response:
        item_id = p.require_id(request.path_params["item"], "item id")
        await self.authenticate(request)
        item = await self._run(self.storage.get_item, item_id, int(self.clock()))
        if item is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such item")
        assert isinstance(item, p.ItemVersion)
        return Response(p.encode_item(item.version, item.ciphertext),
                        media_type="application/json")

    async def delete_item(self, request: Request) -> Response:
        item_id = p.require_id(request.path_params["item"], "item id")
        key = (await self.authenticate(request)).key
        now = int(self.clock())
        await self._run(lambda: self.storage.delete_item(
            item_id, key, now, keep_until=now + self.config.item_ttl_seconds))
        return JSONResponse({"id": item_id, "deleted": True})

    async def put_invitation(self, request: Request) -> Response:
        lookup = p.require_id(request.path_params["lookup"], "invitation id")
        signed = await self.authenticate(request, body=True)
        bundle = p.decode_invitation(signed.body)
        self._check_size(bundle, self.config.max_invitation_bytes)
        now = int(self.clock())
        expires = now + self.config.invitation_ttl_seconds
        await self._run(lambda: self.storage.put_invitation(
            lookup, bundle, expires, now, budget=self.budget(signed)))
        return JSONResponse({"id": lookup, "expires": expires}, status_code=201)

    async def take_invitation(self, request: Request) -> Response:
        lookup = p.require_id(request.path_params["lookup"], "invitation id")
        await self.authenticate(request)
        bundle = await self._run(self.storage.take_invitation, lookup, int(self.clock()))
        if bundle is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such invitation (or already fetched)")
        assert isinstance(bundle, bytes)
        return Response(p.encode_invitation(bundle), media_type="application/json")


@functools.cache
def _openapi_json() -> bytes:
    from reconnect_tui.relay.openapi import dumps

    return dumps().encode("utf-8")


def _guarded(handler: Handler) -> Handler:
    """Turn refusals into JSON errors; anything unexpected into a 503 logged by type only."""

    @wraps(handler)
    async def run(request: Request) -> Response:
        try:
            return await handler(request)
        except WireError as error:
            return error_response(error)
        except ClientDisconnect:
            return Response(status_code=400)
        except Exception as error:  # the one catch-all: never a 500, never content in logs
            log.error("unexpected %s in %s", type(error).__name__, handler.__name__)
            return error_response(WireError(ErrorCode.UNAVAILABLE, "the relay hit a problem"))

    return run


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(WireError(ErrorCode.METHOD_NOT_ALLOWED, "method not allowed"))
    if exc.status_code == 404:
        return error_response(WireError(ErrorCode.NOT_FOUND, "no such route"))
    return error_response(WireError(ErrorCode.BAD_FIELD, "request refused"))


class AccessLog:
    """Logs method, route template, status and duration: no ids, keys, queries or bodies."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 0

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", "-")
            method = scope.get("method", "?")
            method = method if method.isalpha() and len(method) <= 10 else "?"
            access_log.info("%s %s %s %.1fms", method, template, status,
                            (time.perf_counter() - start) * 1000)


def create_app(storage: RelayStorage, config: RelayConfig | None = None, *,
               clock: EpochClock = epoch_seconds) -> Starlette:
    """The relay ASGI app over ``storage``. The lifespan purges expired data periodically
    and closes the storage at shutdown."""
    config = config or RelayConfig()
    relay = RelayApp(storage, config, clock)
    hub = PushHub(config)
    mailbox = "/v1/mailboxes/{mailbox}"
    routes = [
        Route("/health", _guarded(relay.health), methods=["GET"]),
        Route("/openapi.json", _guarded(relay.openapi), methods=["GET"]),
        Route(mailbox, _guarded(relay.claim_mailbox), methods=["PUT"]),
        Route(mailbox + "/envelopes", _guarded(relay.deposit), methods=["POST"]),
        Route(mailbox + "/envelopes", _guarded(relay.fetch), methods=["GET"]),
        Route("/v1/envelopes", _guarded(relay.deposit_batch), methods=["POST"]),
        Route(mailbox + "/ack", _guarded(relay.acknowledge), methods=["POST"]),
        Route("/v1/items/{item}", _guarded(relay.put_item), methods=["PUT"]),
        Route("/v1/items/{item}", _guarded(relay.get_item), methods=["GET"]),
        Route("/v1/items/{item}", _guarded(relay.delete_item), methods=["DELETE"]),
        Route("/v1/invitations/{lookup}", _guarded(relay.put_invitation), methods=["PUT"]),
        Route("/v1/invitations/{lookup}", _guarded(relay.take_invitation), methods=["GET"]),
        WebSocketRoute(SUBSCRIBE_PATH,
                       PushEndpoint(hub, storage, config, clock, _target).handle),
    ]

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        hub.bind(asyncio.get_running_loop())
        storage.listen(hub.wake_threadsafe)
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(_purge_forever, storage, config, clock)
            try:
                yield
            finally:
                tasks.cancel_scope.cancel()
        relay.stop_threads()
        storage.close()

    app = Starlette(routes=routes, lifespan=lifespan,
                    exception_handlers={HTTPException: _http_error})
    app.add_middleware(AccessLog)
    app.state.relay = relay
    app.state.push = hub
    return app


async def _purge_forever(storage: RelayStorage, config: RelayConfig,
                         clock: Callable[[], float]) -> None:
    while True:
        try:
            purged = await anyio.to_thread.run_sync(lambda: storage.purge_expired(
                int(clock()), item_tombstone_seconds=config.item_ttl_seconds))
            if purged:
                log.info("purged %d expired records", purged)
            used = await anyio.to_thread.run_sync(storage.usage)
            if used > 0.9 * config.max_total_bytes:
                log.warning("storage %d%% full (%d of %d bytes)",
                            100 * used // config.max_total_bytes, used, config.max_total_bytes)
        except Exception as error:  # a failed purge is retried next round, the relay serves on
            log.error("purge failed: %s", type(error).__name__)
        await anyio.sleep(config.purge_interval_seconds)
