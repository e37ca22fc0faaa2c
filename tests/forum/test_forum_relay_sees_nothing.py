"""What the relay keeps of a forum: no post text, no forum name, no pseudonym."""

from __future__ import annotations

import secrets

from tests.dyads.dyad_helpers import relay_bytes
from tests.forum.forum_helpers import build_circle, forum_id, forums, settle


def test_relay_db_wal_and_logs_hold_no_post_text_forum_name_or_pseudonym(people, relay):
    tag = secrets.token_hex(4)
    name = f"Circle-{tag}-søndag"
    pseudonyms = (f"Birch-{tag}", f"Fjord-{tag}", f"Heron-{tag}")
    moderator = f"Mod-{tag}"
    circle = build_circle(people[0], people[1:], name=name, moderator_pseudonym=moderator,
                          pseudonyms=pseudonyms)
    markers = [f"POST-{secrets.token_hex(6)}-ærlig" for _ in range(24)]
    first = None
    for i, marker in enumerate(markers):
        person = circle.everyone[i % 4]
        fid = forum_id(person, name)
        made = forums(person).posting.post(fid, marker, thread=first if i % 3 else None)
        if first is None:
            first = made.id
            settle(circle.everyone, rounds=1)  # everyone has the thread to reply in
    settle(circle.everyone[:2], rounds=1)  # some fetched, some still waiting at the relay
    forums(people[0]).membership.remove(circle.forum, pseudonyms[2])
    people[0].sync()
    assert markers[0] in [p.text for p in forums(people[1]).views.posts(forum_id(people[1], name))]
    stored = relay_bytes(relay)
    assert len(stored) > 10_000
    for secret in [*markers, name, moderator, *pseudonyms]:
        assert secret.encode() not in stored, secret
