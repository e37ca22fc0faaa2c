"""Ids, base64url, peer times and per-purpose key derivation. Pure: no I/O."""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import secrets
from datetime import UTC, datetime
from typing import TypeGuard

import nacl.encoding
import nacl.hash

from .codes import ErrorCode, WireError
from .limits import ID_PATTERN

_B64_PATTERN = re.compile(r"[A-Za-z0-9_-]*")


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


def is_valid_id(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and ID_PATTERN.fullmatch(value) is not None


def require_id(value: object, what: str) -> str:
    if not isinstance(value, str) or ID_PATTERN.fullmatch(value) is None:
        raise WireError(ErrorCode.BAD_ID, f"{what} must be 22-64 base64url characters")
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
    digest: bytes = nacl.hash.blake2b(
        b"reconnect/v1/" + purpose.encode("utf-8"),
        key=root[:64],
        digest_size=length,
        encoder=nacl.encoding.RawEncoder,
    )
    return digest


def invitation_lookup_id(code: str) -> str:
    """The relay lookup id for an invitation code (the code itself never reaches the relay).
    Case, spaces and hyphens do not matter, so "ab3 k7q" finds "AB3-K7Q"."""
    normalized = "".join(code.replace("-", " ").split()).upper().encode("utf-8")
    return b64encode(derive_key(hashlib.sha256(normalized).digest(), "invitation-lookup"))
