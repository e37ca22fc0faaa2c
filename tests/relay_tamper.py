"""What a hostile or bypassed relay can do to envelopes, done to a test relay's database.

The relay process keeps running (SQLite in WAL mode takes a second writer); each function opens
its own connection and commits before returning.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

DAY = 86400


def _connect(relay) -> sqlite3.Connection:
    return sqlite3.connect(Path(relay.db), timeout=30)


def deposit_raw(relay, mailbox: str, envelope_id: str, ciphertext: bytes) -> None:
    """Put an envelope in a mailbox past every check and limit of the relay's API."""
    now = int(time.time())
    conn = _connect(relay)
    try:
        conn.execute("INSERT INTO envelopes (mailbox, id, size, received, expires, ciphertext)"
                     " VALUES (?, ?, ?, ?, ?, ?)",
                     (mailbox, envelope_id, len(ciphertext), now, now + 30 * DAY, ciphertext))
        conn.commit()
    finally:
        conn.close()


def live_envelopes(relay, mailbox: str) -> list[tuple[str, bytes]]:
    """(id, ciphertext) of the envelopes waiting in a mailbox (not acknowledged yet)."""
    conn = _connect(relay)
    try:
        rows = conn.execute("SELECT id, ciphertext FROM envelopes WHERE mailbox = ?"
                            " AND ciphertext IS NOT NULL ORDER BY seq", (mailbox,)).fetchall()
    finally:
        conn.close()
    return [(r[0], bytes(r[1])) for r in rows]


def alter_envelopes(relay, mailbox: str, offset: int = 40) -> int:
    """Flip one bit at ``offset`` of every envelope waiting in a mailbox; returns how many."""
    conn = _connect(relay)
    try:
        rows = conn.execute("SELECT seq, ciphertext FROM envelopes WHERE mailbox = ?"
                            " AND ciphertext IS NOT NULL", (mailbox,)).fetchall()
        for seq, ciphertext in rows:
            altered = bytearray(ciphertext)
            altered[offset % len(altered)] ^= 1
            conn.execute("UPDATE envelopes SET ciphertext = ? WHERE seq = ?",
                         (bytes(altered), seq))
        conn.commit()
    finally:
        conn.close()
    return len(rows)


def withhold_envelopes(relay, mailbox: str) -> list[tuple[str, bytes]]:
    """Take the waiting envelopes out of a mailbox (a relay that withholds them); returns them
    so that :func:`deliver_withheld` can put them back later."""
    held = live_envelopes(relay, mailbox)
    conn = _connect(relay)
    try:
        conn.execute("DELETE FROM envelopes WHERE mailbox = ? AND ciphertext IS NOT NULL",
                     (mailbox,))
        conn.commit()
    finally:
        conn.close()
    return held


def deliver_withheld(relay, mailbox: str, held: list[tuple[str, bytes]]) -> None:
    for envelope_id, ciphertext in held:
        deposit_raw(relay, mailbox, envelope_id, ciphertext)
