"""Joining: refusals, wrong codes, pseudonyms, and a post that arrives before its key."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from types import SimpleNamespace

import pytest

from reconnect_tui import wire
from reconnect_tui.errors import ForumError, RelayError
from reconnect_tui.sync import forum_crypto, forum_wire, olm, padding
from reconnect_tui.sync.dyads import relay_for
from reconnect_tui.sync.forum import Forums
from reconnect_tui.sync.forum_outbound import member_card, outgoing
from reconnect_tui.sync.pairing import WrongCode
from tests.dyads.dyad_helpers import open_person
from tests.forum.forum_helpers import build_circle, forum_id, forums, invite, join, settle
from tests.relay_tamper import live_envelopes
from tests.support.vaults import Template


def test_a_provider_vault_neither_creates_nor_joins(provider_template: Template, people,
                                                    relay, tmp_path: Path):
    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    try:
        with pytest.raises(ForumError, match="provider vaults do not join"):
            Forums(provider.vault).membership.create("Providers' corner")
        forums(people[0]).membership.create("Tuesday circle", "Mod")
        code = invite(people[0])
        with pytest.raises(ForumError, match="provider vaults do not join"):
            join(provider, code, "Doc")
        assert Forums(provider.vault).views.forums() == []
    finally:
        provider.vault.close()
    join(people[1], code, "Birch")  # the refusal did not use the code up


def test_wrong_used_and_malformed_codes_are_refused_plainly(people):
    mod, birch, fjord, _heron = people
    forums(mod).membership.create("Tuesday circle", "Mod")
    with pytest.raises(WrongCode, match="No forum invitation with this code"):
        join(birch, "ABCD-EFGH-JKMN", "Birch")
    with pytest.raises(WrongCode, match="not an invitation code"):
        join(birch, "hello", "Birch")
    code = invite(mod)
    join(birch, code, "Birch")
    with pytest.raises(WrongCode, match="No forum invitation"):
        join(fjord, code, "Fjord")
    assert forums(fjord).views.forums() == []


def test_once_the_code_is_taken_joining_asks_nothing_more_of_the_relay(people):
    """The invitation is one-shot: a relay lost right after taking it must not use the code up
    for nothing. Joining only takes it; the next sync claims the mailbox and sends the answer."""
    mod, birch, _fjord, _heron = people
    forums(mod).membership.create("Tuesday circle", "Mod")
    code = invite(mod)
    with relay_for(birch.vault, birch.relay_url) as client:
        take_only = SimpleNamespace(with_key=lambda key: SimpleNamespace(
            take_invitation=client.with_key(key).take_invitation))  # under the forum's key
        summary = forums(birch).membership.join(code, "Birch", take_only)  # type: ignore[arg-type]
    assert forums(birch).views.forums()[0].id == summary.id
    settle([birch, mod, birch], rounds=1)
    assert forums(birch).views.forum_named("Tuesday circle").members == 2
    assert [m.pseudonym for m in forums(mod).views.members(forum_id(mod))] == ["Mod", "Birch"]


def test_an_invitation_the_relay_never_got_leaves_later_syncs_working(people):
    """The invitation is stored before the relay is asked; a relay lost right then must not
    leave the vault fetching from an answer mailbox the relay never saw (every sync failed)."""
    mod, birch, _fjord, _heron = people
    forums(mod).membership.create("Tuesday circle", "Mod")
    with (relay_for(mod.vault, "http://127.0.0.1:9") as nowhere,  # nothing listens there
          pytest.raises(RelayError)):
        forums(mod).membership.invite(forum_id(mod), nowhere)
    mod.sync()  # asserts that it reached the relay and went through
    join(birch, invite(mod), "Birch")
    settle([birch, mod, birch], rounds=1)
    assert forums(birch).views.forum_named("Tuesday circle").members == 2


def test_a_pseudonym_is_never_the_vault_name_and_is_made_unique(people):
    mod, birch, fjord, _heron = people
    with pytest.raises(ForumError, match="never your name"):
        forums(mod).membership.create("Tuesday circle", "Kari Nordmann")
    with pytest.raises(ForumError, match="pseudonym"):
        forums(mod).membership.create("Tuesday circle", "   ")
    circle = build_circle(mod, [birch, fjord], pseudonyms=("Sky", "sky"))
    assert [m.pseudonym for m in forums(mod).views.members(circle.forum)] == ["Mod", "Sky", "sky 2"]
    assert forums(fjord).views.forum_named("Tuesday circle").pseudonym == "sky 2"


def test_a_post_that_arrives_before_its_key_is_kept_and_read_later(people):
    mod, birch, fjord, heron = people
    circle = build_circle(mod, [birch, fjord])
    join(heron, invite(mod), "Heron")
    heron.sync()  # the answer leaves
    mod.sync()  # welcome to Heron, "Heron joined" to Birch and Fjord
    birch.sync()  # Birch knows Heron, but has no session with Heron yet
    post = forums(birch).posting.post(forum_id(birch), "Posted before Heron's hello")
    birch.sync()
    heron.sync()  # the welcome and Birch's post arrive; Birch's key has not
    assert forums(heron).views.forum_named("Tuesday circle").members == 4
    assert forums(heron).views.posts(forum_id(heron)) == []
    with heron.vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM inbox WHERE processed = 0").fetchone()[0] == 1
    birch.sync()  # Heron's hello arrives; Birch answers with its key from where Heron may read
    heron.sync()
    [seen] = forums(heron).views.posts(forum_id(heron))
    assert (seen.id, seen.author, seen.text) == (post.id, "Birch", "Posted before Heron's hello")
    settle(circle.everyone + [heron])
    assert forums(heron).posting.post(forum_id(heron), "Hello all").author == "Heron"


def test_a_forged_or_replayed_envelope_is_never_shown(people, relay):
    mod, birch, fjord, _heron = people
    circle = build_circle(mod, [birch, fjord])
    forums(birch).posting.post(forum_id(birch), "Genuine")
    birch.sync()
    mailbox = forums(fjord).context.record(forum_id(fjord)).mailbox_id
    envelope_id, ciphertext = live_envelopes(relay, mailbox)[-1]  # the vault keeps no copy
    settle(circle.everyone)
    with fjord.vault.transaction() as conn:  # the relay delivers the same envelope again,
        row = conn.execute("SELECT envelope_id, mailbox_id, seq FROM inbox"
                           " WHERE envelope_id = ?", (envelope_id,)).fetchone()
        row = (*row, ciphertext)
        conn.execute("INSERT INTO inbox(envelope_id, mailbox_id, seq, ciphertext, received_at)"
                     " VALUES (?, ?, ?, ?, 0)", ("replayed" + row[0], row[1], row[2] + 1,
                                                 row[3]))
        altered = bytearray(row[3])
        altered[40] ^= 1  # and an altered copy
        conn.execute("INSERT INTO inbox(envelope_id, mailbox_id, seq, ciphertext, received_at)"
                     " VALUES (?, ?, ?, ?, 0)", ("altered" + row[0], row[1], row[2] + 2,
                                                 bytes(altered)))
    assert forums(fjord).inbound.process() == 0
    posts = forums(fjord).views.posts(forum_id(fjord))
    assert [p.text for p in posts if not p.unverified] == ["Genuine"]  # the replay: dropped
    assert [p.text for p in posts if p.unverified] == [""]  # the altered copy: only a warning
    with fjord.vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM inbox WHERE processed = 0").fetchone()[0] == 0


def test_an_announcement_that_clashes_with_a_member_is_dropped_not_a_broken_sync(people):
    """A member-added whose card reuses a member's signing key (only a dishonest moderator's
    vault sends one) breaks a rule of the vault's tables: that envelope is rejected; it must
    not make this and every later sync fail."""
    mod, birch, fjord, _heron = people
    circle = build_circle(mod, [birch, fjord])
    service = forums(mod)
    record = service.context.record(circle.forum)
    members = {m.pseudonym: m for m in service.context.repo.members(circle.forum)}
    clash = dataclasses.replace(member_card(members["Fjord"]), pseudonym="Fake",
                                curve25519=olm.new_account().curve25519_key.to_base64())
    to = members["Birch"]
    assert to.session_pickle is not None
    session = olm.load_session(to.session_pickle, service.context.pickle_key)
    with service.context.repo.write() as write:
        write.enqueue(service.outbound.olm_to(record, to, session, "member-added",
                                     {"member": clash.fields()}))
        write.set_session(to.id, session.pickle(service.context.pickle_key))
    mod.sync()
    birch.sync()  # asserts the sync went through
    assert [m.pseudonym for m in forums(birch).views.members(forum_id(birch))] == [
        "Mod", "Birch", "Fjord"]
    with birch.vault.read() as conn:
        assert conn.execute("SELECT count(*) FROM inbox WHERE processed = 0").fetchone()[0] == 0
    forums(fjord).posting.post(forum_id(fjord), "Still here")
    settle([fjord, birch], rounds=1)
    assert [p.text for p in forums(birch).views.posts(forum_id(birch))] == ["Still here"]


def test_a_post_whose_time_leaves_the_calendar_is_rejected_not_a_broken_sync(people):
    """A member's vault that writes a time which overflows when moved to UTC must not make
    every other member's sync fail (it used to escape as OverflowError)."""
    mod, birch, fjord, _heron = people
    build_circle(mod, [birch, fjord])
    service = forums(birch)
    record = service.context.record(forum_id(birch))
    group = forum_crypto.load_group(record.outbound_pickle, service.context.pickle_key)
    me, _curve = service.context.my_keys(record)
    body = json.dumps({"v": 1, "type": "post", "id": wire.new_id(), "forum": record.forum_key,
                       "from": me, "to": "", "time": "0001-01-01T00:00:00+14:00",
                       "thread": wire.new_id(), "text": "Odd clock", "author": "Birch"})
    outer = forum_wire.Outer(forum_wire.MEGOLM, group.encrypt(padding.pad(body.encode()))
                             .to_bytes(), session_id=group.session_id)
    fjord_card = next(m for m in service.context.others(record) if m.pseudonym == "Fjord")
    with service.context.repo.write() as write:
        write.enqueue(outgoing(record, fjord_card.mailbox_id, fjord_card.mailbox_key, outer))
        write.update_forum(record.id, outbound_pickle=group.pickle(service.context.pickle_key))
    birch.sync()
    fjord.sync()  # asserts the sync went through
    assert [(p.unverified, p.text) for p in forums(fjord).views.posts(forum_id(fjord))] == [
        (True, "")]  # shown as a post that could not be verified
    forums(birch).posting.post(forum_id(birch), "Clock fixed")
    settle([birch, fjord], rounds=1)
    assert [p.text for p in forums(fjord).views.posts(forum_id(fjord)) if not p.unverified] == [
        "Clock fixed"]
