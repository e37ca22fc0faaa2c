"""Posts and replies arrive and decrypt for every member, in thread order."""

from __future__ import annotations

from tests.forum.forum_helpers import Circle, forum_id, forums, settle


def test_everyone_is_in_with_every_member(circle: Circle):
    for person in circle.everyone:
        summary = forums(person).views.forum_named("Tuesday circle")
        assert summary.members == 4 and not summary.removed
        names = [m.pseudonym for m in forums(person).views.members(summary.id)]
        assert names == ["Mod", "Birch", "Fjord", "Heron"]


def test_posts_and_replies_reach_everyone_in_thread_order(circle: Circle):
    mod, birch, fjord, heron = circle.everyone
    first = forums(birch).posting.post(forum_id(birch), "Anyone else finding mornings hard?")
    settle(circle.everyone, rounds=1)
    forums(fjord).posting.post(forum_id(fjord), "Yes, a walk helps me.", thread=first.id)
    second = forums(mod).posting.post(forum_id(mod), "Café on Thursday at 18:00.")
    settle(circle.everyone, rounds=1)
    forums(heron).posting.post(forum_id(heron), "Same here.", thread=first.id)
    settle(circle.everyone, rounds=2)
    for person in circle.everyone:
        posts = forums(person).views.posts(forum_id(person))
        assert [(p.author, p.text, p.thread) for p in posts] == [
            ("Birch", "Anyone else finding mornings hard?", first.id),
            ("Fjord", "Yes, a walk helps me.", first.id),
            ("Heron", "Same here.", first.id),
            ("Mod", "Café on Thursday at 18:00.", second.id),
        ]


def test_a_post_to_every_member_is_one_batched_request(circle: Circle, relay) -> None:
    """The fan-out (one envelope per member) leaves in one signed request (issue 20)."""
    mod, birch, fjord, heron = circle.everyone
    settle(circle.everyone, rounds=1)
    before = relay.logs()
    forums(birch).posting.post(forum_id(birch), "One request for all of you.")
    birch.sync()
    during = relay.logs()[len(before):]
    assert during.count("POST /v1/envelopes 200") == 1
    assert "POST /v1/mailboxes/{mailbox}/envelopes" not in during
    settle(circle.everyone, rounds=1)
    for person in (mod, fjord, heron):
        assert [p.text for p in forums(person).views.posts(forum_id(person))] == [
            "One request for all of you."]
