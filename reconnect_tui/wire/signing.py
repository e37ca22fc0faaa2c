"""Request signing: the canonical string an Ed25519 signature covers, the four auth headers,
and their verification (freshness and signature; nonce reuse is the relay storage's job)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

import nacl.exceptions
import nacl.signing

from .codes import ErrorCode, WireError
from .encoding import b64decode, b64encode, derive_key, new_id
from .limits import MAX_CLOCK_SKEW, NONCE_PATTERN

REQUEST_CONTEXT = "reconnect-relay/v1/request"
"""First line of every signed string: binds a signature to this protocol and version."""

HEADER_KEY = "X-Reconnect-Key"
HEADER_TIMESTAMP = "X-Reconnect-Timestamp"
HEADER_NONCE = "X-Reconnect-Nonce"
HEADER_SIGNATURE = "X-Reconnect-Signature"


def relay_signing_key(identity_seed: bytes) -> nacl.signing.SigningKey:
    """The Ed25519 key a client signs relay requests with: derived, so the relay account key is
    never the identity key partners see."""
    return nacl.signing.SigningKey(derive_key(identity_seed, "relay-signing"))


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
