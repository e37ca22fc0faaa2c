"""Device lists between linked devices (docs/devices.md): a list signed by another key, or older
than the one held, is refused and recorded; the devices stay as they were."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.devices import DeviceRepository
from reconnect_tui.sync import device_keys as dk
from reconnect_tui.sync.devices import Devices, _inner
from tests.devices.device_helpers import devices, link, run, sync
from tests.support.vaults import PASSPHRASE, copy_vault


def send_list(path: Path, signed: bytes) -> None:
    """What a compromised or stale first device could send on its link session."""
    with Vault.unlock(path, PASSPHRASE) as vault, vault.transaction():
        Devices(vault)._send_linked(_inner({"v": 1, "type": "device-list",
                                            "list": signed.decode()}))


def rejected(path: Path) -> list[str]:
    with Vault.unlock(path, PASSPHRASE) as vault, vault.read() as conn:
        return [r[0] for r in conn.execute("SELECT reason FROM rejected_envelopes")]


def test_an_older_list_or_one_signed_by_another_key_changes_nothing(user_template,
                                                                    tmp_path: Path,
                                                                    relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    work, tablet = tmp_path / "work" / "vault.db", tmp_path / "tablet" / "vault.db"
    link(laptop, work, relay.url, "Work PC")
    link(laptop, tablet, relay.url, "Tablet")
    sync(work)
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        person = DeviceRepository(vault).person_key()
        assert person is not None
        seed = person[0]
        held = DeviceRepository(vault).device_list()
        assert held is not None
        old_version, signed = held
        certificates = json.loads(json.loads(signed)["body"])["devices"]
    assert [d["name"] for d in devices(work)] == ["Laptop", "Work PC", "Tablet"]

    assert run("device", "remove", "Tablet", "--vault", str(laptop)).exit_code == 0
    sync(laptop)
    sync(work)
    assert [d["name"] for d in devices(work)] == ["Laptop", "Work PC"]

    when = datetime.now(UTC)
    send_list(laptop, dk.sign_device_list(seed, old_version, when, certificates))  # rollback
    stranger = dk.new_person_seed()
    send_list(laptop, dk.sign_device_list(stranger, 99, when, certificates))
    sync(laptop)
    sync(work)
    assert [d["name"] for d in devices(work)] == ["Laptop", "Work PC"]  # no tablet back
    reasons = rejected(work)
    assert any("older than the one" in r for r in reasons)
    assert any("not signed by this person" in r or "could not be verified" in r
               for r in reasons)
