"""Live delivery: when a vault that stays open syncs. At once when the relay's push channel
(``sync/push.py``) says something new arrived; on a timer when the channel is down, backing off
exponentially with jitter while the relay cannot be reached.

``LiveChannels`` keeps one channel per signing key (the vault's, and each forum's own, as their
requests do) open in threads of their own and sets one ``threading.Event`` when any says
something new or closes. ``watch`` is the loop of ``reconnect sync --watch``; the app runs its
own loop over the same pieces (``app.py``), because its syncs go through its one sync path.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import nacl.signing

from ..errors import RelayError
from .engine import SyncReport
from .schedule import Backoff

if TYPE_CHECKING:
    from .push import PushChannel

log = logging.getLogger(__name__)

MAX_CHANNELS = 8
"""Channels one vault keeps open (its own key and up to seven forums' keys); mailboxes beyond
them are read by the periodic sync."""

SAFETY_PERIOD = 900.0
"""Seconds between syncs while the channel is up: a notice lost in a relay restart, and due
check-ins and retries, wait at most this long."""

DUE_CHECK_SECONDS = 30.0
"""While waiting, how often the watch looks whether something is due to go out (a message
another process queued, a check-in whose time came): one small read of the vault."""



@dataclass(frozen=True)
class PushTarget:
    """The mailboxes one signing key watches (``SyncService.push_targets``)."""

    signing_key: nacl.signing.SigningKey
    mailboxes: tuple[str, ...]

    @property
    def identity(self) -> tuple[bytes, tuple[str, ...]]:
        return bytes(self.signing_key.verify_key), self.mailboxes


class LiveChannels:
    """The open push channels of one vault. ``wake`` is set when any channel says something
    new (``news``) or closes (``lost``); whoever waits clears it."""

    def __init__(self, relay_url: str, *, timeout: float = 10.0,
                 wake: threading.Event | None = None) -> None:
        self.relay_url = relay_url
        self.timeout = timeout
        self.wake = wake or threading.Event()
        self.news = threading.Event()
        self.lost = threading.Event()
        self._channels: list[PushChannel] = []
        self._identity: tuple[tuple[bytes, tuple[str, ...]], ...] | None = None
        self._lock = threading.Lock()

    @property
    def up(self) -> bool:
        return bool(self._channels) and not self.lost.is_set()

    @property
    def nothing_to_watch(self) -> bool:
        """No mailbox to watch yet (a vault not paired): nothing can arrive to be told of."""
        return self._identity == ()

    def ensure(self, targets: list[PushTarget]) -> bool:
        """Have a channel open for each target (reopening all when the targets changed or one
        closed). True when it opened them now (a sync should follow: deposits before the
        subscription were not told); :class:`RelayError` when the relay cannot be reached or
        refuses."""
        targets = [t for t in targets if t.mailboxes][:MAX_CHANNELS]
        identity = tuple(t.identity for t in targets)
        if self.up and identity == self._identity:
            return False
        self.close()
        if not targets:
            self._identity = identity
            return False
        from .push import PushChannel  # websockets only once a vault stays open

        opened: list[PushChannel] = []
        try:
            for target in targets:
                channel = PushChannel(self.relay_url, target.signing_key, target.mailboxes,
                                      timeout=self.timeout)
                channel.open()
                opened.append(channel)
        except RelayError:
            for channel in opened:
                channel.close()
            raise
        with self._lock:
            self.lost.clear()
            self._channels = opened
            self._identity = identity
        for channel in opened:
            threading.Thread(target=self._listen, args=(channel,), name="reconnect-push",
                             daemon=True).start()
        return True

    def _listen(self, channel: PushChannel) -> None:
        try:
            while True:
                if channel.wait(None):
                    self.news.set()
                    self.wake.set()
        except RelayError:
            with self._lock:
                if channel in self._channels:  # not one closed on purpose
                    self.lost.set()
                    self.wake.set()

    def close(self) -> None:
        with self._lock:
            channels, self._channels = self._channels, []
        for channel in channels:
            channel.close()


WatchEnd = str
"""Why :func:`watch` returned: ``"stopped"`` (asked to) or ``"locked"`` (the time ran out)."""


def watch(relay_url: str, *, sync: Callable[[], SyncReport],
          targets: Callable[[], list[PushTarget]], stop: threading.Event,
          wake: threading.Event, report: Callable[[SyncReport, bool], None],
          lock_at: float | None = None, clock: Callable[[], float] = time.monotonic,
          backoff: Backoff | None = None, due: Callable[[], bool] | None = None) -> WatchEnd:
    """Sync now, then whenever the relay says something new, every ``SAFETY_PERIOD`` while the
    push channel is up, and with backoff while it is down; until ``stop`` is set (also set
    ``wake`` to end a wait at once) or ``lock_at`` (a ``clock`` time) passes. ``report(r,
    live)`` is told each sync's report and whether the push channel is up. ``due()``: whether
    something waits to be sent (looked at every ``DUE_CHECK_SECONDS`` while waiting)."""
    channels = LiveChannels(relay_url, wake=wake)
    backoff = backoff or Backoff()
    try:
        while not stop.is_set():
            if lock_at is not None and clock() >= lock_at:
                return "locked"
            # Subscribe first, then sync: a deposit after the subscription is told; one
            # before it is fetched by this sync.
            with contextlib.suppress(RelayError):  # the sync says whether the relay answers
                channels.ensure(targets())
            wake.clear()
            channels.news.clear()
            result = sync()
            live = not result.offline and (channels.up or channels.nothing_to_watch)
            report(result, live)
            if stop.is_set():
                break
            if live:
                try:
                    if channels.ensure(targets()):
                        continue  # new mailboxes (a partner paired): subscribed, sync again
                except RelayError:
                    live = False
            if live:
                backoff.reset()
                delay = SAFETY_PERIOD
            else:
                delay = backoff.next()
            if lock_at is not None:
                delay = max(0.0, min(delay, lock_at - clock()))
            _wait(wake, delay, due, channels.news)
    finally:
        channels.close()
    return "stopped"


def _wait(wake: threading.Event, delay: float, due: Callable[[], bool] | None,
          news: threading.Event) -> None:
    """Until ``wake`` is set, ``delay`` passes, or ``due()`` says something should go out."""
    end = time.monotonic() + delay
    while not news.is_set():
        left = end - time.monotonic()
        if left <= 0:
            return
        if wake.wait(min(left, DUE_CHECK_SECONDS) if due is not None else left):
            return
        if due is not None and due():
            return


class AppLive:
    """The app's live delivery, in a daemon thread of its own: keeps the push channels open
    while the vault is unlocked and asks the app for a sync (``request_sync``, which posts the
    app's one ``SyncRequested``) when told something new and after (re)subscribing. While the
    channel is down it is tried again with exponential backoff and jitter, and the app's
    timed sync goes on (``sync/schedule.py``: a minute apart, backing off while offline). It
    never syncs itself and never says "offline": only a sync's report does, when the relay
    really cannot be reached.

    A thread rather than a Textual worker: a worker that runs as long as the vault is open
    would never let ``App.workers.wait_for_complete()`` return."""

    def __init__(self, relay_url: str, targets: Callable[[], list[PushTarget]],
                 request_sync: Callable[[], None], *, timeout: float = 5.0) -> None:
        self.relay_url = relay_url
        self.targets = targets
        self.request_sync = request_sync
        self.wake = threading.Event()
        self.stopped = threading.Event()
        self.channels = LiveChannels(relay_url, timeout=timeout, wake=self.wake)
        self.told = 0
        """How many syncs a push notice asked for (tests, and the curious)."""
        self.idle = False
        """Waiting, with every sync it asked for already asked (tests wait for this)."""
        self.thread = threading.Thread(target=self._run, name="reconnect-live", daemon=True)

    def start(self) -> AppLive:
        self.thread.start()
        return self

    def poke(self) -> None:
        """Look at the mailboxes again (after a sync: a partner may have paired)."""
        self.wake.set()

    def stop(self) -> None:
        """From any thread; returns at once (the thread ends by itself)."""
        self.stopped.set()
        self.wake.set()
        self.channels.close()

    @property
    def up(self) -> bool:
        return self.channels.up

    def _run(self) -> None:
        try:
            self._loop()
        except Exception as error:  # the vault locked under it, or worse: the timed sync goes on
            log.warning("live delivery stopped: %s", type(error).__name__)  # never content
        finally:
            self.idle = False
            self.channels.close()

    def _loop(self) -> None:
        backoff = Backoff()
        while not self.stopped.is_set():
            try:
                opened = self.channels.ensure(self.targets())
            except RelayError:
                opened = False
            if self.stopped.is_set():
                return
            if opened:  # what arrived before the subscription: fetched by this sync
                self.request_sync()
            if self.channels.up or self.channels.nothing_to_watch:
                backoff.reset()
                delay = SAFETY_PERIOD
            else:
                delay = backoff.next()
            self.idle = not self.wake.is_set()
            self.wake.wait(delay)
            self.idle = False
            self.wake.clear()
            if self.stopped.is_set():
                return
            if self.channels.news.is_set():
                self.channels.news.clear()
                self.told += 1
                self.request_sync()
