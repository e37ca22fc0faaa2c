"""Sharing tables (schema V5): the user's shares and share keys, the provider's received items.

Writes that go with an Olm message (a new manifest) are ``Connection`` callables handed to
``DyadRepository.record_sent``/``record_received``, so the state change and the message commit
together or not at all. Titles a partner sends are kept and read through ``text_safety``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from ...text_safety import clean_label
from ..db import Connection
from ..vault import Vault
from ._base import to_datetime
from .dyads import iso

Write = Callable[[Connection], None]


@dataclass(frozen=True, slots=True)
class ShareRow:
    id: int
    partner_id: int
    module: str
    item_id: int | None
    slot_id: str
    shared_at: datetime
    version: int
    content_hash: bytes | None
    published_at: datetime | None
    seen_at: datetime | None


@dataclass(frozen=True, slots=True)
class RevocationRow:
    partner_id: int
    module: str
    item_id: int | None
    title: str
    manifest_seq: int
    revoked_at: datetime
    confirmed_at: datetime | None


@dataclass(frozen=True, slots=True)
class ManifestSlot:
    slot_id: str
    module: str
    item_id: int | None
    title: str


@dataclass(frozen=True, slots=True)
class ReceivedRow:
    partner_id: int
    slot_id: str
    module: str
    item_id: int | None
    title: str
    version: int
    content_hash: bytes | None
    snapshot: str | None
    changed_at: datetime | None


def item_key(item_id: int | None) -> str:
    return "" if item_id is None else str(item_id)


def _time(value: str | None) -> datetime | None:
    return to_datetime(value) if value else None


class SharingRepository:
    def __init__(self, vault: Vault) -> None:
        self.vault = vault

    # -- the service user's side ------------------------------------------------------------

    def shares(self, partner_id: int | None = None) -> list[ShareRow]:
        query = ("SELECT id, partner_id, module, item_id, slot_id, shared_at, version,"
                 " content_hash, published_at, seen_at FROM shares")
        args: tuple[object, ...] = ()
        if partner_id is not None:
            query += " WHERE partner_id = ?"
            args = (partner_id,)
        with self.vault.read() as conn:
            rows = conn.execute(query + " ORDER BY partner_id, module, item_id", args).fetchall()
        return [ShareRow(r[0], r[1], r[2], r[3], r[4], to_datetime(r[5]), r[6],
                         bytes(r[7]) if r[7] is not None else None, _time(r[8]), _time(r[9]))
                for r in rows]

    def share(self, partner_id: int, module: str, item_id: int | None) -> ShareRow | None:
        for row in self.shares(partner_id):
            if row.module == module and row.item_id == item_id:
                return row
        return None

    @staticmethod
    def add_share(partner_id: int, module: str, item_id: int | None, slot_id: str,
                  now: datetime) -> Write:
        def write(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO shares(partner_id, module, item_id, item_key, slot_id, shared_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (partner_id, module, item_id, item_key(item_id), slot_id, iso(now)))
        return write

    @staticmethod
    def remove_share(share_id: int, partner_id: int, slot_id: str, now: datetime,
                     new_epoch: int, new_key: bytes) -> Write:
        """Revoke: forget the share, remember its slot for deletion at the relay, rotate the
        dyad's share key and have every remaining share published again under it."""
        def write(conn: Connection) -> None:
            conn.execute("DELETE FROM shares WHERE id = ?", (share_id,))
            conn.execute("INSERT OR IGNORE INTO share_revoked(slot_id, partner_id, revoked_at)"
                         " VALUES (?, ?, ?)", (slot_id, partner_id, iso(now)))
            conn.execute("INSERT INTO share_keys(partner_id, epoch, key, created_at)"
                         " VALUES (?, ?, ?, ?)", (partner_id, new_epoch, new_key, iso(now)))
            conn.execute("UPDATE shares SET content_hash = NULL WHERE partner_id = ?",
                         (partner_id,))
        return write

    @staticmethod
    def add_revocation(partner_id: int, slot_id: str, module: str, item_id: int | None,
                       title: str, manifest_seq: int, now: datetime) -> Write:
        """Remember a revocation until the provider's vault confirms it applied manifest
        ``manifest_seq`` (or a later one)."""
        def write(conn: Connection) -> None:
            conn.execute(
                "INSERT INTO share_revocations(partner_id, slot_id, module, item_id, title,"
                " manifest_seq, revoked_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (partner_id, slot_id, module, item_id, title, manifest_seq, iso(now)))
        return write

    @staticmethod
    def confirm_revocations(partner_id: int, manifest_seq: int, at: datetime) -> Write:
        """The provider's vault applied manifest ``manifest_seq``: every revocation made by it
        or an earlier one is confirmed (a manifest lists all that is shared now)."""
        def write(conn: Connection) -> None:
            conn.execute("UPDATE share_revocations SET confirmed_at = ? WHERE partner_id = ?"
                         " AND manifest_seq <= ? AND confirmed_at IS NULL",
                         (iso(at), partner_id, manifest_seq))
        return write

    def revocations(self, confirmed_since: datetime) -> list[RevocationRow]:
        """Revocations not confirmed yet, and those confirmed since ``confirmed_since``."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT partner_id, module, item_id, title, manifest_seq, revoked_at,"
                " confirmed_at FROM share_revocations WHERE confirmed_at IS NULL"
                " OR confirmed_at >= ? ORDER BY revoked_at, id", (iso(confirmed_since),)
            ).fetchall()
        return [RevocationRow(r[0], r[1], r[2], r[3], r[4], to_datetime(r[5]), _time(r[6]))
                for r in rows]

    def received_manifest(self, partner_id: int) -> tuple[int, int] | None:
        """(epoch, seq) of the newest manifest applied from ``partner_id`` (provider side)."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT epoch, seq FROM received_manifests WHERE partner_id = ?",
                               (partner_id,)).fetchone()
        return None if row is None else (row[0], row[1])

    @staticmethod
    def add_key(partner_id: int, epoch: int, key: bytes, now: datetime) -> Write:
        def write(conn: Connection) -> None:
            conn.execute("INSERT OR IGNORE INTO share_keys(partner_id, epoch, key, created_at)"
                         " VALUES (?, ?, ?, ?)", (partner_id, epoch, key, iso(now)))
        return write

    def keys(self, partner_id: int) -> dict[int, bytes]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT epoch, key FROM share_keys WHERE partner_id = ?",
                                (partner_id,)).fetchall()
        return {r[0]: bytes(r[1]) for r in rows}

    def current_key(self, partner_id: int) -> tuple[int, bytes] | None:
        keys = self.keys(partner_id)
        if not keys:
            return None
        epoch = max(keys)
        return epoch, keys[epoch]

    def mark_published(self, share_id: int, version: int, content_hash: bytes,
                       now: datetime) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE shares SET version = ?, content_hash = ?, published_at = ?"
                         " WHERE id = ?", (version, content_hash, iso(now), share_id))

    def revoked_slots(self) -> list[str]:
        with self.vault.read() as conn:
            return [r[0] for r in conn.execute("SELECT slot_id FROM share_revoked")]

    def forget_revoked(self, slot_id: str) -> None:
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM share_revoked WHERE slot_id = ?", (slot_id,))

    @staticmethod
    def mark_seen(partner_id: int, slot_ids: Iterable[str], at: datetime) -> Write:
        def write(conn: Connection) -> None:
            conn.executemany(
                "UPDATE shares SET seen_at = ? WHERE partner_id = ? AND slot_id = ?"
                " AND (seen_at IS NULL OR seen_at < ?)",
                [(iso(at), partner_id, slot, iso(at)) for slot in slot_ids])
        return write

    # -- the provider's side ----------------------------------------------------------------

    @staticmethod
    def apply_manifest(partner_id: int, epoch: int, seq: int, key: bytes,
                       slots: list[ManifestSlot], now: datetime) -> Write:
        """What the owner shares now: new slots are added (fetched by the next sync), slots
        no longer listed are deleted with their snapshot (a revocation). A manifest not newer
        (``seq``) than one already applied — held back by the relay and delivered late — lists
        what was shared before: only its key is kept."""
        def write(conn: Connection) -> None:
            conn.execute("INSERT OR IGNORE INTO share_keys(partner_id, epoch, key, created_at)"
                         " VALUES (?, ?, ?, ?)", (partner_id, epoch, key, iso(now)))
            newest = conn.execute("SELECT seq FROM received_manifests WHERE partner_id = ?",
                                  (partner_id,)).fetchone()
            if newest is not None and seq <= newest[0]:
                return
            listed = {s.slot_id for s in slots}
            for (slot_id,) in conn.execute("SELECT slot_id FROM received_items"
                                           " WHERE partner_id = ?", (partner_id,)).fetchall():
                if slot_id not in listed:
                    conn.execute("DELETE FROM received_items WHERE partner_id = ?"
                                 " AND slot_id = ?", (partner_id, slot_id))
            for s in slots:
                conn.execute(
                    "INSERT INTO received_items(partner_id, slot_id, module, item_id, title)"
                    " VALUES (?, ?, ?, ?, ?) ON CONFLICT(partner_id, slot_id) DO UPDATE SET"
                    " title = excluded.title",
                    (partner_id, s.slot_id, s.module, s.item_id, clean_label(s.title)))
            conn.execute(
                "INSERT INTO received_manifests(partner_id, epoch, seq, received_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT(partner_id) DO UPDATE SET"
                " epoch = max(epoch, excluded.epoch), seq = excluded.seq,"
                " received_at = excluded.received_at", (partner_id, epoch, seq, iso(now)))
        return write

    def manifest_seq(self, partner_id: int) -> int:
        """The number of the last manifest sent to ``partner_id`` (0: none yet)."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT seq FROM share_manifests_sent WHERE partner_id = ?",
                               (partner_id,)).fetchone()
        return row[0] if row else 0

    @staticmethod
    def manifest_sent(partner_id: int, seq: int) -> Write:
        def write(conn: Connection) -> None:
            conn.execute("INSERT INTO share_manifests_sent(partner_id, seq) VALUES (?, ?)"
                         " ON CONFLICT(partner_id) DO UPDATE SET seq = excluded.seq",
                         (partner_id, seq))
        return write

    def received(self, partner_id: int | None = None, *, snapshots: bool = True
                 ) -> list[ReceivedRow]:
        """``snapshots=False``: a held snapshot reads as "" (a whole toolbox can be megabytes;
        listing, counting and fetching need to know only whether one arrived)."""
        snapshot = "snapshot" if snapshots else "CASE WHEN snapshot IS NULL THEN NULL ELSE '' END"
        query = ("SELECT partner_id, slot_id, module, item_id, title, version, content_hash,"
                 f" {snapshot}, changed_at FROM received_items")
        args: tuple[object, ...] = ()
        if partner_id is not None:
            query += " WHERE partner_id = ?"
            args = (partner_id,)
        with self.vault.read() as conn:
            rows = conn.execute(query + " ORDER BY partner_id, module, item_id", args).fetchall()
        return [ReceivedRow(r[0], r[1], r[2], r[3], clean_label(r[4]), r[5],
                            bytes(r[6]) if r[6] is not None else None, r[7], _time(r[8]))
                for r in rows]

    def store_snapshot(self, partner_id: int, slot_id: str, version: int, content_hash: bytes,
                       snapshot: str, title: str, changed_at: datetime) -> bool:
        """Keep a verified newer version; False (nothing written) if the slot was revoked
        meanwhile or the version is not newer."""
        with self.vault.transaction() as conn:
            return conn.execute(
                "UPDATE received_items SET version = ?, content_hash = ?, snapshot = ?,"
                " title = ?, changed_at = ? WHERE partner_id = ? AND slot_id = ?"
                " AND version < ?",
                (version, content_hash, snapshot, clean_label(title), iso(changed_at),
                 partner_id, slot_id, version)).rowcount == 1
