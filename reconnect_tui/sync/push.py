"""The client end of the relay's push channel (``wire/push.py``): one WebSocket per signing key,
subscribed to the mailboxes that key owns, told "something new" and nothing else.

Like ``sync/client.py`` it signs what it sends: the handshake carries the four auth headers,
signed over ``GET /v1/subscribe`` and the subscription message as the body. Failures are
:class:`RelayError` (unreachable, or the channel closed) and :class:`RelayRefused` (the relay
said no, with its status and code), worded for the person at the keyboard.
"""

from __future__ import annotations

import contextlib
import ssl
from types import TracebackType

import nacl.signing
from websockets.exceptions import ConnectionClosed, InvalidStatus, WebSocketException
from websockets.sync.client import ClientConnection, connect

from .. import wire as p
from ..clock import EpochClock, epoch_seconds
from ..errors import RelayError, RelayRefused
from ..i18n import _
from ..wire import WireError
from ..wire.push import CLOSE_BASE, SUBSCRIBE_PATH, decode_event, encode_subscribe
from .client import check_relay_url, relay_refusal

PING_SECONDS = 30.0
"""Keep-alive: a channel whose relay stopped answering is noticed within about two of these."""


def push_url(base_url: str) -> str:
    base = check_relay_url(base_url)
    scheme, rest = base.split("://", 1)
    return ("wss" if scheme == "https" else "ws") + "://" + rest + SUBSCRIBE_PATH


class PushChannel:
    """One subscription. :meth:`open`, then :meth:`wait` as long as it returns; :meth:`close`
    may be called from another thread to end a wait."""

    def __init__(self, base_url: str, signing_key: nacl.signing.SigningKey,
                 mailboxes: list[str] | tuple[str, ...], *, timeout: float = 10.0,
                 verify: bool | str | ssl.SSLContext = True,
                 clock: EpochClock = epoch_seconds) -> None:
        self.base_url = check_relay_url(base_url)
        self.url = push_url(base_url)
        self.signing_key = signing_key
        self.mailboxes = tuple(sorted(set(mailboxes)))
        self.timeout = timeout
        self.verify = verify
        self.clock = clock
        self.subscribed = 0
        """How many of the mailboxes the relay watches for us (those this key claimed)."""
        self._ws: ClientConnection | None = None

    def __enter__(self) -> PushChannel:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def _ssl(self) -> ssl.SSLContext | None:
        if not self.url.startswith("wss://"):
            return None
        if isinstance(self.verify, ssl.SSLContext):
            return self.verify
        if isinstance(self.verify, str):
            return ssl.create_default_context(cafile=self.verify)
        context = ssl.create_default_context()
        if not self.verify:
            context.check_hostname = False
            context.verify_mode = ssl.CERT_NONE
        return context

    def open(self) -> int:
        """Connect and subscribe; returns how many mailboxes the relay watches."""
        body = encode_subscribe(self.mailboxes)
        headers = p.sign_request(self.signing_key, "GET", SUBSCRIBE_PATH, body,
                                 timestamp=int(self.clock()))
        try:
            ws = connect(self.url, additional_headers=headers, open_timeout=self.timeout,
                         ping_interval=PING_SECONDS, ping_timeout=PING_SECONDS,
                         close_timeout=2.0, max_size=4096, compression=None,
                         user_agent_header=None, ssl=self._ssl())
        except InvalidStatus as refused:
            raise self._refused_handshake(refused) from None
        except (OSError, TimeoutError, WebSocketException) as error:
            raise self._unreachable() from error
        self._ws = ws.__enter__()  # the connection is ours until close(); no `with` spans it
        try:
            ws.send(body.decode("ascii"))
            answer = ws.recv(timeout=self.timeout)
            kind, count = decode_event(_bytes(answer))
        except ConnectionClosed as closed:
            self.close()
            raise self._closed(closed) from None
        except (OSError, TimeoutError, WebSocketException) as error:
            self.close()
            raise self._unreachable() from error
        except WireError as error:
            self.close()
            raise self._unreadable() from error
        if kind != "subscribed":
            self.close()
            raise self._unreadable()
        self.subscribed = count
        return count

    def wait(self, timeout: float | None = None) -> bool:
        """True when the relay says something new arrived, False after ``timeout`` seconds of
        quiet; :class:`RelayError` when the channel is gone (or closed by :meth:`close`)."""
        ws = self._ws
        if ws is None:
            raise self._unreachable()
        try:
            message = ws.recv(timeout=timeout)
        except TimeoutError:
            return False
        except ConnectionClosed as closed:
            raise self._closed(closed) from None
        except (OSError, WebSocketException) as error:
            raise self._unreachable() from error
        try:
            return decode_event(_bytes(message))[0] == "new"
        except WireError as error:
            raise self._unreadable() from error

    def close(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(OSError, WebSocketException):
                ws.close()

    # --- failures -----------------------------------------------------------------------

    def _unreachable(self) -> RelayError:
        return RelayError(_("The relay at {url} could not be reached.").format(url=self.base_url))

    def _unreadable(self) -> RelayError:
        return RelayError(_("The relay at {url} sent an answer that could not be read.")
                          .format(url=self.base_url))

    def _refused_handshake(self, refused: InvalidStatus) -> RelayRefused:
        response = refused.response
        code, reason = "unknown", ""
        try:
            body = p.parse_object(bytes(response.body or b""))
            code = str(body.get("error", code))[:40]
            reason = str(body.get("reason", ""))[:200]
        except WireError:
            pass
        return relay_refusal(self.base_url, response.status_code, code, reason)

    def _closed(self, closed: ConnectionClosed) -> RelayError:
        frame = closed.rcvd
        if frame is not None and CLOSE_BASE + 400 <= frame.code < CLOSE_BASE + 600:
            return relay_refusal(self.base_url, frame.code - CLOSE_BASE, frame.reason[:40])
        return RelayError(_("The relay at {url} closed the live channel.").format(
            url=self.base_url))


def _bytes(message: str | bytes) -> bytes:
    return message.encode("utf-8") if isinstance(message, str) else message


__all__ = ["PushChannel", "RelayError", "RelayRefused", "push_url"]
