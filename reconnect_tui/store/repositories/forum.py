"""What the forum keeps in the vault (tables in ``schema.V6_FORUM``, design in docs/forum.md).

Reads are plain methods. Writes go through :meth:`ForumRepository.write`, which opens one
transaction and hands out a :class:`ForumWriter`: the service puts every change that belongs
together — an advanced Olm or Megolm session, the post row, the outbox entries of the fan-out,
the inbox row's "processed" mark — into that one transaction, so a crash at any instant loses
nothing and duplicates nothing.

Forum names, pseudonyms, posts and report reasons pass ``text_safety`` when written and when
read (docs/text-safety.md): another member's escape codes never reach a screen, and a
pseudonym made to look like another shows its invisible characters as ``<U+XXXX>``.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from ...text_safety import clean_label, clean_text
from ..db import Connection, Row
from ._base import Repository, to_datetime
from .dyads import Outgoing, iso


@dataclass(frozen=True, slots=True)
class ForumRecord:
    id: str
    forum_key: str
    name: str
    pseudonym: str
    moderator: bool
    status: str
    account_pickle: str
    mailbox_id: str
    mailbox_key: bytes
    outbound_pickle: str
    outbound_created_at: datetime
    own_group_pickle: str
    created_at: datetime
    last_activity: datetime | None


@dataclass(frozen=True, slots=True)
class MemberRecord:
    id: int
    forum_id: str
    pseudonym: str
    ed25519: str
    curve25519: str
    fallback_key: str
    mailbox_id: str
    mailbox_key: bytes
    moderator: bool
    joined_at: datetime
    removed_at: datetime | None
    session_pickle: str | None
    key_session: str
    """The Megolm session of mine that was current when this member was added, and its
    index then: the member may read my posts from there on (nothing earlier)."""
    key_index: int


@dataclass(frozen=True, slots=True)
class PostRow:
    post_id: str
    thread: str
    author: str
    author_key: str
    text: str
    posted_at: datetime
    own: bool
    unread: bool
    hidden: bool = False
    hidden_reason: str = ""
    pinned: str = ""


@dataclass(frozen=True, slots=True)
class ReportRow:
    report_id: str
    post_id: str
    reporter: str
    reason: str
    reported_at: datetime


@dataclass(frozen=True, slots=True)
class InvitationRecord:
    id: int
    forum_id: str
    mailbox_id: str
    pairing_key: bytes
    mac_key: bytes


_FORUM_COLUMNS = ("id, forum_key, name, pseudonym, moderator, status, account_pickle, mailbox_id,"
                  " mailbox_key, outbound_pickle, outbound_created_at, own_group_pickle,"
                  " created_at, last_activity")
_MEMBER_COLUMNS = ("id, forum_id, pseudonym, ed25519, curve25519, fallback_key, mailbox_id,"
                   " mailbox_key, moderator, joined_at, removed_at, session_pickle, key_session,"
                   " key_index")
_POST_COLUMNS = ("post_id, thread, author, author_key, text, posted_at, own, unread, hidden,"
                 " hidden_reason, pinned")


def _dt(text: str) -> datetime:
    value = to_datetime(text)
    assert value is not None
    return value


def _forum(r: Row) -> ForumRecord:
    return ForumRecord(r[0], r[1], clean_label(r[2]), clean_label(r[3]), bool(r[4]), r[5], r[6],
                       r[7], bytes(r[8]), r[9], _dt(r[10]), r[11], _dt(r[12]),
                       to_datetime(r[13]))


def _member(r: Row) -> MemberRecord:
    return MemberRecord(r[0], r[1], clean_label(r[2]), r[3], r[4], r[5], r[6], bytes(r[7]),
                        bool(r[8]), _dt(r[9]), to_datetime(r[10]), r[11], r[12], r[13])


def _post(r: Row) -> PostRow:
    return PostRow(r[0], r[1], clean_label(r[2]), r[3], clean_text(r[4]), _dt(r[5]), bool(r[6]),
                   bool(r[7]), bool(r[8]), clean_text(r[9]), r[10])


class ForumWriter:
    """The writes of one transaction (see the module docstring)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def add_forum(self, forum: ForumRecord, *, claimed: bool) -> None:
        self.conn.execute(
            f"INSERT INTO forums({_FORUM_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
            " ?, ?)",
            (forum.id, forum.forum_key, clean_label(forum.name), clean_label(forum.pseudonym),
             int(forum.moderator),
             forum.status, forum.account_pickle, forum.mailbox_id, forum.mailbox_key,
             forum.outbound_pickle, iso(forum.outbound_created_at), forum.own_group_pickle,
             iso(forum.created_at), None))
        self.add_mailbox(forum.mailbox_id, claimed=claimed, signer=forum.id)

    def add_mailbox(self, mailbox_id: str, *, claimed: bool, signer: str) -> None:
        """An inbound forum mailbox, read with the relay key of forum ``signer``."""
        self.conn.execute(
            "INSERT INTO mailboxes(mailbox_id, direction, purpose, claimed, signer) VALUES (?,"
            " 'in', 'forum', ?, ?) ON CONFLICT(mailbox_id) DO UPDATE SET claimed = max(claimed,"
            " excluded.claimed)", (mailbox_id, int(claimed), signer))

    def set_relay_seed(self, forum_id: str, seed: bytes) -> None:
        self.conn.execute("INSERT INTO forum_relay_keys(forum_id, seed) VALUES (?, ?)"
                          " ON CONFLICT(forum_id) DO NOTHING", (forum_id, seed))

    def update_forum(self, forum_id: str, **values: object) -> None:
        """Set columns of the forum row (names from the schema, never from input)."""
        if not values:
            return
        converted = [iso(v) if isinstance(v, datetime)
                     else clean_label(v) if name in ("name", "pseudonym") and isinstance(v, str)
                     else v for name, v in values.items()]
        sets = ", ".join(f"{name} = ?" for name in values)
        self.conn.execute(f"UPDATE forums SET {sets} WHERE id = ?", (*converted, forum_id))

    def touch(self, forum_id: str, when: datetime) -> None:
        self.conn.execute("UPDATE forums SET last_activity = max(coalesce(last_activity, ''), ?)"
                          " WHERE id = ?", (iso(when), forum_id))

    def add_member(self, forum_id: str, *, pseudonym: str, ed25519: str, curve25519: str,
                   fallback_key: str, mailbox_id: str, mailbox_key: bytes, moderator: bool,
                   joined_at: datetime, session_pickle: str | None, key_session: str,
                   key_index: int) -> int:
        """A member (or the same keys again: updated in place). Returns the member id."""
        row = self.conn.execute(
            "INSERT INTO forum_members(forum_id, pseudonym, ed25519, curve25519, fallback_key,"
            " mailbox_id, mailbox_key, moderator, joined_at, session_pickle, key_session,"
            " key_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT(forum_id, curve25519) DO UPDATE SET pseudonym = excluded.pseudonym,"
            " session_pickle = coalesce(excluded.session_pickle, session_pickle)"
            " RETURNING id",
            (forum_id, clean_label(pseudonym), ed25519, curve25519, fallback_key, mailbox_id,
             mailbox_key,
             int(moderator), iso(joined_at), session_pickle, key_session, key_index)).fetchone()
        return int(row[0])

    def set_key_start(self, member_id: int, session_id: str, index: int) -> None:
        self.conn.execute("UPDATE forum_members SET key_session = ?, key_index = ? WHERE id = ?",
                          (session_id, index, member_id))

    def set_session(self, member_id: int, session_pickle: str) -> None:
        self.conn.execute("UPDATE forum_members SET session_pickle = ? WHERE id = ?",
                          (session_pickle, member_id))

    def set_removed(self, member_id: int, when: datetime) -> None:
        self.conn.execute("UPDATE forum_members SET removed_at = coalesce(removed_at, ?)"
                          " WHERE id = ?", (iso(when), member_id))

    def add_group_session(self, forum_id: str, session_id: str, member_id: int,
                          pickle: str) -> None:
        self.conn.execute(
            "INSERT INTO forum_group_sessions(forum_id, session_id, member_id, pickle)"
            " VALUES (?, ?, ?, ?) ON CONFLICT(forum_id, session_id) DO NOTHING",
            (forum_id, session_id, member_id, pickle))

    def add_invitation(self, forum_id: str, lookup_id: str, mailbox_id: str, pairing_key: bytes,
                       mac_key: bytes, created_at: datetime, expires_at: datetime) -> None:
        self.conn.execute(
            "INSERT INTO forum_invitations(forum_id, lookup_id, mailbox_id, pairing_key, mac_key,"
            " created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (forum_id, lookup_id, mailbox_id, pairing_key, mac_key, iso(created_at),
             iso(expires_at)))
        # Not claimed until the relay says so (``Membership.invite`` marks it then; else the next
        # sync claims it): a mailbox the relay never saw would make every fetch fail.
        self.add_mailbox(mailbox_id, claimed=False, signer=forum_id)

    def use_invitation(self, invitation_id: int, when: datetime) -> None:
        self.conn.execute("UPDATE forum_invitations SET used_at = ? WHERE id = ?",
                          (iso(when), invitation_id))

    def seen(self, forum_id: str, message_id: str) -> bool:
        """Record an inner message id; False when it was seen before (a replay)."""
        return bool(self.conn.execute(
            "INSERT OR IGNORE INTO forum_seen(forum_id, message_id) VALUES (?, ?)",
            (forum_id, message_id)).rowcount)

    def add_post(self, forum_id: str, post: PostRow) -> bool:
        added = self.conn.execute(
            f"INSERT OR IGNORE INTO forum_posts(forum_id, {_POST_COLUMNS})"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (forum_id, post.post_id, post.thread, clean_label(post.author), post.author_key,
             clean_text(post.text), iso(post.posted_at), int(post.own), int(post.unread),
             int(post.hidden), clean_text(post.hidden_reason), post.pinned)).rowcount
        if added:
            self.touch(forum_id, post.posted_at)
        return bool(added)

    def hide_post(self, forum_id: str, post_id: str, reason: str, *, keep_text: bool) -> None:
        self.conn.execute(
            "UPDATE forum_posts SET hidden = 1, hidden_reason = ?,"
            " text = CASE WHEN ? THEN text ELSE '' END WHERE forum_id = ? AND post_id = ?",
            (clean_text(reason), int(keep_text), forum_id, post_id))

    def pin_post(self, forum_id: str, post_id: str, kind: str) -> None:
        self.conn.execute("UPDATE forum_posts SET pinned = ? WHERE forum_id = ? AND post_id = ?",
                          (kind, forum_id, post_id))

    def add_report(self, forum_id: str, report: ReportRow) -> None:
        self.conn.execute(
            "INSERT OR IGNORE INTO forum_reports(forum_id, report_id, post_id, reporter, reason,"
            " reported_at) VALUES (?, ?, ?, ?, ?, ?)",
            (forum_id, report.report_id, report.post_id, clean_label(report.reporter),
             clean_text(report.reason), iso(report.reported_at)))

    def processed(self, inbox_id: int) -> None:
        self.conn.execute("UPDATE inbox SET processed = 1 WHERE id = ?", (inbox_id,))

    def unverified(self, forum_id: str, envelope_id: str, when: datetime) -> None:
        """An envelope that failed verification: shown as such, never its content."""
        self.conn.execute("INSERT OR IGNORE INTO forum_unverified(forum_id, envelope_id,"
                          " received_at) VALUES (?, ?, ?)", (forum_id, envelope_id, iso(when)))

    def enqueue(self, outgoing: Outgoing) -> None:
        """Queue an envelope; it is deposited with the relay key ``outgoing.signer`` names."""
        self.conn.execute(
            "INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at,"
            " next_attempt_at, signer) VALUES (?, ?, ?, ?, ?, ?)",
            (outgoing.envelope_id, outgoing.mailbox_id, outgoing.ciphertext, outgoing.now,
             outgoing.now, outgoing.signer))


class ForumRepository(Repository):
    @contextlib.contextmanager
    def write(self) -> Iterator[ForumWriter]:
        with self.vault.transaction() as conn:
            yield ForumWriter(conn)

    # -- forums ------------------------------------------------------------------------------

    def forums(self) -> list[ForumRecord]:
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_FORUM_COLUMNS} FROM forums").fetchall()
        return [_forum(r) for r in rows]

    def forum(self, forum_id: str) -> ForumRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_FORUM_COLUMNS} FROM forums WHERE id = ?",
                               (forum_id,)).fetchone()
        return None if row is None else _forum(row)

    def relay_seed(self, forum_id: str) -> bytes | None:
        """The secret the forum's relay signing key comes from; made at first use (a forum
        from before keys per forum gets its own now). None: no such forum."""
        with self.vault.transaction() as conn:
            row = conn.execute("SELECT seed FROM forum_relay_keys WHERE forum_id = ?",
                               (forum_id,)).fetchone()
            if row is not None:
                return bytes(row[0])
            if conn.execute("SELECT 1 FROM forums WHERE id = ?", (forum_id,)).fetchone() is None:
                return None
            seed = secrets.token_bytes(32)
            conn.execute("INSERT INTO forum_relay_keys(forum_id, seed) VALUES (?, ?)",
                         (forum_id, seed))
            return seed

    def forum_by_mailbox(self, mailbox_id: str) -> ForumRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_FORUM_COLUMNS} FROM forums WHERE mailbox_id = ?",
                               (mailbox_id,)).fetchone()
        return None if row is None else _forum(row)

    def stale_invitation_mailboxes(self, expired_before: datetime) -> list[str]:
        """Answer mailboxes no longer needed: the invitation was used (its one answer is in),
        or it expired before ``expired_before`` unanswered."""
        with self.vault.read() as conn:
            return [r[0] for r in conn.execute(
                "SELECT i.mailbox_id FROM forum_invitations i JOIN mailboxes m"
                " ON m.mailbox_id = i.mailbox_id WHERE i.used_at IS NOT NULL"
                " OR i.expires_at < ?", (iso(expired_before),))]

    def invitation(self, mailbox_id: str) -> InvitationRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT id, forum_id, mailbox_id, pairing_key, mac_key FROM forum_invitations"
                " WHERE mailbox_id = ? AND used_at IS NULL", (mailbox_id,)).fetchone()
        return None if row is None else InvitationRecord(row[0], row[1], row[2], bytes(row[3]),
                                                         bytes(row[4]))

    # -- members -----------------------------------------------------------------------------

    def members(self, forum_id: str, *, removed: bool = False) -> list[MemberRecord]:
        sql = f"SELECT {_MEMBER_COLUMNS} FROM forum_members WHERE forum_id = ?"
        if not removed:
            sql += " AND removed_at IS NULL"
        with self.vault.read() as conn:
            rows = conn.execute(sql + " ORDER BY id", (forum_id,)).fetchall()
        return [_member(r) for r in rows]

    def member(self, member_id: int) -> MemberRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM forum_members WHERE id = ?",
                               (member_id,)).fetchone()
        return None if row is None else _member(row)

    def member_by_curve(self, forum_id: str, curve25519: str) -> MemberRecord | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_MEMBER_COLUMNS} FROM forum_members WHERE forum_id = ?"
                               " AND curve25519 = ?", (forum_id, curve25519)).fetchone()
        return None if row is None else _member(row)

    def group_session(self, forum_id: str, session_id: str) -> tuple[int, str] | None:
        """(member id, pickle) of a received Megolm session."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT member_id, pickle FROM forum_group_sessions"
                               " WHERE forum_id = ? AND session_id = ?",
                               (forum_id, session_id)).fetchone()
        return None if row is None else (row[0], row[1])

    # -- posts -------------------------------------------------------------------------------

    def posts(self, forum_id: str) -> list[PostRow]:
        with self.vault.read() as conn:
            rows = conn.execute(f"SELECT {_POST_COLUMNS} FROM forum_posts WHERE forum_id = ?"
                                " ORDER BY posted_at, id", (forum_id,)).fetchall()
        return [_post(r) for r in rows]

    def post(self, forum_id: str, post_id: str) -> PostRow | None:
        with self.vault.read() as conn:
            row = conn.execute(f"SELECT {_POST_COLUMNS} FROM forum_posts WHERE forum_id = ?"
                               " AND post_id = ?", (forum_id, post_id)).fetchone()
        return None if row is None else _post(row)

    def unverified(self, forum_id: str) -> list[tuple[str, datetime]]:
        """(envelope id, when it arrived) of the envelopes that failed verification."""
        with self.vault.read() as conn:
            rows = conn.execute("SELECT envelope_id, received_at FROM forum_unverified"
                                " WHERE forum_id = ? ORDER BY received_at", (forum_id,)
                                ).fetchall()
        return [(r[0], _dt(r[1])) for r in rows]

    def unread_counts(self) -> dict[str, int]:
        """Unread posts per forum, muted threads not counted."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT p.forum_id, count(*) FROM forum_posts p WHERE p.unread = 1"
                " AND NOT EXISTS (SELECT 1 FROM forum_muted m WHERE m.forum_id = p.forum_id"
                " AND m.thread = p.thread) GROUP BY p.forum_id").fetchall()
        return {r[0]: r[1] for r in rows}

    def member_counts(self) -> dict[str, int]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT forum_id, count(*) FROM forum_members"
                                " WHERE removed_at IS NULL GROUP BY forum_id").fetchall()
        return {r[0]: r[1] for r in rows}

    def muted(self, forum_id: str) -> set[str]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT thread FROM forum_muted WHERE forum_id = ?",
                                (forum_id,)).fetchall()
        return {r[0] for r in rows}

    def set_muted(self, forum_id: str, thread: str, muted: bool) -> None:
        with self.vault.transaction() as conn:
            if muted:
                conn.execute("INSERT OR IGNORE INTO forum_muted(forum_id, thread) VALUES (?, ?)",
                             (forum_id, thread))
            else:
                conn.execute("DELETE FROM forum_muted WHERE forum_id = ? AND thread = ?",
                             (forum_id, thread))

    def mark_read(self, forum_id: str, thread: str) -> int:
        with self.vault.transaction() as conn:
            return conn.execute("UPDATE forum_posts SET unread = 0 WHERE forum_id = ?"
                                " AND thread = ? AND unread = 1", (forum_id, thread)).rowcount

    def reports(self, forum_id: str) -> list[ReportRow]:
        with self.vault.read() as conn:
            rows = conn.execute("SELECT report_id, post_id, reporter, reason, reported_at"
                                " FROM forum_reports WHERE forum_id = ?"
                                " ORDER BY reported_at DESC, id DESC", (forum_id,)).fetchall()
        return [ReportRow(r[0], r[1], clean_label(r[2]), clean_text(r[3]), _dt(r[4]))
                for r in rows]

    # -- inbox -------------------------------------------------------------------------------

    def still_unprocessed(self, inbox_id: int) -> bool:
        """Not handled yet (by this process or another one syncing the same vault)."""
        with self.vault.read() as conn:
            row = conn.execute("SELECT processed FROM inbox WHERE id = ?",
                               (inbox_id,)).fetchone()
        return row is not None and not row[0]

    def unprocessed(self, limit: int = 500, after: int = 0
                    ) -> list[tuple[int, str, str, bytes]]:
        """(inbox id, envelope id, mailbox id, ciphertext) of envelopes in forum mailboxes not
        handled yet, in the relay's order per mailbox; ``after`` pages by inbox id."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT id, envelope_id, mailbox_id, ciphertext FROM inbox WHERE processed = 0"
                " AND id > ? AND mailbox_id IN (SELECT mailbox_id FROM forums"
                " UNION SELECT mailbox_id FROM forum_invitations)"
                " ORDER BY id LIMIT ?", (after, limit)).fetchall()
        return [(r[0], r[1], r[2], bytes(r[3])) for r in rows]
