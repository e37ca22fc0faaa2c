"""When the open app syncs on its own: often enough to notice what the push channel may have
missed, rarely when the channel is up, and backing off with jitter while the relay cannot be
reached (so that many apps coming back after a relay outage do not all ask at once).

Pure: the app asks ``due`` on a one-second tick and tells ``synced`` what each sync found.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

BACKOFF_FIRST = 2.0
BACKOFF_MAX = 60.0
"""While a push channel is down (``sync/live.py``): sync and try to reopen it after 2, 4, 8 …
60 seconds."""
PERIOD_SECONDS = 60.0
"""Between timed syncs while the relay answers but no push channel is open."""
PUSH_PERIOD_SECONDS = 300.0
"""Between timed syncs while a push channel is open (a safety net for a lost notice)."""
OFFLINE_FIRST_SECONDS = 5.0
OFFLINE_MAX_SECONDS = 300.0
"""Backoff while the relay cannot be reached: 5 s, 10 s, 20 s … up to 5 minutes."""


class Backoff:
    """Exponential backoff with jitter: each delay is drawn from its upper half."""

    def __init__(self, first: float = BACKOFF_FIRST, cap: float = BACKOFF_MAX,
                 rng: random.Random | None = None) -> None:
        self.first = first
        self.cap = cap
        self.rng = rng or random.Random()
        self.failures = 0

    def reset(self) -> None:
        self.failures = 0

    def next(self) -> float:
        ceiling: float = min(self.cap, self.first * 2.0 ** min(self.failures, 30))
        self.failures += 1
        return ceiling * (0.5 + self.rng.random() / 2)


class SyncSchedule:
    """The time of the next timed sync, on a monotonic clock."""

    def __init__(self, clock: Callable[[], float] = time.monotonic,
                 rng: random.Random | None = None) -> None:
        self.clock = clock
        self.rng = rng or random.Random()
        self.backoff = Backoff(OFFLINE_FIRST_SECONDS, OFFLINE_MAX_SECONDS, self.rng)
        self.next_at = clock() + self._jittered(PERIOD_SECONDS)

    def _jittered(self, seconds: float) -> float:
        return seconds * (0.75 + self.rng.random() / 2)

    def due(self) -> bool:
        return self.clock() >= self.next_at

    def due_now(self) -> None:
        """The next tick syncs (an unlock: whatever came while the vault was locked)."""
        self.next_at = self.clock()

    def synced(self, *, offline: bool, push_up: bool) -> float:
        """Plan the next timed sync after one ended; returns the delay chosen."""
        if offline:
            delay = self.backoff.next()
        else:
            self.backoff.reset()
            delay = self._jittered(PUSH_PERIOD_SECONDS if push_up else PERIOD_SECONDS)
        self.next_at = self.clock() + delay
        return delay
