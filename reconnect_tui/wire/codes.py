"""The relay's error codes, their HTTP statuses, and the exception that carries them."""

from __future__ import annotations

import enum
from collections.abc import Mapping

from reconnect_tui.errors import ProtocolError


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
