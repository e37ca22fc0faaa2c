"""Safety numbers: what two partners compare face to face to know no one swapped keys.

Both Ed25519 identity keys, sorted so both sides compute the same thing, are hashed with a
context string and iterated (as Signal's fingerprints do, to make grinding a near-collision
costlier); the first 60 bytes give 12 groups of 5 decimal digits.
"""

from __future__ import annotations

import functools
import hashlib

CONTEXT = b"reconnect/v1/safety-number\n"
ITERATIONS = 5200
GROUPS = 12


def safety_number(key_a: bytes, key_b: bytes) -> str:
    """12 groups of 5 digits from two 32-byte Ed25519 public keys (order does not matter)."""
    if len(key_a) != 32 or len(key_b) != 32:
        raise ValueError("identity keys are 32 bytes")
    first, second = sorted((key_a, key_b))
    return _safety_number(first, second)


@functools.lru_cache(maxsize=256)
def _safety_number(first: bytes, second: bytes) -> str:
    """The iterated hash (about 5,000 SHA-512 rounds) for a sorted pair of public keys, kept:
    every listing of partners asks for it again (the Messages and Sharing screens, each sync)."""
    digest = hashlib.sha512(CONTEXT + first + second).digest()
    for _ in range(ITERATIONS):
        digest = hashlib.sha512(digest + first + second).digest()
    groups = [
        f"{int.from_bytes(digest[i * 5 : i * 5 + 5], 'big') % 100000:05d}" for i in range(GROUPS)
    ]
    return " ".join(groups)
