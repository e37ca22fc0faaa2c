"""Writing an export to disk: atomically, and nothing left behind when it fails."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from reconnect_tui.errors import ExportError
from reconnect_tui.i18n import _


def write_export(data: bytes, path: str | os.PathLike[str]) -> None:
    """Write ``data`` to ``path`` atomically (readable by the owner only).

    A temporary file in the same folder is renamed over ``path`` once complete, so ``path``
    holds either its old content or all of ``data``; the temporary file is removed on any
    failure. Raises ``ExportError`` naming the path (never the content).
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise ExportError(
            _("Cannot write {path}: the folder {folder} does not exist.").format(
                path=target, folder=folder
            )
        )
    if target.is_dir():
        raise ExportError(_("Cannot write {path}: it is a folder.").format(path=target))
    try:
        handle, temp_name = tempfile.mkstemp(dir=folder, prefix=f".{target.name}.", suffix=".tmp")
    except OSError as error:
        raise _error(target, error) from error
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp_name, target)
    except BaseException as error:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        if isinstance(error, OSError):
            raise _error(target, error) from error
        raise
    _sync_folder(folder)


def _error(target: Path, error: OSError) -> ExportError:
    if isinstance(error, PermissionError):
        return ExportError(_("Cannot write {path}: permission denied.").format(path=target))
    reason = error.strerror or type(error).__name__
    return ExportError(_("Cannot write {path}: {reason}.").format(path=target, reason=reason))


def _sync_folder(folder: Path) -> None:
    """Make the rename durable where the platform allows it (not on Windows)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        return
    finally:
        os.close(fd)
