"""Checking the sharing messages that arrive over the Olm channel (docs/sharing.md).

``share-manifest`` (user -> provider): the share key of the current epoch and the list of what
is shared; ``share-viewed`` (provider -> user): the slots the provider opened, and when;
``share-revoke-ack`` (provider -> user): the provider's vault applied the manifest numbered
``seq``, which revoked something (a new key epoch), so what it revoked left the provider's view.
Each returns the write to commit with the received message, or raises ProtocolError.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypeGuard

from .. import wire
from ..errors import ProtocolError
from ..i18n import _
from ..model import Role
from ..store.repositories.dyads import PartnerRecord
from ..store.repositories.sharing import ManifestSlot, SharingRepository, Write
from ..store.share_snapshots import SECTION
from . import share_crypto

SHARE_TYPES = ("share-manifest", "share-viewed", "share-revoke-ack")
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
        at = wire.utc_time(fields.get("at"))
        if (not isinstance(slots, list) or len(slots) > MAX_SLOTS or at is None
                or not all(wire.is_valid_id(s) for s in slots)):
            raise bad
        from ..store.repositories.agreements import AgreementRepository

        if record.id not in AgreementRepository(repo.vault).view_receipts_agreed():
            return _nothing  # not agreed on: not kept, so never shown later either
        return repo.mark_seen(record.id, slots, min(at, now))
    if kind == "share-revoke-ack":
        if own_role is not Role.USER or record.role != Role.PROVIDER.value:
            raise bad
        seq = fields.get("seq")
        at = wire.utc_time(fields.get("at"))
        # Never above the last manifest sent: an acknowledgement of one not sent is forged.
        if not _counter(seq) or at is None or seq > repo.manifest_seq(record.id):
            raise bad
        return repo.confirm_revocations(record.id, seq, min(at, now))
    raise bad


def revocation_ack(repo: SharingRepository, record: PartnerRecord, kind: str,
                   fields: dict[str, Any]) -> dict[str, Any] | None:
    """The provider's side, for a manifest :func:`inbound` accepted: the fields of the
    ``share-revoke-ack`` to send back, when the manifest revoked something (its key epoch is
    above the one held, or above the first for a first manifest) and is newer than the last
    applied (a late one changes nothing, so it confirms nothing). Call before its write."""
    if kind != "share-manifest":
        return None
    epoch, seq = fields["epoch"], fields["seq"]
    held = repo.received_manifest(record.id)
    due = epoch > 1 if held is None else seq > held[1] and epoch > held[0]
    return {"seq": seq} if due else None


def _nothing(_conn: object) -> None:
    """The write for a message that changes nothing."""


def _manifest(repo: SharingRepository, record: PartnerRecord, fields: dict[str, Any],
              now: datetime, bad: ProtocolError) -> Write:
    epoch = fields.get("epoch")
    seq = fields.get("seq")
    raw_slots = fields.get("slots")
    try:
        key = wire.b64decode(fields.get("key"))
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
        if (not wire.is_valid_id(raw.get("slot")) or not isinstance(module, str)
                or module not in SECTION
                or not (item_id is None or (isinstance(item_id, int)
                                            and not isinstance(item_id, bool)))
                or not isinstance(title, str) or len(title) > MAX_TITLE):
            raise bad
        slots.append(ManifestSlot(raw["slot"], module, item_id, title))
    return repo.apply_manifest(record.id, epoch, seq, key, slots, now)


def _counter(value: object) -> TypeGuard[int]:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value < 2**31
