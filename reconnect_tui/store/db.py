"""Opening the SQLCipher database with a raw key, and the connection settings we rely on."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import sqlcipher3
from sqlcipher3 import dbapi2

if TYPE_CHECKING:
    # sqlcipher3 ships no type information; its DB-API mirrors the standard sqlite3 module's.
    from sqlite3 import Connection as Connection
    from sqlite3 import DatabaseError as DatabaseError
    from sqlite3 import IntegrityError as IntegrityError
    from sqlite3 import Row as Row
else:
    Connection = dbapi2.Connection
    Row = dbapi2.Row
    DatabaseError = dbapi2.DatabaseError
    IntegrityError = dbapi2.IntegrityError
SQLITE_CORRUPT = 11
SQLITE_NOTADB = 26


BUSY_TIMEOUT_MS = 60_000
"""How long a write waits for another process holding the vault's write lock (a sync or a
send in a second window) before it fails: long enough for any one transaction to finish."""


class KeyRejected(Exception):
    """SQLCipher could not open or read the file with this key: wrong key, not a database,
    damage, or the file system (``sqlite_errorcode`` tells which; see ``store/failures.py``)."""

    def __init__(self, message: str, sqlite_errorcode: int | None = None) -> None:
        super().__init__(message)
        self.sqlite_errorcode = sqlite_errorcode


def open_connection(path: Path, key: bytes, *, read_only: bool = False) -> Connection:
    """Open ``path`` with the 32-byte raw ``key``; raise KeyRejected if it cannot be read.

    The key is passed as a raw hex blob, so SQLCipher's own PBKDF2 is never run: the slow
    derivation already happened in Argon2id. ``read_only`` opens without writing anything, not
    even the journal mode (for checking a copy in rollback-journal mode: a backup).
    """
    conn: Connection
    try:
        if read_only:
            conn = sqlcipher3.connect(
                f"{Path(path).absolute().as_uri()}?mode=ro",
                uri=True,
                check_same_thread=False,
                isolation_level=None,
            )
        else:
            conn = sqlcipher3.connect(str(path), check_same_thread=False, isolation_level=None)
    except DatabaseError as exc:
        raise KeyRejected(str(exc), getattr(exc, "sqlite_errorcode", None)) from None
    try:
        # SQLCipher logs a failed page check to stderr, which would garble the app's screen.
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA cipher_memory_security = ON")
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except DatabaseError as exc:
        conn.close()
        raise KeyRejected(str(exc), getattr(exc, "sqlite_errorcode", None)) from None
    conn.row_factory = Row
    if read_only:
        return conn
    try:
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    except DatabaseError as exc:  # WAL mode writes: a full disk or read-only folder shows here
        conn.close()
        raise KeyRejected(str(exc), getattr(exc, "sqlite_errorcode", None)) from None
    return conn


def page_check_fails(conn: Connection, *, full: bool) -> bool:
    """True if the database does not read back whole.

    ``PRAGMA cipher_integrity_check`` verifies the HMAC of every page in the file (80 ms for a
    45 MB vault); ``full`` adds SQLite's ``PRAGMA integrity_check`` of every b-tree and index
    (370 ms), which also reads what is still in the WAL.
    """
    try:
        if conn.execute("PRAGMA cipher_integrity_check").fetchall():
            return True
        if full:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
            return [tuple(row) for row in rows] != [("ok",)]
    except DatabaseError as exc:
        if (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF in (SQLITE_CORRUPT, SQLITE_NOTADB):
            return True
        raise
    return False
