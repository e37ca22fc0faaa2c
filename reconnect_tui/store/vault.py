"""The vault: one SQLCipher file per person, opened through the key header beside it.

A ``Vault`` owns its single connection; every access goes through ``read()`` or
``transaction()``, which hold one lock, so a connection is never used from two threads at once.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from ..errors import (
    KeyHeaderInvalid,
    VaultDamaged,
    VaultError,
    VaultExists,
    VaultLocked,
    VaultNotFound,
)
from ..i18n import _
from ..model import DEFAULT_LIFE_DOMAINS, Profile, Role
from ..text_safety import clean_label
from . import keys
from .db import Connection, DatabaseError, KeyRejected, open_connection
from .schema import migrate

BACKUP_MAGIC = b"RECONNECT-BACKUP-1\n"


def utcnow() -> datetime:
    return datetime.now(UTC)


S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


def serialised(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a service method (of an object with a ``vault``) inside one write transaction.

    For every load – encrypt/decrypt – commit of ratchet state (Olm sessions and accounts,
    Megolm sessions, counters): the state is read after the vault's write lock is taken and
    stored before it is released, so two processes on one vault never advance the same state
    twice (both would send "message 5", and one of them would never decrypt)."""

    @functools.wraps(method)
    def wrapper(self: S, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.vault.transaction():  # type: ignore[attr-defined]
            return method(self, *args, **kwargs)

    return wrapper


class Vault:
    """An unlocked vault. Create with ``Vault.create`` or open with ``Vault.unlock``."""

    _depth = 0
    """How deep in :meth:`transaction` the thread holding the lock is (0: not in one)."""

    def __init__(self, path: Path, conn: Connection, key: bytes, header: keys.KeyHeader) -> None:
        self.path = path
        self._conn: Connection | None = conn
        self._key: bytes | None = key
        self._header = header
        self._lock = threading.RLock()

    # -- opening -----------------------------------------------------------------------------

    @classmethod
    def create(
        cls,
        path: Path,
        passphrase: str,
        profile: Profile,
        kdf: keys.KdfParams | None = None,
    ) -> tuple[Vault, str]:
        """Create a new vault; returns it unlocked and the recovery code (shown once)."""
        path = Path(path)
        if path.exists() or keys.header_path(path).exists():
            raise VaultExists(_("A vault already exists at {path}.").format(path=path))
        kdf = kdf or keys.KdfParams()
        kdf.check()
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        vault_key = keys.new_vault_key()
        code = keys.new_recovery_code()
        header = keys.new_header(vault_key, passphrase, code, kdf)
        old_umask = os.umask(0o077)
        try:
            conn = open_connection(path, vault_key)
            migrate(conn)
            vault = cls(path, conn, vault_key, header)
            vault._seed(profile)
            keys.write_header(path, header)
        except BaseException:
            with contextlib.suppress(Exception):
                conn.close()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise
        finally:
            os.umask(old_umask)
        return vault, code

    @classmethod
    def unlock(cls, path: Path, passphrase: str) -> Vault:
        header = cls._header_for(path)
        vault_key = keys.unwrap(header, keys.PASSPHRASE_SLOT, passphrase)
        return cls.open_with_key(path, vault_key, header)

    @classmethod
    def unlock_with_recovery_code(cls, path: Path, code: str) -> Vault:
        header = cls._header_for(path)
        vault_key = keys.unwrap(header, keys.RECOVERY_SLOT, keys.normalize_recovery_code(code))
        return cls.open_with_key(path, vault_key, header)

    @classmethod
    def open_with_key(cls, path: Path, vault_key: bytes, header: keys.KeyHeader) -> Vault:
        """Open with an already unwrapped key (after Argon2id, or a key kept by a test)."""
        path = Path(path)
        try:
            conn = open_connection(path, vault_key)
            migrate(conn)
        except (KeyRejected, DatabaseError):
            raise VaultDamaged(keys.damaged_message(path)) from None
        return cls(path, conn, vault_key, header)

    @staticmethod
    def _header_for(path: Path) -> keys.KeyHeader:
        path = Path(path)
        if not path.exists():
            raise VaultNotFound(
                _("No vault at {path}. Create one with: reconnect init").format(path=path)
            )
        return keys.read_header(path)

    @staticmethod
    def exists(path: Path) -> bool:
        return Path(path).exists()

    def _seed(self, profile: Profile) -> None:
        now = utcnow().isoformat()
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO meta(key, value) VALUES (?, ?)",
                [
                    ("name", profile.name),
                    ("role", profile.role.value),
                    ("locale", profile.locale),
                    ("created_at", now),
                    ("what_matters", ""),
                ],
            )
            if profile.role is Role.USER:
                conn.executemany(
                    "INSERT INTO life_domains(name, position, is_default) VALUES (?, ?, 1)",
                    [(name, i) for i, name in enumerate(DEFAULT_LIFE_DOMAINS)],
                )
            conn.execute("INSERT INTO crisis_plan(id) VALUES (1)")

    # -- access ------------------------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self._conn is not None

    @property
    def vault_id(self) -> str:
        return self._header.vault_id

    def _connection(self) -> Connection:
        if self._conn is None:
            raise VaultLocked(_("The vault is locked."))
        return self._conn

    @contextlib.contextmanager
    def read(self) -> Iterator[Connection]:
        with self._lock:
            yield self._connection()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: all of it is committed, or none of it.

        ``BEGIN IMMEDIATE`` takes the database's write lock at once, so another process
        writing the same vault waits (``db.BUSY_TIMEOUT_MS``) instead of working from a state
        that is about to change. Nested calls are savepoints of the outer transaction: a
        service holds one transaction across load – encrypt – commit of a ratchet state, and
        the repository methods it calls inside join it (an inner failure undoes only its own
        part; the outer commit is the only one).
        """
        with self._lock:
            conn = self._connection()
            if self._depth:
                savepoint = f"nested_{self._depth}"
                conn.execute(f"SAVEPOINT {savepoint}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    conn.execute(f"ROLLBACK TO {savepoint}")
                    conn.execute(f"RELEASE {savepoint}")
                    raise
                finally:
                    self._depth -= 1
                conn.execute(f"RELEASE {savepoint}")
                return
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0
            conn.execute("COMMIT")

    @property
    def in_transaction(self) -> bool:
        """This thread's code is inside :meth:`transaction` (only meaningful under the lock)."""
        return self._depth > 0

    def close(self) -> None:
        """Lock: close the connection and drop the key from this object."""
        with self._lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None
            self._key = None

    def __enter__(self) -> Vault:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def key(self) -> bytes:
        """The raw vault key, for deriving per-purpose keys (sync identity, sharing)."""
        if self._key is None:
            raise VaultLocked(_("The vault is locked."))
        return self._key

    def profile(self) -> Profile:
        with self.read() as conn:
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
        return Profile(name=clean_label(meta["name"]), role=Role(meta["role"]),
                       locale=meta.get("locale", "NO"))

    # -- keys --------------------------------------------------------------------------------

    def change_passphrase(self, new_passphrase: str) -> None:
        """Re-wrap the vault key under a new passphrase; the database is not rewritten."""
        header = keys.rewrap_passphrase(self._header, self.key, new_passphrase)
        keys.write_header(self.path, header)
        self._header = header

    # -- backup and restore ------------------------------------------------------------------

    def backup(self, target: Path) -> None:
        """Write an encrypted copy (online backup API) and the key header into one file."""
        target = Path(target)
        if not target.parent.is_dir():
            raise VaultError(_("The folder {folder} does not exist.").format(folder=target.parent))
        partial = target.with_name(target.name + ".partial")
        try:
            partial.unlink(missing_ok=True)
            copy = open_connection(partial, self.key)
            try:
                with self.read() as conn:
                    conn.backup(copy)
                copy.execute("PRAGMA journal_mode = DELETE")
            finally:
                copy.close()
            header = self._header.to_json().encode("utf-8")
            fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(BACKUP_MAGIC)
                out.write(f"{len(header)}\n".encode())
                out.write(header)
                out.write(partial.read_bytes())
                out.flush()
                os.fsync(out.fileno())
        except OSError as exc:
            raise VaultError(
                _("Could not write the backup to {path}: {reason}").format(
                    path=target, reason=exc.strerror or exc
                )
            ) from None
        finally:
            partial.unlink(missing_ok=True)
            for suffix in ("-wal", "-shm", "-journal"):
                Path(f"{partial}{suffix}").unlink(missing_ok=True)


def read_backup(backup: Path) -> tuple[keys.KeyHeader, bytes]:
    """Split a backup file into its key header and encrypted database bytes."""
    backup = Path(backup)
    try:
        data = backup.read_bytes()
    except FileNotFoundError:
        raise VaultNotFound(_("No backup file at {path}.").format(path=backup)) from None
    except OSError as exc:
        raise VaultError(
            _("Could not read {path}: {reason}").format(path=backup, reason=exc.strerror)
        ) from None
    not_backup = VaultDamaged(
        _("{path} is not a ReConnect backup, or it is damaged.").format(path=backup)
    )
    if not data.startswith(BACKUP_MAGIC):
        raise not_backup
    rest = data[len(BACKUP_MAGIC) :]
    length_line, _sep, rest = rest.partition(b"\n")
    try:
        length = int(length_line)
        header_text = rest[:length].decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        raise not_backup from None
    try:
        header = keys.KeyHeader.from_json(header_text, backup)
    except KeyHeaderInvalid as exc:
        raise VaultDamaged(
            _(
                "{path} is not a ReConnect backup, or it is damaged (its key header: {problem})."
            ).format(path=backup, problem=exc.problem)
        ) from None
    return header, rest[length:]


def restore(
    backup: Path, vault_path: Path, passphrase: str, *, replace: bool = False
) -> Path | None:
    """Restore ``backup`` to ``vault_path``, checking first that it opens with ``passphrase``.

    An existing vault is never overwritten silently: without ``replace`` this refuses; with it,
    the existing vault is moved aside (returned path) before the backup takes its place.
    """
    vault_path = Path(vault_path)
    header, db_bytes = read_backup(backup)
    vault_key = keys.unwrap(header, keys.PASSPHRASE_SLOT, passphrase)
    if vault_path.exists() and not replace:
        raise VaultExists(
            _(
                "A vault already exists at {path}. Add --replace to restore over it"
                " (the current vault is kept beside it)."
            ).format(path=vault_path)
        )
    vault_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    incoming = vault_path.with_name(vault_path.name + ".restoring")
    fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(db_bytes)
        out.flush()
        os.fsync(out.fileno())
    try:
        check = open_connection(incoming, vault_key)
        try:
            check.execute("PRAGMA quick_check").fetchone()
        finally:
            check.close()
    except (KeyRejected, DatabaseError):
        incoming.unlink(missing_ok=True)
        raise VaultDamaged(
            _("{path} is not a ReConnect backup, or it is damaged.").format(path=backup)
        ) from None
    kept: Path | None = None
    if vault_path.exists():
        stamp = utcnow().strftime("%Y%m%dT%H%M%S")
        kept = vault_path.with_name(f"{vault_path.name}.before-restore-{stamp}")
        os.replace(vault_path, kept)
        if keys.header_path(vault_path).exists():
            os.replace(keys.header_path(vault_path), keys.header_path(kept))
        for suffix in ("-wal", "-shm"):
            side = Path(f"{vault_path}{suffix}")
            if side.exists():
                os.replace(side, Path(f"{kept}{suffix}"))
    keys.write_header(vault_path, header)
    os.replace(incoming, vault_path)
    return kept
