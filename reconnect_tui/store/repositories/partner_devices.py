"""Partners' linked devices and the person side of handing dyads to one's own devices
(docs/devices.md, "What partners see"). Every method joins the caller's transaction (the Olm
session or account it advances is stored in that same transaction by the caller)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ...text_safety import clean_label
from ._base import Repository
from .dyads import MessageRow, _insert_message, iso


@dataclass(frozen=True, slots=True)
class PartnerDevice:
    id: int
    partner_id: int
    ed25519: str
    curve25519: str
    name: str
    inbound_mailbox: str | None
    outbound_mailbox: str | None
    session_pickle: str | None
    status: str


@dataclass(frozen=True, slots=True)
class PartnerList:
    person_key: str
    version: int
    signed: bytes


@dataclass(frozen=True, slots=True)
class PersonKeys:
    """What a dyad's safety number is computed from (``Dyads._to_partner``)."""

    own_person: str | None
    list_sent: int
    via_device: str | None
    partner_person: str | None
    devices: tuple[str, ...] = ()
    """Names of the partner's other devices with an open session."""


_COLUMNS = ("id, partner_id, ed25519, curve25519, name, inbound_mailbox, outbound_mailbox,"
            " session_pickle, status")


def _device(row: Sequence[Any]) -> PartnerDevice:
    return PartnerDevice(row[0], row[1], row[2], row[3], clean_label(row[4]), row[5], row[6],
                         row[7], row[8])


class PartnerDeviceRepository(Repository):
    # -- the partner side ----------------------------------------------------------------------

    def partner_list(self, partner_id: int) -> PartnerList | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT person_key, version, signed FROM partner_lists"
                               " WHERE partner_id = ?", (partner_id,)).fetchone()
        return PartnerList(row[0], int(row[1]), bytes(row[2])) if row else None

    def save_partner_list(self, partner_id: int, person_key: str, version: int, signed: bytes,
                          now: datetime) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT INTO partner_lists(partner_id, person_key, version, signed,"
                         " accepted_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(partner_id) DO UPDATE"
                         " SET person_key = excluded.person_key, version = excluded.version,"
                         " signed = excluded.signed, accepted_at = excluded.accepted_at",
                         (partner_id, person_key, version, signed, iso(now)))

    def devices(self, partner_id: int, *, status: str | None = None) -> list[PartnerDevice]:
        sql = f"SELECT {_COLUMNS} FROM partner_devices WHERE partner_id = ?"
        params: tuple[object, ...] = (partner_id,)
        if status is not None:
            sql += " AND status = ?"
            params += (status,)
        with self.vault.read() as conn:
            return [_device(r) for r in conn.execute(sql + " ORDER BY id", params)]

    def by_mailbox(self, mailbox_id: str) -> PartnerDevice | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_COLUMNS} FROM partner_devices WHERE"
                               " inbound_mailbox = ? AND status = 'open'",
                               (mailbox_id,)).fetchone()
        return _device(row) if row else None

    def list_device(self, partner_id: int, ed25519: str, curve25519: str, name: str) -> None:
        """A device named in the partner's list (no session yet, unless it has one)."""
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT INTO partner_devices(partner_id, ed25519, curve25519, name)"
                         " VALUES (?, ?, ?, ?) ON CONFLICT(partner_id, ed25519) DO UPDATE"
                         " SET name = excluded.name", (partner_id, ed25519, curve25519, name))

    def open_device(self, device_id: int, inbound: str, outbound: str, pickle: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE partner_devices SET inbound_mailbox = ?, outbound_mailbox = ?,"
                         " session_pickle = ?, status = 'open' WHERE id = ?",
                         (inbound, outbound, pickle, device_id))
            conn.execute("INSERT OR IGNORE INTO mailboxes(mailbox_id, direction, purpose)"
                         " VALUES (?, 'in', 'dyad')", (inbound,))

    def save_session(self, device_id: int, pickle: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE partner_devices SET session_pickle = ? WHERE id = ?",
                         (pickle, device_id))

    def retire(self, device_id: int) -> None:
        """A device no longer in the partner's list: its session goes, its mailbox is no
        longer read; nothing is encrypted to it again."""
        with self.vault.transaction(savepoint=False) as conn:
            row = conn.execute("SELECT inbound_mailbox FROM partner_devices WHERE id = ?",
                               (device_id,)).fetchone()
            conn.execute("UPDATE partner_devices SET status = 'removed', session_pickle = NULL"
                         " WHERE id = ?", (device_id,))
            if row and row[0]:
                conn.execute("DELETE FROM mailboxes WHERE mailbox_id = ?", (row[0],))

    def record_from_device(self, device: PartnerDevice, pickle: str, inbox_id: int,
                           message_id: str, *, row: MessageRow | None = None,
                           read_ids: list[str] | None = None) -> bool:
        """What one of a partner's other devices sent: in that partner's conversation. False
        when the id was seen before."""
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            if not conn.execute("INSERT OR IGNORE INTO seen_ids(partner_id, message_id)"
                                " VALUES (?, ?)", (device.partner_id, message_id)).rowcount:
                return False
            conn.execute("UPDATE partner_devices SET session_pickle = ? WHERE id = ?",
                         (pickle, device.id))
            if row is not None:
                _insert_message(conn, device.partner_id, row)
            if read_ids:
                conn.executemany(
                    "UPDATE messages SET status = 'read' WHERE partner_id = ? AND outgoing = 1"
                    " AND message_id = ?", [(device.partner_id, i) for i in read_ids])
        return True

    def fanout_state(self, partner_id: int) -> tuple[bool, str | None, bool]:
        """(the partner has open devices, the dyad's ``via_device``, it was handed to own
        devices) in one read: a send on a dyad without linked devices costs one query."""
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT EXISTS (SELECT 1 FROM partner_devices WHERE partner_id = p.id"
                " AND status = 'open'), p.via_device, EXISTS (SELECT 1 FROM dyad_shares"
                " WHERE partner_id = p.id) FROM partners p WHERE p.id = ?",
                (partner_id,)).fetchone()
        return (bool(row[0]), row[1], bool(row[2])) if row else (False, None, False)

    def send_plan(self, partner_id: int) -> tuple[list[PartnerDevice], str | None, bool]:
        """(the partner's open devices, the dyad's ``via_device``, it was handed to own
        devices) in one query, read before a send."""
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT p.via_device, EXISTS (SELECT 1 FROM dyad_shares WHERE partner_id = p.id),"
                f" {', '.join('d.' + c.strip() for c in _COLUMNS.split(','))}"
                " FROM partners p LEFT JOIN partner_devices d ON d.partner_id = p.id"
                " AND d.status = 'open' WHERE p.id = ? ORDER BY d.id", (partner_id,)).fetchall()
        if not rows:
            return [], None, False
        devices = [_device(r[2:]) for r in rows if r[2] is not None]
        return devices, rows[0][0], bool(rows[0][1])

    # -- the person side -------------------------------------------------------------------------

    def person_keys(self, partner_id: int) -> PersonKeys:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT (SELECT public FROM person_key WHERE id = 1), p.list_sent, p.via_device,"
                " l.person_key, (SELECT json_group_array(name) FROM (SELECT name FROM"
                " partner_devices WHERE partner_id = p.id AND status = 'open' ORDER BY id))"
                " FROM partners p LEFT JOIN partner_lists l ON l.partner_id = p.id"
                " WHERE p.id = ?", (partner_id,)).fetchone()
        if row is None:
            return PersonKeys(None, 0, None, None)
        names = tuple(clean_label(str(n)) for n in json.loads(row[4] or "[]"))
        return PersonKeys(row[0], int(row[1]), row[2], row[3], names)

    def set_list_sent(self, partner_id: int, version: int) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE partners SET list_sent = max(list_sent, ?) WHERE id = ?",
                         (version, partner_id))

    def via_device(self, partner_id: int) -> str | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT via_device FROM partners WHERE id = ?",
                               (partner_id,)).fetchone()
        return row[0] if row else None

    def shared_with(self, partner_id: int) -> set[str]:
        with self.vault.read() as conn:
            return {r[0] for r in conn.execute("SELECT device FROM dyad_shares"
                                               " WHERE partner_id = ?", (partner_id,))}

    def mark_shared(self, partner_id: int, device: str) -> None:
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("INSERT OR IGNORE INTO dyad_shares(partner_id, device) VALUES (?, ?)",
                         (partner_id, device))

    def partner_by_key(self, ed25519: str) -> int | None:
        """The newest dyad with this partner key."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT id FROM partners WHERE ed25519 = ? ORDER BY id DESC",
                               (ed25519,)).fetchone()
        return int(row[0]) if row else None

    def add_handed_over(self, *, name: str, role: str, ed25519: str, curve25519: str,
                        inbound: str, envelope_key: bytes, verified: bool, read_receipts: bool,
                        via: str, now: datetime) -> int:
        """A dyad another device of this person paired: pending until the partner's first
        message (to the one-time key this device published) opens its session."""
        with self.vault.transaction(savepoint=False) as conn:
            cursor = conn.execute(
                "INSERT INTO partners(name, role, ed25519, curve25519, inbound_mailbox,"
                " outbound_mailbox, envelope_key, session_pickle, status, verified,"
                " read_receipts, via_device, created_at) VALUES (?, ?, ?, ?, ?, '', ?, '',"
                " 'pending', ?, ?, ?, ?)",
                (clean_label(name), role, ed25519, curve25519, inbound, envelope_key,
                 int(verified), int(read_receipts), via, iso(now)))
            conn.execute("INSERT OR IGNORE INTO mailboxes(mailbox_id, direction, purpose)"
                         " VALUES (?, 'in', 'dyad')", (inbound,))
            assert cursor.lastrowid is not None
            return int(cursor.lastrowid)

    def opened(self, partner_id: int, pickle: str, outbound: str, account_pickle: str,
               inbox_id: int, message_id: str) -> None:
        """The partner's first message to a handed-over dyad: its session is stored."""
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE partners SET session_pickle = ?, outbound_mailbox = ?,"
                         " status = 'paired' WHERE id = ?", (pickle, outbound, partner_id))
            conn.execute("INSERT INTO olm_account(id, pickle) VALUES (1, ?)"
                         " ON CONFLICT(id) DO UPDATE SET pickle = excluded.pickle",
                         (account_pickle,))
            conn.execute("INSERT OR IGNORE INTO seen_ids(partner_id, message_id) VALUES (?, ?)",
                         (partner_id, message_id))
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))

    def insert_copy(self, partner_id: int, row: MessageRow) -> bool:
        """A message of this conversation another device of this person holds (sent by it, or
        received from the partner): kept once, by id."""
        with self.vault.transaction(savepoint=False) as conn:
            before = conn.total_changes
            _insert_message(conn, partner_id, row)
            return conn.total_changes > before
