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
from pathlib import Path
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from ..clock import utc_now
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
from . import failures, keys
from .db import (
    Connection,
    DatabaseError,
    KeyRejected,
    open_connection,
    page_check_fails,
)
from .schema import migrate

BACKUP_MAGIC = b"RECONNECT-BACKUP-1\n"




class _HasVault(Protocol):
    @property
    def vault(self) -> Vault: ...


S = TypeVar("S", bound=_HasVault)
P = ParamSpec("P")
R = TypeVar("R")


def serialised(method: Callable[Concatenate[S, P], R]) -> Callable[Concatenate[S, P], R]:
    """Run a service method (of an object with a ``vault``) inside one write transaction.

    For every load – encrypt/decrypt – commit of ratchet state (Olm sessions and accounts,
    Megolm sessions, counters): the state is read after the vault's write lock is taken and
    stored before it is released, so two processes on one vault never advance the same state
    twice (both would send "message 5", and one of them would never decrypt)."""

    def wrapper(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with self.vault.transaction():
            return method(self, *args, **kwargs)

    functools.update_wrapper(wrapper, method)
    return wrapper


PAGE_SIZE = 4096  # SQLCipher 4's default, which every vault uses


def _refuse_cut_short(path: Path) -> None:
    """An empty file, or one cut inside a page, is a damaged vault, never a new one: SQLite
    would otherwise treat an empty file as a new database and the migrations would fill it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise VaultNotFound(
            _("No vault at {path}. Create one with: reconnect init").format(path=path)
        ) from None
    except OSError as exc:
        raise failures.from_os_error(exc, path) from None
    if size == 0:
        raise VaultDamaged(
            _(
                "The vault at {path} is empty (0 bytes): its content is lost. If you have a"
                " backup, restore it with: reconnect restore BACKUP_FILE"
            ).format(path=path)
        )
    if size % PAGE_SIZE:
        raise VaultDamaged(keys.damaged_message(path))


def _open_failure(exc: KeyRejected, path: Path, outcome: failures.Outcome) -> VaultError:
    """Why SQLCipher could not open ``path``: the disk or folder if that is it, else damage."""
    return failures.from_sqlite_error(exc, path, outcome) or VaultDamaged(
        keys.damaged_message(path)
    )



def refuse_folder(path: Path) -> None:
    """A vault is a file: a folder given as one is said as such (not as a damaged vault)."""
    if Path(path).is_dir():
        raise VaultNotFound(
            _("{path} is a folder. A vault is a file in it, for example {example}.").format(
                path=path, example=Path(path) / "vault.db"))

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
        kdf = kdf or keys.KdfParams.default()
        kdf.check()
        vault_key = keys.new_vault_key()
        code = keys.new_recovery_code()
        header = keys.new_header(vault_key, passphrase, code, kdf)
        old_umask = os.umask(0o077)
        conn: Connection | None = None
        try:
            try:
                path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
                with failures.translated(path, failures.Outcome.NOT_CREATED):
                    conn = open_connection(path, vault_key)
                    migrate(conn)
                    vault = cls(path, conn, vault_key, header)
                    vault._seed(profile)
                keys.write_header(path, header)
            except KeyRejected as exc:
                raise _open_failure(exc, path, failures.Outcome.NOT_CREATED) from None
            except OSError as exc:
                place = Path(exc.filename) if exc.filename else path.parent
                raise failures.from_os_error(exc, place, failures.Outcome.NOT_CREATED) from None
        except BaseException:
            if conn is not None:
                with contextlib.suppress(Exception):
                    conn.close()
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                with contextlib.suppress(OSError):
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
        _refuse_cut_short(path)
        try:
            conn = open_connection(path, vault_key)
        except KeyRejected as exc:
            raise _open_failure(exc, path, failures.Outcome.INTACT) from None
        try:
            with failures.translated(path):
                if page_check_fails(conn, full=False):
                    raise VaultDamaged(keys.damaged_message(path))
                migrate(conn)
        except DatabaseError:  # not damage, not the disk: a schema this code cannot read
            conn.close()
            raise VaultDamaged(keys.damaged_message(path)) from None
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, vault_key, header)

    @staticmethod
    def _header_for(path: Path) -> keys.KeyHeader:
        path = Path(path)
        refuse_folder(path)
        if not path.exists():
            if keys.header_path(path).exists():  # the key header without its database
                raise VaultDamaged(keys.damaged_message(path))
            raise VaultNotFound(
                _("No vault at {path}. Create one with: reconnect init").format(path=path)
            )
        _refuse_cut_short(path)  # before the passphrase is asked for and Argon2id runs
        return keys.read_header(path)

    @staticmethod
    def exists(path: Path) -> bool:
        return Path(path).exists()

    def _seed(self, profile: Profile) -> None:
        now = utc_now().isoformat()
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
        """Damage met while reading, or a disk error, is raised as our error naming the file."""
        with self._lock, failures.translated(self.path):
            yield self._connection()

    @contextlib.contextmanager
    def transaction(self, *, savepoint: bool = True) -> Iterator[Connection]:
        """A write transaction: all of it is committed, or none of it.

        ``BEGIN IMMEDIATE`` takes the database's write lock at once, so another process
        writing the same vault waits (``db.BUSY_TIMEOUT_MS``) instead of working from a state
        that is about to change. Nested calls are savepoints of the outer transaction: a
        service holds one transaction across load – encrypt – commit of a ratchet state, and
        the repository methods it calls inside join it (an inner failure undoes only its own
        part; the outer commit is the only one).

        ``savepoint=False`` joins an open transaction without a savepoint of its own, for a
        write whose every caller lets a failure reach the caller's own transaction (which then
        undoes it with everything else). A savepoint is not free under SQLCipher: each page it
        touches is copied into an in-memory sub-journal, allocation by allocation, and every
        allocation is locked and wiped (``cipher_memory_security``); on a message send it was
        about a third of the allocations. Outside a transaction it begins one as usual.

        A full disk or a file that cannot be written is raised as ``DiskFull`` /
        ``VaultNotWritable`` after the rollback (SQLite may already have rolled back itself, so
        an explicit ROLLBACK is sent only while a transaction is still open).
        """
        with self._lock, failures.translated(self.path):
            conn = self._connection()
            if self._depth and not savepoint:
                yield conn
                return
            if self._depth:
                name = f"nested_{self._depth}"
                conn.execute(f"SAVEPOINT {name}")
                self._depth += 1
                try:
                    yield conn
                except BaseException:
                    if conn.in_transaction:  # SQLite may have rolled it all back (a full disk)
                        with contextlib.suppress(DatabaseError):
                            conn.execute(f"ROLLBACK TO {name}")
                            conn.execute(f"RELEASE {name}")
                    raise
                finally:
                    self._depth -= 1
                conn.execute(f"RELEASE {name}")
                return
            conn.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    with contextlib.suppress(DatabaseError):
                        conn.execute("ROLLBACK")
                raise
            finally:
                self._depth = 0

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
        try:
            keys.write_header(self.path, header)
        except OSError as exc:
            raise failures.from_os_error(
                exc, self.path.parent, failures.Outcome.NOT_CHANGED
            ) from None
        self._header = header

    # -- backup and restore ------------------------------------------------------------------

    def verify(self) -> None:
        """Read every page back and check every b-tree; raise ``VaultDamaged`` if any fails."""
        with self.read() as conn:
            damaged = page_check_fails(conn, full=True)
        if damaged:
            raise VaultDamaged(
                _(
                    "The vault at {path} is damaged: parts of it no longer read back, so no backup"
                    " was written (it would carry the damage). Your earlier backups are"
                    " unchanged; restore the newest of them with: reconnect restore BACKUP_FILE"
                ).format(path=self.path)
            )

    def backup(self, target: Path) -> None:
        """Write an encrypted copy (online backup API) and the key header into one file.

        The vault is checked first, and the copy is opened again and checked before it takes
        ``target``'s name, so "Backup written" always means a backup that restores. A backup
        that fails halfway leaves nothing behind, and a file already at ``target`` untouched.
        """
        target = Path(target)
        if not target.parent.is_dir():
            raise VaultError(_("The folder {folder} does not exist.").format(folder=target.parent))
        self.verify()
        copy_path = target.with_name(target.name + ".partial")
        combined = target.with_name(target.name + ".partial-file")
        no_backup = failures.Outcome.NO_BACKUP
        try:
            for leftover in (copy_path, combined):
                leftover.unlink(missing_ok=True)
            self._copy_to(copy_path)
            header = self._header.to_json().encode("utf-8")
            fd = os.open(combined, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.write(BACKUP_MAGIC)
                out.write(f"{len(header)}\n".encode())
                out.write(header)
                out.write(copy_path.read_bytes())
                out.flush()
                os.fsync(out.fileno())
            os.replace(combined, target)
        except OSError as exc:
            place = Path(exc.filename).parent if exc.filename else target.parent
            raise failures.from_os_error(exc, place, no_backup) from None
        finally:
            _remove([*_with_sidecars(copy_path), combined])

    def _copy_to(self, copy_path: Path) -> None:
        """Copy the vault into ``copy_path`` with the same key, then open it and check it."""
        no_backup = failures.Outcome.NO_BACKUP
        try:
            copy = open_connection(copy_path, self.key)
        except KeyRejected as exc:
            raise _open_failure(exc, copy_path, no_backup) from None
        try:
            with self._lock:
                conn = self._connection()
                conn.backup(copy)
            copy.execute("PRAGMA journal_mode = DELETE")
        except DatabaseError as exc:
            if failures.sqlite_code(exc) in failures.DAMAGE_CODES:  # the vault, read for the copy
                raise VaultDamaged(keys.damaged_message(self.path)) from None
            raise failures.from_sqlite_error(exc, copy_path, no_backup) or VaultError(
                _("The backup could not be written ({reason}). {outcome}").format(
                    reason=type(exc).__name__, outcome=no_backup.text()
                )
            ) from None
        finally:
            copy.close()
        try:
            check = open_connection(copy_path, self.key, read_only=True)
        except KeyRejected as exc:
            cause = failures.from_sqlite_error(exc, copy_path, no_backup)
            if cause is not None and not isinstance(cause, VaultDamaged):
                raise cause from None
            check = None
        try:
            copy_damaged = check is None or page_check_fails(check, full=True)
        finally:
            if check is not None:
                check.close()
        if copy_damaged:  # the vault read back whole a moment ago: the disk lost the copy
            raise VaultError(
                _(
                    "The backup copy did not read back whole, so it was removed. {outcome} Check"
                    " the disk that holds {folder}, or write the backup somewhere else."
                ).format(outcome=no_backup.text(), folder=copy_path.parent)
            )


def _with_sidecars(path: Path) -> list[Path]:
    return [path] + [Path(f"{path}{suffix}") for suffix in ("-wal", "-shm", "-journal")]


def _remove(paths: list[Path]) -> None:
    for path in paths:
        with contextlib.suppress(OSError):
            path.unlink(missing_ok=True)


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
    incoming = vault_path.with_name(vault_path.name + ".restoring")
    not_restored = failures.Outcome.NOT_RESTORED
    try:
        vault_path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd = os.open(incoming, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(db_bytes)
            out.flush()
            os.fsync(out.fileno())
    except OSError as exc:
        with contextlib.suppress(OSError):
            incoming.unlink(missing_ok=True)
        raise failures.from_os_error(exc, vault_path.parent, not_restored) from None
    try:
        check = open_connection(incoming, vault_key, read_only=True)
    except KeyRejected as exc:
        check = None
        environment = failures.from_sqlite_error(exc, incoming, not_restored)
        if environment is not None and not isinstance(environment, VaultDamaged):
            _remove(_with_sidecars(incoming))
            raise environment from None
    try:
        damaged = check is None or page_check_fails(check, full=True)
    except DatabaseError as exc:
        _remove(_with_sidecars(incoming))
        raise failures.from_sqlite_error(exc, incoming, not_restored) or VaultError(
            _("{path} could not be checked. {outcome}").format(
                path=backup, outcome=not_restored.text()
            )
        ) from None
    finally:
        if check is not None:
            check.close()
    if damaged:
        _remove(_with_sidecars(incoming))
        raise VaultDamaged(
            _("{path} is not a ReConnect backup, or it is damaged.").format(path=backup)
        )
    kept: Path | None = None
    moved: list[tuple[Path, Path]] = []
    header_written = False
    try:
        if vault_path.exists():
            stamp = utc_now().strftime("%Y%m%dT%H%M%S")
            kept = vault_path.with_name(f"{vault_path.name}.before-restore-{stamp}")
            for suffix in ("", ".keys", "-wal", "-shm"):
                side = Path(f"{vault_path}{suffix}")
                if side.exists():
                    os.replace(side, Path(f"{kept}{suffix}"))
                    moved.append((side, Path(f"{kept}{suffix}")))
        keys.write_header(vault_path, header)
        header_written = True
        os.replace(incoming, vault_path)
    except OSError as exc:  # put back what was there: the restore did not happen
        _remove(_with_sidecars(incoming))
        if header_written and not moved:
            _remove([keys.header_path(vault_path)])
        for original, aside in reversed(moved):
            with contextlib.suppress(OSError):
                os.replace(aside, original)
        raise failures.from_os_error(exc, vault_path.parent, not_restored) from None
    return kept
