"""Relay limits and timings, one typed object (the CLI fills it from its options)."""

from __future__ import annotations

from dataclasses import dataclass

from reconnect_tui.sync.protocol import MAX_ENVELOPE_BYTES

DAY = 86400


@dataclass(frozen=True, slots=True)
class RelayConfig:
    retention_seconds: int = 30 * DAY
    """Unacknowledged envelopes are deleted this long after they arrived."""

    invitation_ttl_seconds: int = DAY
    """An invitation not fetched within this time is deleted."""

    max_envelope_bytes: int = MAX_ENVELOPE_BYTES
    """Largest envelope or item ciphertext: the largest padding bucket plus 1 KiB of cipher
    overhead (the AEAD nonce and tag, Olm's header)."""

    max_invitation_bytes: int = 16 * 1024
    rate_limit_per_minute: int = 600
    """Requests per key per minute (429 beyond)."""

    mailbox_max_envelopes: int = 10_000
    mailbox_max_bytes: int = 256 * 1024 * 1024

    purge_interval_seconds: float = 60.0
    """How often expired envelopes, invitations and nonces are deleted."""

    @property
    def max_body_bytes(self) -> int:
        """Largest request body: base64 of the largest ciphertext plus room for the JSON."""
        return (self.max_envelope_bytes + 2) // 3 * 4 + 1024
