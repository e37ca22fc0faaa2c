"""What a message "about" an item may say: the item's title travels only to a partner who can
see that item already (``docs/dyads.md``, "About an item").

Headless. ``check`` tells the writer whether the title travels and, if not, whether sharing the
item would make it; ``on_the_wire`` is the reference actually sent, and kept in the sender's
conversation, so each side sees the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Role
from ..store import share_snapshots
from ..store.repositories.dyads import DyadRepository, PartnerRecord
from ..store.repositories.sharing import SharingRepository
from ..store.vault import Vault


@dataclass(frozen=True, slots=True)
class ItemRef:
    """What a message is about ("about this goal"). ``title`` is "" (and ``item_id`` 0) when
    the item is not one the partner can see."""

    module: str
    item_id: int
    title: str


@dataclass(frozen=True, slots=True)
class AboutCheck:
    title_travels: bool
    """The partner can see this item already: its title goes with the message."""
    can_share: bool
    """It does not, but the writer (a service user) can share it with this provider now."""


def withheld(about: ItemRef) -> ItemRef:
    """The reference without what would name the item: only its kind."""
    return ItemRef(about.module, 0, "")


def check(vault: Vault, partner: PartnerRecord, about: ItemRef) -> AboutCheck:
    if not about.title or _known_to(vault, partner, about):
        return AboutCheck(True, False)
    return AboutCheck(False, _can_share(vault, partner, about))


def on_the_wire(vault: Vault, partner: PartnerRecord, about: ItemRef) -> ItemRef:
    if about.title and check(vault, partner, about).title_travels:
        return about
    return withheld(about)


def _known_to(vault: Vault, partner: PartnerRecord, about: ItemRef) -> bool:
    """The partner named this exact item to us, or it is shared between us now."""
    if DyadRepository(vault).was_named_by(partner.id, about.module, about.item_id, about.title):
        return True
    if vault.profile().role is Role.USER:
        return _shared_by_me(vault, partner, about)
    return _shared_with_me(vault, partner, about)


def _own_title(vault: Vault, about: ItemRef) -> str | None:
    if about.module not in share_snapshots.ITEM_MODULES:
        return None
    return dict(share_snapshots.shareable_items(vault, about.module)).get(about.item_id)


def _shared_by_me(vault: Vault, partner: PartnerRecord, about: ItemRef) -> bool:
    """A service user's own item, under its current title, in a share with this partner (a
    share of its module, of the item, or of a goal above it)."""
    if _own_title(vault, about) != about.title:
        return False
    covering = share_snapshots.covering_items(vault, about.module, about.item_id)
    return any(row.module == about.module and (row.item_id is None or row.item_id in covering)
               for row in SharingRepository(vault).shares(partner.id))


def _shared_with_me(vault: Vault, partner: PartnerRecord, about: ItemRef) -> bool:
    """A provider: an item this partner shares with us, named as it arrived or as our screens
    name it ("Goals: Find a job")."""
    for row in SharingRepository(vault).received(partner.id, snapshots=False):
        if row.module == about.module and (row.item_id or 0) == about.item_id and about.title in (
                row.title, share_snapshots.received_title(row.module, row.item_id, row.title)):
            return True
    return False


def _can_share(vault: Vault, partner: PartnerRecord, about: ItemRef) -> bool:
    return (vault.profile().role is Role.USER and partner.role == Role.PROVIDER.value
            and partner.status == "paired" and not (partner.key_changed and not partner.verified)
            and _own_title(vault, about) == about.title)
