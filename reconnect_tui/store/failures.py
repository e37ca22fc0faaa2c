"""Telling a damaged vault from one that cannot be written: a read-only folder or a full disk.

SQLite says "unable to open database file", "attempt to write a readonly database", "disk I/O
error" or "database or disk is full" for conditions that leave the vault intact; only
SQLITE_CORRUPT and SQLITE_NOTADB mean that the file itself is damaged. SQLite does not pass on
the OS error behind a failed open, so for the others the file system is asked directly (can the
file be opened for writing, can a file be created and written beside it) and its answer
(EACCES, EPERM, EROFS, ENOSPC, EDQUOT) decides the message.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Iterator
from enum import Enum
from pathlib import Path

from ..errors import DiskFull, VaultDamaged, VaultError, VaultNotWritable
from ..i18n import _
from .db import SQLITE_CORRUPT, SQLITE_NOTADB, DatabaseError
from .keys import damaged_message

SQLITE_PERM = 3
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
DAMAGE_CODES = frozenset({SQLITE_CORRUPT, SQLITE_NOTADB})
ENVIRONMENT_CODES = frozenset(
    {SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN}
)
PERMISSION_ERRNOS = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT})
PROBE_BYTES = 32 * 1024  # what SQLite needs first beside a vault: its shared-memory file


class Outcome(Enum):
    """What the failed step left behind, said after the cause."""

    INTACT = "intact"
    NOT_CREATED = "not-created"
    NO_BACKUP = "no-backup"
    NOT_RESTORED = "not-restored"
    NOT_CHANGED = "not-changed"

    def text(self) -> str:
        if self is Outcome.NOT_CREATED:
            return _("No vault was created.")
        if self is Outcome.NO_BACKUP:
            return _("Your vault is intact; no backup was written.")
        if self is Outcome.NOT_CHANGED:
            return _("Your vault is intact; the passphrase was not changed.")
        if self is Outcome.NOT_RESTORED:
            return _("Nothing was restored, and nothing that was there has changed.")
        return _("Your vault is intact.")


# SQLite's fixed texts for these codes (sqlite3ErrStr), for the exceptions that come without a
# code: Connection.backup() raises a bare OperationalError.
CODE_OF_TEXT = {
    "database disk image is malformed": SQLITE_CORRUPT,
    "file is not a database": SQLITE_NOTADB,
    "database or disk is full": SQLITE_FULL,
    "attempt to write a readonly database": SQLITE_READONLY,
    "unable to open database file": SQLITE_CANTOPEN,
    "disk I/O error": SQLITE_IOERR,
}


def sqlite_code(exc: BaseException) -> int | None:
    """The primary SQLite result code of an exception (extended codes carry it in the low byte)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF
    return CODE_OF_TEXT.get(str(exc))


def not_writable(place: Path, error_number: int, outcome: Outcome) -> VaultNotWritable:
    why = _("the disk is read-only") if error_number == errno.EROFS else _("permission denied")
    return VaultNotWritable(
        _("ReConnect cannot write to {place}: {why}. {outcome}").format(
            place=place, why=why, outcome=outcome.text()
        )
    )


def disk_full(place: Path, outcome: Outcome) -> DiskFull:
    return DiskFull(
        _(
            "The disk is full: ReConnect could not write to {place}. {outcome} Free some space"
            " and try again."
        ).format(place=place, outcome=outcome.text())
    )


def from_os_error(exc: OSError, place: Path, outcome: Outcome = Outcome.INTACT) -> VaultError:
    """Our error for an OSError met while writing at ``place`` (always one, never a traceback)."""
    if exc.errno in PERMISSION_ERRNOS:
        return not_writable(place, exc.errno, outcome)
    if exc.errno in FULL_ERRNOS:
        return disk_full(place, outcome)
    return VaultError(
        _("ReConnect could not write to {place}: {reason}. {outcome}").format(
            place=place, reason=exc.strerror or type(exc).__name__, outcome=outcome.text()
        )
    )


def probe(path: Path) -> OSError | None:
    """Try what SQLite needs and return the OS's refusal: a file created and written beside
    ``path`` (removed again), then ``path`` opened for writing. ``None`` when both work."""
    if str(path) == ":memory:":
        return None
    folder = path.parent
    trial = folder / f".reconnect-write-check-{secrets.token_hex(4)}"
    try:
        fd = os.open(trial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        exc.filename = str(folder)
        return exc
    try:
        written = 0
        while written < PROBE_BYTES:
            written += os.write(fd, bytes(PROBE_BYTES - written))
        os.fsync(fd)
    except OSError as exc:
        exc.filename = str(folder)
        return exc
    finally:
        os.close(fd)
        with contextlib.suppress(OSError):
            trial.unlink()
    if path.exists():  # the folder takes writes: is it the file itself?
        try:
            os.close(os.open(path, os.O_RDWR))
        except OSError as exc:
            exc.filename = str(path)
            return exc
    return None


def from_sqlite_error(
    exc: BaseException, path: Path, outcome: Outcome = Outcome.INTACT
) -> VaultError | None:
    """Our error for a SQLite failure on the database at ``path``; ``None`` if the code is not
    one that says something about the file or its disk (a constraint, a bug of ours …)."""
    code = sqlite_code(exc)
    if code in DAMAGE_CODES:
        return VaultDamaged(damaged_message(path))
    if code not in ENVIRONMENT_CODES:
        return None
    if code == SQLITE_FULL:
        return disk_full(path.parent, outcome)
    refusal = probe(path)
    if refusal is not None and refusal.errno in PERMISSION_ERRNOS | FULL_ERRNOS:
        return from_os_error(refusal, Path(refusal.filename or path.parent), outcome)
    if code in (SQLITE_READONLY, SQLITE_PERM):
        return not_writable(path.parent, errno.EACCES, outcome)
    if code == SQLITE_CANTOPEN:
        return VaultError(
            _("ReConnect could not open {path}. {outcome}").format(
                path=path, outcome=outcome.text()
            )
        )
    return VaultError(
        _(
            "A disk error stopped ReConnect reading or writing {path}. {outcome} Try again; if it"
            " happens again, check the disk and make a backup."
        ).format(path=path, outcome=outcome.text())
    )


@contextlib.contextmanager
def translated(path: Path, outcome: Outcome = Outcome.INTACT) -> Iterator[None]:
    """Turn SQLite's damage, permission and disk-full errors on ``path`` into ours; any other
    database error (a constraint a caller handles, a programming error) passes unchanged."""
    try:
        yield
    except DatabaseError as exc:
        error = from_sqlite_error(exc, path, outcome)
        if error is None:
            raise
        raise error from None
