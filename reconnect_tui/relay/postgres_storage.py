"""PostgreSQL implementation of :class:`RelayStorage`: several relay processes on one database.

Everything the relay remembers is here, nonces and rate counters included, so a replayed
request is refused and a rate limit holds whichever process a request reaches. Each method is
one transaction on a pooled connection (psycopg 3, ``psycopg_pool.ConnectionPool``), run in a
worker thread by the app like the SQLite storage. Isolation is READ COMMITTED with explicit row
locks where order matters:

- a deposit locks its mailbox row, so envelopes of one mailbox get their ``seq`` in commit
  order (a fetch by cursor never skips one committed late);
- the total of stored bytes is kept by triggers in 16 counter rows chosen by the backend's
  process id, so concurrent writes rarely wait on one hot row (``usage`` sums them); the
  storage budget is so checked without a lock and may be overshot by the writes in flight;
- nonces and counters are written with ``synchronous_commit = off`` when admitted on their
  own (like SQLite's ``synchronous=NORMAL``: a database crash may lose the last moments),
  envelopes, items and invitations with the server's durable commit.

A deadlock or serialisation failure (possible between a purge and concurrent writes) is retried.
Migrations are versioned in ``relay_schema``; a relay that finds a newer schema refuses to start.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlsplit

import psycopg
import psycopg.errors
from psycopg import sql
from psycopg_pool import ConnectionPool, PoolTimeout

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

log = logging.getLogger("reconnect.relay")

USAGE_SHARDS = 16

_SCHEMA_V1 = f"""
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value BYTEA NOT NULL
);
INSERT INTO meta (name, value)
    VALUES ('address_salt', decode(replace(gen_random_uuid()::text, '-', ''), 'hex'));
CREATE TABLE mailboxes (
    id TEXT PRIMARY KEY,
    owner BYTEA NOT NULL
);
CREATE TABLE envelopes (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    mailbox TEXT NOT NULL,
    id TEXT NOT NULL,
    size INTEGER NOT NULL,
    received BIGINT NOT NULL,
    expires BIGINT NOT NULL,
    ciphertext BYTEA,
    UNIQUE (mailbox, id)
);
CREATE INDEX envelopes_live ON envelopes (mailbox, seq) INCLUDE (size)
    WHERE ciphertext IS NOT NULL;
CREATE INDEX envelopes_expiry ON envelopes (expires);
CREATE TABLE items (
    id TEXT PRIMARY KEY,
    owner BYTEA NOT NULL,
    version BIGINT NOT NULL,
    ciphertext BYTEA,
    size INTEGER NOT NULL,
    expires BIGINT NOT NULL
);
CREATE INDEX items_expiry ON items (expires);
CREATE TABLE invitations (
    id TEXT PRIMARY KEY,
    bundle BYTEA NOT NULL,
    expires BIGINT NOT NULL
);
CREATE TABLE nonces (
    key BYTEA NOT NULL,
    nonce TEXT NOT NULL,
    expires BIGINT NOT NULL,
    PRIMARY KEY (key, nonce)
);
CREATE INDEX nonces_expiry ON nonces (expires);
CREATE TABLE rates (
    key BYTEA PRIMARY KEY,
    win BIGINT NOT NULL,
    hits INTEGER NOT NULL
);
CREATE TABLE source_rates (
    source BYTEA PRIMARY KEY,
    win BIGINT NOT NULL,
    hits INTEGER NOT NULL
);
CREATE TABLE source_bytes (
    source BYTEA PRIMARY KEY,
    win BIGINT NOT NULL,
    bytes BIGINT NOT NULL
);
CREATE TABLE usage (
    shard INTEGER PRIMARY KEY,
    bytes BIGINT NOT NULL
);
INSERT INTO usage (shard, bytes) SELECT s, 0 FROM generate_series(0, {USAGE_SHARDS - 1}) AS s;
CREATE FUNCTION usage_count() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    delta BIGINT;
BEGIN
    IF TG_TABLE_NAME = 'invitations' THEN
        delta := COALESCE(CASE WHEN TG_OP <> 'DELETE' THEN length(NEW.bundle) END, 0)
               - COALESCE(CASE WHEN TG_OP <> 'INSERT' THEN length(OLD.bundle) END, 0);
    ELSE
        delta := COALESCE(CASE WHEN TG_OP <> 'DELETE' THEN NEW.size END, 0)
               - COALESCE(CASE WHEN TG_OP <> 'INSERT' THEN OLD.size END, 0);
    END IF;
    IF delta <> 0 THEN
        UPDATE usage SET bytes = bytes + delta
        WHERE shard = pg_backend_pid() % {USAGE_SHARDS};
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER envelopes_usage AFTER INSERT OR DELETE OR UPDATE OF size ON envelopes
    FOR EACH ROW EXECUTE FUNCTION usage_count();
CREATE TRIGGER items_usage AFTER INSERT OR DELETE OR UPDATE OF size ON items
    FOR EACH ROW EXECUTE FUNCTION usage_count();
CREATE TRIGGER invitations_usage AFTER INSERT OR DELETE ON invitations
    FOR EACH ROW EXECUTE FUNCTION usage_count();
"""
"""Schema 1: the SQLite relay's schema 2 in PostgreSQL's words (sharded byte total)."""

MIGRATIONS: tuple[str, ...] = (_SCHEMA_V1,)
"""Schema n is reached by running ``MIGRATIONS[:n]`` in order, each in one transaction."""

SCHEMA_VERSION = len(MIGRATIONS)

_MIGRATION_LOCK = 0x7265636F6E6E6563  # "reconnec": an advisory lock id for migrations
_RETRIES = 5

T = TypeVar("T")

_LISTEN_POLL_SECONDS = 2.0
"""How often the notification thread looks up from its wait to see whether the relay stops."""


def redacted(dsn: str) -> str:
    """``postgresql://HOST:PORT/DB`` without user, password or query, for logs and errors."""
    try:
        parts = urlsplit(dsn)
        host = parts.hostname or "localhost"
        port = f":{parts.port}" if parts.port else ""
    except ValueError:
        return "postgresql://(unreadable address)"
    return f"{parts.scheme}://{host}{port}{parts.path}"


class _After(Exception):
    """Raised inside a transaction to commit it and then raise ``error``."""

    def __init__(self, error: WireError) -> None:
        super().__init__(error.reason)
        self.error = error


class _Retry(Exception):
    """Raised inside a transaction to roll it back and run it again (a race lost)."""


class PostgresRelayStorage:
    """Relay state in a PostgreSQL database (the first schema on the connection's
    ``search_path``; give ``?options=-csearch_path%3DNAME`` in the address for another)."""

    def __init__(self, dsn: str, *, min_connections: int = 1,
                 max_connections: int = 10) -> None:
        self.dsn = dsn
        self.name = redacted(dsn)
        try:
            # One plain connection first: an unreachable server fails at once, not after
            # the pool's retries.
            psycopg.connect(dsn, connect_timeout=10).close()
            self._pool = ConnectionPool(
                dsn, min_size=min_connections, max_size=max_connections,
                kwargs={"autocommit": True}, open=False, name="reconnect-relay")
            self._pool.open(wait=True, timeout=15)
        except (psycopg.Error, PoolTimeout) as error:
            raise RelayStorageError(
                f"The relay database {self.name} cannot be reached ({type(error).__name__})."
            ) from error
        try:
            self._migrate()
        except psycopg.Error as error:
            self._pool.close()
            raise RelayStorageError(
                f"The relay database {self.name} cannot be prepared "
                f"({type(error).__name__}: {error.diag.message_primary or error})."
            ) from error
        except RelayStorageError:
            self._pool.close()
            raise
        self._closing = threading.Event()
        self._listener: threading.Thread | None = None

    # --- plumbing -----------------------------------------------------------------------

    def _migrate(self) -> None:
        with self._pool.connection() as conn, conn.transaction():
            # One process migrates; the others wait here and then find the schema current.
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute("CREATE TABLE IF NOT EXISTS relay_schema ("
                         "id INTEGER PRIMARY KEY CHECK (id = 1), version INTEGER NOT NULL)")
            row = conn.execute("SELECT version FROM relay_schema").fetchone()
            version = 0 if row is None else int(row[0])
            if version > SCHEMA_VERSION:
                raise RelayStorageError(
                    f"The relay database {self.name} was written by a newer relay "
                    f"(schema {version}); upgrade the relay.")
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                with conn.transaction():  # a savepoint per migration
                    conn.execute(script.encode("utf-8"))
                    conn.execute("INSERT INTO relay_schema (id, version) VALUES (1, %s) "
                                 "ON CONFLICT (id) DO UPDATE SET version = excluded.version",
                                 (number,))
            salt = conn.execute("SELECT value FROM meta WHERE name = 'address_salt'").fetchone()
            schema = conn.execute("SELECT current_schema()").fetchone()
        assert salt is not None and schema is not None
        self._salt = bytes(salt[0])
        # NOTIFY channels are per database, not per schema: one channel per relay schema.
        self.channel = f"reconnect_new_{schema[0]}"[:63]

    def _source(self, address: str) -> bytes:
        """A keyed hash of a client address: counters never hold the address itself."""
        return hashlib.blake2b(address.encode("utf-8"), key=self._salt, digest_size=16).digest()

    def _transact(self, work: Callable[[psycopg.Connection[Any]], T], *,
                  durable: bool = True) -> T:
        """Run ``work`` in one transaction, retried on deadlock or serialisation failure."""
        for attempt in range(_RETRIES):
            try:
                with self._pool.connection() as conn:
                    refusal: WireError | None = None
                    with conn.transaction():
                        if not durable:
                            conn.execute("SET LOCAL synchronous_commit = off")
                        try:
                            result = work(conn)
                        except _After as after:
                            refusal = after.error  # commit what was done, then refuse
                    if refusal is not None:
                        raise refusal
                    return result
            except (psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure,
                    _Retry):
                if attempt == _RETRIES - 1:
                    raise
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")

    def _read(self, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        with self._pool.connection() as conn:
            return work(conn)

    # --- admission ----------------------------------------------------------------------

    def _admit(self, conn: psycopg.Connection[Any], admission: Admission) -> None:
        """Inside a transaction: refuse a replayed nonce (nothing is kept), or count the
        request and refuse it over a rate limit (the nonce and count are kept: ``_After``)."""
        window = admission.now // 60
        fresh = conn.execute(
            "INSERT INTO nonces (key, nonce, expires) VALUES (%s, %s, %s) "
            "ON CONFLICT DO NOTHING RETURNING 1",
            (admission.key, admission.nonce, admission.nonce_expires)).fetchone()
        if fresh is None:
            raise WireError(ErrorCode.REPLAYED_NONCE, "nonce was already used")
        row = conn.execute(
            "INSERT INTO rates AS r (key, win, hits) VALUES (%s, %s, 1) "
            "ON CONFLICT (key) DO UPDATE SET "
            "hits = CASE WHEN r.win = excluded.win THEN r.hits + 1 ELSE 1 END, "
            "win = excluded.win RETURNING hits",
            (admission.key, window)).fetchone()
        assert row is not None
        if row[0] > admission.rate_limit:
            # The nonce stays recorded: a refused request cannot be replayed later either.
            raise _After(WireError(ErrorCode.RATE_LIMITED,
                                   f"more than {admission.rate_limit} requests in one minute"))
        if admission.source is None:
            return
        row = conn.execute(
            "INSERT INTO source_rates AS r (source, win, hits) VALUES (%s, %s, 1) "
            "ON CONFLICT (source) DO UPDATE SET "
            "hits = CASE WHEN r.win = excluded.win THEN r.hits + 1 ELSE 1 END, "
            "win = excluded.win RETURNING hits",
            (self._source(admission.source), window)).fetchone()
        assert row is not None
        if row[0] > admission.source_rate_limit:
            raise _After(WireError(
                ErrorCode.ADDRESS_BUDGET,
                f"more than {admission.source_rate_limit} requests from this address "
                "in one minute"))

    def admit(self, key: bytes, nonce: str, now: int, *, nonce_expires: int,
              rate_limit: int, source: str | None = None, source_rate_limit: int = 0) -> None:
        admission = Admission(key=key, nonce=nonce, now=now, nonce_expires=nonce_expires,
                              rate_limit=rate_limit, source=source,
                              source_rate_limit=source_rate_limit)
        self._transact(lambda conn: self._admit(conn, admission), durable=False)

    # --- budgets ------------------------------------------------------------------------

    def _charge(self, conn: psycopg.Connection[Any], growth: int, now: int,
                budget: Budget) -> None:
        """Refuse a write of ``growth`` new bytes over the total or the address's hourly
        budget, else count it against the address. Inside the write's transaction."""
        if growth <= 0:
            return
        row = conn.execute("SELECT COALESCE(SUM(bytes), 0) FROM usage").fetchone()
        assert row is not None
        if int(row[0]) + growth > budget.total_bytes:
            raise WireError(ErrorCode.RELAY_FULL, "the relay's storage is full")
        if budget.source is None:
            return
        row = conn.execute(
            "INSERT INTO source_bytes AS b (source, win, bytes) VALUES (%s, %s, %s) "
            "ON CONFLICT (source) DO UPDATE SET "
            "bytes = CASE WHEN b.win = excluded.win THEN b.bytes + excluded.bytes "
            "ELSE excluded.bytes END, win = excluded.win RETURNING bytes",
            (self._source(budget.source), now // 3600, growth)).fetchone()
        assert row is not None
        if row[0] > budget.source_bytes_per_hour:
            raise WireError(ErrorCode.ADDRESS_BUDGET,
                            f"this address stored more than {budget.source_bytes_per_hour}"
                            " bytes this hour")

    def usage(self) -> int:
        row = self._read(lambda conn: conn.execute(
            "SELECT COALESCE(SUM(bytes), 0) FROM usage").fetchone())
        return 0 if row is None else int(row[0])

    # --- mailboxes ----------------------------------------------------------------------

    def claim_mailbox(self, mailbox: str, owner: bytes, now: int) -> bool:
        def work(conn: psycopg.Connection[Any]) -> bool:
            if conn.execute("INSERT INTO mailboxes (id, owner) VALUES (%s, %s) "
                            "ON CONFLICT DO NOTHING RETURNING 1",
                            (mailbox, owner)).fetchone() is not None:
                return True
            row = conn.execute("SELECT owner FROM mailboxes WHERE id = %s",
                               (mailbox,)).fetchone()
            if row is None or bytes(row[0]) != owner:
                raise WireError(ErrorCode.FORBIDDEN, "mailbox belongs to another key")
            return False

        return self._transact(work)

    @staticmethod
    def _require_owner(conn: psycopg.Connection[Any], mailbox: str, owner: bytes) -> None:
        row = conn.execute("SELECT owner FROM mailboxes WHERE id = %s", (mailbox,)).fetchone()
        if row is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such mailbox")
        if bytes(row[0]) != owner:
            raise WireError(ErrorCode.FORBIDDEN, "only the mailbox's owner may do this")

    def deposit(self, mailbox: str, envelope_id: str, ciphertext: bytes, now: int, *,
                expires: int, max_count: int, max_bytes: int, budget: Budget,
                admission: Admission | None = None) -> bool:
        def admitted(conn: psycopg.Connection[Any]) -> bool:
            assert admission is not None
            self._admit(conn, admission)  # one commit for the nonce and the envelope
            try:
                with conn.transaction():  # a savepoint
                    return work(conn)
            except WireError as error:
                raise _After(error) from None  # nothing stored; the nonce and count stay

        def work(conn: psycopg.Connection[Any]) -> bool:
            return self._deposit(conn, mailbox, envelope_id, ciphertext, now, expires=expires,
                                 max_count=max_count, max_bytes=max_bytes, budget=budget)

        return self._transact(work if admission is None else admitted)

    def _deposit(self, conn: psycopg.Connection[Any], mailbox: str, envelope_id: str,
                 ciphertext: bytes, now: int, *, expires: int, max_count: int, max_bytes: int,
                 budget: Budget) -> bool:
        # The mailbox's row lock orders its deposits: seq follows commit order.
        if conn.execute("SELECT 1 FROM mailboxes WHERE id = %s FOR UPDATE",
                        (mailbox,)).fetchone() is None:
            raise WireError(ErrorCode.NOT_FOUND, "no such mailbox")
        if conn.execute("SELECT 1 FROM envelopes WHERE mailbox = %s AND id = %s",
                        (mailbox, envelope_id)).fetchone() is not None:
            return False
        row = conn.execute(
            "SELECT COUNT(*), COALESCE(SUM(size), 0) FROM envelopes "
            "WHERE mailbox = %s AND ciphertext IS NOT NULL", (mailbox,)).fetchone()
        assert row is not None
        if row[0] + 1 > max_count or row[1] + len(ciphertext) > max_bytes:
            raise WireError(ErrorCode.MAILBOX_FULL, "mailbox quota reached")
        self._charge(conn, len(ciphertext), now, budget)
        conn.execute(
            "INSERT INTO envelopes (mailbox, id, size, received, expires, ciphertext) "
            "VALUES (%s, %s, %s, %s, %s, %s)",
            (mailbox, envelope_id, len(ciphertext), now, expires, ciphertext))
        # Delivered to every listening relay process when (and only if) this commits; the
        # payload is a hash of the mailbox id, never the id.
        conn.execute("SELECT pg_notify(%s, %s)", (self.channel, mailbox_token(mailbox)))
        return True

    def deposit_many(self, envelopes: list[tuple[str, str, bytes]], now: int, *, expires: int,
                     max_count: int, max_bytes: int, budget: Budget,
                     admission: Admission | None = None) -> list[bool | WireError]:
        # Mailboxes are locked in sorted order (two batches never wait on each other in a
        # circle); envelopes of one mailbox keep their order, so their seq follows the request.
        order = sorted(range(len(envelopes)), key=lambda i: envelopes[i][0])

        def work(conn: psycopg.Connection[Any]) -> list[bool | WireError]:
            if admission is not None:
                self._admit(conn, admission)
            answers: dict[int, bool | WireError] = {}
            for index in order:
                mailbox, envelope_id, ciphertext = envelopes[index]
                try:
                    with conn.transaction():  # a savepoint: a refusal undoes only its own
                        answers[index] = self._deposit(
                            conn, mailbox, envelope_id, ciphertext, now, expires=expires,
                            max_count=max_count, max_bytes=max_bytes, budget=budget)
                except WireError as error:
                    answers[index] = error
            return [answers[index] for index in range(len(envelopes))]

        return self._transact(work)

    def fetch(self, mailbox: str, owner: bytes, since: int, limit: int, now: int) -> FetchPage:
        def work(conn: psycopg.Connection[Any]) -> list[Any]:
            self._require_owner(conn, mailbox, owner)
            return conn.execute(
                "SELECT id, seq, ciphertext FROM envelopes WHERE mailbox = %s AND seq > %s "
                "AND ciphertext IS NOT NULL AND expires > %s ORDER BY seq LIMIT %s",
                (mailbox, since, now, limit + 1)).fetchall()

        rows = self._read(work)
        envelopes = [StoredEnvelope(id=r[0], seq=r[1], ciphertext=bytes(r[2]))
                     for r in rows[:limit]]
        cursor = envelopes[-1].seq if envelopes else since
        return FetchPage(envelopes=envelopes, cursor=cursor, more=len(rows) > limit)

    def acknowledge(self, mailbox: str, owner: bytes, envelope_ids: list[str]) -> int:
        def work(conn: psycopg.Connection[Any]) -> int:
            self._require_owner(conn, mailbox, owner)
            cursor = conn.execute(
                "UPDATE envelopes SET ciphertext = NULL, size = 0 "
                "WHERE mailbox = %s AND id = ANY(%s) AND ciphertext IS NOT NULL",
                (mailbox, list(dict.fromkeys(envelope_ids))))
            return max(cursor.rowcount, 0)

        return self._transact(work)

    # --- items --------------------------------------------------------------------------

    def put_item(self, item_id: str, owner: bytes, item: ItemVersion, now: int, *,
                 expires: int, budget: Budget) -> bool:
        size = len(item.ciphertext)

        def work(conn: psycopg.Connection[Any]) -> bool:
            row = conn.execute("SELECT owner, version, size FROM items WHERE id = %s "
                               "FOR UPDATE", (item_id,)).fetchone()
            if row is None:
                _check_step(item.version, 0)
                self._charge(conn, size, now, budget)
                created = conn.execute(
                    "INSERT INTO items (id, owner, version, ciphertext, size, expires) "
                    "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                    (item_id, owner, item.version, item.ciphertext, size, expires)).fetchone()
                if created is not None:
                    return True
                # Another process created it meanwhile: retry as an update of theirs.
                raise _Retry()
            if bytes(row[0]) != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            if item.version <= row[1]:
                raise WireError(ErrorCode.VERSION_CONFLICT, f"version must be above {row[1]}")
            _check_step(item.version, row[1])
            self._charge(conn, size - row[2], now, budget)
            conn.execute("UPDATE items SET version = %s, ciphertext = %s, size = %s, "
                         "expires = %s WHERE id = %s",
                         (item.version, item.ciphertext, size, expires, item_id))
            return False

        return self._transact(work)

    def get_item(self, item_id: str, now: int) -> ItemVersion | None:
        row = self._read(lambda conn: conn.execute(
            "SELECT version, ciphertext FROM items WHERE id = %s AND ciphertext IS NOT NULL "
            "AND expires > %s", (item_id, now)).fetchone())
        return None if row is None else ItemVersion(version=row[0], ciphertext=bytes(row[1]))

    def delete_item(self, item_id: str, owner: bytes, now: int, *, keep_until: int) -> None:
        def work(conn: psycopg.Connection[Any]) -> None:
            row = conn.execute("SELECT owner FROM items WHERE id = %s AND ciphertext IS NOT NULL "
                               "AND expires > %s FOR UPDATE", (item_id, now)).fetchone()
            if row is None:
                raise WireError(ErrorCode.NOT_FOUND, "no such item")
            if bytes(row[0]) != owner:
                raise WireError(ErrorCode.FORBIDDEN, "item belongs to another key")
            conn.execute("UPDATE items SET ciphertext = NULL, size = 0, expires = %s "
                         "WHERE id = %s", (keep_until, item_id))

        self._transact(work)

    # --- invitations --------------------------------------------------------------------

    def put_invitation(self, lookup_id: str, bundle: bytes, expires: int, now: int, *,
                       budget: Budget) -> None:
        def work(conn: psycopg.Connection[Any]) -> None:
            conn.execute("DELETE FROM invitations WHERE id = %s AND expires <= %s",
                         (lookup_id, now))
            if conn.execute("SELECT 1 FROM invitations WHERE id = %s",
                            (lookup_id,)).fetchone() is not None:
                raise WireError(ErrorCode.EXISTS, "an invitation with this id exists")
            self._charge(conn, len(bundle), now, budget)
            if conn.execute("INSERT INTO invitations (id, bundle, expires) VALUES (%s, %s, %s) "
                            "ON CONFLICT DO NOTHING RETURNING 1",
                            (lookup_id, bundle, expires)).fetchone() is None:
                raise WireError(ErrorCode.EXISTS, "an invitation with this id exists")

        self._transact(work)

    def take_invitation(self, lookup_id: str, now: int) -> bytes | None:
        row = self._transact(lambda conn: conn.execute(
            "DELETE FROM invitations WHERE id = %s RETURNING bundle, expires",
            (lookup_id,)).fetchone())
        if row is None or row[1] <= now:
            return None
        return bytes(row[0])

    # --- housekeeping -------------------------------------------------------------------

    def purge_expired(self, now: int, *, item_tombstone_seconds: int) -> int:
        def work(conn: psycopg.Connection[Any]) -> int:
            statements: list[tuple[str, tuple[int, ...]]] = [
                ("DELETE FROM envelopes WHERE expires <= %s", (now,)),
                ("DELETE FROM invitations WHERE expires <= %s", (now,)),
                # Tombstones past their time go; then expired content becomes a tombstone.
                ("DELETE FROM items WHERE ciphertext IS NULL AND expires <= %s", (now,)),
                ("UPDATE items SET ciphertext = NULL, size = 0, expires = %s "
                 "WHERE ciphertext IS NOT NULL AND expires <= %s",
                 (now + item_tombstone_seconds, now)),
                ("DELETE FROM nonces WHERE expires <= %s", (now,)),
                ("DELETE FROM rates WHERE win < %s", (now // 60,)),
                ("DELETE FROM source_rates WHERE win < %s", (now // 60,)),
                ("DELETE FROM source_bytes WHERE win < %s", (now // 3600,)),
            ]
            return sum(max(conn.execute(sql, args).rowcount, 0) for sql, args in statements)

        return self._transact(work)

    # --- push ---------------------------------------------------------------------------

    def owned_mailboxes(self, owner: bytes, mailboxes: list[str]) -> list[str]:
        def work(conn: psycopg.Connection[Any]) -> list[str]:
            rows = conn.execute("SELECT id FROM mailboxes WHERE owner = %s AND id = ANY(%s)",
                                (owner, mailboxes)).fetchall()
            return sorted(str(row[0]) for row in rows)

        return self._read(work)

    def listen(self, wake: Callable[[str | None], None]) -> None:
        """LISTEN on a connection of its own, in a thread: every relay process on the database
        hears every deposit. A lost connection is made again (with backoff), and then everyone
        is woken, since deposits meanwhile went unheard."""
        self._listener = threading.Thread(target=self._listen_forever, args=(wake,),
                                          name="relay-listen", daemon=True)
        self._listener.start()

    def _listen_forever(self, wake: Callable[[str | None], None]) -> None:
        pause = 0.5
        first = True
        while not self._closing.is_set():
            try:
                with psycopg.connect(self.dsn, autocommit=True, connect_timeout=10) as conn:
                    conn.execute(sql.SQL("LISTEN {}").format(sql.Identifier(self.channel)))
                    if not first:
                        wake(None)
                    first, pause = False, 0.5
                    while not self._closing.is_set():
                        for notice in conn.notifies(timeout=_LISTEN_POLL_SECONDS):
                            wake(notice.payload)
            except psycopg.Error as error:
                if self._closing.is_set():
                    return
                log.warning("deposit notifications interrupted (%s); retrying",
                            type(error).__name__)
                first = False
                self._closing.wait(pause)
                pause = min(pause * 2, 30.0)

    def close(self) -> None:
        self._closing.set()
        if self._listener is not None:
            self._listener.join(_LISTEN_POLL_SECONDS + 2)
        self._pool.close()


def _check_step(version: int, held: int) -> None:
    if version - held > MAX_VERSION_STEP:
        raise WireError(ErrorCode.VERSION_TOO_HIGH,
                        f"version may rise by at most {MAX_VERSION_STEP} in one write")
