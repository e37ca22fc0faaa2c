"""The relay wire format, shared by the relay server and the client. Pure: no I/O.

Everything the two sides must agree on lives here: id shapes, base64, the canonical string a
request signature covers, the JSON bodies of each endpoint, error codes and their HTTP statuses,
and per-purpose key derivation. ``docs/protocol.md`` describes the same thing in prose.
"""

from __future__ import annotations

import base64
import binascii
import enum
import hashlib
import json
import re
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import nacl.encoding
import nacl.exceptions
import nacl.hash
import nacl.signing

from reconnect_tui.errors import ProtocolError

PROTOCOL_VERSION = 1
REQUEST_CONTEXT = "reconnect-relay/v1/request"
"""First line of every signed string: binds a signature to this protocol and version."""

HEADER_KEY = "X-Reconnect-Key"
HEADER_TIMESTAMP = "X-Reconnect-Timestamp"
HEADER_NONCE = "X-Reconnect-Nonce"
HEADER_SIGNATURE = "X-Reconnect-Signature"

MAX_CLOCK_SKEW = 300
"""Seconds a request timestamp may differ from the relay's clock, either way."""

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
"""Mailbox, envelope, item and invitation ids: 22-64 base64url characters (>= 128 bits)."""

NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,43}")
MAX_FETCH_LIMIT = 500
MAX_ENVELOPE_BYTES = 256 * 1024 + 1024
"""The largest envelope or item ciphertext in protocol version 1 (257 KiB): the largest padding
bucket (``sync/padding.py``) plus 1 KiB of cipher overhead. The relay refuses more by default,
and a client drops anything larger that a relay hands it, unread and unstored."""
MAX_ACK_IDS = 500

MAX_ITEM_VERSION = 2**53 - 1
"""Item versions stay integers every JSON implementation reads exactly (IEEE doubles)."""

MAX_VERSION_STEP = 2**32
"""How far one write may raise an item's version (the first write: at most this). A slot whose
version jumped to the maximum could never be written again; with this step, reaching it would
take two million writes."""

JSON_MEDIA_TYPE = "application/json"

_B64_PATTERN = re.compile(r"[A-Za-z0-9_-]*")


class ErrorCode(enum.StrEnum):
    """Machine-readable ``error`` values of the relay's JSON error bodies."""

    BAD_JSON = "bad_json"
    BAD_BASE64 = "bad_base64"
    BAD_FIELD = "bad_field"
    BAD_ID = "bad_id"
    BAD_VERSION = "bad_version"
    MISSING_AUTH = "missing_auth"
    BAD_AUTH = "bad_auth"
    BAD_SIGNATURE = "bad_signature"
    STALE_TIMESTAMP = "stale_timestamp"
    REPLAYED_NONCE = "replayed_nonce"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    VERSION_CONFLICT = "version_conflict"
    EXISTS = "exists"
    VERSION_TOO_HIGH = "version_too_high"
    TOO_LARGE = "too_large"
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"
    RATE_LIMITED = "rate_limited"
    MAILBOX_FULL = "mailbox_full"
    ADDRESS_BUDGET = "address_budget"
    RELAY_FULL = "relay_full"
    UNAVAILABLE = "unavailable"


STATUS: Mapping[ErrorCode, int] = {
    ErrorCode.BAD_JSON: 400,
    ErrorCode.BAD_BASE64: 400,
    ErrorCode.BAD_FIELD: 400,
    ErrorCode.BAD_ID: 400,
    ErrorCode.BAD_VERSION: 400,
    ErrorCode.VERSION_TOO_HIGH: 400,
    ErrorCode.MISSING_AUTH: 401,
    ErrorCode.BAD_AUTH: 401,
    ErrorCode.BAD_SIGNATURE: 401,
    ErrorCode.STALE_TIMESTAMP: 401,
    ErrorCode.REPLAYED_NONCE: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.METHOD_NOT_ALLOWED: 405,
    ErrorCode.VERSION_CONFLICT: 409,
    ErrorCode.EXISTS: 409,
    ErrorCode.TOO_LARGE: 413,
    ErrorCode.UNSUPPORTED_MEDIA_TYPE: 415,
    ErrorCode.RATE_LIMITED: 429,
    ErrorCode.MAILBOX_FULL: 429,
    ErrorCode.ADDRESS_BUDGET: 429,
    ErrorCode.RELAY_FULL: 507,
    ErrorCode.UNAVAILABLE: 503,
}


class WireError(ProtocolError):
    """A request or answer that breaks the wire format. ``reason`` is English for operators;
    it never quotes the offending content."""

    def __init__(self, code: ErrorCode, reason: str) -> None:
        super().__init__(f"{code}: {reason}")
        self.code = code
        self.reason = reason

    @property
    def status(self) -> int:
        return STATUS[self.code]

    def body(self) -> dict[str, str]:
        return {"error": str(self.code), "reason": self.reason}


PEER_INPUT_ERRORS: tuple[type[Exception], ...] = (
    ProtocolError, ValueError, TypeError, KeyError, IndexError, ArithmeticError,
)
"""What checking a peer's envelope may raise when the envelope is bad (vodozemac raises
ValueErrors; a malformed field a check missed, a TypeError or KeyError). Where one envelope is
processed, these reject that envelope: one bad envelope must never stop every later sync."""


# --- times ----------------------------------------------------------------------------------


def utc_time(value: object) -> datetime | None:
    """An ISO 8601 time with its UTC offset, as UTC; None for anything else (not text, not a
    time, no offset, or a time that leaves the calendar when moved to UTC). Every time a peer
    sends goes through here: one bad time must never raise out of a sync."""
    if not isinstance(value, str):
        return None
    try:
        when = datetime.fromisoformat(value)
        return when.astimezone(UTC) if when.tzinfo is not None else None
    except (ValueError, OverflowError):
        return None


# --- ids and base64 -------------------------------------------------------------------------


def new_id(nbytes: int = 16) -> str:
    """A fresh random id (mailbox, envelope, item): base64url of ``nbytes`` random bytes."""
    if not 16 <= nbytes <= 48:
        raise ValueError("ids carry 16-48 random bytes")
    while True:
        value = b64encode(secrets.token_bytes(nbytes))
        if not value.startswith("-"):  # people type post ids on command lines: never an option
            return value


def is_valid_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def require_id(value: object, what: str) -> str:
    if not is_valid_id(value):
        raise WireError(ErrorCode.BAD_ID, f"{what} must be 22-64 base64url characters")
    assert isinstance(value, str)
    return value


def b64encode(data: bytes) -> str:
    """base64url without padding (RFC 4648 section 5)."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64decode(text: object, what: str = "value") -> bytes:
    """Strict inverse of :func:`b64encode`: only the alphabet, no padding, canonical."""
    if not isinstance(text, str) or _B64_PATTERN.fullmatch(text) is None or len(text) % 4 == 1:
        raise WireError(ErrorCode.BAD_BASE64, f"{what} is not unpadded base64url")
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise WireError(ErrorCode.BAD_BASE64, f"{what} is not unpadded base64url") from error
    if b64encode(data) != text:
        raise WireError(ErrorCode.BAD_BASE64, f"{what} is not canonical base64url")
    return data


# --- keys -----------------------------------------------------------------------------------


def derive_key(root: bytes, purpose: str, length: int = 32) -> bytes:
    """A key for one purpose from a root secret (BLAKE2b keyed by the root, the purpose as
    message), in the way magic-wormhole derives phase keys: one root never serves two uses."""
    if len(root) < 16:
        raise ValueError("root key too short")
    return nacl.hash.blake2b(
        b"reconnect/v1/" + purpose.encode("utf-8"),
        key=root[:64],
        digest_size=length,
        encoder=nacl.encoding.RawEncoder,
    )


def relay_signing_key(identity_seed: bytes) -> nacl.signing.SigningKey:
    """The Ed25519 key a client signs relay requests with: derived, so the relay account key is
    never the identity key partners see."""
    return nacl.signing.SigningKey(derive_key(identity_seed, "relay-signing"))


def invitation_lookup_id(code: str) -> str:
    """The relay lookup id for an invitation code (the code itself never reaches the relay).
    Case, spaces and hyphens do not matter, so "ab3 k7q" finds "AB3-K7Q"."""
    normalized = "".join(code.replace("-", " ").split()).upper().encode("utf-8")
    return b64encode(derive_key(hashlib.sha256(normalized).digest(), "invitation-lookup"))


# --- request signing ------------------------------------------------------------------------


def canonical_request(method: str, target: str, timestamp: int, nonce: str, body: bytes) -> bytes:
    """The exact bytes a request signature covers.

    ``target`` is the path with its query string exactly as sent (``/v1/x?since=3``).
    """
    lines = [
        REQUEST_CONTEXT,
        method.upper(),
        target,
        str(timestamp),
        nonce,
        hashlib.sha256(body).hexdigest(),
    ]
    return "\n".join(lines).encode("utf-8")


def sign_request(
    key: nacl.signing.SigningKey,
    method: str,
    target: str,
    body: bytes,
    *,
    timestamp: int,
    nonce: str | None = None,
) -> dict[str, str]:
    """The four auth headers for one request."""
    nonce = nonce if nonce is not None else new_id(16)
    signed = key.sign(canonical_request(method, target, timestamp, nonce, body))
    return {
        HEADER_KEY: b64encode(bytes(key.verify_key)),
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: b64encode(signed.signature),
    }


@dataclass(frozen=True, slots=True)
class RequestAuth:
    """The parsed auth headers of one request (not yet verified)."""

    key: bytes
    timestamp: int
    nonce: str
    signature: bytes


def parse_auth_headers(get: Callable[[str], str | None]) -> RequestAuth:
    """Read the auth headers through ``get(name)``; shape checks only."""
    raw = {name: get(name) for name in (HEADER_KEY, HEADER_TIMESTAMP, HEADER_NONCE,
                                        HEADER_SIGNATURE)}
    if any(value is None for value in raw.values()):
        raise WireError(ErrorCode.MISSING_AUTH, "request is not signed")
    key_text, ts_text, nonce, sig_text = (str(raw[h]) for h in raw)
    if not ts_text.isascii() or not ts_text.isdigit() or len(ts_text) > 12:
        raise WireError(ErrorCode.BAD_AUTH, "timestamp must be whole seconds since the epoch")
    if NONCE_PATTERN.fullmatch(nonce) is None:
        raise WireError(ErrorCode.BAD_AUTH, "nonce must be 22-43 base64url characters")
    try:
        key = b64decode(key_text, "key")
        signature = b64decode(sig_text, "signature")
    except WireError as error:
        raise WireError(ErrorCode.BAD_AUTH, error.reason) from error
    if len(key) != 32 or len(signature) != 64:
        raise WireError(ErrorCode.BAD_AUTH, "key must be 32 bytes and signature 64 bytes")
    return RequestAuth(key=key, timestamp=int(ts_text), nonce=nonce, signature=signature)


def verify_request(auth: RequestAuth, method: str, target: str, body: bytes, now: float) -> None:
    """Check freshness and the Ed25519 signature; raise :class:`WireError` if either fails.
    Nonce reuse is the relay storage's job (it must remember nonces)."""
    if abs(now - auth.timestamp) > MAX_CLOCK_SKEW:
        raise WireError(ErrorCode.STALE_TIMESTAMP,
                        f"timestamp is more than {MAX_CLOCK_SKEW} seconds from the relay's clock")
    message = canonical_request(method, target, auth.timestamp, auth.nonce, body)
    try:
        nacl.signing.VerifyKey(auth.key).verify(message, auth.signature)
    except (nacl.exceptions.BadSignatureError, nacl.exceptions.ValueError) as error:
        raise WireError(ErrorCode.BAD_SIGNATURE, "signature does not match the request") from error


# --- JSON bodies ----------------------------------------------------------------------------


def dumps(obj: Mapping[str, Any]) -> bytes:
    return json.dumps(obj, separators=(",", ":"), sort_keys=True).encode("utf-8")


def parse_object(body: bytes) -> dict[str, Any]:
    """Parse a JSON object body; anything else is ``bad_json``."""
    try:
        value = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise WireError(ErrorCode.BAD_JSON, "body is not valid UTF-8 JSON") from error
    if not isinstance(value, dict):
        raise WireError(ErrorCode.BAD_JSON, "body must be a JSON object")
    return value


def require_int(obj: Mapping[str, Any], name: str, *, low: int = 0, high: int = 2**62) -> int:
    value = obj.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} must be an integer in [{low}, {high}]")
    return value


def require_version(obj: Mapping[str, Any]) -> None:
    """``v`` must be the JSON integer 1: not ``true``, not ``1.0`` (which ``json`` reads as a
    float equal to 1)."""
    value = obj.get("v")
    if type(value) is not int or value != PROTOCOL_VERSION:
        raise WireError(ErrorCode.BAD_VERSION, f"v must be the integer {PROTOCOL_VERSION}")


def require_bytes(obj: Mapping[str, Any], name: str, *, nonempty: bool = False) -> bytes:
    if name not in obj:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} is missing")
    data = b64decode(obj[name], name)
    if nonempty and not data:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} is empty")
    return data


def require_id_list(obj: Mapping[str, Any], name: str, limit: int) -> list[str]:
    value = obj.get(name)
    if not isinstance(value, list) or not 1 <= len(value) <= limit:
        raise WireError(ErrorCode.BAD_FIELD, f"{name} must be a list of 1-{limit} ids")
    return [require_id(item, name) for item in value]


@dataclass(frozen=True, slots=True)
class Deposit:
    """An envelope as uploaded: a client-chosen id and opaque ciphertext."""

    id: str
    ciphertext: bytes


def encode_deposit(envelope_id: str, ciphertext: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "id": require_id(envelope_id, "id"),
                  "ciphertext": b64encode(ciphertext)})


def decode_deposit(body: bytes) -> Deposit:
    obj = parse_object(body)
    require_version(obj)
    return Deposit(id=require_id(obj.get("id"), "id"),
                   ciphertext=require_bytes(obj, "ciphertext", nonempty=True))


@dataclass(frozen=True, slots=True)
class StoredEnvelope:
    """An envelope as fetched: ``seq`` orders it within the mailbox and is the fetch cursor."""

    id: str
    seq: int
    ciphertext: bytes


@dataclass(frozen=True, slots=True)
class FetchPage:
    envelopes: list[StoredEnvelope]
    cursor: int
    more: bool


def encode_fetch_page(page: FetchPage) -> bytes:
    return dumps({
        "v": PROTOCOL_VERSION,
        "envelopes": [{"id": e.id, "seq": e.seq, "ciphertext": b64encode(e.ciphertext)}
                      for e in page.envelopes],
        "cursor": page.cursor,
        "more": page.more,
    })


def decode_fetch_page(body: bytes) -> FetchPage:
    obj = parse_object(body)
    require_version(obj)
    items = obj.get("envelopes")
    if not isinstance(items, list):
        raise WireError(ErrorCode.BAD_FIELD, "envelopes must be a list")
    envelopes = []
    for item in items:
        if not isinstance(item, dict):
            raise WireError(ErrorCode.BAD_FIELD, "each envelope must be an object")
        envelopes.append(StoredEnvelope(id=require_id(item.get("id"), "id"),
                                        seq=require_int(item, "seq"),
                                        ciphertext=require_bytes(item, "ciphertext")))
    more = obj.get("more")
    if not isinstance(more, bool):
        raise WireError(ErrorCode.BAD_FIELD, "more must be a boolean")
    return FetchPage(envelopes=envelopes, cursor=require_int(obj, "cursor"), more=more)


def encode_ack(envelope_ids: list[str]) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "ids": envelope_ids})


def decode_ack(body: bytes) -> list[str]:
    obj = parse_object(body)
    require_version(obj)
    return require_id_list(obj, "ids", MAX_ACK_IDS)


@dataclass(frozen=True, slots=True)
class ItemVersion:
    """One shared-item slot's content: the latest version only."""

    version: int
    ciphertext: bytes


def encode_item(version: int, ciphertext: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "version": version, "ciphertext": b64encode(ciphertext)})


def decode_item(body: bytes) -> ItemVersion:
    obj = parse_object(body)
    require_version(obj)
    return ItemVersion(version=require_int(obj, "version", low=1, high=MAX_ITEM_VERSION),
                       ciphertext=require_bytes(obj, "ciphertext", nonempty=True))


def encode_invitation(bundle: bytes) -> bytes:
    return dumps({"v": PROTOCOL_VERSION, "bundle": b64encode(bundle)})


def decode_invitation(body: bytes) -> bytes:
    obj = parse_object(body)
    require_version(obj)
    return require_bytes(obj, "bundle", nonempty=True)


def parse_query(pairs: list[tuple[str, str]], allowed: frozenset[str] = frozenset()
                ) -> dict[str, str]:
    """The query's ``name=value`` pairs as a dict: only ``allowed`` names, each at most once
    (``since=1&since=9`` would leave it to the server to guess which one counts)."""
    params: dict[str, str] = {}
    for name, value in pairs:
        if name not in allowed:
            raise WireError(ErrorCode.BAD_FIELD, "this query parameter is not allowed here"
                            if allowed else "this request takes no query")
        if name in params:
            raise WireError(ErrorCode.BAD_FIELD, "a query parameter is repeated")
        params[name] = value
    return params


def parse_fetch_query(params: Mapping[str, str]) -> tuple[int, int]:
    """``since`` (cursor, default 0) and ``limit`` (1-500, default 100) of a fetch."""
    unknown = set(params) - {"since", "limit"}
    if unknown:
        raise WireError(ErrorCode.BAD_FIELD, "only since and limit are allowed in the query")
    values = []
    for name, default, high in (("since", 0, 2**62), ("limit", 100, MAX_FETCH_LIMIT)):
        text = params.get(name, str(default))
        if not text.isascii() or not text.isdigit() or len(text) > 19 or not 0 <= int(text) <= high:
            raise WireError(ErrorCode.BAD_FIELD, f"{name} must be an integer in [0, {high}]")
        values.append(int(text))
    since, limit = values
    if limit == 0:
        raise WireError(ErrorCode.BAD_FIELD, "limit must be at least 1")
    return since, limit
