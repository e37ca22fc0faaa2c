"""The plaintext inside each Olm message: a small JSON object, padded to a size bucket.

``{"v": 1, "type": ..., "id", "from", "to", "time", "n", ...}`` where ``from`` and ``to`` are
the Ed25519 identity keys of sender and recipient, ``n`` a per-dyad, per-sender counter and
``time`` the sender's clock (UTC ISO 8601). Types: ``pairing`` (the service user's answer to
an invitation), ``confirm`` (the provider's first message), ``message`` (text, optionally
``reply_to`` and ``about``), ``receipt`` (``ids`` of messages read), and the agreement's types
(``docs/agreement.md``). Pure functions.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from ..store.repositories.dyads import MessageRow
from . import padding

VERSION = 1
TYPES = ("pairing", "confirm", "message", "receipt", "agreement-propose", "agreement-accept",
         "agreement-decline", "seen", "checkin", "checkin-answer", "feedback", "share-manifest",
         "share-viewed", "share-revoke-ack", "reset-ack", "echo", "device-list",
         "device-hello")
"""The agreement, "seen", check-in and feedback types are checked and stored by
``agreement_inbound.py`` (docs/agreement.md); the sharing types by ``share_inbound.py``
(docs/sharing.md); ``reset-ack`` and ``echo`` answer a reset request after a vault was restored
from a backup (docs/dyads.md, "Restore and rollback"); ``device-list`` (the person's signed list of
linked devices, with one-time keys) and ``device-hello`` (a partner's first message to one of
them) are checked by ``device_fanout.py`` (docs/devices.md)."""
MAX_TEXT = 20000
"""Characters in one message: long enough for a letter, short enough for one bucket or two."""


@dataclass(frozen=True, slots=True)
class DyadPlaintext:
    """What one dyad Olm message carries, before padding and encryption."""

    type: str
    id: str
    sender: str
    recipient: str
    time: datetime
    n: int
    fields: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        obj = {"v": VERSION, "type": self.type, "id": self.id, "from": self.sender,
               "to": self.recipient, "time": self.time.astimezone(UTC).isoformat(), "n": self.n,
               **self.fields}
        return padding.pad(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def decode(padded: bytes, *, sender: str | None, recipient: str) -> DyadPlaintext:
    """Parse and check one decrypted plaintext: well formed, addressed from ``sender`` (when
    known) to ``recipient``. Anything else raises ProtocolError."""
    bad = ProtocolError(_("A received message could not be verified."))
    try:
        obj = json.loads(padding.unpad(padded).decode("utf-8"))
    except (ProtocolError, UnicodeDecodeError, ValueError):
        raise bad from None
    if not isinstance(obj, dict) or obj.get("v") != VERSION or obj.get("type") not in TYPES:
        raise bad
    when = wire.utc_time(obj.get("time"))
    if when is None:
        raise bad
    n = obj.get("n")
    if (not wire.is_valid_id(obj.get("id")) or not isinstance(n, int) or isinstance(n, bool)
            or obj.get("to") != recipient
            or not isinstance(obj.get("from"), str)
            or (sender is not None and obj.get("from") != sender)):
        raise bad
    rest = {k: v for k, v in obj.items() if k not in ("v", "type", "id", "from", "to", "time",
                                                      "n")}
    if obj["type"] == "message":
        check_message_fields(rest)
    if obj["type"] == "reset-ack":
        check_reset_ack(rest)
    if obj["type"] == "echo":
        check_echo(rest)
    if obj["type"] == "receipt" and not (
            isinstance(rest.get("ids"), list) and all(wire.is_valid_id(i)
                                                      for i in rest["ids"])):
        raise bad
    return DyadPlaintext(obj["type"], obj["id"], obj["from"], obj["to"], when, n, rest)


def check_message_fields(rest: dict[str, Any]) -> None:
    bad = ProtocolError(_("A received message could not be verified."))
    text = rest.get("text")
    if not isinstance(text, str) or len(text) > MAX_TEXT:
        raise bad
    reply_to = rest.get("reply_to")
    if reply_to is not None and not wire.is_valid_id(reply_to):
        raise bad
    about = rest.get("about")
    if about is not None and not (
            isinstance(about, dict) and isinstance(about.get("module"), str)
            and isinstance(about.get("item_id"), int) and isinstance(about.get("title"), str)):
        raise bad


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def check_reset_ack(rest: dict[str, Any]) -> None:
    """``{"epoch": <the request's>, "received_n": <highest counter held from the asker>,
    "have": [<ids of the asker's messages from its ``from_n`` on>], "manifest_seq",
    "share_epoch": <the newest share manifest and key epoch held from the asker>}``."""
    have = rest.get("have")
    if not (isinstance(rest.get("epoch"), str) and _is_count(rest.get("received_n"))
            and _is_count(rest.get("manifest_seq")) and _is_count(rest.get("share_epoch"))
            and isinstance(have, list) and all(wire.is_valid_id(i) for i in have)):
        raise ProtocolError(_("A received message could not be verified."))


def check_echo(rest: dict[str, Any]) -> None:
    """``{"epoch", "of": {"id", "time", "n", "text", "reply_to"?, "about"?, "read"}}``: one of the
    recipient's own messages, sent back to it after a reset."""
    bad = ProtocolError(_("A received message could not be verified."))
    of = rest.get("of")
    if (not isinstance(rest.get("epoch"), str) or not isinstance(of, dict)
            or not wire.is_valid_id(of.get("id"))):
        raise bad
    if wire.utc_time(of.get("time")) is None or not _is_count(of.get("n")) or not isinstance(
            of.get("read"), bool):
        raise bad
    check_message_fields(of)


def received_row(inner: DyadPlaintext) -> MessageRow:
    """The row a received ``message`` is kept as: unread, with what it answers and is about."""
    about = inner.fields.get("about")
    return MessageRow(inner.id, False, inner.fields["text"], inner.time, inner.n, "unread",
                      inner.fields.get("reply_to"),
                      (about["module"], about["item_id"], about["title"]) if about else None)
