"""The one wall clock: every "now" of the vault, the sync and the relay comes from here.

Two readings of the same clock: :func:`utc_now` (an aware UTC ``datetime``: what the vault
stores and messages carry) and :func:`epoch_seconds` (seconds since the epoch: what relay
requests are signed with and outbox rows are scheduled by). Services that tests drive through
time take a :data:`Clock` or :data:`EpochClock` argument whose default is one of these; nothing
else reads the system clock. Imports nothing of ours, so the relay may use it too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]
"""A source of aware UTC datetimes (tests pass a fixed or moving one)."""

EpochClock = Callable[[], float]
"""A source of seconds since the epoch."""


def utc_now() -> datetime:
    """Now, as an aware datetime in UTC."""
    return datetime.now(UTC)


def epoch_seconds() -> float:
    """Now, in seconds since the epoch (wall time, not a monotonic timer)."""
    return time.time()
