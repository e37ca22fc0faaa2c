"""Wiring for the app and the CLI: which relay, which key, and an engine connected to both.

The relay address comes from ``--relay URL`` or ``RECONNECT_RELAY`` and is then kept in the
vault, so later syncs need neither; the settings file may give a default.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from typing import TYPE_CHECKING

import nacl.signing

from .. import wire
from ..errors import RelayError
from ..i18n import _
from ..store.repositories.sync_state import SyncStateRepository
from ..store.vault import Vault
from .engine import SyncEngine

if TYPE_CHECKING:
    from .client import RelayClient

RELAY_SETTING = "relay_url"


def resolve_relay_url(vault: Vault, explicit: str | None = None, default: str | None = None) -> str:
    """The relay to use; a newly given address (flag or environment) is kept in the vault.

    Without one, the address kept in the vault, then ``default`` (the settings file's
    ``relay_url`` when not given)."""
    from .client import check_relay_url  # httpx is imported only when syncing

    state = SyncStateRepository(vault)
    given = explicit or os.environ.get("RECONNECT_RELAY") or ""
    if given:
        url = check_relay_url(given)
        if state.setting(RELAY_SETTING) != url:
            state.set_setting(RELAY_SETTING, url)
        return url
    if default is None:
        from ..settings import load_settings

        default = load_settings().relay_url
    url = state.setting(RELAY_SETTING) or default
    if not url:
        raise RelayError(
            _(
                "No relay address yet. Give one with --relay URL or RECONNECT_RELAY; it is then"
                " kept in your vault."
            )
        )
    return check_relay_url(url)


def known_relay_url(vault: Vault, default: str = "") -> str:
    """The relay kept in the vault (or the settings default), or "" when there is none."""
    return SyncStateRepository(vault).setting(RELAY_SETTING) or default


@contextlib.contextmanager
def connect(vault: Vault, relay_url: str, *,
            timeout: float = 10.0) -> Iterator[SyncEngine[RelayClient]]:
    """An engine for this vault talking to ``relay_url``, closed afterwards."""
    from .client import RelayClient  # noqa: F811 (the run-time import: httpx only when syncing)

    state = SyncStateRepository(vault)
    key = wire.relay_signing_key(state.device_seed())
    with RelayClient(relay_url, key, timeout=timeout) as client:
        yield SyncEngine(state, client, relay_as=_ForumKeys(vault, client))


class _ForumKeys:
    """The relay under each forum's own signing key (``docs/forum.md``), one client per forum,
    made when first needed during this connection."""

    def __init__(self, vault: Vault, client: RelayClient) -> None:
        self.vault = vault
        self.client = client
        self.clients: dict[str, RelayClient] = {}

    def __call__(self, forum_id: str) -> RelayClient:
        if forum_id not in self.clients:
            self.clients[forum_id] = self.client.with_key(forum_relay_key(self.vault, forum_id))
        return self.clients[forum_id]


def forum_relay_key(vault: Vault, forum_id: str) -> nacl.signing.SigningKey:
    """The key a forum's relay requests are signed with: from a secret of that forum's own, so
    nothing links it to the vault's key or another forum's. A forum no longer here (its last
    envelopes still queued) gets a throwaway key."""
    from ..store.repositories.forum import ForumRepository

    seed = ForumRepository(vault).relay_seed(forum_id)
    return wire.relay_signing_key(seed or secrets.token_bytes(32))
