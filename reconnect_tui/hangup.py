"""A closed terminal ends the app: on a hang-up it locks, drops its keys and exits within 2 s.

Closing a terminal window sends SIGHUP — but not to a process that inherited SIGHUP ignored or
is outside the terminal's foreground group (under some launchers, IDEs, ``nohup``), and the
app used to go on living without a terminal: Textual's input thread reads end-of-file over and
over (25–40 % CPU) with the vault key still in memory. So two things count as a hang-up:

- SIGHUP, whatever handling the process inherited;
- the terminal reporting a hang-up or an error (POLLHUP, POLLERR, POLLNVAL) on the descriptors
  the app uses. They are polled for those conditions only — nothing is read, so no key press
  is taken from Textual.

Either calls ``on_hangup`` once (the app keeps drafts, closes the vault and exits) and arms a
deadline: if the process is still there ``grace`` seconds later — writes to a dead terminal can
block Textual's shutdown — it ends with ``EXIT_CODE``, its memory and keys gone with it.

Headless (no Textual); used by ``app.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import select
import signal
import threading
from collections.abc import Callable, Iterable

EXIT_CODE = 128 + signal.SIGHUP
"""What a shell reports for a process ended by SIGHUP (129)."""
GRACE_SECONDS = 1.0
_LOST = select.POLLHUP | select.POLLERR | select.POLLNVAL


class HangupWatch:
    """Watch for a hang-up; ``on_hangup`` must be safe to call from any thread."""

    def __init__(
        self, on_hangup: Callable[[], None], fds: Iterable[int], *, grace: float = GRACE_SECONDS
    ) -> None:
        self.on_hangup = on_hangup
        self.fds = sorted(set(fds))
        self.grace = grace
        self.triggered = threading.Event()
        self._claim = threading.Lock()
        self._stop = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Install the SIGHUP handler in ``loop`` (call from the main thread) and start
        polling the terminal in a daemon thread."""
        self._loop = loop
        loop.add_signal_handler(signal.SIGHUP, self.trigger)
        if self.fds:
            threading.Thread(target=self._poll, name="reconnect-hangup", daemon=True).start()

    def stop(self) -> None:
        """The app is ending on its own: stop watching (an armed deadline stays armed)."""
        self._stop.set()
        if self._loop is not None and not self._loop.is_closed():
            with contextlib.suppress(RuntimeError, ValueError):  # not the main thread
                self._loop.remove_signal_handler(signal.SIGHUP)
            self._loop = None

    def trigger(self) -> None:
        """A hang-up: arm the deadline, then ask the app to lock and exit (once only)."""
        if not self._claim.acquire(blocking=False):
            return
        self.triggered.set()
        threading.Thread(target=self._deadline, name="reconnect-hangup-deadline",
                         daemon=True).start()
        with contextlib.suppress(Exception):  # the deadline still ends the process
            self.on_hangup()

    def _poll(self) -> None:
        poller = select.poll()
        for fd in self.fds:
            poller.register(fd, 0)  # no events asked for: only hang-up and errors come back
        while not self._stop.is_set():
            try:
                ready = poller.poll(500)
            except OSError:
                ready = [(-1, select.POLLERR)]
            if any(mask & _LOST for _fd, mask in ready):
                self.trigger()
                return

    def _deadline(self) -> None:
        threading.Event().wait(self.grace)
        os._exit(EXIT_CODE)


def terminal_fds() -> list[int]:
    """The standard descriptors that are terminals (what the app reads and draws on)."""
    found = []
    for fd in (0, 1, 2):
        try:
            if os.isatty(fd):
                found.append(fd)
        except OSError:
            continue
    return found
