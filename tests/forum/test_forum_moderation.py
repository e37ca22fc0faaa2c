"""Moderation: removal (and what a removed member can no longer read), hiding, reports, pins."""

from __future__ import annotations

import pytest
import vodozemac

from reconnect_tui.errors import ForumError, ProtocolError
from reconnect_tui.sync import forum_crypto, forum_wire, olm
from tests.dyads.dyad_helpers import Person
from tests.forum.forum_helpers import (
    Circle,
    build_circle,
    forum_id,
    forums,
    invite,
    join,
    settle,
)


def _outbox_after(person: Person, last_id: int) -> list[tuple[str, bytes]]:
    with person.vault.read() as conn:
        rows = conn.execute("SELECT mailbox_id, ciphertext FROM outbox WHERE id > ?",
                            (last_id,)).fetchall()
    return [(r[0], bytes(r[1])) for r in rows]


def _last_outbox_id(person: Person) -> int:
    with person.vault.read() as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM outbox").fetchone()[0]


def _every_key_held(person: Person) -> tuple[list[tuple[str, bytes]], list[str], list[str]]:
    """Everything a vault holds that could open a forum envelope: every mailbox key it knows
    (its own and each member's, from the roster), every Megolm session pickle it received, and
    its own outbound session and inbound copy."""
    with person.vault.read() as conn:
        boxes = [(r[0], bytes(r[1])) for r in conn.execute(
            "SELECT mailbox_id, mailbox_key FROM forum_members UNION"
            " SELECT mailbox_id, mailbox_key FROM forums").fetchall()]
        inbound = [r[0] for r in conn.execute("SELECT pickle FROM forum_group_sessions")]
        inbound += [r[0] for r in conn.execute("SELECT own_group_pickle FROM forums")]
        outbound = [r[0] for r in conn.execute("SELECT outbound_pickle FROM forums")]
    return boxes, inbound, outbound


def test_a_removed_member_holding_every_old_key_cannot_read_what_is_posted_after(
        circle: Circle):
    mod, birch, fjord, heron = circle.everyone
    before = forums(birch).posting.post(forum_id(birch), "Before Heron leaves")
    settle(circle.everyone, rounds=2)
    assert "Before Heron leaves" in [p.text for p in forums(heron).views.posts(forum_id(heron))]

    forums(mod).membership.remove(circle.forum, "Heron")
    settle(circle.everyone, rounds=2)
    assert forums(heron).views.forum_named("Tuesday circle").removed
    assert [m.pseudonym for m in forums(fjord).views.members(forum_id(fjord))] == [
        "Mod", "Birch", "Fjord"]
    with pytest.raises(ForumError, match="removed"):
        forums(heron).posting.post(forum_id(heron), "still here?")

    mark = _last_outbox_id(birch)
    after = forums(birch).posting.post(forum_id(birch), "After Heron left", thread=before.id)
    sealed = _outbox_after(birch, mark)
    mod_mark = _last_outbox_id(mod)
    forums(mod).posting.post(circle.forum, "Moderator after removal")
    sealed += _outbox_after(mod, mod_mark)
    assert len(sealed) == 4  # to the two remaining others each, not to Heron
    settle(circle.everyone, rounds=2)

    # The others read it; Heron never received it, and cannot read it with anything it holds.
    assert "After Heron left" in [p.text for p in forums(fjord).views.posts(forum_id(fjord))]
    heron_texts = [p.text for p in forums(heron).views.posts(forum_id(heron))]
    assert "After Heron left" not in heron_texts and "Before Heron leaves" in heron_texts
    boxes, inbound, outbound = _every_key_held(heron)
    key = olm.pickle_key(heron.vault.key)
    opened = 0
    for mailbox_id, ciphertext in sealed:
        for box, box_key in boxes:  # the roster gave Heron the others' mailbox keys
            if box != mailbox_id:
                continue
            outer = forum_wire.open_sealed(box_key, box, ciphertext)
            assert outer.kind == forum_wire.MEGOLM
            opened += 1
            for pickled in inbound:
                session = forum_crypto.load_inbound(pickled, key)
                with pytest.raises(ProtocolError):
                    forum_crypto.decrypt_megolm(session, outer.body)
            for pickled in outbound:
                own = vodozemac.InboundGroupSession(
                    forum_crypto.load_group(pickled, key).session_key)
                with pytest.raises(ProtocolError):
                    forum_crypto.decrypt_megolm(own, outer.body)
    assert opened == len(sealed)
    assert after.thread == before.id


def test_a_hidden_post_disappears_for_everyone_and_its_author_sees_why(circle: Circle):
    mod, birch, fjord, heron = circle.everyone
    post = forums(birch).posting.post(forum_id(birch), "Something that breaks the rules")
    settle(circle.everyone, rounds=2)
    forums(mod).posting.hide(circle.forum, post.id, "Names a person outside the forum")
    settle(circle.everyone, rounds=2)
    for person in (fjord, heron):
        [seen] = forums(person).views.posts(forum_id(person))
        assert seen.hidden and seen.text == "" and seen.hidden_reason == ""
        with person.vault.read() as conn:  # gone from their vault, not just from the view
            assert conn.execute("SELECT text FROM forum_posts").fetchone()[0] == ""
    [own] = forums(birch).views.posts(forum_id(birch))
    assert own.hidden and own.hidden_reason == "Names a person outside the forum"
    assert own.text == "Something that breaks the rules"
    [moderated] = forums(mod).views.posts(circle.forum)
    assert moderated.hidden and moderated.hidden_reason


def test_a_report_reaches_the_moderator_only(circle: Circle):
    mod, birch, fjord, heron = circle.everyone
    post = forums(birch).posting.post(forum_id(birch), "A post Fjord worries about")
    settle(circle.everyone, rounds=2)
    forums(fjord).posting.report(forum_id(fjord), post.id, "This sounds like a crisis")
    settle(circle.everyone, rounds=2)
    [report] = forums(mod).views.reports(circle.forum)
    assert (report.reporter, report.reason, report.post_id, report.post_text) == (
        "Fjord", "This sounds like a crisis", post.id, "A post Fjord worries about")
    for person in (birch, heron):
        with person.vault.read() as conn:
            assert conn.execute("SELECT count(*) FROM forum_reports").fetchone()[0] == 0
        with pytest.raises(ForumError, match="moderator"):
            forums(person).views.reports(forum_id(person))


def test_pinned_rules_come_first_and_reach_someone_who_joins_later(people):
    mod, birch, fjord, heron = people
    circle = build_circle(mod, [birch, fjord])
    forums(birch).posting.post(forum_id(birch), "An ordinary thread")
    rules = forums(mod).posting.post(circle.forum,
                                     "Welcome! Be kind; no names; not for emergencies.")
    forums(mod).posting.pin(circle.forum, rules.id, "rules")
    settle(circle.everyone, rounds=2)
    with pytest.raises(ForumError, match="moderator"):
        forums(birch).posting.pin(forum_id(birch), rules.id, "cafe")
    reply = forums(mod).posting.post(circle.forum, "Welcome, all", thread=rules.id)
    with pytest.raises(ForumError, match="Only a thread's first post is pinned"):
        # the service says so, not only the screen's keys
        forums(mod).posting.pin(circle.forum, reply.id, "cafe")
    join(heron, invite(mod), "Heron")
    settle([heron, mod, heron, birch, fjord, heron])
    for person in people:
        [first, *rest] = forums(person).views.threads(forum_id(person))
        assert first.first.id == rules.id and first.first.pinned == "rules"
        assert first.first.text.startswith("Welcome!")
    assert [t.first.text for t in forums(heron).views.threads(forum_id(heron))] == [
        "Welcome! Be kind; no names; not for emergencies."]  # nothing from before, but the rules


def _unprocessed(person: Person) -> int:
    with person.vault.read() as conn:
        return conn.execute("SELECT count(*) FROM inbox WHERE processed = 0").fetchone()[0]


def test_a_post_pinned_after_someone_joined_reaches_them_and_an_unpin_follows(people):
    """A post older than a member's arrival was never sent to them: the pin carries it (as the
    welcome carries the pinned posts), and no pin or unpin waits in their inbox for ever."""
    mod, birch, fjord, _heron = people
    circle = build_circle(mod, [birch])
    cafe = forums(birch).posting.post(forum_id(birch), "Café dates: Thursdays at 18:00, Strand")
    settle(circle.everyone)
    join(fjord, invite(mod), "Fjord")
    settle([fjord, mod, fjord, birch, fjord])
    assert forums(fjord).views.posts(forum_id(fjord)) == []  # from before Fjord was let in

    forums(mod).posting.pin(circle.forum, cafe.id, "cafe")
    settle([mod, birch, fjord])
    [seen] = forums(fjord).views.posts(forum_id(fjord))
    assert (seen.id, seen.author, seen.text, seen.pinned) == (
        cafe.id, "Birch", "Café dates: Thursdays at 18:00, Strand", "cafe")
    assert forums(birch).views.posts(forum_id(birch))[0].pinned == "cafe"
    forums(mod).posting.pin(circle.forum, cafe.id, "")
    settle([mod, birch, fjord])
    assert [p.pinned for p in forums(fjord).views.posts(forum_id(fjord))] == [""]
    assert _unprocessed(fjord) == 0 and _unprocessed(birch) == 0
