"""SQLite implementation of :class:`RelayStorage` (WAL, synchronous=FULL for what clients were
told is stored).

Two connections to one file: ``_durable`` (synchronous=FULL) for envelopes, items and
invitations, whose 2xx answers promise durability; ``_ephemeral`` (synchronous=NORMAL) for
nonces and rate counters, which survive a process crash but may lose the last moments on power
loss (a replay then only meets idempotent writes). One lock serialises both.

Deposits are group-committed: a thread that finds deposits queued behind the lock runs all of
them in one transaction, each in a savepoint of its own (a refused one is rolled back alone), and
commits once; every caller gets its answer only after that commit. Concurrent deposits so share
one fsync, and a lone deposit still commits at once (no waiting for company).
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from reconnect_tui.clock import epoch_seconds
from reconnect_tui.relay.storage import Admission, Budget, RelayStorageError
from reconnect_tui.wire import (
    MAX_VERSION_STEP,
    ErrorCode,
    FetchPage,
    ItemVersion,
    StoredEnvelope,
    WireError,
)
from reconnect_tui.wire.push import mailbox_token

SCHEMA_VERSION = 3

_SCHEMA_V1 = """
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

_V2 = """
ALTER TABLE items ADD COLUMN size INTEGER NOT NULL DEFAULT 0;
ALTER TABLE items ADD COLUMN expires INTEGER NOT NULL DEFAULT 0;
UPDATE items SET size = COALESCE(length(ciphertext), 0), expires = :expires;
CREATE INDEX items_expiry ON items (expires);
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value BLOB NOT NULL
) WITHOUT ROWID;
INSERT INTO meta (name, value) VALUES ('address_salt', randomblob(16));
CREATE TABLE usage (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    bytes INTEGER NOT NULL
);
INSERT INTO usage (id, bytes) VALUES (1,
    (SELECT COALESCE(SUM(size), 0) FROM envelopes WHERE ciphertext IS NOT NULL)
    + (SELECT COALESCE(SUM(size), 0) FROM items)
    + (SELECT COALESCE(SUM(length(bundle)), 0) FROM invitations));
CREATE TRIGGER envelopes_usage_insert AFTER INSERT ON envelopes BEGIN
    UPDATE usage SET bytes = bytes + NEW.size;
END;
CREATE TRIGGER envelopes_usage_update AFTER UPDATE OF size ON envelopes BEGIN
    UPDATE usage SET bytes = bytes - OLD.size + NEW.size;
END;
CREATE TRIGGER envelopes_usage_delete AFTER DELETE ON envelopes BEGIN
    UPDATE usage SET bytes = bytes - OLD.size;
END;
CREATE TRIGGER items_usage_insert AFTER INSERT ON items BEGIN
    UPDATE usage SET bytes = bytes + NEW.size;
END;
CREATE TRIGGER items_usage_update AFTER UPDATE OF size ON items BEGIN
    UPDATE usage SET bytes = bytes - OLD.size + NEW.size;
END;
CREATE TRIGGER items_usage_delete AFTER DELETE ON items BEGIN
    UPDATE usage SET bytes = bytes - OLD.size;
END;
CREATE TRIGGER invitations_usage_insert AFTER INSERT ON invitations BEGIN
    UPDATE usage SET bytes = bytes + length(NEW.bundle);
END;
CREATE TRIGGER invitations_usage_delete AFTER DELETE ON invitations BEGIN
    UPDATE usage SET bytes = bytes - length(OLD.bundle);
END;
CREATE TABLE source_rates (
    source BLOB PRIMARY KEY,
    win INTEGER NOT NULL,
    hits INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE source_bytes (
    source BLOB PRIMARY KEY,
    win INTEGER NOT NULL,
    bytes INTEGER NOT NULL
) WITHOUT ROWID;
"""
"""Schema 2: item sizes and expiry (items existing then expire 90 days after the upgrade),
the running total of stored bytes (kept by triggers, so no write sums the tables), and the
per-address counters (keyed hashes of addresses, dropped when their minute or hour ends)."""

_V3 = """
ALTER TABLE mailboxes ADD COLUMN live INTEGER NOT NULL DEFAULT 0;
ALTER TABLE mailboxes ADD COLUMN live_bytes INTEGER NOT NULL DEFAULT 0;
UPDATE mailboxes SET
    live = (SELECT COUNT(*) FROM envelopes
            WHERE mailbox = mailboxes.id AND ciphertext IS NOT NULL),
    live_bytes = (SELECT COALESCE(SUM(size), 0) FROM envelopes
                  WHERE mailbox = mailboxes.id AND ciphertext IS NOT NULL);
CREATE TRIGGER envelopes_mailbox_insert AFTER INSERT ON envelopes
WHEN NEW.ciphertext IS NOT NULL BEGIN
    UPDATE mailboxes SET live = live + 1, live_bytes = live_bytes + NEW.size
    WHERE id = NEW.mailbox;
END;
CREATE TRIGGER envelopes_mailbox_update AFTER UPDATE OF ciphertext, size ON envelopes BEGIN
    UPDATE mailboxes SET
        live = live + (NEW.ciphertext IS NOT NULL) - (OLD.ciphertext IS NOT NULL),
        live_bytes = live_bytes
            + (CASE WHEN NEW.ciphertext IS NOT NULL THEN NEW.size ELSE 0 END)
            - (CASE WHEN OLD.ciphertext IS NOT NULL THEN OLD.size ELSE 0 END)
    WHERE id = NEW.mailbox;
END;
CREATE TRIGGER envelopes_mailbox_delete AFTER DELETE ON envelopes
WHEN OLD.ciphertext IS NOT NULL BEGIN
    UPDATE mailboxes SET live = live - 1, live_bytes = live_bytes - OLD.size
    WHERE id = OLD.mailbox;
END;
"""
"""Schema 3: each mailbox's live envelopes and their bytes, kept by triggers, so a deposit's
quota check reads one row instead of counting the mailbox (a count that grew with every
unfetched envelope: 0.24 ms of CPU per deposit at 1,500 waiting)."""

MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1, _V2, _V3)
"""Schema n is reached by running ``MIGRATIONS[:n]`` in order."""

UPGRADE_ITEM_TTL = 90 * 86400


def _statements(script: str) -> list[str]:
    """Split a script into statements (a trigger's body holds semicolons of its own)."""
    statements: list[str] = []
    pending = ""
    for line in script.splitlines(keepends=True):
        pending += line
        if sqlite3.complete_statement(pending):
            statements.append(pending.strip())
            pending = ""
    if pending.strip():
        statements.append(pending.strip())
    return statements


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

    def __init__(self, path: Path | str, *, group_commit: bool = True) -> None:
        """``group_commit=False``: each deposit commits alone (``bench/relay_commit.py``)."""
        self.path = Path(path)
        self.group_commit = group_commit
        self._queue: list[_Job[bool]] = []
        self._queue_lock = threading.Lock()
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
        self._wake: Callable[[str | None], None] | None = None

    def _migrate(self) -> None:
        conn = self._durable
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise RelayStorageError(
                f"The relay database {self.path} was written by a newer relay "
                f"(schema {version}); upgrade the relay."
            )
        if version < SCHEMA_VERSION:
            # Atomically: a crash leaves the old schema or the new one, nothing between.
            conn.execute("BEGIN IMMEDIATE")
            try:
                params = {"expires": int(epoch_seconds()) + UPGRADE_ITEM_TTL}
                for script in MIGRATIONS[version:]:
                    for statement in _statements(script):
                        conn.execute(statement, params if ":expires" in statement else ())
                conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise
        self._salt = bytes(conn.execute(
            "SELECT value FROM meta WHERE name = 'address_salt'").fetchone()[0])

    def _source(self, address: str) -> bytes:
        """A keyed hash of a client address: counters never hold the address itself."""
        return hashlib.blake2b(address.encode("utf-8"), key=self._salt, digest_size=16).digest()

    def _charge(self, conn: sqlite3.Connection, growth: int, now: int, budget: Budget) -> None:
        """Refuse a write of ``growth`` new bytes over the total or the address's hourly
        budget, else count it against the address. Inside the write's transaction."""
        if growth <= 0:
            return
        used = conn.execute("SELECT bytes FROM usage").fetchone()[0]
        if used + growth > budget.total_bytes:
            raise WireError(ErrorCode.RELAY_FULL, "the relay's storage is full")
        if budget.source is None:
            return
        charged = conn.execute(
            "INSERT INTO source_bytes (source, win, bytes) VALUES (?, ?, ?) "
            "ON CONFLICT (source) DO UPDATE SET "
            "bytes = CASE WHEN win = excluded.win THEN bytes + excluded.bytes "
            "ELSE excluded.bytes END, win = excluded.win RETURNING bytes",
            (self._source(budget.source), now // 3600, growth)).fetchone()[0]
        if charged > budget.source_bytes_per_hour:
            # Raised in the transaction: the charge is rolled back with the write.
            raise WireError(ErrorCode.ADDRESS_BUDGET,
                            f"this address stored more than {budget.source_bytes_per_hour}"
                            " bytes this hour")

    def usage(self) -> int:
        with self._lock:
            return int(self._durable.execute("SELECT bytes FROM usage").fetchone()[0])

    def _write(self, conn: sqlite3.Connection) -> _Transaction:
        return _Transaction(conn, self._lock)

    # --- admission ----------------------------------------------------------------------

    def _admit(self, conn: sqlite3.Connection, admission: Admission) -> None:
        """Inside a transaction: refuse a replayed nonce (nothing is kept), or count the
        request and refuse it over a rate limit (the nonce and count are kept: ``_Commit``)."""
        window = admission.now // 60
        try:
            conn.execute("INSERT INTO nonces (key, nonce, expires) VALUES (?, ?, ?)",
                         (admission.key, admission.nonce, admission.nonce_expires))
        except sqlite3.IntegrityError as error:
            raise WireError(ErrorCode.REPLAYED_NONCE, "nonce was already used") from error
        count = conn.execute(
            "INSERT INTO rates (key, win, hits) VALUES (?, ?, 1) "
            "ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN win = excluded.win THEN hits + 1 ELSE 1 END, "
            "win = excluded.win RETURNING hits",
            (admission.key, window),
        ).fetchone()[0]
        if count > admission.rate_limit:
            # The nonce stays recorded: a refused request cannot be replayed later either.
            raise _Commit(WireError(ErrorCode.RATE_LIMITED,
                                    f"more than {admission.rate_limit} requests in one minute"))
        if admission.source is None:
            return
        from_source = conn.execute(
            "INSERT INTO source_rates (source, win, hits) VALUES (?, ?, 1) "
            "ON CONFLICT (source) DO UPDATE SET "
            "hits = CASE WHEN win = excluded.win THEN hits + 1 ELSE 1 END, "
            "win = excluded.win RETURNING hits",
            (self._source(admission.source), window),
        ).fetchone()[0]
        if from_source > admission.source_rate_limit:
            raise _Commit(WireError(
                ErrorCode.ADDRESS_BUDGET,
                f"more than {admission.source_rate_limit} requests from this address in one "
                "minute"))

    def admit(self, key: bytes, nonce: str, now: int, *, nonce_expires: int,
              rate_limit: int, source: str | None = None, source_rate_limit: int = 0) -> None:
        with self._write(self._ephemeral) as conn:
            self._admit(conn, Admission(key=key, nonce=nonce, now=now,
                                        nonce_expires=nonce_expires, rate_limit=rate_limit,
                                        source=source, source_rate_limit=source_rate_limit))

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
                expires: int, max_count: int, max_bytes: int, budget: Budget,
                admission: Admission | None = None) -> bool:
        def work(conn: sqlite3.Connection) -> bool:
            if admission is None:
                return self._deposit(conn, mailbox, envelope_id, ciphertext, now,
                                     expires=expires, max_count=max_count,
                                     max_bytes=max_bytes, budget=budget)
            self._admit(conn, admission)  # one commit for the nonce and the envelope
            conn.execute("SAVEPOINT deposit")
            try:
                return self._deposit(conn, mailbox, envelope_id, ciphertext, now,
                                     expires=expires, max_count=max_count,
                                     max_bytes=max_bytes, budget=budget)
            except WireError as error:
                # A refused deposit stores nothing, but its nonce and count stay.
                conn.execute("ROLLBACK TO deposit")
                raise _Commit(error) from None

        if not self.group_commit:
            with self._write(self._durable) as conn:
                stored = work(conn)
            if stored:
                self._woken([mailbox])
            return stored
        job = _Job(work)
        with self._queue_lock:
            self._queue.append(job)
        with self._lock:
            if not job.done:  # no one took it along: lead everything queued so far
                with self._queue_lock:
                    batch, self._queue = self._queue, []
                self._commit_group(batch)
        stored = job.outcome()
        if stored:
            self._woken([mailbox])
        return stored

    def deposit_many(self, envelopes: list[tuple[str, str, bytes]], now: int, *, expires: int,
                     max_count: int, max_bytes: int, budget: Budget,
                     admission: Admission | None = None) -> list[bool | WireError]:
        answers: list[bool | WireError] = []
        with self._write(self._durable) as conn:
            if admission is not None:
                self._admit(conn, admission)
            for mailbox, envelope_id, ciphertext in envelopes:
                conn.execute("SAVEPOINT deposit")
                try:
                    answers.append(self._deposit(
                        conn, mailbox, envelope_id, ciphertext, now, expires=expires,
                        max_count=max_count, max_bytes=max_bytes, budget=budget))
                except WireError as error:
                    conn.execute("ROLLBACK TO deposit")
                    answers.append(error)
                conn.execute("RELEASE deposit")
        self._woken([m for (m, _i, _c), stored in zip(envelopes, answers, strict=True)
                     if stored is True])
        return answers

    # --- push ---------------------------------------------------------------------------

    def listen(self, wake: Callable[[str | None], None]) -> None:
        """One process per SQLite file: its own commits are all the deposits there are."""
        self._wake = wake

    def _woken(self, mailboxes: list[str]) -> None:
        wake = self._wake
        if wake is not None:
            for mailbox in dict.fromkeys(mailboxes):
                wake(mailbox_token(mailbox))

    def owned_mailboxes(self, owner: bytes, mailboxes: list[str]) -> list[str]:
        with self._lock:
            rows = self._durable.execute(
                "SELECT id FROM mailboxes WHERE owner = ? AND id IN (SELECT value FROM "
                "json_each(?))", (owner, json.dumps(mailboxes))).fetchall()
        return sorted(row[0] for row in rows)

    def _commit_group(self, batch: list[_Job[bool]]) -> None:
        """Run ``batch`` in one transaction, each job in a savepoint; commit once."""
        conn = self._durable
        try:
            conn.execute("BEGIN IMMEDIATE")
            for job in batch:
                conn.execute("SAVEPOINT job")
                try:
                    job.value = job.work(conn)
                except _Commit as kept:  # its writes stay, its answer is a refusal
                    job.error = kept.error
                except Exception as error:
                    conn.execute("ROLLBACK TO job")
                    job.error = error
                conn.execute("RELEASE job")
            conn.execute("COMMIT")
        except Exception as error:  # nothing was committed: every job fails alike
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            for job in batch:
                job.value, job.error = None, error
        finally:
            for job in batch:
                job.done = True

    def _deposit(self, conn: sqlite3.Connection, mailbox: str, envelope_id: str,
                 ciphertext: bytes, now: int, *, expires: int, max_count: int, max_bytes: int,
                 budget: Budget) -> bool:
        held = conn.execute("SELECT live, live_bytes FROM mailboxes WHERE id = ?",
                            (mailbox,)).fetchone()
        if held is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such mailbox")
        seen = conn.execute("SELECT 1 FROM envelopes WHERE mailbox = ? AND id = ?",
                            (mailbox, envelope_id)).fetchone()
        if seen is not None:
            return False
        count, total = held  # kept by the schema's triggers, in this very transaction
        if count + 1 > max_count or total + len(ciphertext) > max_bytes:
            raise WireError(ErrorCode.MAILBOX_FULL, "mailbox quota reached")
        self._charge(conn, len(ciphertext), now, budget)
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

    def put_item(self, item_id: str, owner: bytes, item: ItemVersion, now: int, *,
                 expires: int, budget: Budget) -> bool:
        size = len(item.ciphertext)
        with self._write(self._durable) as conn:
            row = conn.execute("SELECT owner, version, size FROM items WHERE id = ?",
                               (item_id,)).fetchone()
            if row is None:
                _check_step(item.version, 0)
                self._charge(conn, size, now, budget)
                conn.execute("INSERT INTO items (id, owner, version, ciphertext, size, expires) "
                             "VALUES (?, ?, ?, ?, ?, ?)",
                             (item_id, owner, item.version, item.ciphertext, size, expires))
                return True
            if row[0] != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            if item.version <= row[1]:
                raise WireError(ErrorCode.VERSION_CONFLICT,
                                f"version must be above {row[1]}")
            _check_step(item.version, row[1])
            self._charge(conn, size - row[2], now, budget)
            conn.execute("UPDATE items SET version = ?, ciphertext = ?, size = ?, expires = ? "
                         "WHERE id = ?", (item.version, item.ciphertext, size, expires, item_id))
            return False

    def get_item(self, item_id: str, now: int) -> ItemVersion | None:
        with self._lock:
            row = self._durable.execute(
                "SELECT version, ciphertext FROM items WHERE id = ? AND ciphertext IS NOT NULL "
                "AND expires > ?", (item_id, now)).fetchone()
        return None if row is None else ItemVersion(version=row[0], ciphertext=bytes(row[1]))

    def delete_item(self, item_id: str, owner: bytes, now: int, *, keep_until: int) -> None:
        with self._write(self._durable) as conn:
            row = conn.execute("SELECT owner FROM items WHERE id = ? AND ciphertext IS NOT NULL "
                               "AND expires > ?", (item_id, now)).fetchone()
            if row is None:
                raise WireError(ErrorCode.NOT_FOUND, "no such item")
            if row[0] != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            conn.execute("UPDATE items SET ciphertext = NULL, size = 0, expires = ? WHERE id = ?",
                         (keep_until, item_id))

    # --- invitations --------------------------------------------------------------------

    def put_invitation(self, lookup_id: str, bundle: bytes, expires: int, now: int, *,
                       budget: Budget) -> None:
        with self._write(self._durable) as conn:
            conn.execute("DELETE FROM invitations WHERE id = ? AND expires <= ?",
                         (lookup_id, now))
            if conn.execute("SELECT 1 FROM invitations WHERE id = ?",
                            (lookup_id,)).fetchone() is not None:
                raise WireError(ErrorCode.EXISTS, "an invitation with this id exists")
            self._charge(conn, len(bundle), now, budget)
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

    def purge_expired(self, now: int, *, item_tombstone_seconds: int) -> int:
        with self._write(self._durable) as conn:
            purged = conn.execute("DELETE FROM envelopes WHERE expires <= ?", (now,)).rowcount
            purged += conn.execute("DELETE FROM invitations WHERE expires <= ?", (now,)).rowcount
            # Tombstones past their time go; then expired content becomes a tombstone.
            purged += conn.execute("DELETE FROM items WHERE ciphertext IS NULL AND expires <= ?",
                                   (now,)).rowcount
            purged += conn.execute(
                "UPDATE items SET ciphertext = NULL, size = 0, expires = ? "
                "WHERE ciphertext IS NOT NULL AND expires <= ?",
                (now + item_tombstone_seconds, now)).rowcount
            purged += conn.execute("DELETE FROM nonces WHERE expires <= ?", (now,)).rowcount
            purged += conn.execute("DELETE FROM rates WHERE win < ?", (now // 60,)).rowcount
            purged += conn.execute("DELETE FROM source_rates WHERE win < ?",
                                   (now // 60,)).rowcount
            purged += conn.execute("DELETE FROM source_bytes WHERE win < ?",
                                   (now // 3600,)).rowcount
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


T = TypeVar("T")


class _Job(Generic[T]):
    """One deposit waiting for a group commit; its answer is read only after the commit."""

    def __init__(self, work: Callable[[sqlite3.Connection], T]) -> None:
        self.work = work
        self.done = False
        self.value: T | None = None
        self.error: BaseException | None = None

    def outcome(self) -> T:
        if self.error is not None:
            raise self.error
        assert self.value is not None
        return self.value


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
                 tb: object) -> None:
        try:
            if exc_type is None or isinstance(exc, _Commit):
                try:
                    self.conn.execute("COMMIT")
                except sqlite3.Error:
                    self.conn.execute("ROLLBACK")
                    raise
                if isinstance(exc, _Commit):
                    raise exc.error from None
                return None
            self.conn.execute("ROLLBACK")
            return None
        finally:
            self.lock.release()
