"""A time a partner sends that leaves the calendar when moved to UTC is a rejected message, never
an error out of every later sync (found in review: OverflowError escaped ``decode``)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from reconnect_tui import wire
from reconnect_tui.errors import ProtocolError
from reconnect_tui.sync import messages, padding
from tests.dyads.dyad_helpers import pair

EDGE = "0001-01-01T00:00:00+14:00"
"""Valid ISO 8601, but a year 0 instant in UTC: ``astimezone`` overflows."""


@pytest.mark.parametrize("value", [EDGE, "9999-12-31T23:59:59-14:00", "2026-11-27T10:00",
                                   "not a time", 17, None])
def test_utc_time_refuses_what_is_not_an_instant(value) -> None:
    assert wire.utc_time(value) is None


def test_utc_time_converts_offsets() -> None:
    assert wire.utc_time("2026-11-27T10:00:00+01:00") == datetime(2026, 11, 27, 9,
                                                                       tzinfo=UTC)


def test_decode_refuses_an_overflowing_message_time() -> None:
    body = {"v": messages.VERSION, "type": "message", "id": wire.new_id(), "from": "a",
            "to": "b", "time": EDGE, "n": 1, "text": "hi"}
    padded = padding.pad(json.dumps(body).encode())
    with pytest.raises(ProtocolError):
        messages.decode(padded, sender="a", recipient="b")


def test_a_partner_s_overflowing_times_are_rejected_and_syncs_go_on(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    dyads = provider.dyads
    dyads.send_control(on_provider.id, "seen", {"ids": [wire.new_id()], "answer_by": EDGE})
    provider.sync()
    user.sync()  # would raise OverflowError for ever without the fix
    user.dyads.send_control(on_user.id, "share-viewed", {"slots": [], "at": EDGE})
    user.sync()
    provider.sync()
    assert user.dyads.repo.rejected_count() == 1
    assert provider.dyads.repo.rejected_count() == 1
    dyads.send(on_provider.id, "Still here")
    provider.sync()
    user.sync()
    assert [(m.status, m.text) for m in user.dyads.conversation(on_user.id)] == [
        ("unverified", ""), ("unread", "Still here")]  # the bad one only as a warning
