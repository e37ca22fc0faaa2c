"""SQLite implementation of :class:`RelayStorage` (WAL, synchronous=FULL for what clients were
told is stored).

Two connections to one file: ``_durable`` (synchronous=FULL) for envelopes, items and
invitations, whose 2xx answers promise durability; ``_ephemeral`` (synchronous=NORMAL) for
nonces and rate counters, which survive a process crash but may lose the last moments on power
loss (a replay then only meets idempotent writes). One lock serialises both.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from reconnect_tui.relay.storage import RelayStorageError
from reconnect_tui.sync.protocol import (
    MAX_VERSION_STEP,
    ErrorCode,
    FetchPage,
    ItemVersion,
    StoredEnvelope,
    WireError,
)

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    owner BLOB NOT NULL
) WITHOUT ROWID;
CREATE TABLE envelopes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    mailbox TEXT NOT NULL,
    id TEXT NOT NULL,
    size INTEGER NOT NULL,
    received INTEGER NOT NULL,
    expires INTEGER NOT NULL,
    ciphertext BLOB,
    UNIQUE (mailbox, id)
);
CREATE INDEX envelopes_live ON envelopes (mailbox, seq, size) WHERE ciphertext IS NOT NULL;
CREATE INDEX envelopes_expiry ON envelopes (expires);
CREATE TABLE items (
    id TEXT PRIMARY KEY,
    owner BLOB NOT NULL,
    version INTEGER NOT NULL,
    ciphertext BLOB
) WITHOUT ROWID;
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    bundle BLOB NOT NULL,
    expires INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE nonces (
    key BLOB NOT NULL,
    nonce TEXT NOT NULL,
    expires INTEGER NOT NULL,
    PRIMARY KEY (key, nonce)
) WITHOUT ROWID;
CREATE INDEX nonces_expiry ON nonces (expires);
CREATE TABLE rates (
    key BLOB PRIMARY KEY,
    win INTEGER NOT NULL,
    hits INTEGER NOT NULL
) WITHOUT ROWID;
"""


def _create_private(path: Path) -> None:
    """Create the database file (and a missing folder) readable by this user only, before
    SQLite opens it: SQLite gives the -wal and -shm files the main file's mode. A file left
    readable by others by an older relay is narrowed to 0600, with its -wal and -shm."""
    if not path.parent.exists():
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        part = path.with_name(name)
        if part.exists() and part.stat().st_mode & 0o077:
            os.chmod(part, 0o600)


def _connect(path: Path, synchronous: str) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    conn.execute("PRAGMA secure_delete=ON")  # acknowledged ciphertext is overwritten, not left
    return conn


class SQLiteRelayStorage:
    """Relay state in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            _create_private(self.path)
            self._durable = _connect(self.path, "FULL")
            self._migrate()
            self._ephemeral = _connect(self.path, "NORMAL")
        except (OSError, sqlite3.Error) as error:
            raise RelayStorageError(
                f"The relay database {self.path} cannot be opened for writing "
                f"({type(error).__name__}: {error})."
            ) from error
        self._lock = threading.Lock()

    def _migrate(self) -> None:
        conn = self._durable
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RelayStorageError(
                f"The relay database {self.path} was written by a newer relay "
                f"(schema {version}); upgrade the relay."
            )
        if version == 0:
            # Created atomically: a crash leaves either no schema or all of it.
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise

    def _write(self, conn: sqlite3.Connection) -> _Transaction:
        return _Transaction(conn, self._lock)

    # --- admission ----------------------------------------------------------------------

    def admit(self, key: bytes, nonce: str, now: int, *, nonce_expires: int,
              rate_limit: int) -> None:
        window = now // 60
        with self._write(self._ephemeral) as conn:
            try:
                conn.execute("INSERT INTO nonces (key, nonce, expires) VALUES (?, ?, ?)",
                             (key, nonce, nonce_expires))
            except sqlite3.IntegrityError as error:
                raise WireError(ErrorCode.REPLAYED_NONCE, "nonce was already used") from error
            count = conn.execute(
                "INSERT INTO rates (key, win, hits) VALUES (?, ?, 1) "
                "ON CONFLICT (key) DO UPDATE SET "
                "hits = CASE WHEN win = excluded.win THEN hits + 1 ELSE 1 END, "
                "win = excluded.win RETURNING hits",
                (key, window),
            ).fetchone()[0]
            if count > rate_limit:
                # The nonce stays recorded: a refused request cannot be replayed later either.
                raise _Commit(WireError(ErrorCode.RATE_LIMITED,
                                        f"more than {rate_limit} requests in one minute"))

    # --- mailboxes ----------------------------------------------------------------------

    def claim_mailbox(self, mailbox: str, owner: bytes, now: int) -> bool:
        with self._write(self._durable) as conn:
            row = conn.execute("SELECT owner FROM mailboxes WHERE id = ?", (mailbox,)).fetchone()
            if row is None:
                conn.execute("INSERT INTO mailboxes (id, owner) VALUES (?, ?)", (mailbox, owner))
                return True
            if row[0] != owner:
                raise WireError(ErrorCode.FORBIDDEN, "mailbox belongs to another key")
            return False

    def _require_owner(self, conn: sqlite3.Connection, mailbox: str, owner: bytes) -> None:
        row = conn.execute("SELECT owner FROM mailboxes WHERE id = ?", (mailbox,)).fetchone()
        if row is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such mailbox")
        if row[0] != owner:
            raise WireError(ErrorCode.FORBIDDEN, "only the mailbox's owner may do this")

    def deposit(self, mailbox: str, envelope_id: str, ciphertext: bytes, now: int, *,
                expires: int, max_count: int, max_bytes: int) -> bool:
        with self._write(self._durable) as conn:
            if conn.execute("SELECT 1 FROM mailboxes WHERE id = ?", (mailbox,)).fetchone() is None:
                raise WireError(ErrorCode.NOT_FOUND, "no such mailbox")
            seen = conn.execute("SELECT 1 FROM envelopes WHERE mailbox = ? AND id = ?",
                                (mailbox, envelope_id)).fetchone()
            if seen is not None:
                return False
            count, total = conn.execute(
                "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM envelopes "
                "WHERE mailbox = ? AND ciphertext IS NOT NULL", (mailbox,)).fetchone()
            if count + 1 > max_count or total + len(ciphertext) > max_bytes:
                raise WireError(ErrorCode.MAILBOX_FULL, "mailbox quota reached")
            conn.execute(
                "INSERT INTO envelopes (mailbox, id, size, received, expires, ciphertext) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (mailbox, envelope_id, len(ciphertext), now, expires, ciphertext))
            return True

    def fetch(self, mailbox: str, owner: bytes, since: int, limit: int, now: int) -> FetchPage:
        with self._lock:
            conn = self._durable
            self._require_owner(conn, mailbox, owner)
            rows = conn.execute(
                "SELECT id, seq, ciphertext FROM envelopes WHERE mailbox = ? AND seq > ? "
                "AND ciphertext IS NOT NULL AND expires > ? ORDER BY seq LIMIT ?",
                (mailbox, since, now, limit + 1)).fetchall()
        envelopes = [StoredEnvelope(id=r[0], seq=r[1], ciphertext=bytes(r[2]))
                     for r in rows[:limit]]
        cursor = envelopes[-1].seq if envelopes else since
        return FetchPage(envelopes=envelopes, cursor=cursor, more=len(rows) > limit)

    def acknowledge(self, mailbox: str, owner: bytes, envelope_ids: list[str]) -> int:
        with self._write(self._durable) as conn:
            self._require_owner(conn, mailbox, owner)
            deleted = 0
            for envelope_id in envelope_ids:
                deleted += conn.execute(
                    "UPDATE envelopes SET ciphertext = NULL, size = 0 "
                    "WHERE mailbox = ? AND id = ? AND ciphertext IS NOT NULL",
                    (mailbox, envelope_id)).rowcount
            return deleted

    # --- items --------------------------------------------------------------------------

    def put_item(self, item_id: str, owner: bytes, item: ItemVersion) -> bool:
        with self._write(self._durable) as conn:
            row = conn.execute("SELECT owner, version FROM items WHERE id = ?",
                               (item_id,)).fetchone()
            if row is None:
                _check_step(item.version, 0)
                conn.execute("INSERT INTO items (id, owner, version, ciphertext) "
                             "VALUES (?, ?, ?, ?)", (item_id, owner, item.version,
                                                     item.ciphertext))
                return True
            if row[0] != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            if item.version <= row[1]:
                raise WireError(ErrorCode.VERSION_CONFLICT,
                                f"version must be above {row[1]}")
            _check_step(item.version, row[1])
            conn.execute("UPDATE items SET version = ?, ciphertext = ? WHERE id = ?",
                         (item.version, item.ciphertext, item_id))
            return False

    def get_item(self, item_id: str) -> ItemVersion | None:
        with self._lock:
            row = self._durable.execute(
                "SELECT version, ciphertext FROM items WHERE id = ? AND ciphertext IS NOT NULL",
                (item_id,)).fetchone()
        return None if row is None else ItemVersion(version=row[0], ciphertext=bytes(row[1]))

    def delete_item(self, item_id: str, owner: bytes) -> None:
        with self._write(self._durable) as conn:
            row = conn.execute("SELECT owner FROM items WHERE id = ? AND ciphertext IS NOT NULL",
                               (item_id,)).fetchone()
            if row is None:
                raise WireError(ErrorCode.NOT_FOUND, "no such item")
            if row[0] != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            conn.execute("UPDATE items SET ciphertext = NULL WHERE id = ?", (item_id,))

    # --- invitations --------------------------------------------------------------------

    def put_invitation(self, lookup_id: str, bundle: bytes, expires: int, now: int) -> None:
        with self._write(self._durable) as conn:
            conn.execute("DELETE FROM invitations WHERE id = ? AND expires <= ?",
                         (lookup_id, now))
            try:
                conn.execute("INSERT INTO invitations (id, bundle, expires) VALUES (?, ?, ?)",
                             (lookup_id, bundle, expires))
            except sqlite3.IntegrityError as error:
                raise WireError(ErrorCode.EXISTS, "an invitation with this id exists") from error

    def take_invitation(self, lookup_id: str, now: int) -> bytes | None:
        with self._write(self._durable) as conn:
            row = conn.execute("DELETE FROM invitations WHERE id = ? RETURNING bundle, expires",
                               (lookup_id,)).fetchone()
        if row is None or row[1] <= now:
            return None
        return bytes(row[0])

    # --- housekeeping -------------------------------------------------------------------

    def purge_expired(self, now: int) -> int:
        with self._write(self._durable) as conn:
            purged = conn.execute("DELETE FROM envelopes WHERE expires <= ?", (now,)).rowcount
            purged += conn.execute("DELETE FROM invitations WHERE expires <= ?", (now,)).rowcount
            purged += conn.execute("DELETE FROM nonces WHERE expires <= ?", (now,)).rowcount
            purged += conn.execute("DELETE FROM rates WHERE win < ?", (now // 60,)).rowcount
        with self._lock:
            # Push deleted pages out of the WAL into the main file, then truncate the WAL.
            self._durable.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return purged

    def close(self) -> None:
        with self._lock:
            self._ephemeral.close()
            self._durable.close()


def _check_step(version: int, held: int) -> None:
    if version - held > MAX_VERSION_STEP:
        raise WireError(ErrorCode.VERSION_TOO_HIGH,
                        f"version may rise by at most {MAX_VERSION_STEP} in one write")


class _Commit(Exception):
    """Raised inside a transaction to commit it and then raise ``error``."""

    def __init__(self, error: WireError) -> None:
        super().__init__(error.reason)
        self.error = error


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` under the storage lock; rollback on any error."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.Lock) -> None:
        self.conn = conn
        self.lock = lock

    def __enter__(self) -> sqlite3.Connection:
        self.lock.acquire()
        try:
            self.conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self.lock.release()
            raise
        return self.conn

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> bool:
        try:
            if exc_type is None or isinstance(exc, _Commit):
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error:
                    self.conn.execute("ROLLBACK")
                    raise
                if isinstance(exc, _Commit):
                    raise exc.error from None
                return False
            self.conn.execute("ROLLBACK")
            return False
        finally:
            self.lock.release()
