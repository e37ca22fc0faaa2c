"""The forum's wire format: the outer envelope, the inner JSON, and the invitation bundle.

Pure functions, no I/O (``docs/forum.md`` describes the same in prose).

Outer layer: XChaCha20-Poly1305 under the recipient mailbox's envelope key, with the mailbox id
as associated data, so the relay sees only a random mailbox id and a padded size — not whether
an envelope is Olm or Megolm, which session it belongs to, or who sent it. Inside:

- ``0x00 | olm type | sender curve25519 (32) | olm ciphertext`` — a pairwise control message;
- ``0x01 | megolm session id (32) | megolm message`` — a post, hide or pin for everyone.

Both carry the same inner plaintext: padded JSON ``{"v", "type", "id", "forum", "from", "to",
"time", ...}`` where ``forum`` binds the message to one forum, ``from`` is the sender's
per-forum Ed25519 key and ``to`` the recipient's (Olm) or "" (Megolm, to everyone).
"""

from __future__ import annotations

import base64
import json
import secrets
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import nacl.bindings
import nacl.exceptions
import vodozemac

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from . import padding
from .olm import key_bytes
from .pairing import canonical_json

ENVELOPE_CONTEXT = b"reconnect/v1/forum-envelope\n"
BUNDLE_CONTEXT = b"reconnect/v1/forum-invitation"
NONCE_BYTES = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
OLM, MEGOLM = 0, 1
VERSION = 1
MAX_TEXT = 20000
MAX_NAME = 80
MAX_PSEUDONYM = 40
MEGOLM_TYPES = ("post", "hide", "pin")
OLM_TYPES = ("join", "welcome", "member-added", "hello", "key", "remove", "removed", "report")
PIN_KINDS = ("", "rules", "cafe")


def _bad() -> ProtocolError:
    return ProtocolError(_("A forum message could not be verified."))


def b64(raw: bytes) -> str:
    """Unpadded standard base64, as vodozemac writes keys."""
    return base64.b64encode(raw).decode("ascii").rstrip("=")


# --- outer envelope ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Outer:
    kind: int
    body: bytes
    olm_type: int = 0
    sender_key: str = ""
    session_id: str = ""

    def olm_message(self) -> vodozemac.AnyOlmMessage:
        return vodozemac.AnyOlmMessage.from_parts(self.olm_type, self.body)


def seal(key: bytes, mailbox_id: str, outer: Outer) -> bytes:
    if outer.kind == OLM:
        head = bytes([OLM, outer.olm_type]) + key_bytes(outer.sender_key)
    else:
        head = bytes([MEGOLM]) + key_bytes(outer.session_id)
    nonce = secrets.token_bytes(NONCE_BYTES)
    aad = ENVELOPE_CONTEXT + mailbox_id.encode("ascii")
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        head + outer.body, aad, nonce, key)


def open_sealed(key: bytes, mailbox_id: str, sealed: bytes) -> Outer:
    """Undo :func:`seal`; anything altered, truncated or re-addressed raises ProtocolError."""
    if len(sealed) < NONCE_BYTES + 16 + 34:
        raise _bad()
    aad = ENVELOPE_CONTEXT + mailbox_id.encode("ascii")
    try:
        plain = nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], aad, sealed[:NONCE_BYTES], key)
    except nacl.exceptions.CryptoError:
        raise _bad() from None
    if plain[0] == OLM and plain[1] in (0, 1) and len(plain) > 34:
        return Outer(OLM, plain[34:], olm_type=plain[1], sender_key=b64(plain[2:34]))
    if plain[0] == MEGOLM and len(plain) > 33:
        return Outer(MEGOLM, plain[33:], session_id=b64(plain[1:33]))
    raise _bad()


# --- inner plaintext --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ForumPlaintext:
    """What one forum Olm or Megolm message carries, before padding and encryption."""

    type: str
    id: str
    forum: str
    sender: str
    recipient: str
    time: datetime
    fields: dict[str, Any] = field(default_factory=dict)

    def encode(self) -> bytes:
        obj = {"v": VERSION, "type": self.type, "id": self.id, "forum": self.forum,
               "from": self.sender, "to": self.recipient,
               "time": self.time.astimezone(UTC).isoformat(), **self.fields}
        return padding.pad(json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode())


def decode(padded: bytes, *, forum: str, sender: str | None, recipient: str,
           types: tuple[str, ...]) -> ForumPlaintext:
    """Parse and check one plaintext: well formed, of this forum, from ``sender`` (when known)
    to ``recipient``, of one of ``types``."""
    try:
        obj = json.loads(padding.unpad(padded).decode("utf-8"))
        when = time_field(obj["time"])
    except (ProtocolError, UnicodeDecodeError, ValueError, KeyError, TypeError):
        raise _bad() from None
    if (not isinstance(obj, dict) or obj.get("v") != VERSION or obj.get("type") not in types
            or not wire.is_valid_id(obj.get("id")) or obj.get("forum") != forum
            or obj.get("to") != recipient or not isinstance(obj.get("from"), str)
            or (sender is not None and obj["from"] != sender)):
        raise _bad()
    rest = {k: v for k, v in obj.items()
            if k not in ("v", "type", "id", "forum", "from", "to", "time")}
    return ForumPlaintext(obj["type"], obj["id"], obj["forum"], obj["from"], obj["to"], when, rest)


def time_field(value: object) -> datetime:
    """An ISO 8601 time with its UTC offset, as UTC (``wire.utc_time``); anything else
    raises ProtocolError."""
    when = wire.utc_time(value)
    if when is None:
        raise _bad()
    return when


def text_field(fields: dict[str, Any], name: str, limit: int = MAX_TEXT,
               *, empty: bool = True) -> str:
    value = fields.get(name)
    if not isinstance(value, str) or len(value) > limit or (not empty and not value.strip()):
        raise _bad()
    return value


def id_field(fields: dict[str, Any], name: str) -> str:
    value = fields.get(name)
    if not wire.is_valid_id(value):
        raise _bad()
    return value


# --- members as the roster lists them ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MemberCard:
    """What members know of each other: pseudonym, per-forum keys and inbound mailbox."""

    pseudonym: str
    ed25519: str
    curve25519: str
    fallback_key: str
    mailbox: str
    mailbox_key: bytes
    moderator: bool
    joined_at: datetime

    def fields(self) -> dict[str, Any]:
        return {"pseudonym": self.pseudonym, "ed25519": self.ed25519,
                "curve25519": self.curve25519, "fallback": self.fallback_key,
                "mailbox": self.mailbox, "mailbox_key": wire.b64encode(self.mailbox_key),
                "moderator": self.moderator, "joined_at": self.joined_at.isoformat()}


def card(obj: object) -> MemberCard:
    if not isinstance(obj, dict):
        raise _bad()
    try:
        result = MemberCard(
            text_field(obj, "pseudonym", MAX_PSEUDONYM, empty=False), obj["ed25519"],
            obj["curve25519"], obj.get("fallback") or "", id_field(obj, "mailbox"),
            wire.b64decode(obj["mailbox_key"]), bool(obj.get("moderator")),
            time_field(obj["joined_at"]))
        vodozemac.Ed25519PublicKey.from_base64(result.ed25519)
        vodozemac.Curve25519PublicKey.from_base64(result.curve25519)
        if result.fallback_key:
            vodozemac.Curve25519PublicKey.from_base64(result.fallback_key)
    except (KeyError, TypeError, ValueError, ProtocolError):
        raise _bad() from None
    if len(result.mailbox_key) != 32:
        raise _bad()
    return result


# --- the invitation bundle --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ForumBundle:
    """A forum invitation as the moderator seals it under the invitation code's key."""

    forum: str
    name: str
    moderator: MemberCard
    one_time_key: str
    answer_mailbox: str


def seal_bundle(bundle: ForumBundle, account: vodozemac.Account, key: bytes) -> bytes:
    body = canonical_json({"v": VERSION, "type": "forum-invitation", "forum": bundle.forum,
                           "name": bundle.name, "moderator": bundle.moderator.fields(),
                           "one_time_key": bundle.one_time_key,
                           "answer_mailbox": bundle.answer_mailbox})
    signed = canonical_json({"body": body.decode(), "sig": account.sign(body).to_base64()})
    nonce = secrets.token_bytes(NONCE_BYTES)
    return nonce + nacl.bindings.crypto_aead_xchacha20poly1305_ietf_encrypt(
        signed, BUNDLE_CONTEXT, nonce, key)


def open_bundle(sealed: bytes, key: bytes) -> ForumBundle:
    """Decrypt and check: sealed under the code's key, signed by the moderator key it names."""
    bad = ProtocolError(_("The forum invitation could not be verified. Ask for a new code."))
    try:
        signed = json.loads(nacl.bindings.crypto_aead_xchacha20poly1305_ietf_decrypt(
            sealed[NONCE_BYTES:], BUNDLE_CONTEXT, sealed[:NONCE_BYTES], key))
        body = signed["body"].encode()
        fields = json.loads(body)
        moderator = card(fields["moderator"])
        bundle = ForumBundle(id_field(fields, "forum"), text_field(fields, "name", MAX_NAME),
                        moderator, fields["one_time_key"], id_field(fields, "answer_mailbox"))
        vodozemac.Ed25519PublicKey.from_base64(moderator.ed25519).verify_signature(
            body, vodozemac.Ed25519Signature.from_base64(signed["sig"]))
        vodozemac.Curve25519PublicKey.from_base64(bundle.one_time_key)
    except (ValueError, KeyError, TypeError, AttributeError, ProtocolError,
            nacl.exceptions.CryptoError):
        raise bad from None
    if fields.get("v") != VERSION or fields.get("type") != "forum-invitation":
        raise bad
    return bundle
