"""What dyads keep in the vault: the Olm account, invitations, partners and messages.

Each method is one transaction, so the Olm session pickle, the message row, the outbox entry
and the inbox row's "processed" mark always change together or not at all (a session is never
advanced without the message it decrypted being kept, and never on a failed decryption).

Names and text pass ``text_safety`` on the way in and on the way out (an older vault may hold
them raw): a partner's escape codes never reach a screen, and a name spoofed with invisible
characters shows them (docs/text-safety.md).
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from ...text_safety import clean_label, clean_text
from ..db import Connection, Row
from ._base import Repository, inserted_id, to_datetime

OUTBOX_INSERT = (
    "INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at, next_attempt_at)"
    " VALUES (?, ?, ?, ?, ?)"
)


def iso(value: datetime) -> str:
    """Times as sortable text: always with microseconds and +00:00."""
    return value.isoformat(timespec="microseconds")


@dataclass(frozen=True, slots=True)
class Invitation:
    id: int
    mailbox_id: str
    pairing_key: bytes
    envelope_key: bytes
    mac_key: bytes


@dataclass(frozen=True, slots=True)
class PartnerRecord:
    id: int
    name: str
    role: str
    ed25519: str
    curve25519: str
    inbound_mailbox: str
    outbound_mailbox: str
    envelope_key: bytes
    session_pickle: str
    status: str
    verified: bool
    key_changed: bool
    read_receipts: bool
    sent_counter: int
    reset_state: str | None = None
    """A reset of this dyad's session (docs/dyads.md "Restore and rollback"): None, "needed"
    (our request is still to be made) or "sent" (waiting for the partner's answer)."""
    reset_epoch: str = ""
    reset_from_n: int = 0


@dataclass(frozen=True, slots=True)
class NewPartner:
    """A pairing as it is about to be stored (``id`` is found or made by name and role)."""

    name: str
    role: str
    ed25519: str
    curve25519: str
    inbound_mailbox: str
    outbound_mailbox: str
    envelope_key: bytes
    session_pickle: str
    status: str


@dataclass(frozen=True, slots=True)
class MessageRow:
    message_id: str
    outgoing: bool
    text: str
    sent_at: datetime
    counter: int
    status: str
    reply_to: str | None = None
    about: tuple[str, int, str] | None = None
    envelope_id: str | None = None


@dataclass(frozen=True, slots=True)
class StoredMessage:
    partner_id: int
    row: MessageRow


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An envelope for the outbox, written in the same transaction as what it carries."""

    envelope_id: str
    mailbox_id: str
    ciphertext: bytes
    now: float
    signer: str = ""
    """Whose relay key deposits it: "" the vault's, else a forum's id (docs/forum.md)."""


_PARTNER_COLUMNS = (
    "id, name, role, ed25519, curve25519, inbound_mailbox, outbound_mailbox, envelope_key,"
    " session_pickle, status, verified, key_changed, read_receipts, sent_counter,"
    " reset_state, coalesce(reset_epoch, ''), reset_from_n"
)

_MESSAGE_SELECT = (
    "SELECT m.partner_id, m.message_id, m.outgoing, m.text, m.sent_at, m.counter,"
    " CASE WHEN m.outgoing = 1 AND m.status = 'queued' AND (o.delivered_at IS NOT NULL"
    " OR m.envelope_id = '') THEN 'delivered' ELSE m.status END,"
    " m.reply_to, m.about_module, m.about_item_id, m.about_title, m.envelope_id"
    " FROM messages m LEFT JOIN outbox o ON o.envelope_id = m.envelope_id"
)


def _partner(row: Row) -> PartnerRecord:
    return PartnerRecord(row[0], clean_label(row[1]), row[2], row[3], row[4], row[5], row[6],
                         bytes(row[7]), row[8], row[9], bool(row[10]), bool(row[11]),
                         bool(row[12]), row[13], row[14], row[15], row[16])


def _message(row: Row) -> StoredMessage:
    title = "" if row[10] is None else clean_label(row[10])  # "": an item the partner cannot see
    about = (row[8], row[9], title) if row[8] is not None else None
    sent_at = to_datetime(row[4])
    assert sent_at is not None
    return StoredMessage(row[0], MessageRow(row[1], bool(row[2]), clean_text(row[3]), sent_at,
                                            row[5], row[6], row[7], about, row[11]))


class DyadRepository(Repository):
    # -- the Olm account ---------------------------------------------------------------------

    def account_pickle(self) -> str | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT pickle FROM olm_account WHERE id = 1").fetchone()
        return row[0] if row else None

    def save_account(self, pickle: str) -> None:
        with self.vault.transaction() as conn:
            _save_account(conn, pickle)

    # -- invitations -------------------------------------------------------------------------

    def add_invitation(self, lookup_id: str, mailbox_id: str, pairing_key: bytes,
                       envelope_key: bytes, mac_key: bytes, created_at: datetime,
                       expires_at: datetime, account_pickle: str) -> None:
        """The invitation, its inbound mailbox and the account holding its one-time key."""
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO invitations(lookup_id, mailbox_id, pairing_key, envelope_key,"
                " mac_key, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (lookup_id, mailbox_id, pairing_key, envelope_key, mac_key, iso(created_at),
                 iso(expires_at)),
            )
            conn.execute(
                "INSERT OR IGNORE INTO mailboxes(mailbox_id, direction, purpose)"
                " VALUES (?, 'in', 'dyad')", (mailbox_id,))
            _save_account(conn, account_pickle)

    def open_invitation(self, mailbox_id: str) -> Invitation | None:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT id, mailbox_id, pairing_key, envelope_key, mac_key FROM invitations"
                " WHERE mailbox_id = ? AND used_at IS NULL", (mailbox_id,)).fetchone()
        return None if row is None else Invitation(row[0], row[1], bytes(row[2]), bytes(row[3]),
                                                   bytes(row[4]))

    # -- partners ----------------------------------------------------------------------------

    def partners(self) -> list[PartnerRecord]:
        with self.vault.read() as conn:
            rows = conn.execute(
                f"SELECT {_PARTNER_COLUMNS} FROM partners ORDER BY name, id").fetchall()
        return [_partner(r) for r in rows]

    def partner(self, partner_id: int) -> PartnerRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_PARTNER_COLUMNS} FROM partners WHERE id = ?",
                               (partner_id,)).fetchone()
        return None if row is None else _partner(row)

    def partner_by_mailbox(self, mailbox_id: str) -> PartnerRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_PARTNER_COLUMNS} FROM partners"
                               " WHERE inbound_mailbox = ?", (mailbox_id,)).fetchone()
        return None if row is None else _partner(row)

    def save_pairing(self, new: NewPartner, *, now: datetime, account_pickle: str | None = None,
                     invitation_id: int | None = None, inbox_id: int | None = None,
                     outgoing: Outgoing | None = None, claimed: bool = False) -> int:
        """Store a new pairing in one transaction. Returns the partner id.

        The same identity key pairing again (a repeated invitation) updates its dyad in place.
        A *different* key under the name of an earlier partner is a new dyad, marked "key
        changed" and unverified: it may be that person on a new device, or someone else with
        the same name, so the earlier conversation is never handed to it. Comparing safety
        numbers tells which."""
        new = dataclasses.replace(new, name=clean_label(new.name))
        with self.vault.transaction() as conn:
            same_name = conn.execute(
                "SELECT id, ed25519, verified, key_changed FROM partners"
                " WHERE name = ? AND role = ? ORDER BY id DESC", (new.name, new.role)
            ).fetchall()
            same_key = next((row for row in same_name if row[1] == new.ed25519), None)
            values = (new.ed25519, new.curve25519, new.inbound_mailbox, new.outbound_mailbox,
                      new.envelope_key, new.session_pickle, new.status)
            if same_key is None:
                partner_id = conn.execute(
                    "INSERT INTO partners(ed25519, curve25519, inbound_mailbox,"
                    " outbound_mailbox, envelope_key, session_pickle, status, name, role,"
                    " created_at, key_changed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (*values, new.name, new.role, iso(now), int(bool(same_name)))).lastrowid
                partner_id = inserted_id(partner_id)
            else:
                partner_id = same_key[0]
                conn.execute(
                    "UPDATE partners SET ed25519 = ?, curve25519 = ?, inbound_mailbox = ?,"
                    " outbound_mailbox = ?, envelope_key = ?, session_pickle = ?, status = ?,"
                    " sent_counter = 0 WHERE id = ?",
                    (*values, partner_id))
            conn.execute(
                "INSERT INTO mailboxes(mailbox_id, direction, purpose, claimed)"
                " VALUES (?, 'in', 'dyad', ?) ON CONFLICT(mailbox_id) DO UPDATE"
                " SET claimed = max(claimed, excluded.claimed)",
                (new.inbound_mailbox, int(claimed)))
            if account_pickle is not None:
                _save_account(conn, account_pickle)
            if invitation_id is not None:
                conn.execute("UPDATE invitations SET used_at = ? WHERE id = ?",
                             (iso(now), invitation_id))
            if inbox_id is not None:
                conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            if outgoing is not None:
                _enqueue(conn, outgoing)
        return partner_id

    def set_verified(self, partner_id: int) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE partners SET verified = 1, key_changed = 0 WHERE id = ?",
                         (partner_id,))

    def set_read_receipts(self, partner_id: int, on: bool) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE partners SET read_receipts = ? WHERE id = ?",
                         (int(on), partner_id))

    # -- messages ----------------------------------------------------------------------------

    def record_sent(self, partner_id: int, session_pickle: str, counter: int,
                    row: MessageRow | None, outgoing: Outgoing | None,
                    extra: Callable[[Connection], None] | None = None) -> None:
        """An encrypted message (or receipt, when ``row`` is None) leaves: the advanced
        session, the counter, the conversation row, the outbox entry and ``extra`` (what an
        agreement, check-in or feedback message records), together. No ``outgoing``: a
        message kept while the dyad's session is being reset, sent when the reset is over.

        Every caller (``Dyads.send``, ``send_control``, ``mark_read``) holds its own
        transaction around the load – encrypt – record and lets a failure reach it, which then
        rolls all of it back; so this joins that transaction without a savepoint of its own
        (``Vault.transaction``: a savepoint here was a third of a send's allocations)."""
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute("UPDATE partners SET session_pickle = ?, sent_counter = ? WHERE id = ?",
                         (session_pickle, counter, partner_id))
            if row is not None:
                _insert_message(conn, partner_id, row)
            if extra is not None:
                extra(conn)
            if outgoing is not None:
                _enqueue(conn, outgoing)

    def record_received(self, partner_id: int, session_pickle: str, inbox_id: int,
                        message_id: str, *, row: MessageRow | None = None,
                        read_ids: list[str] | None = None,
                        extra: Callable[[Connection], None] | None = None) -> bool:
        """A verified envelope: advance the session, keep its id (replays), store what it
        carried, mark the partner paired and the inbox row processed. False if the id was seen
        before (then nothing but the inbox mark changes). A savepoint only around ``extra``'s
        writes (which may refuse what arrived): the rest cannot fail halfway but with the
        caller's whole transaction."""
        with self.vault.transaction(savepoint=extra is not None) as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            seen = conn.execute("INSERT OR IGNORE INTO seen_ids(partner_id, message_id)"
                                " VALUES (?, ?)", (partner_id, message_id)).rowcount
            if not seen:
                return False
            conn.execute("UPDATE partners SET session_pickle = ?, status = 'paired'"
                         " WHERE id = ?", (session_pickle, partner_id))
            if row is not None:
                _insert_message(conn, partner_id, row)
            if read_ids:
                conn.executemany(
                    "UPDATE messages SET status = 'read' WHERE partner_id = ? AND outgoing = 1"
                    " AND message_id = ?", [(partner_id, i) for i in read_ids])
            if extra is not None:
                extra(conn)
        return True

    def record_rejected(self, envelope_id: str, mailbox_id: str, inbox_id: int, reason: str,
                        now: datetime, partner_id: int | None) -> None:
        """An envelope that failed verification: kept as "unverified" (no text), never as real
        text; no session is touched."""
        with self.vault.transaction() as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            conn.execute("INSERT OR IGNORE INTO rejected_envelopes(envelope_id, mailbox_id,"
                         " reason, rejected_at) VALUES (?, ?, ?, ?)",
                         (envelope_id, mailbox_id, reason, iso(now)))
            if partner_id is not None:
                _insert_message(conn, partner_id, MessageRow(
                    f"unverified:{envelope_id}", False, "", now, 0, "unverified"))

    def rejected_count(self) -> int:
        with self.vault.read() as conn:
            return int(conn.execute("SELECT count(*) FROM rejected_envelopes").fetchone()[0])

    def conversation(self, partner_id: int) -> list[StoredMessage]:
        with self.vault.read() as conn:
            rows = conn.execute(_MESSAGE_SELECT + " WHERE m.partner_id = ?"
                                " ORDER BY m.sent_at, m.counter, m.id", (partner_id,)).fetchall()
        return [_message(r) for r in rows]

    def all_messages(self) -> list[StoredMessage]:
        with self.vault.read() as conn:
            rows = conn.execute(_MESSAGE_SELECT + " ORDER BY m.partner_id, m.sent_at, m.counter,"
                                " m.id").fetchall()
        return [_message(r) for r in rows]

    def message_ids(self, partner_id: int) -> set[str]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT message_id FROM messages WHERE partner_id = ?",
                                (partner_id,)).fetchall()
        return {r[0] for r in rows}

    def mark_read(self, partner_id: int) -> list[str]:
        """Mark incoming unread messages read; returns their message ids."""
        with self.vault.transaction() as conn:
            rows = conn.execute(
                "UPDATE messages SET status = 'read' WHERE partner_id = ? AND outgoing = 0"
                " AND status = 'unread' RETURNING message_id", (partner_id,)).fetchall()
        return [r[0] for r in rows]

    def was_named_by(self, partner_id: int, module: str, item_id: int, title: str) -> bool:
        """Whether a message from this partner was about exactly this item and title."""
        with self.vault.read() as conn:
            return conn.execute(
                "SELECT 1 FROM messages WHERE partner_id = ? AND outgoing = 0"
                " AND about_module = ? AND about_item_id = ? AND about_title = ? LIMIT 1",
                (partner_id, module, item_id, clean_label(title))).fetchone() is not None

    def undelivered(self, mailbox_id: str) -> int:
        """Envelopes for ``mailbox_id`` the relay has not accepted yet."""
        with self.vault.read() as conn:
            return int(conn.execute("SELECT count(*) FROM outbox WHERE mailbox_id = ?"
                                " AND delivered_at IS NULL", (mailbox_id,)).fetchone()[0])

    def unread_counts(self) -> dict[int, int]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT partner_id, count(*) FROM messages"
                                " WHERE status = 'unread' GROUP BY partner_id").fetchall()
        return {r[0]: r[1] for r in rows}

    def waiting_and_last(self) -> dict[int, tuple[datetime | None, datetime | None]]:
        """Per partner: the oldest incoming message after our last outgoing one (how long they
        have waited for an answer), and the time of the last message either way."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT p.id,"
                " (SELECT min(i.sent_at) FROM messages i WHERE i.partner_id = p.id"
                "   AND i.outgoing = 0 AND i.status != 'unverified' AND i.sent_at > coalesce("
                "   (SELECT max(o.sent_at) FROM messages o WHERE o.partner_id = p.id"
                "    AND o.outgoing = 1), '')),"
                " (SELECT max(a.sent_at) FROM messages a WHERE a.partner_id = p.id)"
                " FROM partners p").fetchall()
        return {r[0]: (to_datetime(r[1]), to_datetime(r[2])) for r in rows}

    def stale_invitation_mailboxes(self, expired_before: datetime) -> list[str]:
        """Mailboxes of invitations never answered that expired before ``expired_before`` (a
        used invitation's mailbox is its partner's inbound mailbox: never stale)."""
        with self.vault.read() as conn:
            return [r[0] for r in conn.execute(
                "SELECT i.mailbox_id FROM invitations i JOIN mailboxes m"
                " ON m.mailbox_id = i.mailbox_id WHERE i.used_at IS NULL AND i.expires_at < ?",
                (iso(expired_before),))]

    def still_unprocessed(self, inbox_id: int) -> bool:
        """Not handled yet (by this process or another one syncing the same vault)."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT processed FROM inbox WHERE id = ?",
                               (inbox_id,)).fetchone()
        return row is not None and not row[0]

    def unprocessed(self, limit: int = 500) -> list[tuple[int, str, str, bytes]]:
        """(inbox id, envelope id, mailbox id, ciphertext) of received envelopes in dyad
        mailboxes not handled yet, in the relay's order per mailbox."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT id, envelope_id, mailbox_id, ciphertext FROM inbox WHERE processed = 0"
                " AND mailbox_id IN (SELECT inbound_mailbox FROM partners"
                " UNION SELECT mailbox_id FROM invitations UNION SELECT inbound_mailbox"
                " FROM partner_devices WHERE status = 'open')"
                " ORDER BY mailbox_id, seq LIMIT ?", (limit,)).fetchall()
        return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]


    # -- restore and rollback (docs/dyads.md) ------------------------------------------------

    def mark_resets_needed(self) -> None:
        """Every paired dyad needs a new session: this vault was rolled back."""
        with self.vault.transaction() as conn:
            conn.execute("UPDATE partners SET reset_state = 'needed' WHERE status = 'paired'")

    def resets_needed(self) -> list[int]:
        with self.vault.read() as conn:
            return [r[0] for r in conn.execute(
                "SELECT id FROM partners WHERE reset_state = 'needed' ORDER BY id")]

    def resets_open(self) -> int:
        with self.vault.read() as conn:
            return int(conn.execute("SELECT count(*) FROM partners"
                                    " WHERE reset_state IS NOT NULL").fetchone()[0])

    def highest_counter(self, partner_id: int, *, outgoing: bool,
                        delivered_before: float | None = None) -> int:
        """The highest counter of the partner's messages (``outgoing`` False) or of ours to
        them; with ``delivered_before`` (epoch seconds), of ours the relay accepted before then
        (or the partner read, or echoed back)."""
        sql = ("SELECT coalesce(max(m.counter), 0) FROM messages m LEFT JOIN outbox o"
               " ON o.envelope_id = m.envelope_id WHERE m.partner_id = ? AND m.outgoing = ?"
               " AND m.status != 'unverified'")
        params: tuple[object, ...] = (partner_id, int(outgoing))
        if delivered_before is not None:
            sql += (" AND (m.status = 'read' OR o.delivered_at < ? OR m.envelope_id = '')")
            params += (delivered_before,)
        with self.vault.read() as conn:
            return int(conn.execute(sql, params).fetchone()[0])

    def messages_from_counter(self, partner_id: int, outgoing: bool, first: int
                              ) -> list[MessageRow]:
        """Our messages to the partner (``outgoing``) or theirs to us, counter >= ``first``,
        in the conversation's order."""
        with self.vault.read() as conn:
            rows = conn.execute(
                _MESSAGE_SELECT + " WHERE m.partner_id = ? AND m.outgoing = ?"
                " AND m.counter >= ? AND m.status != 'unverified'"
                " ORDER BY m.sent_at, m.counter, m.id",
                (partner_id, int(outgoing), first)).fetchall()
        return [_message(r).row for r in rows]

    def epoch_seen(self, partner_id: int, epoch: str, generation: int) -> bool:
        """A reset request of this epoch, or of a generation not above one accepted, was
        handled before: a replay."""
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT count(*), coalesce(max(generation), 0),"
                " coalesce(sum(epoch = ?), 0) FROM partner_epochs WHERE partner_id = ?",
                (epoch, partner_id)).fetchone()
        return bool(row[2]) or (row[0] > 0 and generation <= row[1])

    def save_reset_sent(self, partner_id: int, epoch: str, from_n: int, account_pickle: str,
                        outgoing: Outgoing) -> None:
        """Our reset request leaves: the account (its new one-time key), the dyad waiting for
        the answer, and the envelopes still queued on the stale session withdrawn (what they
        carried is sent again on the new one)."""
        with self.vault.transaction() as conn:
            record = conn.execute("SELECT outbound_mailbox FROM partners WHERE id = ?",
                                  (partner_id,)).fetchone()
            _withdraw(conn, partner_id, record[0])
            _save_account(conn, account_pickle)
            conn.execute("UPDATE partners SET reset_state = 'sent', reset_epoch = ?,"
                         " reset_from_n = ? WHERE id = ?", (epoch, from_n, partner_id))
            _enqueue(conn, outgoing)

    def share_state(self, partner_id: int) -> tuple[int, int]:
        """(the number of the newest share manifest applied from this partner, the highest
        share key epoch held for this dyad): what a reset's answer tells the partner, so its
        next manifest and key go above them (docs/dyads.md, docs/sharing.md)."""
        with self.vault.read() as conn:
            seq = conn.execute("SELECT seq FROM received_manifests WHERE partner_id = ?",
                               (partner_id,)).fetchone()
            epoch = conn.execute("SELECT coalesce(max(epoch), 0) FROM share_keys"
                                 " WHERE partner_id = ?", (partner_id,)).fetchone()
        return (int(seq[0]) if seq else 0), int(epoch[0])

    def accept_reset(self, partner_id: int, epoch: str, generation: int, now: datetime,
                     session_pickle: str, inbox_id: int, outgoing: list[Outgoing],
                     resent: dict[str, str], announce: tuple[int, int] | None = None) -> None:
        """The partner's reset request checked out: the new session replaces the old one, the
        epoch is kept (a replay is refused), what was queued on the old session is withdrawn,
        the placeholders of what the partner sent on its stale session since its last message
        that verified are dropped (it sends them again), and the answer with everything sent
        again is queued. ``resent``: message id -> its new envelope id."""
        with self.vault.transaction() as conn:
            record = conn.execute("SELECT outbound_mailbox FROM partners WHERE id = ?",
                                  (partner_id,)).fetchone()
            _withdraw(conn, partner_id, record[0])
            conn.execute("INSERT INTO partner_epochs(partner_id, epoch, generation, seen_at)"
                         " VALUES (?, ?, ?, ?)", (partner_id, epoch, generation, iso(now)))
            conn.execute("UPDATE partners SET session_pickle = ? WHERE id = ?",
                         (session_pickle, partner_id))
            conn.execute(
                "DELETE FROM messages WHERE partner_id = ? AND status = 'unverified' AND id >"
                " (SELECT coalesce(max(id), 0) FROM messages WHERE partner_id = ?"
                " AND outgoing = 0 AND status != 'unverified')", (partner_id, partner_id))
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            for envelope in outgoing:
                _enqueue(conn, envelope)
            conn.executemany("UPDATE messages SET envelope_id = ? WHERE partner_id = ?"
                             " AND outgoing = 1 AND message_id = ?",
                             [(e, partner_id, m) for m, e in resent.items()])
            if announce is not None:
                _announce_shares(conn, partner_id, announce)

    def complete_reset(self, partner_id: int, session_pickle: str, account_pickle: str,
                       inbox_id: int, message_id: str, sent_counter: int,
                       renumbered: dict[str, tuple[int, str]], outgoing: list[Outgoing],
                       announce: tuple[int, int] | None = None) -> None:
        """The partner answered our reset request on a new session: it replaces the stale one,
        the reset is over, and our messages it does not hold leave again, renumbered above what
        it holds (``renumbered``: message id -> (counter, envelope id))."""
        with self.vault.transaction() as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            conn.execute("INSERT OR IGNORE INTO seen_ids(partner_id, message_id)"
                         " VALUES (?, ?)", (partner_id, message_id))
            _save_account(conn, account_pickle)
            conn.execute("UPDATE partners SET session_pickle = ?, sent_counter = ?,"
                         " reset_state = NULL, status = 'paired'"
                         " WHERE id = ?", (session_pickle, sent_counter, partner_id))
            conn.executemany("UPDATE messages SET counter = ?, envelope_id = ?"
                             " WHERE partner_id = ? AND outgoing = 1 AND message_id = ?",
                             [(n, e, partner_id, m) for m, (n, e) in renumbered.items()])
            for envelope in outgoing:
                _enqueue(conn, envelope)
            if announce is not None:
                _announce_shares(conn, partner_id, announce)

    def record_echo(self, partner_id: int, session_pickle: str, inbox_id: int,
                    message_id: str, row: MessageRow) -> None:
        """One of our own messages the partner sent back after a reset: kept as ours (shown
        as delivered, or read) unless we hold it already."""
        with self.vault.transaction() as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            conn.execute("INSERT OR IGNORE INTO seen_ids(partner_id, message_id)"
                         " VALUES (?, ?)", (partner_id, message_id))
            conn.execute("UPDATE partners SET session_pickle = ? WHERE id = ?",
                         (session_pickle, partner_id))
            _insert_message(conn, partner_id, row)

    def record_resent_duplicate(self, partner_id: int, session_pickle: str,
                                inbox_id: int) -> None:
        """A message sent again after a reset that we hold already: the session moves on."""
        with self.vault.transaction() as conn:
            conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))
            conn.execute("UPDATE partners SET session_pickle = ? WHERE id = ?",
                         (session_pickle, partner_id))


SHARES_TO_ANNOUNCE = "shares_to_announce"
"""Setting: {partner id: [manifest number, key epoch]} of dyads whose shares are to be announced
again after a reset, above those numbers (``Sharing.announce_after_resets``)."""


def _announce_shares(conn: Connection, partner_id: int, above: tuple[int, int]) -> None:
    row = conn.execute("SELECT value FROM settings WHERE key = ?",
                       (SHARES_TO_ANNOUNCE,)).fetchone()
    pending = json.loads(row[0]) if row else {}
    pending[str(partner_id)] = list(above)
    conn.execute("INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key)"
                 " DO UPDATE SET value = excluded.value",
                 (SHARES_TO_ANNOUNCE, json.dumps(pending)))


def _withdraw(conn: Connection, partner_id: int, mailbox_id: str) -> None:
    """Envelopes to this partner not delivered yet leave the outbox; their messages show as
    queued until they are sent again."""
    gone = [r[0] for r in conn.execute(
        "DELETE FROM outbox WHERE mailbox_id = ? AND delivered_at IS NULL RETURNING envelope_id",
        (mailbox_id,)).fetchall()]
    conn.executemany("UPDATE messages SET envelope_id = NULL WHERE partner_id = ?"
                     " AND envelope_id = ?", [(partner_id, e) for e in gone])


def _save_account(conn: Connection, pickle: str) -> None:
    conn.execute("INSERT INTO olm_account(id, pickle) VALUES (1, ?)"
                 " ON CONFLICT(id) DO UPDATE SET pickle = excluded.pickle", (pickle,))


def _enqueue(conn: Connection, outgoing: Outgoing) -> None:
    conn.execute(OUTBOX_INSERT, (outgoing.envelope_id, outgoing.mailbox_id, outgoing.ciphertext,
                                 outgoing.now, outgoing.now))


def _insert_message(conn: Connection, partner_id: int, row: MessageRow) -> None:
    about: tuple[str | None, int | None, str | None] = (None, None, None)
    if row.about is not None:
        about = (row.about[0], row.about[1], clean_label(row.about[2]))
    row = dataclasses.replace(row, text=clean_text(row.text))
    conn.execute(
        "INSERT OR IGNORE INTO messages(partner_id, message_id, outgoing, text, sent_at, counter,"
        " status, reply_to, about_module, about_item_id, about_title, envelope_id)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (partner_id, row.message_id, int(row.outgoing), row.text, iso(row.sent_at), row.counter,
         row.status, row.reply_to, *about, row.envelope_id))
