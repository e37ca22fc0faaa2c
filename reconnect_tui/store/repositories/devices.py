"""Linked devices (docs/devices.md): the person key, the accepted device list, the person's
devices with their link sessions, and open link codes. Every method is one transaction, or joins
the caller's (``Vault.transaction`` nests as savepoints)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._base import Repository, inserted_id


def iso(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class DeviceRow:
    id: int
    ed25519: str
    curve25519: str
    name: str
    linked_at: str
    this_device: bool
    certificate: str
    inbound_mailbox: str | None
    outbound_mailbox: str | None
    envelope_key: bytes | None
    session_pickle: str | None
    status: str
    removed_at: str | None


@dataclass(frozen=True, slots=True)
class DeviceInvitation:
    id: int
    mailbox_id: str
    pairing_key: bytes
    envelope_key: bytes
    mac_key: bytes
    expires_at: str


_DEVICE_COLUMNS = ("id, ed25519, curve25519, name, linked_at, this_device, certificate,"
                   " inbound_mailbox, outbound_mailbox, envelope_key, session_pickle, status,"
                   " removed_at")


def _device(row: Sequence[Any]) -> DeviceRow:
    return DeviceRow(row[0], row[1], row[2], row[3], row[4], bool(row[5]), row[6], row[7],
                     row[8], None if row[9] is None else bytes(row[9]), row[10], row[11],
                     row[12])


class DeviceRepository(Repository):
    # -- the person key and the list ---------------------------------------------------------

    def person_key(self) -> tuple[bytes, str] | None:
        """(seed, public key) when this vault holds the person key."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT seed, public FROM person_key WHERE id = 1").fetchone()
        return (bytes(row[0]), row[1]) if row else None

    def save_person_key(self, seed: bytes, public: str, now: datetime) -> None:
        with self.vault.transaction() as conn:
            conn.execute("INSERT INTO person_key(id, seed, public, created_at) VALUES (1, ?, ?, ?)"
                         " ON CONFLICT(id) DO UPDATE SET seed = excluded.seed,"
                         " public = excluded.public", (seed, public, iso(now)))

    def forget_person_key(self) -> None:
        """This device was removed from the person's list: it keeps its data, not the key."""
        with self.vault.transaction() as conn:
            conn.execute("DELETE FROM person_key")
            conn.execute("UPDATE devices SET session_pickle = NULL, envelope_key = NULL,"
                         " status = 'removed' WHERE this_device = 0 AND status != 'removed'")

    def device_list(self) -> tuple[int, bytes] | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT version, signed FROM device_lists WHERE id = 1").fetchone()
        return (int(row[0]), bytes(row[1])) if row else None

    def save_device_list(self, version: int, signed: bytes, now: datetime) -> None:
        """Only ever a newer version (the caller checked; this refuses an older one anyway)."""
        with self.vault.transaction() as conn:
            conn.execute("INSERT INTO device_lists(id, version, signed, accepted_at)"
                         " VALUES (1, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET"
                         " version = excluded.version, signed = excluded.signed,"
                         " accepted_at = excluded.accepted_at"
                         " WHERE excluded.version > device_lists.version",
                         (version, signed, iso(now)))

    # -- devices -----------------------------------------------------------------------------

    def devices(self, *, removed: bool = False) -> list[DeviceRow]:
        where = "" if removed else " WHERE status != 'removed'"
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices{where}"
                                " ORDER BY linked_at, id").fetchall()
        return [_device(r) for r in rows]

    def holding_dyad(self, partner_id: int) -> list[DeviceRow]:
        """The person's other linked devices a dyad was handed to (``dyad_shares``), in one
        read."""
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE status = 'linked'"
                                " AND this_device = 0 AND ed25519 IN (SELECT device FROM"
                                " dyad_shares WHERE partner_id = ?) ORDER BY linked_at, id",
                                (partner_id,)).fetchall()
        return [_device(r) for r in rows]

    def device_by_mailbox(self, mailbox_id: str) -> DeviceRow | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_DEVICE_COLUMNS} FROM devices WHERE inbound_mailbox = ?"
                               " AND status != 'removed'", (mailbox_id,)).fetchone()
        return _device(row) if row else None

    def upsert_device(self, *, ed25519: str, curve25519: str, name: str, linked_at: str,
                      this_device: bool = False, certificate: str = "",
                      inbound_mailbox: str | None = None, outbound_mailbox: str | None = None,
                      envelope_key: bytes | None = None, session_pickle: str | None = None,
                      status: str = "linked") -> int:
        with self.vault.transaction() as conn:
            row = conn.execute("SELECT id FROM devices WHERE ed25519 = ?", (ed25519,)).fetchone()
            values = (curve25519, name, linked_at, int(this_device), certificate,
                      inbound_mailbox, outbound_mailbox, envelope_key, session_pickle, status)
            if row is None:
                return inserted_id(conn.execute(
                    "INSERT INTO devices(curve25519, name, linked_at, this_device, certificate,"
                    " inbound_mailbox, outbound_mailbox, envelope_key, session_pickle, status,"
                    " ed25519) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, ed25519)).lastrowid)
            conn.execute(
                "UPDATE devices SET curve25519 = ?, name = ?, linked_at = ?, this_device = ?,"
                " certificate = ?, inbound_mailbox = coalesce(?, inbound_mailbox),"
                " outbound_mailbox = coalesce(?, outbound_mailbox),"
                " envelope_key = coalesce(?, envelope_key),"
                " session_pickle = coalesce(?, session_pickle), status = ?, removed_at = NULL"
                " WHERE id = ?", (*values, row[0]))
            return int(row[0])

    def save_session(self, device_id: int, pickle: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:  # one statement
            conn.execute("UPDATE devices SET session_pickle = ? WHERE id = ?", (pickle, device_id))

    def retire(self, ed25519: str, now: datetime) -> None:
        """A removed device: its session and envelope key are deleted, its mailbox retired; the
        row stays, marked removed."""
        with self.vault.transaction() as conn:
            row = conn.execute("SELECT inbound_mailbox FROM devices WHERE ed25519 = ?",
                               (ed25519,)).fetchone()
            conn.execute("UPDATE devices SET status = 'removed', removed_at = ?,"
                         " session_pickle = NULL, envelope_key = NULL WHERE ed25519 = ?",
                         (iso(now), ed25519))
            if row and row[0]:
                conn.execute("DELETE FROM mailboxes WHERE mailbox_id = ?", (row[0],))

    # -- link codes ----------------------------------------------------------------------------

    def add_invitation(self, lookup_id: str, mailbox_id: str, pairing_key: bytes,
                       envelope_key: bytes, mac_key: bytes, now: datetime,
                       expires: datetime) -> None:
        with self.vault.transaction() as conn:
            conn.execute("INSERT INTO device_invitations(lookup_id, mailbox_id, pairing_key,"
                         " envelope_key, mac_key, created_at, expires_at)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?)",
                         (lookup_id, mailbox_id, pairing_key, envelope_key, mac_key, iso(now),
                          iso(expires)))
            conn.execute("INSERT OR IGNORE INTO mailboxes(mailbox_id, direction, purpose)"
                         " VALUES (?, 'in', 'device-link')", (mailbox_id,))

    def open_invitation(self, mailbox_id: str, now: datetime) -> DeviceInvitation | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT id, mailbox_id, pairing_key, envelope_key, mac_key,"
                               " expires_at FROM device_invitations WHERE mailbox_id = ?"
                               " AND used_at IS NULL AND expires_at > ?",
                               (mailbox_id, iso(now))).fetchone()
        if row is None:
            return None
        return DeviceInvitation(row[0], row[1], bytes(row[2]), bytes(row[3]), bytes(row[4]),
                                row[5])

    def mark_invitation_used(self, invitation_id: int, now: datetime) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE device_invitations SET used_at = ? WHERE id = ?",
                         (iso(now), invitation_id))

    # -- the inbox -----------------------------------------------------------------------------

    def unprocessed(self, limit: int = 200) -> list[tuple[int, str, str, bytes]]:
        """(inbox id, envelope id, mailbox id, ciphertext) of envelopes in link mailboxes."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT id, envelope_id, mailbox_id, ciphertext FROM inbox WHERE processed = 0"
                " AND mailbox_id IN (SELECT inbound_mailbox FROM devices"
                " WHERE inbound_mailbox IS NOT NULL UNION SELECT mailbox_id"
                " FROM device_invitations) ORDER BY mailbox_id, seq LIMIT ?", (limit,)).fetchall()
        return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]

    def still_unprocessed(self, inbox_id: int) -> bool:
        with self.vault.read() as conn:
            row = conn.execute("SELECT processed FROM inbox WHERE id = ?", (inbox_id,)).fetchone()
        return row is not None and not row[0]

    def mark_processed(self, inbox_id: int) -> None:
        with self.vault.transaction(savepoint=False) as conn:  # one statement
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))

    def record_rejected(self, envelope_id: str, mailbox_id: str, inbox_id: int, reason: str,
                        now: datetime) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            conn.execute("INSERT OR IGNORE INTO rejected_envelopes(envelope_id, mailbox_id,"
                         " reason, rejected_at) VALUES (?, ?, ?, ?)",
                         (envelope_id, mailbox_id, reason, iso(now)))
