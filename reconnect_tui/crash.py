"""The crash path: what happens when something unexpected goes wrong, in the app or the CLI.

Textual's own handler prints the traceback with every frame's local variables (a passphrase, a
crisis plan) and the process exits 0. Instead, whoever catches the error:

1. locks first — the app keeps open forms as drafts and closes the vault, dropping its keys;
2. writes a report with ``write_report``: the exception's type and, for each frame, the file,
   line and function, plus versions, to ``crash-<time>.txt`` in the user's state folder
   (``platformdirs.user_state_dir("reconnect")``), mode 0600, the last ten kept. Never the
   exception's message, never a variable's value, never a source line: any of them can hold
   what the person wrote;
3. prints ``message(...)`` — one line: the kind of error, that the work is safe, where the
   report is — once the terminal is back, and exits with ``EXIT_CODE``.

Only the standard library and ``i18n`` are imported here, so reporting a crash cannot itself
fail on a broken or half-installed package.
"""

from __future__ import annotations

import errno
import os
import sys
import traceback
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .i18n import _

EXIT_CODE = 1
"""A crash is a failure (README: 1); it is told apart from others by its message and report."""
KEEP_REPORTS = 10
MAX_FRAMES = 60
MAX_CHAIN = 5
_PACKAGE_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Frame:
    file: str
    line: int
    function: str


@dataclass(frozen=True)
class Failure:
    """What a report may say about an exception: its type, where it went, and why before it."""

    kind: str
    frames: tuple[Frame, ...] = ()
    detail: str = ""
    """An error number's name (``EIO``) for OSError; never a message."""
    cause: Failure | None = None


def unwrap(error: BaseException) -> BaseException:
    """The exception itself, not Textual's ``WorkerFailed`` wrapped around it (found by name,
    so this module does not import Textual)."""
    for _depth in range(MAX_CHAIN):
        inner = getattr(error, "error", None)
        if type(error).__name__ != "WorkerFailed" or not isinstance(inner, BaseException):
            break
        error = inner
    return error


def kind_of(error_type: type) -> str:
    module = getattr(error_type, "__module__", "") or ""
    name = getattr(error_type, "__qualname__", None) or error_type.__name__
    return name if module in ("builtins", "__main__", "") else f"{module}.{name}"


def describe(error: BaseException, _depth: int = 0) -> Failure:
    """A ``Failure`` of ``error``: type names, files, lines and functions only."""
    error = unwrap(error)
    frames = tuple(
        Frame(short_path(frame.f_code.co_filename), line or 0, _function(frame.f_code))
        for frame, line in traceback.walk_tb(error.__traceback__)
    )
    detail = ""
    if isinstance(error, OSError) and isinstance(error.errno, int):
        detail = errno.errorcode.get(error.errno, str(error.errno))
    before = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    cause = describe(before, _depth + 1) if before is not None and _depth < MAX_CHAIN else None
    return Failure(kind_of(type(error)), _last(frames), detail, cause)


def describe_trace(trace: Any) -> Failure:
    """A ``Failure`` from a Rich ``Trace`` (what Textual passes to ``panic``), reading only the
    type names and frame positions; its values and locals are left where they are."""
    failures: list[Failure] = []
    for stack in list(getattr(trace, "stacks", []))[: MAX_CHAIN + 1]:
        frames = tuple(
            Frame(short_path(str(f.filename)), int(f.lineno or 0), str(f.name))
            for f in getattr(stack, "frames", [])
        )
        failures.append(Failure(str(getattr(stack, "exc_type", "Exception")), _last(frames)))
    if not failures:
        return Failure("Exception")
    failure = failures[-1]
    for before in reversed(failures[:-1]):
        failure = Failure(before.kind, before.frames, before.detail, failure)
    return failure


def short_path(filename: str) -> str:
    """A frame's file without the person's home folder in it: inside the package or the
    installed libraries relative to them, else only the file's name."""
    path = Path(filename)
    try:
        return path.resolve().relative_to(_PACKAGE_ROOT).as_posix()
    except (OSError, ValueError, RuntimeError):
        pass
    parts = path.parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            index = len(parts) - 1 - parts[::-1].index(marker)
            return "/".join(parts[index + 1 :])
    try:
        import sysconfig

        stdlib = Path(sysconfig.get_paths()["stdlib"]).resolve()
        return "<python>/" + path.resolve().relative_to(stdlib).as_posix()
    except (OSError, ValueError, RuntimeError, KeyError):
        return path.name


def report_text(failure: Failure, when: datetime | None = None) -> str:
    when = when or datetime.now(UTC)
    lines = [
        "ReConnect crash report",
        f"When: {when.strftime('%Y-%m-%dT%H:%M:%SZ')}",
        f"Error: {failure.kind}" + (f" ({failure.detail})" if failure.detail else ""),
        f"Versions: {versions()}",
        "Left out on purpose: error messages, variables, source lines - anything you wrote.",
        "",
    ]
    current: Failure | None = failure
    first = True
    while current is not None:
        if not first:
            lines += ["", "While handling, or caused by, this one before it:"]
        lines.append("Traceback (most recent call last):")
        lines += [f"  {f.file}, line {f.line}, in {f.function}" for f in current.frames]
        lines.append(current.kind + (f" ({current.detail})" if current.detail else ""))
        current, first = current.cause, False
    return "\n".join(lines) + "\n"


def versions() -> str:
    import platform

    found = [f"reconnect {_version('reconnect-tui')}", f"Python {platform.python_version()}"]
    found += [f"{name} {_version(name)}" for name in ("textual", "rich", "sqlcipher3")]
    found.append(f"{platform.system()} {platform.machine()}")
    return ", ".join(found)


def state_dir() -> Path:
    """Where reports go: the user's state folder for ReConnect."""
    try:
        import platformdirs

        return Path(platformdirs.user_state_dir("reconnect"))
    except Exception:  # a broken install must not stop the report
        base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
        return Path(base) / "reconnect"


def write_report(failure: Failure, directory: Path | None = None) -> Path | None:
    """Write the report (mode 0600) and keep only the newest ``KEEP_REPORTS``. None when
    it could not be written; never raises."""
    try:
        directory = directory or state_dir()
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        when = datetime.now(UTC)
        path = directory / f"crash-{when.strftime('%Y%m%dT%H%M%S%fZ')}.txt"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        fd = os.open(path, flags, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            os.fchmod(out.fileno(), 0o600)
            out.write(report_text(failure, when))
        for old in sorted(directory.glob("crash-*.txt"))[:-KEEP_REPORTS]:
            old.unlink(missing_ok=True)
        return path
    except Exception:
        return None


def message(failure: Failure, report: Path | None, *, kept: bool | None) -> str:
    """The one line shown after a crash. ``kept``: True when the app locked and kept open
    forms as drafts, False when something open could not be kept, None outside the app."""
    parts = [_("ReConnect stopped after an unexpected error ({kind}).").format(kind=failure.kind)]
    if kept is None:
        parts.append(_("Nothing more was changed."))
    elif kept:
        parts.append(_("Your work is saved and the vault is locked."))
    else:
        parts.append(_("The vault is locked; what you had saved is safe."))
    if report is not None:
        parts.append(_("Report (no personal data): {path}").format(path=report))
    else:
        parts.append(_("No report could be written."))
    return " ".join(parts)


def say(line: str) -> None:
    """Print ``line`` on stderr, ignoring a terminal that is gone."""
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except Exception:
        pass


def handle(error: BaseException, *, kept: bool | None = None) -> int:
    """The whole path for an error caught outside the app: report, one line, the exit code."""
    failure = describe(error)
    say(message(failure, write_report(failure), kept=kept))
    return EXIT_CODE


def install_quiet_hooks() -> None:
    """Errors in other threads and in ``__del__`` are reported to a file, never printed: the
    default hooks print their messages (and whatever they hold) on the terminal."""
    import threading

    def thread_hook(args: threading.ExceptHookArgs) -> None:
        error = args.exc_value
        if error is None or isinstance(error, SystemExit) or _terminal_gone(error):
            return
        write_report(describe(error))

    def unraisable_hook(unraisable: Any) -> None:
        if getattr(unraisable, "exc_value", None) is not None:
            write_report(describe(unraisable.exc_value))

    threading.excepthook = thread_hook
    sys.unraisablehook = unraisable_hook


def _terminal_gone(error: BaseException) -> bool:
    """Textual's writer thread failing on a terminal that hung up: the hang-up path's, not a
    crash (``hangup.py``)."""
    return isinstance(error, OSError) and error.errno in (errno.EIO, errno.EPIPE)


def _function(code: Any) -> str:
    return getattr(code, "co_qualname", None) or code.co_name


def _last(frames: tuple[Frame, ...]) -> tuple[Frame, ...]:
    return frames[-MAX_FRAMES:]


def _version(distribution: str) -> str:
    try:
        from importlib.metadata import version

        return version(distribution)
    except Exception:
        return "?"
