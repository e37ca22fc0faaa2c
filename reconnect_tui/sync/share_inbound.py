"""Checking the sharing messages that arrive over the Olm channel (docs/sharing.md).

``share-manifest`` (user -> provider): the share key of the current epoch and the list of what
is shared; ``share-viewed`` (provider -> user): the slots the provider opened, and when.
Each returns the write to commit with the received message, or raises ProtocolError.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ..errors import ProtocolError
from ..i18n import _
from ..model import Role
from ..store.repositories.dyads import PartnerRecord
from ..store.repositories.sharing import ManifestSlot, SharingRepository, Write
from ..store.share_snapshots import SECTION
from . import protocol, share_crypto

SHARE_TYPES = ("share-manifest", "share-viewed")
MAX_SLOTS = 2000
MAX_TITLE = 500


def inbound(repo: SharingRepository, record: PartnerRecord, own_role: Role,
            kind: str, fields: dict[str, Any], now: datetime) -> Write:
    bad = ProtocolError(_("A sharing message could not be verified."))
    if kind == "share-manifest":
        if own_role is not Role.PROVIDER or record.role != Role.USER.value:
            raise ProtocolError(_("Only a service user shares with their provider."))
        return _manifest(repo, record, fields, now, bad)
    if kind == "share-viewed":
        if own_role is not Role.USER or record.role != Role.PROVIDER.value:
            raise bad
        slots = fields.get("slots")
        at = protocol.utc_time(fields.get("at"))
        if (not isinstance(slots, list) or len(slots) > MAX_SLOTS or at is None
                or not all(protocol.is_valid_id(s) for s in slots)):
            raise bad
        from ..store.repositories.agreements import AgreementRepository

        if record.id not in AgreementRepository(repo.vault).view_receipts_agreed():
            return _nothing  # not agreed on: not kept, so never shown later either
        return repo.mark_seen(record.id, slots, min(at, now))
    raise bad


def _nothing(_conn: object) -> None:
    """The write for a message that changes nothing."""


def _manifest(repo: SharingRepository, record: PartnerRecord, fields: dict[str, Any],
              now: datetime, bad: ProtocolError) -> Write:
    epoch = fields.get("epoch")
    seq = fields.get("seq")
    raw_slots = fields.get("slots")
    try:
        key = protocol.b64decode(fields.get("key"))
    except ProtocolError:
        raise bad from None
    if (not _counter(epoch) or not _counter(seq)
            or len(key) != share_crypto.KEY_BYTES or not isinstance(raw_slots, list)
            or len(raw_slots) > MAX_SLOTS):
        raise bad
    slots = []
    for raw in raw_slots:
        if not isinstance(raw, dict):
            raise bad
        item_id = raw.get("item_id")
        title = raw.get("title")
        module = raw.get("module")
        if (not protocol.is_valid_id(raw.get("slot")) or not isinstance(module, str)
                or module not in SECTION
                or not (item_id is None or (isinstance(item_id, int)
                                            and not isinstance(item_id, bool)))
                or not isinstance(title, str) or len(title) > MAX_TITLE):
            raise bad
        slots.append(ManifestSlot(raw["slot"], module, item_id, title))
    return repo.apply_manifest(record.id, epoch, seq, key, slots, now)


def _counter(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**31
