"""What several benches do first: pair a provider's vault with a service user's through a
relay, both sides synced until the dyad is ``paired``."""

from __future__ import annotations

from reconnect_tui.store import Vault
from reconnect_tui.sync.dyads import Dyads, relay_for
from reconnect_tui.sync.sync_service import sync_and_process


def pair(provider: Vault, user: Vault, url: str) -> None:
    with relay_for(provider, url) as port:
        code = Dyads(provider).create_invitation(port)
    with relay_for(user, url) as port:
        Dyads(user).join(code, port)
    for vault in (user, provider, user):
        sync_and_process(vault, url)
