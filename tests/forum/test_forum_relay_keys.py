"""Each forum signs its relay requests with a key of its own, never the vault's (docs/forum.md):
the relay cannot link a forum member to that person's provider dyad, nor two forums of one
person, by key. Checked in the relay's own database: who owns which mailbox, and which keys
signed requests (the relay keeps every signed request's nonce for ten minutes)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from reconnect_tui import wire
from reconnect_tui.store.db import open_connection
from reconnect_tui.store.keys import new_vault_key
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.store.schema import migrate
from reconnect_tui.sync.forum import Forums
from tests.dyads.dyad_helpers import Person, open_person, pair
from tests.forum.forum_helpers import build_circle, forums, invite, join, settle
from tests.support.vaults import Template


def relay_owners(relay) -> dict[str, bytes]:
    with sqlite3.connect(relay.db) as conn:
        return {r[0]: bytes(r[1]) for r in conn.execute("SELECT id, owner FROM mailboxes")}


def relay_signers(relay) -> set[bytes]:
    """The keys that signed a request in the last ten minutes."""
    with sqlite3.connect(relay.db) as conn:
        return {bytes(r[0]) for r in conn.execute("SELECT DISTINCT key FROM nonces")}


def vault_key(person: Person) -> bytes:
    seed = SyncStateRepository(person.vault).device_seed()
    return bytes(wire.relay_signing_key(seed).verify_key)


def forum_key(person: Person, forum_id: str) -> bytes:
    return bytes(Forums(person.vault).context.relay_key(forum_id).verify_key)


def forum_mailboxes(person: Person, forum_id: str) -> set[str]:
    """The forum's inbound mailbox and its invitations' answer mailboxes."""
    with person.vault.read() as conn:
        own = conn.execute("SELECT mailbox_id FROM forums WHERE id = ?", (forum_id,)).fetchone()
        answers = conn.execute("SELECT mailbox_id FROM forum_invitations WHERE forum_id = ?",
                               (forum_id,)).fetchall()
    return {own[0], *(r[0] for r in answers)}


def test_forum_traffic_shares_no_key_with_dyad_traffic(
        people: list[Person], relay, provider_template: Template, tmp_path: Path) -> None:
    kari, birch = people[0], people[1]
    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    on_provider, on_kari = pair(provider, kari)
    kari.dyads.send(on_kari.id, "Hei, jeg er med i en gruppe nå.")
    kari.sync()
    provider.sync()
    circle = build_circle(kari, [birch])
    forums(kari).posting.post(circle.forum, "Hello, circle")
    settle([kari, birch])
    second = forums(kari).membership.create("Thursday walk", "Walker")
    invite(kari, "Thursday walk")
    kari.sync()
    provider.vault.close()

    owners, signers = relay_owners(relay), relay_signers(relay)
    dyad_key = vault_key(kari)
    first_key, second_key = forum_key(kari, circle.forum), forum_key(kari, second.id)
    assert len({dyad_key, first_key, second_key}) == 3
    dyad_mailbox = DyadRepository(kari.vault).partner(on_kari.id).inbound_mailbox
    assert owners[dyad_mailbox] == dyad_key
    for forum_id, key in ((circle.forum, first_key), (second.id, second_key)):
        mailboxes = forum_mailboxes(kari, forum_id)
        assert mailboxes and {owners[m] for m in mailboxes} == {key}
    assert {dyad_key, first_key, second_key} <= signers
    assert Forums(kari.vault).context.relay_key(circle.forum).verify_key == \
        Forums(kari.vault).context.relay_key(circle.forum).verify_key  # kept, not made anew

    # Birch has no dyad: joining, claiming, posting, fetching — none of it used the vault key.
    birch_forum = forums(birch).views.forums()[0].id
    assert vault_key(birch) not in signers
    assert forum_key(birch, birch_forum) in signers
    assert {owners[m] for m in forum_mailboxes(birch, birch_forum)} == {
        forum_key(birch, birch_forum)}
    assert [p.text for p in forums(birch).views.posts(birch_forum)] == ["Hello, circle"]


def test_a_forum_from_before_gets_its_own_key_at_its_next_use(people: list[Person], relay) -> None:
    kari, birch = people[0], people[1]
    summary = forums(kari).membership.create("Tuesday circle", "Mod")
    with kari.vault.transaction() as conn:  # as a vault from before: no key of the forum's own,
        conn.execute("DELETE FROM forum_relay_keys")  # its mailbox read with the vault's key
        conn.execute("UPDATE mailboxes SET signer = ''")
    kari.sync()
    own_mailbox = forums(kari).context.record(summary.id).mailbox_id
    assert relay_owners(relay)[own_mailbox] == vault_key(kari)  # claimed as before

    join(birch, invite(kari), "Birch")  # the next use: the forum gets its own key
    settle([birch, kari, birch, kari])
    key = forum_key(kari, summary.id)
    assert key != vault_key(kari)
    owners = relay_owners(relay)
    answer_mailboxes = forum_mailboxes(kari, summary.id) - {own_mailbox}
    assert answer_mailboxes and {owners[m] for m in answer_mailboxes} == {key}
    # the mailbox it had keeps working (the relay lets only the key that claimed it read it)
    birch_forum = forums(birch).views.forums()[0].id
    forums(birch).posting.post(birch_forum, "Hello from Birch")
    settle([birch, kari])
    assert [p.text for p in forums(kari).views.posts(summary.id)] == ["Hello from Birch"]


def test_the_migration_moves_what_a_forum_has_not_used_yet_to_its_key(tmp_path: Path) -> None:
    """From schema 8: a forum mailbox not claimed yet, and envelopes to forum members not
    delivered yet, are marked for the forum's key; what was claimed or is a dyad's stays."""
    conn = open_connection(tmp_path / "v.db", new_vault_key())
    migrate(conn, target=8)
    conn.executescript("""
        INSERT INTO forums(id, forum_key, name, pseudonym, status, account_pickle, mailbox_id,
            mailbox_key, outbound_pickle, outbound_created_at, own_group_pickle, created_at)
            VALUES ('f1', 'fk', 'Circle', 'Sky', 'active', '', 'forum-new', x'00', '', '', '',
                    '');
        INSERT INTO forum_members(forum_id, pseudonym, ed25519, curve25519, mailbox_id,
            mailbox_key, joined_at) VALUES ('f1', 'Birch', 'e', 'c', 'birch-box', x'00', '');
        INSERT INTO mailboxes(mailbox_id, direction, purpose, claimed)
            VALUES ('forum-new', 'in', 'forum', 0), ('dyad-box', 'in', '', 0);
        INSERT INTO outbox(envelope_id, mailbox_id, ciphertext, created_at, next_attempt_at)
            VALUES ('e1', 'birch-box', x'00', 0, 0), ('e2', 'provider-box', x'00', 0, 0);
    """)
    migrate(conn, target=9)
    assert dict(conn.execute("SELECT mailbox_id, signer FROM mailboxes")) == {
        "forum-new": "f1", "dyad-box": ""}
    assert dict(conn.execute("SELECT envelope_id, signer FROM outbox")) == {"e1": "f1", "e2": ""}
    conn.close()
