"""Sharing: what a service user chooses to show a provider, and the provider's read-only view.

Headless: no Textual. The design is in ``docs/sharing.md``: each shared item is a snapshot
encrypted under its own key, item keys are wrapped by a per-dyad share key that travels only
inside the Olm channel, the owner signs every version, and revoking rotates the share key.
The crypto is in ``share_crypto.py``, the snapshots in ``store/share_snapshots.py``, storage in
``store/repositories/sharing.py``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from ..store.toolbox import Toolbox
from ..store.vault import Vault

SHAREABLE_MODULES: tuple[str, ...] = (
    "what-matters", "life-domains", "goals", "network", "crisis-plan", "medications",
    "exercises", "diary", "registrations",
)
"""The MODULE names of ``reconnect share add MODULE``."""

ITEM_MODULES: tuple[str, ...] = ("life-domains", "goals", "network", "medications",
                                 "registrations")
"""Modules whose single items can be shared on their own (``--item ID``)."""


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class ShareEntry:
    """One thing shared with one provider (the user's side)."""

    partner_id: int
    partner_name: str
    module: str
    item_id: int | None
    """None: the whole module."""
    title: str
    """The module's title, or the item's (a goal's title …): shown only in this vault."""
    shared_at: datetime
    published_version: int | None
    """The version the relay holds now (None: not published yet — the next sync does it)."""
    published_at: datetime | None
    paused: bool
    """The provider's key changed and is not verified again: nothing is published."""
    seen_at: datetime | None
    """When the provider last opened it (their client's encrypted view receipt)."""


@dataclass(frozen=True, slots=True)
class ShareablePartner:
    partner_id: int
    name: str
    can_share: bool
    reason: str
    """Why not, in plain words, when ``can_share`` is False."""


@dataclass(frozen=True, slots=True)
class ReceivedItem:
    """One thing a service user shares with this provider (the provider's side)."""

    module: str
    item_id: int | None
    title: str
    version: int
    changed_at: datetime
    """When the owner published this version."""


@dataclass(frozen=True, slots=True)
class SharedPerson:
    partner_id: int
    name: str
    items: list[ReceivedItem]
    last_changed: datetime | None


@dataclass(slots=True)
class ShareSyncReport:
    published: int = 0
    deleted: int = 0
    fetched: int = 0
    removed: int = 0
    rejected: list[str] | None = None


class Sharing:
    """Sharing for one unlocked vault: the user's choices and the provider's received view."""

    def __init__(self, vault: Vault, *, clock: Callable[[], datetime] = utc_now) -> None:
        self.vault = vault
        self.clock = clock

    # -- the service user's side ------------------------------------------------------------

    def partners(self) -> list[ShareablePartner]:
        """The providers this vault is paired with, and whether sharing with each works now."""
        raise NotImplementedError

    def shareable_items(self, module: str) -> list[tuple[int, str]]:
        """(item id, title) of the items of ``module`` that can be shared one by one."""
        raise NotImplementedError

    def share(self, module: str, item_id: int | None, partner_id: int) -> ShareEntry:
        """Share the module (``item_id`` None) or one item; published by the next sync."""
        raise NotImplementedError

    def revoke(self, module: str, item_id: int | None, partner_id: int) -> None:
        """Stop sharing: the relay copy is deleted and the share key rotated at the next sync.
        What the provider already saw cannot be taken back (the UI says so)."""
        raise NotImplementedError

    def entries(self) -> list[ShareEntry]:
        """Everything shared, by provider then module."""
        raise NotImplementedError

    def who_can_see(self, module: str, item_id: int | None = None) -> list[ShareEntry]:
        """The shares that show this module or item (a module share covers its items)."""
        raise NotImplementedError

    def who_can_see_line(self, module: str, item_id: int | None = None) -> str:
        """One line for a screen: "Only you can see this." or "Shared with … (seen …)"."""
        raise NotImplementedError

    # -- the provider's side ----------------------------------------------------------------

    def shared_with_me(self) -> list[SharedPerson]:
        """Each service user with what they share, most recently changed first."""
        raise NotImplementedError

    def view(self, partner_id: int) -> Toolbox:
        """A read-only toolbox of everything ``partner_id`` shares with this provider (writes
        raise ReadOnlyItem)."""
        raise NotImplementedError

    def record_view(self, partner_id: int, module: str, item_id: int | None = None) -> None:
        """The provider opened a shared module or item: queue an encrypted view receipt to its
        owner (unless turned off, which the dyad's agreement must allow)."""
        raise NotImplementedError

    def view_receipts_can_be_off(self, partner_id: int) -> bool:
        raise NotImplementedError

    def set_view_receipts(self, partner_id: int, on: bool) -> None:
        raise NotImplementedError
