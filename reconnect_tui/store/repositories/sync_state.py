"""What the sync engine keeps in the vault: settings, mailboxes, the outbox and the inbox.

Every state change the engine makes is one transaction here, so a process killed at any instant
leaves a state from which the next sync neither loses nor duplicates anything:

- sending writes the envelope to the outbox first; delivery is idempotent by envelope id, so a
  delivery whose answer was lost is simply repeated;
- received envelopes and the mailbox cursor are written in one transaction; they are
  acknowledged to the relay afterwards, and an acknowledgement that did not happen is repeated
  at the next sync.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from ._base import Repository


@dataclass(frozen=True, slots=True)
class OutgoingEnvelope:
    id: int
    envelope_id: str
    mailbox_id: str
    ciphertext: bytes
    attempts: int
    signer: str = ""
    """Whose relay key deposits it: "" the vault's, else a forum's id."""


@dataclass(frozen=True, slots=True)
class ReceivedEnvelope:
    id: int
    envelope_id: str
    mailbox_id: str
    seq: int
    ciphertext: bytes


BACKOFF_FIRST_SECONDS = 5.0
BACKOFF_MAX_SECONDS = 3600.0


def backoff_seconds(attempts: int, jitter: float) -> float:
    """Exponential backoff with jitter (``jitter`` in [0, 1)): 5 s, 10 s, 20 s … up to an hour."""
    base = min(BACKOFF_FIRST_SECONDS * 2 ** max(attempts - 1, 0), BACKOFF_MAX_SECONDS)
    return float(base * (0.75 + 0.5 * jitter))


class SyncStateRepository(Repository):
    # -- settings ----------------------------------------------------------------------------

    def setting(self, key: str) -> str | None:
        with self.vault.read() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_setting(self, key: str, value: str) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT INTO settings(key, value) VALUES (?, ?)"
                " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def device_seed(self) -> bytes:
        """A random 32-byte secret made once per vault; relay keys are derived from it."""
        with self.vault.transaction() as conn:
            row = conn.execute("SELECT value FROM settings WHERE key = 'device_seed'").fetchone()
            if row:
                return bytes.fromhex(row[0])
            seed = secrets.token_bytes(32)
            conn.execute(
                "INSERT INTO settings(key, value) VALUES ('device_seed', ?)", (seed.hex(),)
            )
            return seed

    # -- mailboxes ---------------------------------------------------------------------------

    def add_mailbox(self, mailbox_id: str, direction: str, purpose: str = "") -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO mailboxes(mailbox_id, direction, purpose) VALUES (?, ?, ?)",
                (mailbox_id, direction, purpose),
            )

    def retire_mailboxes(self, mailbox_ids: list[str]) -> int:
        """Stop fetching these mailboxes (an invitation's, used or long expired): every sync
        fetches every inbound mailbox, so old ones would slow each sync for ever."""
        with self.vault.transaction() as conn:
            return conn.executemany("DELETE FROM mailboxes WHERE mailbox_id = ?",
                                    [(m,) for m in mailbox_ids]).rowcount

    def inbound_mailboxes(self) -> list[tuple[str, bool, int]]:
        """(mailbox id, claimed at the relay, cursor) of every mailbox this vault reads."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT mailbox_id, claimed, cursor FROM mailboxes WHERE direction = 'in'"
                " ORDER BY mailbox_id"
            ).fetchall()
        return [(r[0], bool(r[1]), r[2]) for r in rows]

    def mailbox_signers(self) -> dict[str, str]:
        """Inbound mailboxes read with another relay key than the vault's: mailbox -> signer
        (a forum's id; docs/forum.md)."""
        with self.vault.read() as conn:
            rows = conn.execute("SELECT mailbox_id, signer FROM mailboxes"
                                " WHERE direction = 'in' AND signer != ''").fetchall()
        return {r[0]: r[1] for r in rows}

    def is_claimed(self, mailbox_id: str) -> bool:
        with self.vault.read() as conn:
            row = conn.execute("SELECT claimed FROM mailboxes WHERE mailbox_id = ?",
                               (mailbox_id,)).fetchone()
        return bool(row and row[0])

    def mark_claimed(self, mailbox_id: str) -> None:
        with self.vault.transaction() as conn:
            conn.execute("UPDATE mailboxes SET claimed = 1 WHERE mailbox_id = ?", (mailbox_id,))

    # -- outbox ------------------------------------------------------------------------------

    def enqueue(self, envelope_id: str, mailbox_id: str, ciphertext: bytes, now: float) -> None:
        """Keep an envelope for delivery. Written before any network call. One statement,
        so it joins an open transaction without a savepoint."""
        with self.vault.transaction(savepoint=False) as conn:
            conn.execute(
                "INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at,"
                " next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                (envelope_id, mailbox_id, ciphertext, now, now),
            )

    def enqueue_many(self, envelopes: list[tuple[str, str, bytes]], now: float) -> None:
        """(envelope id, mailbox id, ciphertext) of several envelopes kept at once: a message
        fanned out to several devices."""
        if not envelopes:
            return
        with self.vault.transaction(savepoint=False) as conn:
            conn.executemany(
                "INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at,"
                " next_attempt_at) VALUES (?, ?, ?, ?, ?)",
                [(envelope_id, mailbox, sealed, now, now)
                 for envelope_id, mailbox, sealed in envelopes],
            )

    def due(self, now: float | None, limit: int = 500) -> list[OutgoingEnvelope]:
        """Undelivered envelopes whose next attempt is due (all of them when ``now`` is None),
        the oldest ``limit`` of them in the order they were written.

        Read in the order of the ``outbox_pending`` index and sorted here: when fewer than
        ``limit`` are due (the usual case: the outbox is nearly always empty or nearly so)
        that is every one of them, so the same rows in the same order as ``ORDER BY id``;
        only a longer backlog asks SQLite to sort. SQLite's sort, and a bound ``LIMIT ?``
        (planned again on every run), each cost more than the rest of this read under
        SQLCipher's wiped allocations (issue 20: this read follows every send)."""
        limit = int(limit)
        sql = (
            "SELECT id, envelope_id, mailbox_id, ciphertext, attempts, signer FROM outbox"
            " WHERE delivered_at IS NULL"
        )
        params: tuple[Any, ...] = ()
        if now is not None:
            sql += " AND next_attempt_at <= ?"
            params = (now,)
        with self.vault.read() as conn:
            rows = conn.execute(f"{sql} LIMIT {limit}", params).fetchall()
            if len(rows) >= limit:
                rows = conn.execute(f"{sql} ORDER BY id LIMIT {limit}", params).fetchall()
        rows.sort(key=lambda r: r[0])
        return [OutgoingEnvelope(r[0], r[1], r[2], bytes(r[3]), r[4], r[5]) for r in rows]

    def mark_delivered(self, outbox_id: int, now: float) -> None:
        with self.vault.transaction() as conn:
            conn.execute(
                "UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ?",
                (now, outbox_id),
            )

    def mark_delivered_many(self, outbox_ids: list[int], now: float) -> None:
        """Every envelope one batched deposit got accepted, in one transaction (a message
        fanned out to several devices is several envelopes)."""
        if not outbox_ids:
            return
        with self.vault.transaction() as conn:
            conn.executemany(
                "UPDATE outbox SET delivered_at = ?, last_error = NULL WHERE id = ?",
                [(now, outbox_id) for outbox_id in outbox_ids],
            )

    def mark_failed(self, outbox_id: int, error: str, now: float, jitter: float) -> None:
        with self.vault.transaction() as conn:
            attempts = conn.execute(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ? WHERE id = ?"
                " RETURNING attempts",
                (error, outbox_id),
            ).fetchone()[0]
            conn.execute(
                "UPDATE outbox SET next_attempt_at = ? WHERE id = ?",
                (now + backoff_seconds(attempts, jitter), outbox_id),
            )

    def waiting_count(self) -> int:
        with self.vault.read() as conn:
            return int(conn.execute(
                "SELECT count(*) FROM outbox WHERE delivered_at IS NULL"
            ).fetchone()[0])

    def is_delivered(self, envelope_id: str) -> bool:
        with self.vault.read() as conn:
            row = conn.execute(
                "SELECT delivered_at FROM outbox WHERE envelope_id = ?", (envelope_id,)
            ).fetchone()
        return bool(row and row[0] is not None)

    # -- inbox -------------------------------------------------------------------------------

    def store_received(
        self, mailbox_id: str, envelopes: list[tuple[str, int, bytes]], cursor: int, now: float,
        *, dropped: list[str] | None = None,
    ) -> int:
        """Keep fetched envelopes and move the cursor, in one transaction. Returns how many
        were new (an envelope seen before is ignored). ``dropped``: ids of envelopes refused
        unread (too large), only to be acknowledged so the relay deletes them."""
        with self.vault.transaction() as conn:
            before = conn.total_changes
            conn.executemany(
                "INSERT OR IGNORE INTO inbox(envelope_id, mailbox_id, seq, ciphertext,"
                " received_at) VALUES (?, ?, ?, ?, ?)",
                [(eid, mailbox_id, seq, ct, now) for eid, seq, ct in envelopes],
            )
            new = conn.total_changes - before
            conn.executemany(
                "INSERT OR IGNORE INTO inbox_unacked(envelope_id, mailbox_id) VALUES (?, ?)",
                [(eid, mailbox_id) for eid in [*(e[0] for e in envelopes), *(dropped or [])]],
            )
            conn.execute(
                "UPDATE mailboxes SET cursor = max(cursor, ?) WHERE mailbox_id = ?",
                (cursor, mailbox_id),
            )
        return new

    def unacked(self) -> dict[str, list[str]]:
        """Envelope ids received but not yet acknowledged to the relay, by mailbox."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT mailbox_id, envelope_id FROM inbox_unacked ORDER BY mailbox_id"
            ).fetchall()
        result: dict[str, list[str]] = {}
        for mailbox_id, envelope_id in rows:
            result.setdefault(mailbox_id, []).append(envelope_id)
        return result

    def mark_acked(self, envelope_ids: list[str]) -> None:
        with self.vault.transaction() as conn:
            conn.executemany(
                "DELETE FROM inbox_unacked WHERE envelope_id = ?", [(e,) for e in envelope_ids]
            )

    def unprocessed(self, limit: int = 1000) -> list[ReceivedEnvelope]:
        """Received envelopes the layers above (messages, sharing) have not handled yet."""
        with self.vault.read() as conn:
            rows = conn.execute(
                "SELECT id, envelope_id, mailbox_id, seq, ciphertext FROM inbox"
                " WHERE processed = 0 ORDER BY mailbox_id, seq LIMIT ?",
                (limit,),
            ).fetchall()
        return [ReceivedEnvelope(r[0], r[1], r[2], r[3], bytes(r[4])) for r in rows]

    def mark_processed(self, inbox_ids: list[int]) -> None:
        with self.vault.transaction() as conn:
            conn.executemany(
                "UPDATE inbox SET processed = 1 WHERE id = ?", [(i,) for i in inbox_ids]
            )

    def received_count(self) -> int:
        with self.vault.read() as conn:
            return int(conn.execute("SELECT count(*) FROM inbox").fetchone()[0])
