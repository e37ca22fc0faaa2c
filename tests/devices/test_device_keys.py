"""The person key, device certificates and signed device lists (docs/devices.md): a list is
accepted only when the person key signed it and it is newer than the one held."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import vodozemac

from reconnect_tui.errors import ProtocolError
from reconnect_tui.store.repositories.devices import DeviceRepository
from reconnect_tui.sync import device_keys as dk
from reconnect_tui.sync.pairing import code_keys, new_code

WHEN = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def certificate(seed: bytes, name: str) -> dict[str, str]:
    account = vodozemac.Account()
    return dk.sign_certificate(seed, dk.DeviceCertificate(
        dk.person_public_key(seed), account.ed25519_key.to_base64(),
        account.curve25519_key.to_base64(), name, WHEN.isoformat()))


def test_a_list_signed_by_the_person_key_opens_with_its_devices() -> None:
    seed = dk.new_person_seed()
    signed = dk.sign_device_list(seed, 2, WHEN, [certificate(seed, "Laptop"),
                                                 certificate(seed, "Work PC")])
    opened = dk.open_device_list(signed, dk.person_public_key(seed), newer_than=1)
    assert [d.name for d in opened.devices] == ["Laptop", "Work PC"]
    assert opened.version == 2 and opened.named("work pc") is opened.devices[1]


def test_a_list_signed_by_another_key_is_refused() -> None:
    seed, other = dk.new_person_seed(), dk.new_person_seed()
    forged = dk.sign_device_list(other, 5, WHEN, [certificate(other, "Laptop")])
    with pytest.raises(dk.DeviceListRefused, match="not signed by this person"):
        dk.open_device_list(forged, dk.person_public_key(seed))


def test_a_certificate_not_signed_by_the_person_key_is_refused_inside_a_signed_list() -> None:
    seed, other = dk.new_person_seed(), dk.new_person_seed()
    foreign = certificate(other, "Intruder")
    signed = dk.sign_device_list(seed, 2, WHEN, [certificate(seed, "Laptop"), foreign])
    with pytest.raises(dk.DeviceListRefused):
        dk.open_device_list(signed, dk.person_public_key(seed))


def test_an_older_or_equal_list_is_refused_rollback() -> None:
    seed = dk.new_person_seed()
    old = dk.sign_device_list(seed, 3, WHEN, [certificate(seed, "Laptop")])
    for held in (3, 4):
        with pytest.raises(dk.DeviceListRefused, match="older than the one"):
            dk.open_device_list(old, dk.person_public_key(seed), newer_than=held)


def test_an_altered_list_is_refused() -> None:
    seed = dk.new_person_seed()
    signed = json.loads(dk.sign_device_list(seed, 2, WHEN, [certificate(seed, "Laptop")]))
    signed["body"] = signed["body"].replace('"version":2', '"version":9')
    with pytest.raises(dk.DeviceListRefused):
        dk.open_device_list(json.dumps(signed).encode(), dk.person_public_key(seed))
    with pytest.raises(dk.DeviceListRefused):
        dk.open_device_list(b"not json", dk.person_public_key(seed))


def test_duplicate_names_or_keys_are_refused() -> None:
    seed = dk.new_person_seed()
    twice = certificate(seed, "Laptop")
    for entries in ([twice, twice], [certificate(seed, "Laptop"), certificate(seed, "LAPTOP")]):
        with pytest.raises(dk.DeviceListRefused):
            dk.open_device_list(dk.sign_device_list(seed, 2, WHEN, entries),
                                dk.person_public_key(seed))


def test_link_code_keys_are_not_pairing_keys() -> None:
    """A link code typed into `pair join` (or the other way round) finds nothing."""
    code = new_code()
    link, pair = dk.link_code_keys(code), code_keys(code)
    assert link.lookup_id != pair.lookup_id and link.bundle_key != pair.bundle_key
    assert dk.link_code_keys(code.lower().replace("-", " ")) == link


def test_the_bundle_opens_only_under_its_code() -> None:
    account, seed = vodozemac.Account(), dk.new_person_seed()
    account.generate_one_time_keys(1)
    bundle = dk.LinkBundle("Kari", "user", "NO", dk.person_public_key(seed),
                           account.ed25519_key.to_base64(), account.curve25519_key.to_base64(),
                           next(iter(account.one_time_keys.values())).to_base64(), "m" * 43,
                           WHEN.isoformat())
    keys = dk.link_code_keys(new_code())
    sealed = dk.seal_link_bundle(bundle, account, keys.bundle_key)
    assert dk.open_link_bundle(sealed, keys.bundle_key) == bundle
    with pytest.raises(ProtocolError):
        dk.open_link_bundle(sealed, dk.link_code_keys(new_code()).bundle_key)


def test_the_vault_keeps_the_person_key_and_never_an_older_list(vault) -> None:
    repo = DeviceRepository(vault)
    assert repo.person_key() is None
    seed = dk.new_person_seed()
    repo.save_person_key(seed, dk.person_public_key(seed), WHEN)
    assert repo.person_key() == (seed, dk.person_public_key(seed))
    repo.save_device_list(3, b"three", WHEN)
    repo.save_device_list(2, b"two", WHEN)
    assert repo.device_list() == (3, b"three")
