"""The push channel (``GET /v1/subscribe``, a WebSocket): a signed client subscribes to the
mailboxes it owns and is told "something new" the moment a deposit lands in one of them.

The channel carries no content, no envelope ids and no mailbox ids from the relay: a client
that is told runs its ordinary sync. Authentication is the signed-request scheme
(``wire/signing.py``) with the subscription as the "body": the WebSocket handshake carries the
four auth headers over ``GET /v1/subscribe`` and the SHA-256 of the first message, which is the
subscription itself. Refusals close the channel with ``4000 + status`` and the wire error code
as the reason (``4401 replayed_nonce``). Pure: no I/O.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from .bodies import dumps, parse_object, require_id_list, require_int, require_version
from .codes import STATUS, ErrorCode, WireError

SUBSCRIBE_PATH = "/v1/subscribe"
MAX_SUBSCRIBE_MAILBOXES = 1000
"""Mailboxes in one subscription (a provider with many service users has one per dyad)."""
MAX_SUBSCRIBE_BYTES = 64 * 1024
"""The largest subscription message (1,000 ids of 43 characters fit)."""
SUBSCRIBE_TIMEOUT = 10.0
"""Seconds the relay waits for the subscription after accepting the handshake."""
CLOSE_BASE = 4000
"""A refusal closes with ``CLOSE_BASE + status`` (4401, 4403, 4429 …)."""
CLOSE_GOING_AWAY = 1001
"""The relay is shutting down: reconnect (to another process) after a moment."""

NEW_EVENT = dumps({"v": 1, "event": "new"})
"""What a subscriber is told when a deposit lands: nothing more."""


def mailbox_token(mailbox: str) -> str:
    """What the relay's processes tell each other about a deposit (PostgreSQL NOTIFY): a hash of
    the mailbox id, never the id itself."""
    return hashlib.blake2b(mailbox.encode("ascii"), digest_size=16,
                           person=b"reconnect-push").hexdigest()


def encode_subscribe(mailboxes: Iterable[str]) -> bytes:
    return dumps({"v": 1, "mailboxes": sorted(set(mailboxes))})


def decode_subscribe(message: bytes) -> list[str]:
    """The mailbox ids of a subscription (1 to ``MAX_SUBSCRIBE_MAILBOXES``, no duplicates)."""
    if len(message) > MAX_SUBSCRIBE_BYTES:
        raise WireError(ErrorCode.TOO_LARGE, f"subscription is larger than "
                                             f"{MAX_SUBSCRIBE_BYTES} bytes")
    obj = parse_object(message)
    require_version(obj)
    if set(obj) != {"v", "mailboxes"}:
        raise WireError(ErrorCode.BAD_FIELD, "a subscription has only v and mailboxes")
    mailboxes = require_id_list(obj, "mailboxes", MAX_SUBSCRIBE_MAILBOXES)
    if len(set(mailboxes)) != len(mailboxes):
        raise WireError(ErrorCode.BAD_FIELD, "mailboxes must not repeat")
    return mailboxes


def encode_subscribed(count: int) -> bytes:
    return dumps({"v": 1, "subscribed": count})


def decode_event(message: bytes) -> tuple[str, int]:
    """``("subscribed", how many mailboxes)`` or ``("new", 0)``; anything else is
    ``bad_field``."""
    obj = parse_object(message)
    require_version(obj)
    if "subscribed" in obj:
        return "subscribed", require_int(obj, "subscribed", high=MAX_SUBSCRIBE_MAILBOXES)
    if obj.get("event") == "new":
        return "new", 0
    raise WireError(ErrorCode.BAD_FIELD, "unknown push event")


def close_code(error: WireError) -> int:
    return CLOSE_BASE + STATUS[error.code]
