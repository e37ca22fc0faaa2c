"""The numbers both sides of the relay protocol agree on: version, id shapes, sizes, skew."""

from __future__ import annotations

import re

PROTOCOL_VERSION = 1

MAX_CLOCK_SKEW = 300
"""Seconds a request timestamp may differ from the relay's clock, either way."""

ID_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,64}")
"""Mailbox, envelope, item and invitation ids: 22-64 base64url characters (>= 128 bits)."""

NONCE_PATTERN = re.compile(r"[A-Za-z0-9_-]{22,43}")
MAX_FETCH_LIMIT = 500
MAX_ENVELOPE_BYTES = 256 * 1024 + 1024
"""The largest envelope or item ciphertext in protocol version 1 (257 KiB): the largest padding
bucket (``wire/padding.py``) plus 1 KiB of cipher overhead. The relay refuses more by default,
and a client drops anything larger that a relay hands it, unread and unstored."""
MAX_ACK_IDS = 500

MAX_ITEM_VERSION = 2**53 - 1
"""Item versions stay integers every JSON implementation reads exactly (IEEE doubles)."""

MAX_VERSION_STEP = 2**32
"""How far one write may raise an item's version (the first write: at most this). A slot whose
version jumped to the maximum could never be written again; with this step, reaching it would
take two million writes."""

JSON_MEDIA_TYPE = "application/json"
