"""What partners see of linked devices (docs/devices.md), with real vaults and a real relay: a
service user pairs with a provider on the laptop, links a work PC, and both devices hold the
whole conversation; the provider sees one person with two devices and one safety number; a
removed device cannot read what is sent after; a forged or tampered list is refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reconnect_tui.errors import ReconnectError
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.partner_devices import PartnerDeviceRepository
from reconnect_tui.sync import device_keys as dk
from reconnect_tui.sync import olm
from reconnect_tui.sync.device_fanout import Fanout
from reconnect_tui.sync.devices import Devices
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.safety import safety_number
from tests.devices.device_helpers import run
from tests.devices.partner_helpers import Device, linked_setup, settle
from tests.dyads.dyad_helpers import fetch_only, inject, open_person, pair, relay_bytes


def test_two_devices_hold_the_whole_conversation_and_a_removed_one_reads_nothing_after(
        user_template, provider_template, tmp_path: Path, relay) -> None:
    provider, laptop, work, old_number = linked_setup(user_template, provider_template,
                                                      tmp_path, relay)
    try:
        (seen,) = Dyads(provider.vault).partners()
        assert seen.devices == ("Work PC",)  # one person, a second device
        assert seen.verified and seen.safety_number != old_number  # per person, kept verified
        assert {Dyads(d.vault).partners()[0].safety_number for d in (laptop, work)} == {
            seen.safety_number}
        assert Dyads(work.vault).partners()[0].status == "paired"
        with pytest.raises(ReconnectError, match="from the device that paired"):
            Dyads(work.vault).send_control(work.partner(), "seen", {})  # messages only

        provider.send("p1")
        settle(provider, laptop, work, rounds=1)
        work.send("w1")
        settle(work, provider, laptop, rounds=1)
        laptop.send("l1")
        settle(laptop, provider, work)

        person_view = [(True, "before 1"), (False, "before 2"), (False, "p1"), (True, "w1"),
                       (True, "l1")]
        assert laptop.view() == person_view
        assert work.view() == person_view  # sent on either device shows as sent, in order
        assert provider.view() == [(not out, text) for out, text in person_view]

        stored = relay_bytes(relay)  # device records and copies are ciphertext in mailboxes
        person = (Devices(laptop.vault).repo.person_key() or (b"", ""))[1]
        for secret in ("Work PC", "before 1", "before 2", person,
                       Dyads(work.vault).identity_key):
            assert secret.encode() not in stored, secret

        Devices(laptop.vault).remove("Work PC")
        settle(laptop, provider, work)
        assert Dyads(provider.vault).partners()[0].devices == ()
        provider.send("after removal")
        laptop.send("also after")
        settle(provider, laptop, work)
        assert laptop.view()[-2:] == [(False, "after removal"), (True, "also after")]
        assert [t for _, t in provider.view()][-2:] == ["after removal", "also after"]
        assert "after removal" not in [t for _, t in work.view()]
        assert "also after" not in [t for _, t in work.view()]
    finally:
        for device in (provider, laptop, work):
            device.vault.close()
    listed = run("pair", "list", "--json", "--vault", str(provider.vault.path))
    assert listed.exit_code == 0, listed.output
    (entry,) = json.loads(listed.stdout)
    assert entry["devices"] == [] and entry["verified"] and entry["safety_number"]


def _send_list(device: Device, signed: bytes, version: int) -> None:
    fanout = Fanout(device.vault)
    with device.vault.transaction() as conn:
        record = DyadRepository(device.vault).partners()[0]
        sent = fanout.repo.person_keys(record.id).list_sent
        fanout._send_list(record, signed, version, {})
        conn.execute("UPDATE partners SET list_sent = ?", (sent,))  # as the genuine one left it


def test_a_forged_old_or_tampered_device_list_is_refused(user_template, provider_template,
                                                         tmp_path: Path, relay) -> None:
    provider, laptop, work, _old = linked_setup(user_template, provider_template, tmp_path,
                                                relay)
    try:
        partner_id = provider.partner()
        lists = PartnerDeviceRepository(provider.vault)
        held = lists.partner_list(partner_id)
        assert held is not None and held.version == 2
        rejected = DyadRepository(provider.vault).rejected_count()
        seed, person = Devices(laptop.vault).repo.person_key() or (b"", "")
        current = dk.open_device_list(held.signed, person)
        when = Devices(laptop.vault)._now()

        # Signed by an unrelated key (the paired device's own certificate re-signed with it).
        other = dk.new_person_seed()
        forged = dk.sign_device_list(other, 9, when, [
            dk.sign_certificate(other, dk.DeviceCertificate(
                dk.person_public_key(other), c.ed25519, c.curve25519, c.name, c.linked_at))
            for c in current.devices])
        _send_list(laptop, forged, 9)
        # Older than the one held: brings no removed device back.
        _send_list(laptop, dk.sign_device_list(seed, 1, when, current.signed_certificates), 1)
        # Newer, by the person key, but without the device the partner paired with.
        _send_list(laptop, dk.sign_device_list(seed, 10, when, [
            s for c, s in zip(current.devices, current.signed_certificates, strict=True)
            if c.name == "Work PC"]), 10)
        laptop.sync()
        provider.sync()
        assert DyadRepository(provider.vault).rejected_count() == rejected + 3
        after = lists.partner_list(partner_id)
        assert after is not None and (after.version, after.signed) == (2, held.signed)
        assert Dyads(provider.vault).partners()[0].devices == ("Work PC",)

        # From the relay: a genuine newer list, and a copy of it with one byte changed.
        Devices(laptop.vault).remove("Work PC")
        laptop.sync()
        (row,) = [r for r in fetch_only(provider)]
        record = DyadRepository(provider.vault).partners()[0]
        tampered = bytearray(row[3])
        tampered[-1] ^= 1
        inject(provider.vault, record.inbound_mailbox, bytes(tampered))
        Dyads(provider.vault).process_inbox()
        assert DyadRepository(provider.vault).rejected_count() == rejected + 4
        after = lists.partner_list(partner_id)
        assert after is not None and after.version == 3  # the genuine one
        assert Dyads(provider.vault).partners()[0].devices == ()
    finally:
        for device in (provider, laptop, work):
            device.vault.close()


def test_a_pair_without_linked_devices_keeps_its_safety_number(user_template, provider_template,
                                                               tmp_path: Path, relay) -> None:
    provider = open_person(provider_template, tmp_path / "provider", relay.url)
    user = open_person(user_template, tmp_path / "user", relay.url)
    try:
        on_provider, on_user = pair(provider, user)
        identity = safety_number(olm.key_bytes(Dyads(provider.vault).identity_key),
                                 olm.key_bytes(Dyads(user.vault).identity_key))
        assert on_provider.safety_number == on_user.safety_number == identity
        assert on_provider.devices == on_user.devices == ()
        Devices(user.vault).ensure_person()  # a code made, no device linked: nothing changes
        user.sync()
        provider.sync()
        assert Dyads(user.vault).partners()[0].safety_number == identity
        assert Dyads(provider.vault).partners()[0].safety_number == identity
        Dyads(user.vault).send(on_user.id, "hei")
        user.sync()
        provider.sync()
        assert [m.text for m in Dyads(provider.vault).conversation(on_provider.id)] == ["hei"]
    finally:
        provider.vault.close()
        user.vault.close()
