"""Pairing through a real relay: codes, safety numbers, key swaps, one provider with two users."""

from __future__ import annotations

import pytest

from reconnect_tui.errors import ProtocolError, ReconnectError
from reconnect_tui.model import Role
from reconnect_tui.sync.dyads import relay_for
from tests.dyads.dyad_helpers import invite, join, pair


def test_pair_and_safety_numbers_agree(provider, user) -> None:
    code = invite(provider)
    joined = join(user, code)
    assert joined.status == "pending" and joined.role is Role.PROVIDER
    assert joined.name == "Dr Lind"
    user.sync()
    provider.sync()
    assert user.dyads.partner_named("Dr Lind").status == "pending"
    user.sync()
    on_provider = provider.dyads.partner_named("Kari Nordmann")
    on_user = user.dyads.partner_named("Dr Lind")
    assert on_provider.status == on_user.status == "paired"
    assert on_provider.safety_number == on_user.safety_number
    groups = on_user.safety_number.split(" ")
    assert len(groups) == 12 and all(len(g) == 5 and g.isdigit() for g in groups)
    assert not on_user.verified and not on_user.key_changed


def test_code_shape_normalization_and_one_time_use(provider, user, second_user) -> None:
    code = invite(provider)
    assert len(code) == 14 and code.count("-") == 2 and not code.startswith("-")
    assert not set(code.replace("-", "")) & set("01IOL")
    typed = code.lower().replace("-", " ")  # how people may type it
    join(user, typed)
    with pytest.raises(ReconnectError, match="No invitation with this code"):
        join(second_user, code)  # used once already
    assert second_user.dyads.partners() == []


def test_wrong_and_malformed_codes_are_refused(provider, user) -> None:
    invite(provider)
    with pytest.raises(ReconnectError, match="No invitation with this code"):
        join(user, "ABCD-EFGH-JKMN")
    with pytest.raises(ReconnectError, match="not an invitation code"):
        join(user, "-rm -rf")
    assert user.dyads.partners() == []


def test_roles_are_enforced(provider, user) -> None:
    with relay_for(user.vault, user.relay_url) as port, pytest.raises(
            ReconnectError, match="Only a provider"):
        user.dyads.create_invitation(port)
    code = invite(provider)
    with relay_for(provider.vault, provider.relay_url) as port, pytest.raises(
            ReconnectError, match="cannot join"):
        provider.dyads.join(code, port)


def test_provider_with_two_users(provider, user, second_user) -> None:
    pair(provider, user)
    pair(provider, second_user)
    names = sorted(p.name for p in provider.dyads.partners())
    assert names == ["Kari Nordmann", "Ola Hansen"]
    kari = provider.dyads.partner_named("Kari Nordmann")
    ola = provider.dyads.partner_named("Ola Hansen")
    assert kari.safety_number != ola.safety_number
    provider.dyads.send(kari.id, "Til Kari")
    provider.dyads.send(ola.id, "Til Ola")
    provider.sync()
    user.sync()
    second_user.sync()
    assert [m.text for m in user.dyads.conversation(user.dyads.partners()[0].id)] == ["Til Kari"]
    assert [m.text for m in second_user.dyads.conversation(
        second_user.dyads.partners()[0].id)] == ["Til Ola"]


def test_changed_key_warns_and_needs_verifying_again(provider, user, user_template,
                                                     tmp_path) -> None:
    from tests.dyads.dyad_helpers import open_person

    on_provider, _on_user = pair(provider, user)
    provider.dyads.verify(on_provider.id)
    assert provider.dyads.partner_named("Kari Nordmann").verified
    # Kari reinstalls: a new vault with the same name, so a new identity key.
    new_kari = open_person(user_template, tmp_path / "kari-again", provider.relay_url)
    try:
        provider.dyads.send(on_provider.id, "Only for the first Kari")
        again, _ = pair(provider, new_kari)
        # A new key under an old name is a new dyad: it may be someone else with that name,
        # so the earlier conversation is never handed to it.
        assert again.id != on_provider.id
        assert provider.dyads.conversation(again.id) == []
        assert [m.text for m in provider.dyads.conversation(on_provider.id)] == [
            "Only for the first Kari"
        ]
        assert provider.dyads.partner_named("Kari Nordmann").id == again.id  # the newest
        assert again.key_changed and not again.verified
        assert again.safety_number != on_provider.safety_number
        assert again.safety_number == new_kari.dyads.partner_named("Dr Lind").safety_number
        verified = provider.dyads.verify(again.id)
        assert verified.verified and not verified.key_changed
    finally:
        new_kari.vault.close()


def test_safety_number_is_symmetric_and_key_bound() -> None:
    import os

    from reconnect_tui.sync.safety import safety_number

    a, b, c = os.urandom(32), os.urandom(32), os.urandom(32)
    assert safety_number(a, b) == safety_number(b, a)
    assert safety_number(a, b) != safety_number(a, c)
    with pytest.raises(ValueError):
        safety_number(a, b[:31])


class SwappingRelay:
    """A malicious relay in-process: passes calls to the real one, but hands out a bundle it
    made itself with its own keys (it does not know the code)."""

    def __init__(self, real) -> None:
        self.real = real

    def claim_mailbox(self, mailbox_id: str) -> bool:
        return self.real.claim_mailbox(mailbox_id)

    def put_invitation(self, lookup_id: str, bundle: bytes) -> None:
        self.real.put_invitation(lookup_id, bundle)

    def take_invitation(self, lookup_id: str) -> bytes | None:
        import os

        import vodozemac

        from reconnect_tui import wire
        from reconnect_tui.sync import pairing


        genuine = self.real.take_invitation(lookup_id)
        assert genuine is not None
        mallory = vodozemac.Account()
        mallory.generate_one_time_keys(1)
        otk = next(iter(mallory.one_time_keys.values())).to_base64()
        forged = pairing.PairingBundle("Dr Lind", "provider", mallory.ed25519_key.to_base64(),
                                mallory.curve25519_key.to_base64(), otk, wire.new_id(32))
        return pairing.seal_bundle(forged, mallory, os.urandom(32))


def test_relay_swapping_the_invitation_bundle_is_caught(provider, user) -> None:
    code = invite(provider)
    with relay_for(user.vault, user.relay_url) as port, pytest.raises(
            ProtocolError, match="could not be verified"):
        user.dyads.join(code, SwappingRelay(port))
    assert user.dyads.partners() == []


def _forged_answer(provider, code: str, *, with_code_keys: bool) -> tuple[str, bytes]:
    """A pairing answer made by Mallory's own account for the provider's invitation mailbox.

    Without the code keys she can only guess. ``with_code_keys`` is a stronger Mallory: she
    read the bundle (one-time key included) and has the outer envelope key, but not the MAC
    key; the bundle is put back so the real service user can still take it."""
    import os
    from datetime import UTC, datetime

    import vodozemac

    from reconnect_tui import wire
    from reconnect_tui.sync import messages, olm, pairing
    from reconnect_tui.sync.dyads import relay_for

    keys = pairing.code_keys(code)
    with provider.vault.read() as conn:
        mailbox_id = conn.execute("SELECT mailbox_id FROM invitations").fetchone()[0]
    account = provider.dyads._identity()
    one_time_key = account.curve25519_key.to_base64()  # a guess the provider will not accept
    if with_code_keys:
        with relay_for(provider.vault, provider.relay_url) as port:
            sealed = port.take_invitation(keys.lookup_id)
            port.put_invitation(keys.lookup_id, sealed)
        one_time_key = pairing.open_bundle(sealed, keys.bundle_key).one_time_key
    mallory = vodozemac.Account()
    session = mallory.create_outbound_session(
        account.curve25519_key, vodozemac.Curve25519PublicKey.from_base64(one_time_key))
    mallory_keys = {"ed25519": mallory.ed25519_key.to_base64(),
                    "curve25519": mallory.curve25519_key.to_base64(), "mailbox": wire.new_id()}
    inner = messages.DyadPlaintext(
        "pairing", wire.new_id(), mallory_keys["ed25519"], provider.dyads.identity_key,
        datetime.now(UTC), 0,
        {"name": "Kari Nordmann", "role": "user", "curve25519": mallory_keys["curve25519"],
         "mailbox": mallory_keys["mailbox"],
         "mac": pairing.response_mac(os.urandom(32), mallory_keys, {})})
    envelope = olm.encrypt(session, inner.encode())
    envelope = olm.OlmEnvelope(envelope.message_type, envelope.ciphertext,
                               mallory_keys["curve25519"])
    key = keys.pairing_key if with_code_keys else os.urandom(32)
    return mailbox_id, olm.seal(key, mailbox_id, envelope)


@pytest.mark.parametrize("with_code_keys", [False, True])
def test_relay_answering_in_the_providers_place_is_rejected(provider, user, with_code_keys
                                                             ) -> None:
    from reconnect_tui import wire
    from reconnect_tui.store.repositories.dyads import DyadRepository
    from reconnect_tui.sync.client import RelayClient

    code = invite(provider)
    mailbox_id, forged = _forged_answer(provider, code, with_code_keys=with_code_keys)
    with RelayClient(provider.relay_url, wire.relay_signing_key(b"m" * 32)) as mallory:
        mallory.deposit(mailbox_id, wire.new_id(), forged)
    provider.sync()
    assert provider.dyads.partners() == []
    assert DyadRepository(provider.vault).rejected_count() == 1
    with provider.vault.read() as conn:
        reason = conn.execute("SELECT reason FROM rejected_envelopes").fetchone()[0]
    assert ("proof" in reason) if with_code_keys else ("could not be verified" in reason)
    # The genuine answer still pairs afterwards.
    join(user, code)
    user.sync()
    provider.sync()
    user.sync()
    assert provider.dyads.partner_named("Kari Nordmann").status == "paired"
    assert user.dyads.partner_named("Dr Lind").status == "paired"


def test_garbage_in_the_invitation_mailbox_is_rejected_without_harm(provider, user) -> None:
    """Even with the code's keys, malformed Olm bytes are recorded and nothing else changes."""
    from reconnect_tui import wire
    from reconnect_tui.store.repositories.dyads import DyadRepository
    from reconnect_tui.store.repositories.sync_state import SyncStateRepository
    from reconnect_tui.sync import olm, pairing


    code = invite(provider)
    keys = pairing.code_keys(code)
    with provider.vault.read() as conn:
        mailbox_id = conn.execute("SELECT mailbox_id FROM invitations").fetchone()[0]
    account_before = DyadRepository(provider.vault).account_pickle()
    curve = provider.dyads._identity().curve25519_key.to_base64()
    junk = [olm.seal(keys.pairing_key, mailbox_id, olm.OlmEnvelope(kind, b"\x00" * 40, curve))
            for kind in (olm.PRE_KEY, olm.NORMAL)]
    SyncStateRepository(provider.vault).store_received(
        mailbox_id, [(wire.new_id(), i, c) for i, c in enumerate(junk)], 0, 0.0)
    assert provider.dyads.process_inbox() == 0
    assert DyadRepository(provider.vault).rejected_count() == 2
    assert DyadRepository(provider.vault).account_pickle() == account_before
    assert provider.dyads.partners() == []
