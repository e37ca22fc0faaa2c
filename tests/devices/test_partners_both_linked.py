"""Both sides with linked devices (docs/devices.md, "What partners see"): a service user's
laptop and work PC, a provider's office PC and laptop, through real vaults and a real relay.
Every message, whichever of the four devices wrote it, ends on all four, in the same order,
shown as sent on the writer's person's devices and as received on the other person's."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.sync.dyads import Dyads
from tests.devices.partner_helpers import link_device, linked_setup, settle


def test_every_message_reaches_all_four_devices(user_template, provider_template,
                                                tmp_path: Path, relay) -> None:
    provider, laptop, work, _old = linked_setup(user_template, provider_template, tmp_path,
                                                relay)
    office_laptop = link_device(provider, tmp_path / "office-laptop" / "vault.db",
                                "Office laptop")
    everyone = (provider, office_laptop, laptop, work)
    try:
        settle(*everyone)
        assert Dyads(laptop.vault).partners()[0].devices == ("Office laptop",)
        assert Dyads(provider.vault).partners()[0].devices == ("Work PC",)
        numbers = {Dyads(d.vault).partners()[0].safety_number for d in everyone}
        assert len(numbers) == 1  # one number per pair of people, on every device

        for device, text in ((work, "from work"), (office_laptop, "from office laptop"),
                             (laptop, "from laptop"), (provider, "from provider")):
            device.send(text)
            settle(*everyone, rounds=2)

        person = [(True, "before 1"), (False, "before 2"), (True, "from work"),
                  (False, "from office laptop"), (True, "from laptop"),
                  (False, "from provider")]
        assert laptop.view() == person
        assert work.view() == person
        partner = [(not outgoing, text) for outgoing, text in person]
        assert provider.view() == partner
        assert office_laptop.view() == partner
    finally:
        for device in everyone:
            device.vault.close()
