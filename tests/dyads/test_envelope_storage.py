"""What a vault keeps of envelopes: nothing over the protocol's size limit, and no ciphertext
once what it carried is stored (issue 13: a 20 MB forged envelope grew a vault to 20.8 MB)."""

from __future__ import annotations

import os
from pathlib import Path

from reconnect_tui import wire
from tests.dyads.dyad_helpers import Person, pair
from tests.relay_tamper import deposit_raw, live_envelopes


def _vault_bytes(path: Path) -> int:
    return sum(os.path.getsize(p) for p in (path, Path(f"{path}-wal")) if p.exists())


def _ciphertext_kept(person: Person) -> tuple[int, int]:
    """(bytes of ciphertext of handled inbound envelopes, of delivered outbound ones)."""
    with person.vault.read() as conn:
        inbound = conn.execute("SELECT coalesce(sum(length(ciphertext)), 0) FROM inbox"
                               " WHERE processed = 1").fetchone()[0]
        outbound = conn.execute("SELECT coalesce(sum(length(ciphertext)), 0) FROM outbox"
                                " WHERE delivered_at IS NOT NULL").fetchone()[0]
    return inbound, outbound


def test_an_envelope_over_the_protocol_limit_is_deleted_unread(provider: Person, user: Person,
                                                              relay) -> None:
    on_provider, on_user = pair(provider, user)
    mailbox = provider.dyads.repo.partner(on_provider.id).inbound_mailbox
    deposit_raw(relay, mailbox, wire.new_id(), os.urandom(20 * 1024 * 1024))
    deposit_raw(relay, mailbox, wire.new_id(), os.urandom(wire.MAX_ENVELOPE_BYTES + 1))
    user.dyads.send(on_user.id, "Still arrives")
    user.sync()
    before = _vault_bytes(provider.path)

    report = provider.sync()

    assert report.dropped == 2
    assert "2 oversized envelopes deleted unread" in report.summary()
    assert _vault_bytes(provider.path) - before < 1024 * 1024  # it grew by none of the 20 MB
    with provider.vault.read() as conn:
        biggest = conn.execute("SELECT coalesce(max(length(ciphertext)), 0) FROM inbox"
                               ).fetchone()[0]
    assert biggest <= wire.MAX_ENVELOPE_BYTES
    assert live_envelopes(relay, mailbox) == []  # acknowledged: the relay deleted them
    [message] = [m for m in provider.dyads.conversation(on_provider.id)]
    assert (message.text, message.status) == ("Still arrives", "unread")


def test_no_ciphertext_is_kept_once_its_message_is_stored(provider: Person, user: Person
                                                         ) -> None:
    on_provider, on_user = pair(provider, user)
    for n in range(100):
        user.dyads.send(on_user.id, f"to the provider {n}")
        provider.dyads.send(on_provider.id, f"to the user {n}")
    user.sync()
    provider.sync()
    user.sync()

    assert len(provider.dyads.conversation(on_provider.id)) == 200
    assert len(user.dyads.conversation(on_user.id)) == 200
    for person in (user, provider):
        assert _ciphertext_kept(person) == (0, 0)
        with person.vault.read() as conn:  # every row is handled: nothing pruned too early
            assert conn.execute("SELECT count(*) FROM inbox WHERE processed = 0"
                                ).fetchone()[0] == 0
    sent = [m for m in user.dyads.conversation(on_user.id) if m.outgoing]
    assert {m.status for m in sent} == {"delivered"}  # pruned rows still say "delivered"
