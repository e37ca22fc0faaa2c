"""Opening the SQLCipher database with a raw key, and the connection settings we rely on."""

from __future__ import annotations

from pathlib import Path

import sqlcipher3
from sqlcipher3 import dbapi2

Connection = dbapi2.Connection
Row = dbapi2.Row
DatabaseError = dbapi2.DatabaseError
IntegrityError = dbapi2.IntegrityError


BUSY_TIMEOUT_MS = 60_000
"""How long a write waits for another process holding the vault's write lock (a sync or a
send in a second window) before it fails: long enough for any one transaction to finish."""


class KeyRejected(Exception):
    """SQLCipher could not read the file with this key (wrong key, not a database, or damage)."""


def open_connection(path: Path, key: bytes) -> Connection:
    """Open ``path`` with the 32-byte raw ``key``; raise KeyRejected if it cannot be read.

    The key is passed as a raw hex blob, so SQLCipher's own PBKDF2 is never run: the slow
    derivation already happened in Argon2id.
    """
    conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise KeyRejected(str(exc)) from None
    conn.row_factory = Row
    conn.execute("PRAGMA temp_store = MEMORY")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn
