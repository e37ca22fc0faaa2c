"""The open app's timed sync: a minute apart, five with a push channel open, backing off with
jitter while the relay cannot be reached, and back to normal once it answers."""

from __future__ import annotations

import random

from reconnect_tui.sync.schedule import (
    OFFLINE_FIRST_SECONDS,
    OFFLINE_MAX_SECONDS,
    PERIOD_SECONDS,
    PUSH_PERIOD_SECONDS,
    SyncSchedule,
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_offline_backs_off_with_jitter_then_returns_to_the_period() -> None:
    clock = Clock()
    schedule = SyncSchedule(clock, random.Random(3))
    assert not schedule.due()
    delays = [schedule.synced(offline=True, push_up=False) for _ in range(10)]
    ceilings = [min(OFFLINE_MAX_SECONDS, OFFLINE_FIRST_SECONDS * 2 ** n) for n in range(10)]
    assert all(ceiling / 2 <= delay <= ceiling for delay, ceiling in zip(delays, ceilings,
                                                                         strict=True))
    assert delays[-1] > 10 * delays[0]  # it really backs off
    assert len({round(d, 6) for d in delays[-4:]}) == 4  # jitter: no two clients in step
    back = schedule.synced(offline=False, push_up=False)
    assert 0.75 * PERIOD_SECONDS <= back <= 1.25 * PERIOD_SECONDS
    clock.now += back - 0.01
    assert not schedule.due()
    clock.now += 0.02
    assert schedule.due()


def test_push_channel_open_means_fewer_timed_syncs() -> None:
    schedule = SyncSchedule(Clock(), random.Random(5))
    delay = schedule.synced(offline=False, push_up=True)
    assert 0.75 * PUSH_PERIOD_SECONDS <= delay <= 1.25 * PUSH_PERIOD_SECONDS
    # offline after that: the backoff starts again from its first step
    assert schedule.synced(offline=True, push_up=True) <= OFFLINE_FIRST_SECONDS


def test_due_now_makes_the_next_tick_sync() -> None:
    clock = Clock()
    schedule = SyncSchedule(clock, random.Random(1))
    schedule.synced(offline=False, push_up=True)
    assert not schedule.due()
    schedule.due_now()  # an unlock
    assert schedule.due()
