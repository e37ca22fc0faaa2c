"""What the relay keeps of linked devices (docs/devices.md): no device names, no person or
device keys, no toolbox text; the link code never reaches it."""

from __future__ import annotations

import base64
import secrets
from pathlib import Path

from reconnect_tui.store import Toolbox, Vault
from reconnect_tui.store.repositories.devices import DeviceRepository
from tests.devices.device_helpers import invite, join, link, sync
from tests.dyads.dyad_helpers import relay_bytes
from tests.support.vaults import PASSPHRASE, copy_vault


def test_relay_db_wal_and_logs_hold_no_names_keys_or_toolbox_text(user_template, tmp_path: Path,
                                                                 relay) -> None:
    laptop = copy_vault(user_template, tmp_path / "laptop")
    marker = f"MARKER-{secrets.token_hex(6)}-ærlig"
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        plan = Toolbox(vault).crisis_plan.get()
        plan.warning_signs = marker
        Toolbox(vault).crisis_plan.save(plan)
    work = tmp_path / "work" / "vault.db"
    link(laptop, work, relay.url, name="Kitchen-Tablet-7")
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        plan = Toolbox(vault).crisis_plan.get()
        plan.self_help = marker + "-edit"
        Toolbox(vault).crisis_plan.save(plan)
    sync(laptop)
    code = invite(laptop, relay.url, name="Laptop")
    join(code, tmp_path / "third" / "vault.db", relay.url, "Third")  # a bundle taken, an answer
    stored = relay_bytes(relay)
    for text in (marker, "Kitchen-Tablet-7", "Kari Nordmann", code, code.replace("-", "")):
        assert text.encode() not in stored
    keys = []
    with Vault.unlock(laptop, PASSPHRASE) as vault:
        person = DeviceRepository(vault).person_key()
        assert person is not None
        keys.append(person[1])
        keys += [d.ed25519 for d in DeviceRepository(vault).devices()]
    for key in keys:
        raw = base64.b64decode(key + "=" * (-len(key) % 4))
        assert key.encode() not in stored and raw not in stored
    assert person[0] not in stored  # the person key's seed
