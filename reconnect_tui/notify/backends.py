"""The operating system's notifiers: ``notify-send`` (Linux, freedesktop), ``osascript``
(macOS). Each receives one short line and nothing else; the line never holds what anyone wrote
(``notifier.py`` makes it). Run without a shell, so nothing in the line is interpreted."""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
from typing import Protocol


class Backend(Protocol):
    """Shows ``text`` to the person; failures are swallowed (a notification is a courtesy)."""

    def send(self, text: str) -> None: ...


class NotifySend:
    def __init__(self, program: str) -> None:
        self.program = program

    def send(self, text: str) -> None:
        title, _sep, body = text.partition(": ")
        _run([self.program, "--app-name=ReConnect", title, body or title])


class Osascript:
    def __init__(self, program: str) -> None:
        self.program = program

    def send(self, text: str) -> None:
        quoted = text.replace("\\", "\\\\").replace('"', '\\"')
        _run([self.program, "-e", f'display notification "{quoted}" with title "ReConnect"'])


def _run(argv: list[str]) -> None:
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        subprocess.run(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=10, check=False)


def platform_backend() -> Backend | None:
    """This machine's notifier, or None when it has none (the watch then only prints)."""
    if sys.platform == "darwin":
        program = shutil.which("osascript")
        return Osascript(program) if program else None
    program = shutil.which("notify-send")
    return NotifySend(program) if program else None
