"""Sharing: what a service user chooses to show a provider, and the provider's read-only view.

Headless: no Textual. The design is in ``docs/sharing.md``: each shared item is a snapshot
encrypted under its own key, item keys are wrapped by a per-dyad share key that travels only
inside the Olm channel, the owner signs every version, and revoking rotates the share key.
The crypto is in ``share_crypto.py``, the snapshots in ``store/share_snapshots.py``, storage in
``store/repositories/sharing.py``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

from .. import wire
from ..clock import Clock, utc_now
from ..errors import NotFound, ProtocolError, ReconnectError, RelayRefused
from ..formats import format_moment
from ..i18n import _, ngettext
from ..model import Role
from ..store import portable, share_snapshots
from ..store.repositories.dyads import SHARES_TO_ANNOUNCE, DyadRepository, PartnerRecord
from ..store.repositories.sharing import ManifestSlot, ShareRow, SharingRepository
from ..store.toolbox import Toolbox
from ..store.vault import Vault, serialised
from ..wire import ErrorCode, ItemVersion
from . import share_crypto

SHAREABLE_MODULES: tuple[str, ...] = (
    "what-matters", "life-domains", "goals", "network", "crisis-plan", "medications",
    "exercises", "diary", "registrations",
)
"""The MODULE names of ``reconnect share add MODULE``."""

ITEM_MODULES: tuple[str, ...] = share_snapshots.ITEM_MODULES
"""Modules whose single items can be shared on their own (``--item ID``)."""


ITEM_REFRESH_AFTER = timedelta(days=45)
"""An unchanged share is published again this long after its last version: relays delete items
not written for 90 days (``relay/config.py``, at least 46), so a vault that syncs at least every
45 days keeps its shares alive."""


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


CONFIRM_EXPECTED_WITHIN = timedelta(days=1)
"""After this long without the provider's vault confirming a revocation, the Sharing screen
says so plainly instead of "waiting"."""
CONFIRMED_SHOWN_FOR = timedelta(days=1)
"""How long a confirmed revocation stays listed (then the Sharing screen forgets it)."""


@dataclass(frozen=True, slots=True)
class RevocationEntry:
    """Something the user stopped sharing, and whether the provider's vault confirmed that it
    applied the change (a ``share-revoke-ack``). Until then the provider may still see it:
    their app has not synced, or the relay holds the change back."""

    partner_id: int
    partner_name: str
    module: str
    item_id: int | None
    title: str
    revoked_at: datetime
    confirmed_at: datetime | None
    state: str
    """"confirmed", "waiting" (less than a day), or "late" (a day or more, not confirmed)."""


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
    """New versions put at the relay."""
    deleted: int = 0
    """Revoked slots deleted at the relay."""
    fetched: int = 0
    """New versions received and verified (provider side)."""
    problems: list[str] = field(default_factory=list)
    """Plain-language reasons for what was refused or could not be published."""


class ItemRelay(Protocol):
    """The relay calls sharing needs (``RelayClient`` provides them)."""

    def put_item(self, item_id: str, version: int, ciphertext: bytes) -> bool: ...
    def get_item(self, item_id: str) -> ItemVersion | None: ...
    def delete_item(self, item_id: str) -> None: ...


class Sharing:
    """Sharing for one unlocked vault: the user's choices and the provider's received view."""

    def __init__(self, vault: Vault, *, clock: Clock = utc_now,
                 dyads: Any = None) -> None:
        """``dyads``: the session's ``Dyads`` (its identity already loaded), else made here."""
        self.vault = vault
        self.clock = clock
        self.repo = SharingRepository(vault)
        self._dyads: Any = dyads

    @property
    def dyads(self) -> Any:
        """The vault's ``Dyads`` (imported late: it pulls in vodozemac)."""
        if self._dyads is None:
            from .dyads import Dyads

            self._dyads = Dyads(self.vault, clock=self.clock)
        return self._dyads

    def _now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def _partners(self) -> dict[int, PartnerRecord]:
        """The stored partners, read directly: ``Dyads.partners()`` also works out each
        safety number (5,200 SHA-512 rounds), which no sharing list shows."""
        return {r.id: r for r in DyadRepository(self.vault).partners()}

    def _role(self) -> Role:
        return self.vault.profile().role

    # -- the service user's side ------------------------------------------------------------

    def partners(self) -> list[ShareablePartner]:
        """The providers this vault is paired with, and whether sharing with each works now."""
        if self._role() is not Role.USER:
            return []
        result = []
        for partner in self._partners().values():
            if partner.role != Role.PROVIDER.value:
                continue
            reason = self._pause_reason(partner)
            result.append(ShareablePartner(partner.id, partner.name, not reason, reason))
        return result

    @staticmethod
    def _pause_reason(partner: PartnerRecord) -> str:
        if partner.status != "paired":
            return _("Pairing with {name} is not complete yet: sync first.").format(
                name=partner.name)
        if partner.key_changed and not partner.verified:
            return _("{name}'s key changed. Compare the safety number together and mark it"
                     " verified: sharing is paused until then.").format(name=partner.name)
        return ""

    def _provider(self, partner_id: int) -> PartnerRecord:
        partner = self._partners().get(partner_id)
        if partner is None or partner.role != Role.PROVIDER.value:
            raise NotFound(_("No provider with id {id} to share with.").format(id=partner_id))
        return partner

    def _require_user(self) -> None:
        if self._role() is not Role.USER:
            raise ReconnectError(_("Only a service user's vault shares its toolbox; a provider"
                                   " sees what is shared with them (reconnect shared list)."))

    def shareable_items(self, module: str) -> list[tuple[int, str]]:
        """(item id, title) of the items of ``module`` that can be shared one by one."""
        return share_snapshots.shareable_items(self.vault, module)

    @serialised  # the manifest number and the share key: read, then written
    def share(self, module: str, item_id: int | None, partner_id: int) -> ShareEntry:
        """Share the module (``item_id`` None) or one item; published by the next sync."""
        self._require_user()
        share_snapshots.check_module(module)
        share_snapshots.item_title(self.vault, module, item_id)  # NotFound for a wrong id
        partner = self._provider(partner_id)
        reason = self._pause_reason(partner)
        if reason:
            raise ReconnectError(reason)
        if self.repo.share(partner_id, module, item_id) is None:
            now = self._now()
            writes = []
            current = self.repo.current_key(partner_id)
            if current is None:
                current = (1, share_crypto.new_key())
                writes.append(self.repo.add_key(partner_id, *current, now))
            slot = wire.new_id()
            writes.append(self.repo.add_share(partner_id, module, item_id, slot, now))
            slots = [*self._manifest(partner_id), ManifestSlot(
                slot, module, item_id, share_snapshots.item_title(self.vault, module, item_id))]
            self._send_manifest(partner_id, current, slots, writes)
        return next(e for e in self.entries()
                    if e.partner_id == partner_id and e.module == module
                    and e.item_id == item_id)

    @serialised  # the manifest number and the share key: read, then written
    def revoke(self, module: str, item_id: int | None, partner_id: int) -> None:
        """Stop sharing: the relay copy is deleted and the share key rotated at the next sync.
        What the provider already saw cannot be taken back (the UI says so)."""
        self._require_user()
        partner = self._provider(partner_id)
        row = self.repo.share(partner_id, module, item_id)
        if row is None:
            raise NotFound(_("{what} is not shared with {name}.").format(
                what=self._title(row_module=module, item_id=item_id), name=partner.name))
        current = self.repo.current_key(partner_id)
        epoch = (current[0] if current else 0) + 1
        key = share_crypto.new_key()
        now = self._now()
        write = self.repo.remove_share(row.id, partner_id, row.slot_id, now, epoch, key)
        waiting = self.repo.add_revocation(  # until the provider's vault acknowledges it
            partner_id, row.slot_id, module, item_id,
            self._title(row_module=module, item_id=item_id),
            self.repo.manifest_seq(partner_id) + 1, now)  # the manifest _send_manifest sends
        slots = [s for s in self._manifest(partner_id) if s.slot_id != row.slot_id]
        self._send_manifest(partner_id, (epoch, key), slots, [write, waiting])

    def revocations(self) -> list[RevocationEntry]:
        """What was stopped: each not confirmed yet by the provider's vault, and each confirmed
        within the last day (oldest first)."""
        if self._role() is not Role.USER:
            return []
        now = self._now()
        partners = self._partners()
        result = []
        for row in self.repo.revocations(now - CONFIRMED_SHOWN_FOR):
            partner = partners.get(row.partner_id)
            if partner is None:
                continue
            state = ("confirmed" if row.confirmed_at is not None
                     else "late" if now - row.revoked_at >= CONFIRM_EXPECTED_WITHIN
                     else "waiting")
            result.append(RevocationEntry(row.partner_id, partner.name, row.module,
                                          row.item_id, row.title, row.revoked_at,
                                          row.confirmed_at, state))
        return result

    def _manifest(self, partner_id: int) -> list[ManifestSlot]:
        return [ManifestSlot(r.slot_id, r.module, r.item_id,
                             self._title(row_module=r.module, item_id=r.item_id))
                for r in self.repo.shares(partner_id)]

    def _send_manifest(self, partner_id: int, key: tuple[int, bytes],
                       slots: list[ManifestSlot], writes: list[Callable[..., None]]) -> None:
        seq = self.repo.manifest_seq(partner_id) + 1
        fields = {"epoch": key[0], "seq": seq, "key": wire.b64encode(key[1]),
                  "slots": [{"slot": s.slot_id, "module": s.module, "item_id": s.item_id,
                             "title": s.title} for s in slots]}

        def extra(conn: Any) -> None:
            for write in [*writes, self.repo.manifest_sent(partner_id, seq)]:
                write(conn)

        self.dyads.send_control(partner_id, "share-manifest", fields, extra)

    def _title(self, *, row_module: str, item_id: int | None) -> str:
        try:
            return share_snapshots.item_title(self.vault, row_module, item_id)
        except NotFound:
            return _("(deleted)")

    def entries(self) -> list[ShareEntry]:
        """Everything shared, by provider then module. ``seen_at`` only where the accepted
        agreement has view receipts on (a receipt kept from an earlier agreement is not
        shown while the current one says off)."""
        if self._role() is not Role.USER:
            return []
        partners = self._partners()
        agreed = receipts_agreed(self.vault)
        result = []
        for row in self.repo.shares():
            partner = partners.get(row.partner_id)
            if partner is None:
                continue
            result.append(self._entry(row, partner, row.partner_id in agreed))
        order = {m: i for i, m in enumerate(SHAREABLE_MODULES)}
        result.sort(key=lambda e: (e.partner_name.casefold(), e.partner_id,
                                   order.get(e.module, 99), e.item_id or 0))
        return result

    def _entry(self, row: ShareRow, partner: PartnerRecord, receipts: bool) -> ShareEntry:
        return ShareEntry(row.partner_id, partner.name, row.module, row.item_id,
                          self._title(row_module=row.module, item_id=row.item_id),
                          row.shared_at, row.version or None, row.published_at,
                          bool(self._pause_reason(partner)), row.seen_at if receipts else None)

    def who_can_see(self, module: str, item_id: int | None = None) -> list[ShareEntry]:
        """The shares that show this module or item (a module share covers its items).
        For a module (``item_id`` None), item shares of it are included too."""
        return [e for e in self.entries() if e.module == module
                and (item_id is None or e.item_id is None or e.item_id == item_id)]

    def who_can_see_line(self, module: str, item_id: int | None = None) -> str:
        """One line for a screen: "Only you can see this." or "Shared with … (seen …)"."""
        return who_can_see_line(self.entries(), module, item_id)

    @serialised  # the manifest number and the share key: read, then written
    def announce_after_resets(self) -> int:
        """After a dyad moved to a new session because a vault was restored from a backup
        (docs/dyads.md): a new share key and a manifest of what this vault shares now, numbered
        above what the provider's vault holds. The provider's view so matches this vault
        exactly again: a share made after the backup that the restored vault does not have is
        withdrawn from it, a restored provider gets the key and list it lost. Returns how many
        manifests were queued."""
        from ..store.repositories.sync_state import SyncStateRepository

        settings = SyncStateRepository(self.vault)
        raw = settings.setting(SHARES_TO_ANNOUNCE)
        if not raw:
            return 0
        pending: dict[str, list[int]] = json.loads(raw)
        partners = self._partners()
        sent = 0
        for key in list(pending):
            partner = partners.get(int(key))
            if partner is not None and (partner.reset_state is not None
                                        or self._pause_reason(partner)):
                continue  # not yet: after its reset is over, or once it is verified
            above_seq, above_epoch = pending.pop(key)
            if partner is None or self._role() is not Role.USER:
                continue
            with self.vault.transaction() as conn:
                if self.repo.manifest_seq(partner.id) < above_seq:
                    self.repo.manifest_sent(partner.id, above_seq)(conn)
                current = self.repo.current_key(partner.id)
                epoch = max(current[0] if current else 0, above_epoch) + 1
                new_key = share_crypto.new_key()
                self._send_manifest(partner.id, (epoch, new_key), self._manifest(partner.id),
                                    [self.repo.add_key(partner.id, epoch, new_key,
                                                       self._now())])
            sent += 1
        if pending:
            settings.set_setting(SHARES_TO_ANNOUNCE, json.dumps(pending))
        else:
            with self.vault.transaction() as conn:
                conn.execute("DELETE FROM settings WHERE key = ?", (SHARES_TO_ANNOUNCE,))
        return sent

    # -- publishing (the user's side of a sync) ----------------------------------------------

    def publish(self, relay: ItemRelay) -> ShareSyncReport:
        """Delete revoked slots at the relay, then put a new version of every share whose
        content (or key epoch) changed. A relay that is down raises RelayError; what was not
        done is done by the next sync."""
        report = ShareSyncReport()
        for slot in self.repo.revoked_slots():
            try:
                relay.delete_item(slot)
                report.deleted += 1
            except RelayRefused as refusal:
                if refusal.code != ErrorCode.NOT_FOUND:
                    raise
            self.repo.forget_revoked(slot)
        rows = self.repo.shares()
        if not rows or self._role() is not Role.USER:
            return report
        partners = self._partners()
        todo = []
        # One read for the export and every pick from it: an item added or deleted meanwhile
        # (the app writes while a sync runs) would shift another item into this share.
        with self.vault.read():
            exported = portable.export_sections(
                self.vault, {share_snapshots.SECTION[r.module] for r in rows})
            for row in rows:
                partner = partners.get(row.partner_id)
                current = self.repo.current_key(row.partner_id)
                if partner is None or current is None or self._pause_reason(partner):
                    continue
                content = self._content(row, exported)
                digest = share_crypto.content_hash(content, current[0])
                if digest != row.content_hash or self._due_for_refresh(row):
                    todo.append((row, partner, current, content, digest))
        own_key = self.dyads.identity_key
        for row, partner, current, content, digest in todo:
            if not self._publish_one(relay, row, partner, current, content, digest, own_key,
                                     report):
                break  # the relay is full: the rest waits for the next sync too
        return report

    def _due_for_refresh(self, row: ShareRow) -> bool:
        """Published long enough ago that the relay would soon expire it unchanged."""
        return (row.published_at is not None
                and row.published_at <= self._now() - ITEM_REFRESH_AFTER)

    def _content(self, row: ShareRow, exported: dict[str, Any]) -> dict[str, Any]:
        """What the share holds now (without ``published_at``)."""
        try:
            sections = share_snapshots.snapshot(self.vault, row.module, row.item_id, exported)
        except NotFound:  # the item was deleted: the provider sees it empty
            sections = {share_snapshots.SECTION[row.module]: []}
        return {"module": row.module, "item_id": row.item_id,
                "title": self._title(row_module=row.module, item_id=row.item_id),
                "sections": sections}

    def _publish_one(self, relay: ItemRelay, row: ShareRow, partner: PartnerRecord,
                     current: tuple[int, bytes], content: dict[str, Any], digest: bytes,
                     own_key: str, report: ShareSyncReport) -> bool:
        """Publish one share; False when the relay is full (nothing more is tried)."""
        title = content["title"]
        content = {**content, "published_at": self._now().isoformat()}
        dyad = share_crypto.dyad_id(own_key, partner.ed25519)
        version = row.version + 1
        too_large = _("{title} is too large to share in one piece; share single items"
                      " instead.").format(title=title)
        for _attempt in range(2):
            try:
                blob = share_crypto.seal_item(share_key=current[1], epoch=current[0],
                                              slot=row.slot_id, version=version, dyad=dyad,
                                              content=content, sign=self.dyads.sign)
            except ProtocolError:  # over the largest padding bucket, even compressed
                report.problems.append(too_large)
                return True
            try:
                relay.put_item(row.slot_id, version, blob)
                break
            except RelayRefused as refusal:
                if refusal.code == ErrorCode.VERSION_CONFLICT:
                    # Published before a crash kept us from noting it: go above it.
                    held = relay.get_item(row.slot_id)
                    version = (held.version if held else version) + 1
                    continue
                if refusal.status == 413:
                    report.problems.append(too_large)
                    return True
                if refusal.code == ErrorCode.RELAY_FULL:
                    report.problems.append(_("The relay is full: what you share is kept and"
                                             " will be published by a later sync."))
                    return False
                raise
        else:
            return True
        self.repo.mark_published(row.id, version, digest, self._now())
        report.published += 1
        return True

    # -- the provider's side ----------------------------------------------------------------

    def fetch(self, relay: ItemRelay) -> ShareSyncReport:
        """Fetch and verify the newest version of everything shared with this provider.
        Forged, altered or older versions are refused and the held version kept."""
        report = ShareSyncReport()
        if self._role() is not Role.PROVIDER:
            return report
        own_key = self.dyads.identity_key
        partners = self._partners()
        for row in self.repo.received(snapshots=False):
            owner = partners[row.partner_id].ed25519  # received rows go with their partner
            held = relay.get_item(row.slot_id)
            if held is not None and len(held.ciphertext) > wire.MAX_ENVELOPE_BYTES:
                report.problems.append(_(
                    "A shared item larger than the protocol allows was refused unread."))
                continue
            if held is None or held.version <= row.version:
                # Nothing new (or not published yet). An older version served again is a
                # rollback: refused, the newer one kept. The same version again is not opened:
                # what is shown stays the version that was verified.
                if held is not None and held.version < row.version:
                    report.problems.append(_("An older version of a shared item was refused."))
                continue
            try:
                opened = share_crypto.open_item(
                    held.ciphertext, version=held.version, slot=row.slot_id,
                    dyad=share_crypto.dyad_id(owner, own_key), owner_ed25519=owner,
                    share_keys=self.repo.keys(row.partner_id))
                self._check_content(opened.content, row.module, row.item_id)
            except ProtocolError as error:
                report.problems.append(str(error))
                continue
            published = _parse_time(opened.content.get("published_at")) or self._now()
            if self.repo.store_snapshot(row.partner_id, row.slot_id, held.version,
                                        opened.content_hash,
                                        json.dumps(opened.content["sections"],
                                                   ensure_ascii=False),
                                        opened.content["title"], min(published, self._now())):
                report.fetched += 1
        return report

    @staticmethod
    def _check_content(content: dict[str, Any], module: str, item_id: int | None) -> None:
        sections = content["sections"]
        if (content["module"] != module or content.get("item_id") != item_id
                or set(sections) != {share_snapshots.SECTION[module]}):
            raise ProtocolError(_("A shared item did not hold what its owner listed."))
        try:
            portable.check({"format": portable.FORMAT, "version": portable.VERSION,
                            **sections}, partial=True)
        except ReconnectError:
            raise ProtocolError(_("A shared item was not well formed.")) from None

    def shared_with_me(self) -> list[SharedPerson]:
        """Each service user with what they share, most recently changed first."""
        if self._role() is not Role.PROVIDER:
            return []
        names = {p.id: p.name for p in self._partners().values()}
        people: dict[int, list[ReceivedItem]] = {}
        for row in self.repo.received(snapshots=False):
            if row.snapshot is None or row.changed_at is None:
                continue
            people.setdefault(row.partner_id, []).append(ReceivedItem(
                row.module, row.item_id, row.title, row.version, row.changed_at))
        order = {m: i for i, m in enumerate(SHAREABLE_MODULES)}
        result = []
        for partner_id, items in people.items():
            items.sort(key=lambda i: (order.get(i.module, 99), i.item_id or 0))
            result.append(SharedPerson(partner_id, names.get(partner_id, ""), items,
                                       max(i.changed_at for i in items)))
        far_past = datetime.min.replace(tzinfo=UTC)
        result.sort(key=lambda p: (-(p.last_changed or far_past).timestamp(), p.name))
        return result

    def sections(self, partner_id: int, module: str | None = None) -> dict[str, Any]:
        """The portable sections ``partner_id`` shares (of one module, or all): a whole module
        share wins over single items of the same module."""
        rows = [r for r in self.repo.received(partner_id) if r.snapshot is not None
                and (module is None or r.module == module)]
        whole = {r.module for r in rows if r.item_id is None}
        merged: dict[str, Any] = {}
        for row in rows:
            if row.item_id is not None and row.module in whole:
                continue
            for section, content in json.loads(row.snapshot or "{}").items():
                if isinstance(content, list) and isinstance(merged.get(section), list):
                    merged[section] = merged[section] + content
                else:
                    merged[section] = content
        # Checked as an import file is: a snapshot stored by an older version that breaks the
        # format is "could not be opened", never a crash in a screen or `share show`.
        from ..store.received_view import check_shared

        partner = self._partners().get(partner_id)
        check_shared(partner.name if partner is not None else "", merged)
        return merged

    def view(self, partner_id: int) -> Toolbox:
        """A read-only toolbox of everything ``partner_id`` shares with this provider (writes
        raise ReadOnlyItem)."""
        from ..store.received_view import read_only_toolbox

        partner = self._partners().get(partner_id)
        name = partner.name if partner is not None else ""
        return read_only_toolbox(name, self.sections(partner_id), self.vault.profile().locale,
                                 self.received_slots(partner_id))

    def received_slots(self, partner_id: int) -> dict[str, str]:
        """Slot -> module of what ``partner_id`` shares now (and has arrived)."""
        return {r.slot_id: r.module for r in self.repo.received(partner_id, snapshots=False)
                if r.snapshot is not None}

    def record_view(self, partner_id: int, module: str, item_id: int | None = None) -> None:
        """The provider opened a shared module or item: queue an encrypted view receipt to its
        owner, only when the dyad's accepted agreement has ``view_receipts: true``."""
        if self._role() is not Role.PROVIDER or not self.view_receipts_on(partner_id):
            return
        slots = [r.slot_id for r in self.repo.received(partner_id, snapshots=False)
                 if r.module == module and r.snapshot is not None
                 and (item_id is None or r.item_id in (None, item_id))]
        if slots:
            self.dyads.send_control(partner_id, "share-viewed",
                                    {"slots": slots, "at": self._now().isoformat()})

    def view_receipts_on(self, partner_id: int) -> bool:
        """Whether view receipts are sent (provider) and shown (user) in this dyad: exactly
        what its accepted agreement says; without one, off (the template's default)."""
        return partner_id in receipts_agreed(self.vault)


def receipts_agreed(vault: Vault) -> set[int]:
    from ..store.repositories.agreements import AgreementRepository

    return AgreementRepository(vault).view_receipts_agreed()


def _short(when: datetime) -> str:
    return format_moment(when)


def _parse_time(value: object) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed.astimezone(UTC) if parsed.tzinfo else None


def revocation_status(entry: RevocationEntry) -> str:
    """One plain sentence on where a revocation stands; it promises nothing the protocol does
    not deliver (a relay can hold the change back, and an app that never syncs keeps it)."""
    name = entry.partner_name
    if entry.state == "confirmed":
        assert entry.confirmed_at is not None
        return _("{name}'s vault confirmed on {when} that it removed it.").format(
            name=name, when=_short(entry.confirmed_at))
    if entry.state == "waiting":
        return _("Waiting for {name}'s vault to confirm that it removed it.").format(name=name)
    return _("{name}'s vault has not confirmed yet (stopped on {when}). Until it does, {name}"
             " may still see it: their app may not have synced, or the relay may be holding"
             " the change back.").format(name=name, when=_short(entry.revoked_at))


def who_can_see_line(everything: list[ShareEntry], module: str, item_id: int | None = None
                     ) -> str:
    """The line of ``Sharing.who_can_see_line`` from entries read before (``Sharing.entries``):
    screens read the entries in their loading thread and build lines on the UI thread."""
    entries = [e for e in everything if e.module == module
               and (item_id is None or e.item_id is None or e.item_id == item_id)]
    if not entries:
        return _("Only you can see this (nothing is shared).")
    people: dict[str, list[ShareEntry]] = {}
    for entry in entries:
        people.setdefault(entry.partner_name, []).append(entry)
    parts = []
    for name, shared in people.items():
        notes = []
        if item_id is None and all(e.item_id is not None for e in shared):
            notes.append(ngettext("{n} item", "{n} items", len(shared)).format(
                n=len(shared)))
        if any(e.paused for e in shared):
            notes.append(_("paused: key changed"))
        seen = max((e.seen_at for e in shared if e.seen_at), default=None)
        if seen is not None:
            notes.append(_("seen {when}").format(when=_short(seen)))
        parts.append(f"{name} ({', '.join(notes)})" if notes else name)
    return _("Shared with {people}.").format(people="; ".join(parts))
