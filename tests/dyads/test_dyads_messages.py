"""Messages between real vaults through a real relay: order, statuses, receipts, provider Home,
and every way an envelope can be tampered with."""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, timedelta

import pytest

from reconnect_tui import wire
from reconnect_tui.model import Goal
from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store import keys as vault_keys
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync import olm
from reconnect_tui.sync.client import RelayClient
from reconnect_tui.sync.dyads import Dyads, ItemRef, reading_time_seconds, word_count
from reconnect_tui.sync.sharing import Sharing
from tests.dyads.dyad_helpers import fetch_only, inject, pair, session_pickle


def test_200_messages_both_ways_with_a_relay_restart(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    sent_by_user, sent_by_provider = [], []
    for round_no in range(10):
        for i in range(20):
            sent_by_user.append(user.dyads.send(on_user.id, f"u{round_no}-{i}").id)
            sent_by_provider.append(provider.dyads.send(on_provider.id, f"p{round_no}-{i}").id)
        if round_no == 4:
            relay.restart()
        user.sync()
        provider.sync()
    user.sync()
    mine = user.dyads.conversation(on_user.id)
    theirs = provider.dyads.conversation(on_provider.id)
    assert len(mine) == len(theirs) == 400
    assert [m.id for m in mine] == [m.id for m in theirs]  # the same order on both sides
    assert [m.id for m in mine if m.outgoing] == sent_by_user
    assert [m.id for m in theirs if m.outgoing] == sent_by_provider
    assert [m.text for m in theirs if not m.outgoing] == [
        f"u{r}-{i}" for r in range(10) for i in range(20)]
    assert all(m.status == "unread" for m in mine if not m.outgoing)
    assert all(m.sent_at.tzinfo is not None for m in mine)
    assert user.dyads.unread_total() == 200


def test_statuses_queued_delivered_read_and_receipts_off(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    message = user.dyads.send(on_user.id, "Hei, kan vi snakke om målet mitt?")
    assert message.status == "queued" and message.outgoing and message.sender == "Kari Nordmann"
    user.sync()
    assert user.dyads.conversation(on_user.id)[-1].status == "delivered"
    provider.sync()
    assert provider.dyads.unread_total() == 1
    provider.dyads.mark_read(on_provider.id)
    assert provider.dyads.unread_total() == 0
    provider.sync()
    user.sync()
    assert user.dyads.conversation(on_user.id)[-1].status == "read"
    # Receipts off on the provider's side: the next message stays "delivered".
    provider.dyads.set_read_receipts(on_provider.id, False)
    assert not provider.dyads.partner_named("Kari Nordmann").read_receipts
    user.dyads.send(on_user.id, "En til")
    user.sync()
    provider.sync()
    provider.dyads.mark_read(on_provider.id)
    provider.sync()
    user.sync()
    assert [m.status for m in user.dyads.conversation(on_user.id)] == ["read", "delivered"]


def test_offline_send_is_queued_then_delivered(provider, user, relay) -> None:
    on_provider, on_user = pair(provider, user)
    relay.stop()
    user.dyads.send(on_user.id, "sent while offline")
    from reconnect_tui.sync.sync_service import sync_and_process

    report = sync_and_process(user.vault, user.relay_url)
    assert report.offline and report.waiting == 1
    assert user.dyads.conversation(on_user.id)[0].status == "queued"
    relay.start()
    user.sync()
    provider.sync()
    assert [m.text for m in provider.dyads.conversation(on_provider.id)] == ["sent while offline"]


def test_reply_and_about_travel_inside(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    added = Toolbox(user.vault).goals.add(Goal(title="Gå tur hver dag"))
    Sharing(user.vault).share("goals", added.id, on_user.id)  # so its title may travel
    goal = ItemRef("goals", added.id or 0, "Gå tur hver dag")
    first = user.dyads.send(on_user.id, "Om dette målet", about=goal)
    user.sync()
    provider.sync()
    received = provider.dyads.conversation(on_provider.id)[0]
    assert received.about == goal and received.id == first.id and received.sender == "Kari Nordmann"
    provider.dyads.send(on_provider.id, "Godt mål!", reply_to=first.id)
    provider.sync()
    user.sync()
    answer = user.dyads.conversation(on_user.id)[-1]
    assert answer.reply_to == first.id and answer.text == "Godt mål!"


def test_provider_home_longest_waiting_first(provider, user, second_user) -> None:
    kari, _ = pair(provider, user)
    ola, _ = pair(provider, second_user)
    ola_side = second_user.dyads.partners()[0]
    kari_side = user.dyads.partners()[0]
    second_user.dyads.send(ola_side.id, "Ola venter lengst")
    second_user.sync()
    user.dyads.send(kari_side.id, "Kari venter")
    user.sync()
    provider.sync()
    summaries = provider.dyads.summaries()
    assert [s.partner.name for s in summaries] == ["Ola Hansen", "Kari Nordmann"]
    assert all(s.unread == 1 and s.waiting_since is not None for s in summaries)
    assert summaries[0].waiting_since < summaries[1].waiting_since
    provider.dyads.send(ola.id, "Svar til Ola")  # answered: Ola no longer waits
    summaries = provider.dyads.summaries()
    assert [s.partner.name for s in summaries] == ["Kari Nordmann", "Ola Hansen"]
    assert summaries[1].waiting_since is None and summaries[1].last_message_at is not None
    assert kari.id != ola.id


def test_bit_flips_are_rejected_and_leave_the_session_unchanged(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    user.dyads.send(on_user.id, "the genuine one")
    user.sync()
    [(inbox_id, _eid, mailbox_id, ciphertext)] = fetch_only(provider)
    SyncStateRepository(provider.vault).mark_processed([inbox_id])
    before = session_pickle(provider, on_provider.id)
    rng = random.Random(6)
    positions = rng.sample(range(len(ciphertext)), 50)
    for position in positions:
        flipped = bytearray(ciphertext)
        flipped[position] ^= 1 << rng.randrange(8)
        inject(provider.vault, mailbox_id, bytes(flipped))
    assert provider.dyads.process_inbox() == 0
    assert session_pickle(provider, on_provider.id) == before  # byte-identical
    shown = provider.dyads.conversation(on_provider.id)
    assert len(shown) == 50 and all(m.status == "unverified" and m.text == "" for m in shown)
    inject(provider.vault, mailbox_id, ciphertext)  # the untouched envelope still decrypts
    assert provider.dyads.process_inbox() == 1
    assert [m.text for m in provider.dyads.conversation(on_provider.id)
            if m.status != "unverified"] == ["the genuine one"]


def test_every_replayed_envelope_is_rejected(provider, user) -> None:
    on_provider, on_user = pair(provider, user)
    for i in range(5):
        user.dyads.send(on_user.id, f"m{i}")
    user.sync()
    rows = fetch_only(provider)
    assert provider.dyads.process_inbox() == 5
    with RelayClient(provider.relay_url, wire.relay_signing_key(b"r" * 32)) as mallory:
        for _inbox_id, _eid, mailbox_id, ciphertext in rows:
            mallory.deposit(mailbox_id, wire.new_id(), ciphertext)
    before = session_pickle(provider, on_provider.id)
    provider.sync()
    texts = [(m.text, m.status) for m in provider.dyads.conversation(on_provider.id)]
    assert [t for t, s in texts if s != "unverified"] == [f"m{i}" for i in range(5)]
    assert sum(1 for _t, s in texts if s == "unverified") == 5
    assert session_pickle(provider, on_provider.id) == before


def test_re_addressed_envelope_is_rejected(provider, user, second_user) -> None:
    """An envelope for Kari moved by the relay into Ola's mailbox does not open there."""
    kari, _ = pair(provider, user)
    ola, _ = pair(provider, second_user)
    provider.dyads.send(kari.id, "for Kari only")
    provider.sync()
    [(_i, _e, _m, ciphertext)] = fetch_only(user)
    ola_mailbox = DyadRepository(second_user.vault).partners()[0].inbound_mailbox
    inject(second_user.vault, ola_mailbox, ciphertext)
    assert second_user.dyads.process_inbox() == 0
    assert [m.status for m in second_user.dyads.conversation(
        second_user.dyads.partners()[0].id)] == ["unverified"]
    assert ola.id != kari.id


def test_forward_secrecy_saved_state_cannot_decrypt_the_message_it_saw(provider, user,
                                                                      tmp_path) -> None:
    on_provider, on_user = pair(provider, user)
    envelopes = []
    for i in range(4):
        user.dyads.send(on_user.id, f"secret {i}")
        user.sync()
        rows = fetch_only(provider)
        envelopes.append(rows[0])
        assert provider.dyads.process_inbox() == 1
    # A copy of the receiver's whole state, saved after message 3 was processed.
    provider.vault.close()
    copy_dir = tmp_path / "seized"
    copy_dir.mkdir()
    for suffix in ("", "-wal", "-shm"):
        source = provider.path.with_name(provider.path.name + suffix)
        if source.exists():
            shutil.copyfile(source, copy_dir / (provider.path.name + suffix))
    shutil.copyfile(vault_keys.header_path(provider.path),
                    vault_keys.header_path(copy_dir / provider.path.name))
    seized = Vault.open_with_key(
        copy_dir / provider.path.name, provider.template.key, provider.template.header)
    try:
        record = DyadRepository(seized).partner(on_provider.id)
        assert record is not None
        key = olm.pickle_key(seized.key)
        for _inbox_id, _eid, mailbox_id, ciphertext in envelopes:
            envelope = olm.open_sealed(record.envelope_key, mailbox_id, ciphertext)
            with pytest.raises(olm.OlmError):
                olm.load_session(record.session_pickle, key).decrypt(envelope.olm_message())
        inject(seized, envelopes[3][2], envelopes[3][3])
        assert Dyads(seized).process_inbox() == 0
    finally:
        seized.close()
        provider.reopen()


def test_unknown_partner_and_empty_message(provider, user) -> None:
    from reconnect_tui.errors import NotFound, ReconnectError

    with pytest.raises(NotFound, match="not paired with anyone"):
        user.dyads.partner_named("Dr Lind")
    pair(provider, user)
    with pytest.raises(NotFound, match="Your partners: Dr Lind"):
        user.dyads.partner_named("Dr Nobody")
    with pytest.raises(ReconnectError, match="empty"):
        user.dyads.send(user.dyads.partners()[0].id, "   ")


def test_clock_is_injected(provider, user) -> None:
    _on_provider, on_user = pair(provider, user)
    fixed = datetime(2026, 11, 27, 9, tzinfo=UTC)
    sent = Dyads(user.vault, clock=lambda: fixed).send(on_user.id, "hei")
    assert sent.sent_at == fixed
    assert user.dyads.conversation(on_user.id)[0].sent_at == fixed
    later = Dyads(user.vault, clock=lambda: fixed + timedelta(hours=1)).send(on_user.id, "igjen")
    assert [m.id for m in user.dyads.conversation(on_user.id)] == [sent.id, later.id]


@pytest.mark.parametrize(("text", "words", "seconds"), [
    ("", 0, 5), ("hei", 1, 5), ("en to tre", 3, 5), ("ord " * 200, 200, 60),
    ("don't stop — it's fine", 4, 5), ("ord " * 50, 50, 15),
])
def test_word_count_and_reading_time(text: str, words: int, seconds: int) -> None:
    assert word_count(text) == words
    assert reading_time_seconds(text) == seconds
