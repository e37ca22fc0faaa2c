"""Padding of plaintext to size buckets, so the relay sees only a bucket size.

ISO/IEC 7816-4 style: the plaintext, one 0x80 byte, then zero bytes up to the smallest bucket
that holds both. Pure functions, no I/O. Refusals carry English for operators and tests; the
client says them in the user's language (``sync/padding.py``).
"""

from __future__ import annotations

from reconnect_tui.errors import ProtocolError

BUCKETS: tuple[int, ...] = (256, 1024, 4096, 16384, 65536, 262144)
"""Padded sizes in bytes. A padded plaintext is always exactly one of these."""

MAX_PLAINTEXT = BUCKETS[-1] - 1
"""The longest plaintext that fits the largest bucket (one byte goes to the 0x80 marker)."""

_MARKER = 0x80


class PaddingError(ProtocolError):
    """A buffer that is not a well-formed padded plaintext."""


class PlaintextTooLong(ProtocolError):
    """A plaintext longer than the largest bucket holds (``limit`` bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"at most {limit} bytes fit")
        self.limit = limit


def bucket_for(length: int) -> int:
    """The padded size for a plaintext of ``length`` bytes."""
    if length < 0:
        raise ValueError("length must not be negative")
    for bucket in BUCKETS:
        if length < bucket:
            return bucket
    raise PlaintextTooLong(MAX_PLAINTEXT)


def pad(plaintext: bytes) -> bytes:
    """Pad ``plaintext`` to its bucket."""
    size = bucket_for(len(plaintext))
    return plaintext + bytes([_MARKER]) + bytes(size - len(plaintext) - 1)


def unpad(padded: bytes) -> bytes:
    """Undo :func:`pad`; refuse anything that is not a well-formed padded buffer."""
    if len(padded) not in BUCKETS:
        raise PaddingError("unexpected size")
    end = len(padded.rstrip(b"\x00"))
    if end == 0 or padded[end - 1] != _MARKER:
        raise PaddingError("not padded correctly")
    return padded[: end - 1]
