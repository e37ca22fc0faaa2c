"""What the relay keeps of a dyad: no message text, no names, no identity keys."""

from __future__ import annotations

import base64
import secrets

from tests.dyads.dyad_helpers import pair, relay_bytes


def test_relay_db_wal_and_logs_hold_no_text_names_or_identity_keys(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    markers = [f"MARKER-{secrets.token_hex(6)}-ærlig" for _ in range(40)]
    for i, marker in enumerate(markers):
        sender, partner = (user, on_user) if i % 2 else (provider, on_provider)
        sender.dyads.send(partner.id, marker)
    # Keep some undelivered at the relay (not fetched yet) and fetch the rest.
    provider.sync()
    user.sync()
    stored = relay_bytes(relay)
    for marker in markers:
        assert marker.encode() not in stored
    for name in ("Kari Nordmann", "Dr Lind"):
        assert name.encode() not in stored
    for key in (user.dyads.identity_key, provider.dyads.identity_key):
        raw = base64.b64decode(key + "=" * (-len(key) % 4))
        assert key.encode() not in stored and raw not in stored
