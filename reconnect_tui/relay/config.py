"""Relay limits and timings, one typed object (the CLI fills it from its options)."""

from __future__ import annotations

from dataclasses import dataclass

from reconnect_tui.wire import MAX_ENVELOPE_BYTES
from reconnect_tui.wire.batch import MAX_BATCH_BODY_BYTES

DAY = 86400
MIB = 1024 * 1024


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
    """How often expired envelopes, items, invitations and nonces are deleted."""

    item_ttl_seconds: int = 90 * DAY
    """An item not written again within this time is deleted (clients republish what they
    still share after 45 days, ``sync/sharing.py``); its version is remembered as long again,
    so the slot cannot be rolled back or taken by another key meanwhile."""

    max_total_bytes: int = 8 * 1024 * MIB
    """All live envelopes, items and invitations together; beyond it writes get 507."""

    address_limits: bool = True
    """Budgets per client address (keys are free; addresses are not). Off when a proxy in front
    does its own limiting, or when every client arrives through one address."""

    address_rate_per_minute: int = 1200
    """Signed requests per client address per minute (429 ``address_budget`` beyond)."""

    address_bytes_per_hour: int = 8 * MIB
    """Bytes of new envelopes, item growth and invitations per client address per hour."""

    max_batch_body_bytes: int = MAX_BATCH_BODY_BYTES
    """Largest body of a batched deposit (``POST /v1/envelopes``); each envelope in it is
    still bounded by ``max_envelope_bytes``."""

    trusted_proxies: tuple[str, ...] = ()
    """Addresses or networks (``10.0.0.0/8``) of reverse proxies whose ``Forwarded`` or
    ``X-Forwarded-For`` header names the client; from anyone else those headers are ignored."""

    max_subscribers: int = 10_000
    """Push channels (``GET /v1/subscribe``) one relay process holds; beyond it a subscription
    is refused ``rate_limited`` and the client syncs periodically instead."""

    max_subscriptions_per_key: int = 4
    """Push channels one signing key may hold open on one relay process."""

    @property
    def max_body_bytes(self) -> int:
        """Largest request body: base64 of the largest ciphertext plus room for the JSON."""
        return (self.max_envelope_bytes + 2) // 3 * 4 + 1024
