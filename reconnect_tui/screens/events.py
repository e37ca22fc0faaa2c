"""What screens tell the app: typed Textual messages, posted to the app, handled in ``app.py``.

A screen never calls the app's methods by name; it posts one of these with
``self.app.post_message(...)`` (safe from a thread worker too) and the app does the rest.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:
    from ..store import Vault
    from ..sync.about import ItemRef


class SyncRequested(Message):
    """Sync with the relay. While a sync runs, requests are folded into one more sync after it
    (never two at once, and nothing asked for is lost)."""

    def __init__(self, *, force: bool = True, quiet: bool = False) -> None:
        """``force``: retry what is waiting now; ``quiet``: no notice when there is no relay
        (Ctrl+R says so; a screen asking after a change does not)."""
        super().__init__()
        self.force = force
        self.quiet = quiet


class VaultCreated(Message):
    """A new vault was made (the create screen's worker): show its recovery code."""

    def __init__(self, vault: Vault, recovery_code: str) -> None:
        super().__init__()
        self.vault = vault
        self.recovery_code = recovery_code


class VaultUnlocked(Message):
    """The passphrase opened the vault (the unlock screen's worker): start a session."""

    def __init__(self, vault: Vault) -> None:
        super().__init__()
        self.vault = vault


class RecoveryCodeStored(Message):
    """The person says they put the recovery code away: on to Home."""


class LockRequested(Message):
    """Lock now: drafts are kept, the session closes, the unlock screen shows."""

    def __init__(self, reason: str = "") -> None:
        super().__init__()
        self.reason = reason


class OpenModule(Message):
    """Open a toolbox module over Home; ``item_id``: highlight that item once it shows
    (``item_kind``: the search index's module of the item, where a screen shows several
    kinds: "goals" or "activities", "life-domains" or "what-matters"; ``match``: the words
    search found, for a screen that scrolls to them)."""

    def __init__(self, module_id: str, item_id: int | None = None, item_kind: str = "",
                 match: str = "") -> None:
        super().__init__()
        self.module_id = module_id
        self.item_id = item_id
        self.item_kind = item_kind
        self.match = match


class OpenSharedCrisisPlan(Message):
    """A provider's F2: open the crisis plan this service user (``partner_id``) shares, read
    only, from "Shared with me"."""

    def __init__(self, partner_id: int) -> None:
        super().__init__()
        self.partner_id = partner_id


class OpenConversation(Message):
    """Open the conversation with a partner, over the current screen; ``about``: the item
    the message will be about. (A message, so screens need not import the conversation
    screen, which imports them.)"""

    def __init__(self, partner_id: int, about: ItemRef | None = None) -> None:
        super().__init__()
        self.partner_id = partner_id
        self.about = about


class BackRequested(Message):
    """Close the top screen (never the lock screen or Home), as Escape does."""
