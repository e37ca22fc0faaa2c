"""Megolm sessions rotate after 7 days and after 100 messages; members keep reading."""

from __future__ import annotations

from datetime import timedelta

from reconnect_tui.clock import utc_now
from reconnect_tui.sync import forum_crypto, olm
from reconnect_tui.sync.forum import Forums
from tests.dyads.dyad_helpers import Person
from tests.forum.forum_helpers import build_circle, forum_id, forums, settle


def _session_id(person: Person) -> str:
    record = forums(person).context.record(forum_id(person))
    return forum_crypto.load_group(record.outbound_pickle,
                                   olm.pickle_key(person.vault.key)).session_id


def test_a_session_older_than_seven_days_or_100_messages_is_replaced(people):
    mod, birch, fjord, _heron = people
    circle = build_circle(mod, [birch, fjord])
    first = _session_id(birch)
    forums(birch).posting.post(forum_id(birch), "Today")
    assert _session_id(birch) == first
    later = Forums(birch.vault, clock=lambda: utc_now() + timedelta(days=8))
    later.posting.post(forum_id(birch), "Eight days later")
    second = _session_id(birch)
    assert second != first
    for i in range(forum_crypto.ROTATE_AFTER_MESSAGES - 1):  # 100 in all in this session
        forums(birch).posting.post(forum_id(birch), f"Message {i}")
    assert _session_id(birch) == second
    forums(birch).posting.post(forum_id(birch), "The 101st")
    assert _session_id(birch) not in (first, second)
    settle(circle.everyone)
    for person in (mod, fjord):
        texts = [p.text for p in forums(person).views.posts(forum_id(person))]
        assert {"Today", "Eight days later", "Message 98", "The 101st"} <= set(texts)
        assert len(texts) == 102
