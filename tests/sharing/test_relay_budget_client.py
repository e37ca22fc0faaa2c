"""What a person sees when the relay's budgets bite, with real vaults and a real relay: a full
relay (507) keeps the message and the share and delivers both later; shares nobody changes are
republished before the relay's item expiry."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import nacl.signing

from reconnect_tui import wire
from reconnect_tui.relay.config import MIB, RelayConfig
from reconnect_tui.sync.client import RelayClient
from reconnect_tui.sync.service import connect
from reconnect_tui.sync.sharing import ITEM_REFRESH_AFTER, Sharing
from tests.dyads.dyad_helpers import open_person, pair
from tests.relay_server import RelayProcess
from tests.sharing.sharing_helpers import relay_item, sharing, write_crisis_plan


def relay_usage(relay: RelayProcess) -> int:
    with sqlite3.connect(relay.db) as conn:
        return conn.execute("SELECT bytes FROM usage").fetchone()[0]


def test_a_full_relay_keeps_the_message_and_the_share_for_later(
        provider_template, user_template, tmp_path: Path) -> None:
    with RelayProcess(tmp_path / "relay", extra_args=["--max-storage-mib", "1"]) as relay:
        provider = open_person(provider_template, tmp_path / "provider", relay.url)
        user = open_person(user_template, tmp_path / "user", relay.url)
        try:
            on_provider, on_user = pair(provider, user)
            # Someone else fills the relay to within 200 bytes of its 1 MiB.
            filler = nacl.signing.SigningKey.generate()
            slots = []
            with RelayClient(relay.url, filler) as client:
                while (room := MIB - relay_usage(relay)) > 200:
                    slot = wire.new_id()
                    client.put_item(slot, 1, b"\x00" * min(room - 200,
                                                           RelayConfig().max_envelope_bytes))
                    slots.append(slot)

            user.dyads.send(on_user.id, "Can we move Thursday's appointment?")
            write_crisis_plan(user, "Not sleeping")
            sharing(user).share("crisis-plan", None, on_user.id)
            report = user.sync()
            assert report.sent == 0 and report.waiting >= 1
            assert (f"The relay at {relay.url} is full; your message is kept and will be sent"
                    " later.") in report.problems
            assert ("The relay is full: what you share is kept and will be published by a later"
                    " sync.") in report.problems
            assert sharing(user).entries()[0].published_version is None

            with RelayClient(relay.url, filler) as client:  # space again
                for slot in slots:
                    client.delete_item(slot)
            report = user.sync()
            assert report.waiting == 0 and not report.problems
            provider.sync()
            texts = [m.text for m in provider.dyads.conversation(on_provider.id)]
            assert "Can we move Thursday's appointment?" in texts
            plan = sharing(provider).view(on_provider.id).crisis_plan.get()
            assert plan.warning_signs == "Not sleeping"
        finally:
            provider.vault.close()
            user.vault.close()


def test_unchanged_shares_are_republished_before_the_relay_expires_them(provider, user, relay):
    on_provider, on_user = pair(provider, user)
    write_crisis_plan(user, "Pacing at night")
    sharing(user).share("crisis-plan", None, on_user.id)
    user.sync()
    slot = sharing(user).repo.share(on_user.id, "crisis-plan", None).slot_id
    assert relay_item(relay, slot)[0] == 1
    published = sharing(user).entries()[0].published_at
    assert published is not None

    def publish_at(when: datetime) -> int:
        with connect(user.vault, relay.url) as engine:
            return Sharing(user.vault, clock=lambda: when).publish(engine.relay).published

    assert publish_at(published + ITEM_REFRESH_AFTER - timedelta(minutes=1)) == 0
    later = published + ITEM_REFRESH_AFTER + timedelta(minutes=1)
    assert publish_at(later) == 1
    assert relay_item(relay, slot)[0] == 2
    assert sharing(user).entries()[0].published_at == later.astimezone(UTC)
    assert publish_at(later + timedelta(days=1)) == 0  # refreshed: not again until due
    provider.sync()
    plan = sharing(provider).view(on_provider.id).crisis_plan.get()
    assert plan.warning_signs == "Pacing at night"
    relay_expiry = timedelta(seconds=RelayConfig().item_ttl_seconds)
    assert relay_expiry >= 2 * ITEM_REFRESH_AFTER  # a whole refresh period of slack
