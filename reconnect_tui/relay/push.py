"""The push channel: ``GET /v1/subscribe`` as a WebSocket (``wire/push.py``, docs/protocol.md).

A subscriber waits on one ``asyncio.Event``; a committed deposit wakes the subscribers of its
mailbox. The storage reports deposits (:meth:`RelayStorage.listen`): the SQLite storage after
its own commits, the PostgreSQL one through LISTEN/NOTIFY, so a deposit that reaches any relay
process on the database wakes subscribers on all of them. Wakes coalesce: however many deposits
land while a subscriber is being told, it is told once more, and then runs one sync.

Bounds: ``RelayConfig.max_subscribers`` connections per process and
``max_subscriptions_per_key`` per signing key (both answered ``rate_limited`` beyond), at most
``MAX_SUBSCRIBE_MAILBOXES`` mailboxes each; any message after the subscription closes the
channel. An idle subscriber costs one connection, two small tasks and its index entries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

import anyio
import anyio.to_thread
from starlette.responses import JSONResponse
from starlette.types import Scope
from starlette.websockets import WebSocket, WebSocketDisconnect

from reconnect_tui import wire as p
from reconnect_tui.relay.config import RelayConfig
from reconnect_tui.relay.storage import RelayStorage
from reconnect_tui.wire import ErrorCode, WireError
from reconnect_tui.wire.push import (
    NEW_EVENT,
    SUBSCRIBE_TIMEOUT,
    close_code,
    decode_subscribe,
    encode_subscribed,
    mailbox_token,
)

log = logging.getLogger("reconnect.relay")


class _Subscriber:
    __slots__ = ("event", "key", "tokens")

    def __init__(self, key: bytes, tokens: list[str]) -> None:
        self.key = key
        self.tokens = tokens
        self.event = asyncio.Event()


class PushHub:
    """This process's subscribers, by mailbox token. Used on the event loop only; the storage's
    wakes arrive from other threads through :meth:`wake_threadsafe`."""

    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        self._by_token: dict[str, set[_Subscriber]] = {}
        self._per_key: dict[bytes, int] = {}
        self.count = 0
        self.loop: asyncio.AbstractEventLoop | None = None

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop

    def wake_threadsafe(self, token: str | None) -> None:
        """A deposit committed in mailbox ``token`` (None: maybe any, e.g. after the
        notification connection was lost). Safe from any thread."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return
        if token is not None and token not in self._by_token:
            # No one here listens to that mailbox: no wake-up of the loop per deposit. A
            # subscriber added after this read is told "subscribed" after it was added, and
            # its client syncs then, so a deposit committed before is not missed.
            return
        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: relay stopping
            loop.call_soon_threadsafe(self.wake, token)

    def wake(self, token: str | None) -> None:
        if token is None:
            subscribers: set[_Subscriber] = set().union(*self._by_token.values())
        else:
            subscribers = self._by_token.get(token, set())
        for subscriber in subscribers:
            subscriber.event.set()

    def add(self, key: bytes, mailboxes: list[str]) -> _Subscriber:
        if self.count >= self.config.max_subscribers:
            raise WireError(ErrorCode.RATE_LIMITED, "this relay has all the subscribers it "
                                                    "takes; sync periodically")
        if self._per_key.get(key, 0) >= self.config.max_subscriptions_per_key:
            raise WireError(ErrorCode.RATE_LIMITED, "this key has all the subscriptions it may")
        subscriber = _Subscriber(key, [mailbox_token(m) for m in mailboxes])
        for token in subscriber.tokens:
            self._by_token.setdefault(token, set()).add(subscriber)
        self._per_key[key] = self._per_key.get(key, 0) + 1
        self.count += 1
        return subscriber

    def remove(self, subscriber: _Subscriber) -> None:
        for token in subscriber.tokens:
            held = self._by_token.get(token)
            if held is not None:
                held.discard(subscriber)
                if not held:
                    del self._by_token[token]
        left = self._per_key.get(subscriber.key, 1) - 1
        if left:
            self._per_key[subscriber.key] = left
        else:
            self._per_key.pop(subscriber.key, None)
        self.count -= 1


class PushEndpoint:
    """The WebSocket handler: authenticate the handshake and the subscription, then tell."""

    def __init__(self, hub: PushHub, storage: RelayStorage, config: RelayConfig,
                 clock: Callable[[], float],
                 target: Callable[[Scope], str]) -> None:
        self.hub = hub
        self.storage = storage
        self.config = config
        self.clock = clock
        self.target = target

    async def handle(self, websocket: WebSocket) -> None:
        try:
            await self._serve(websocket)
        except WireError as error:
            await _refuse(websocket, error)
        except (WebSocketDisconnect, anyio.get_cancelled_exc_class()):
            raise
        except Exception as error:  # never a traceback with content; the client retries
            log.error("unexpected %s in subscribe", type(error).__name__)
            await _refuse(websocket, WireError(ErrorCode.UNAVAILABLE, "the relay hit a problem"))

    async def _serve(self, websocket: WebSocket) -> None:
        # Shape and freshness before anything is accepted: refused as an HTTP answer.
        p.parse_query(websocket.query_params.multi_items(), frozenset())
        auth = p.parse_auth_headers(websocket.headers.get)
        now = self.clock()
        if abs(now - auth.timestamp) > p.MAX_CLOCK_SKEW:
            raise WireError(ErrorCode.STALE_TIMESTAMP, f"timestamp is more than "
                            f"{p.MAX_CLOCK_SKEW} seconds from the relay's clock")
        await websocket.accept()
        try:
            with anyio.fail_after(SUBSCRIBE_TIMEOUT):
                message = await websocket.receive()
        except TimeoutError:
            raise WireError(ErrorCode.BAD_FIELD, "no subscription came in time") from None
        if message["type"] != "websocket.receive":
            return  # gone before subscribing
        data = message.get("bytes") or (message.get("text") or "").encode("utf-8")
        # The subscription is the signed "body": the same check as any signed request.
        p.verify_request(auth, "GET", self.target(websocket.scope), data, self.clock())
        await anyio.to_thread.run_sync(lambda: self.storage.admit(
            auth.key, auth.nonce, int(now), nonce_expires=auth.timestamp + p.MAX_CLOCK_SKEW + 1,
            rate_limit=self.config.rate_limit_per_minute))
        mailboxes = decode_subscribe(data)
        owned = await anyio.to_thread.run_sync(self.storage.owned_mailboxes, auth.key,
                                               mailboxes)
        subscriber = self.hub.add(auth.key, owned)
        try:
            await websocket.send_text(encode_subscribed(len(owned)).decode("ascii"))
            async with anyio.create_task_group() as tasks:
                tasks.start_soon(_until_closed, websocket, tasks.cancel_scope)
                event = subscriber.event
                while True:
                    await event.wait()
                    event.clear()
                    await websocket.send_text(NEW_EVENT.decode("ascii"))
        finally:
            self.hub.remove(subscriber)


async def _until_closed(websocket: WebSocket, scope: anyio.CancelScope) -> None:
    """Wait for the client to go; a message from it (none is expected) closes the channel."""
    message = await websocket.receive()
    if message["type"] == "websocket.receive":
        await _refuse(websocket, WireError(ErrorCode.BAD_FIELD,
                                           "nothing is sent after the subscription"))
    scope.cancel()


async def _refuse(websocket: WebSocket, error: WireError) -> None:
    """Before the handshake is accepted: the HTTP answer a request would get (where the server
    can send one); after: close with ``4000 + status`` and the error code."""
    from starlette.websockets import WebSocketState

    try:
        if websocket.client_state == WebSocketState.CONNECTING:
            if "websocket.http.response" in websocket.scope.get("extensions", {}):
                headers = {"Retry-After": "60"} if error.status == 429 else None
                await websocket.send_denial_response(
                    JSONResponse(error.body(), status_code=error.status, headers=headers))
                return
            await websocket.close(code=close_code(error), reason=str(error.code))
            return
        if websocket.client_state == WebSocketState.CONNECTED:
            await websocket.close(code=close_code(error), reason=str(error.code))
    except (RuntimeError, OSError, WebSocketDisconnect):
        pass  # the client is gone already

