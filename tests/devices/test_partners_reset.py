"""A device's one-time key and mailbox for a partner that reach the paired device while that
dyad's session is being set up again after a restore (docs/dyads.md, "Restore and rollback";
docs/devices.md, "What partners see") wait, and go to the partner with the list once the reset
is over: the device then talks to the partner directly. Real vaults and a real relay; the
reset's state is the one ``Dyads.send_resets`` writes ("sent": the request left, no answer
yet), put in place around the keys' arrival."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.sync.dyads import Dyads
from tests.devices.partner_helpers import Device, link_device, settle
from tests.dyads.dyad_helpers import open_person, pair


def _reset(device: Device, state: str | None) -> None:
    with device.vault.transaction() as conn:
        conn.execute("UPDATE partners SET reset_state = ?", (state,))


def test_keys_that_arrive_during_a_reset_wait_for_it(user_template, provider_template,
                                                     tmp_path: Path, relay) -> None:
    provider_person = open_person(provider_template, tmp_path / "provider", relay.url)
    laptop_person = open_person(user_template, tmp_path / "laptop", relay.url)
    pair(provider_person, laptop_person)
    provider = Device(provider_person.vault, relay.url)
    laptop = Device(laptop_person.vault, relay.url)
    work = link_device(laptop, tmp_path / "work" / "vault.db", "Work PC")
    try:
        # The dyad was handed to the work PC while linking; its one-time key and mailbox
        # come back to the laptop while the laptop's dyad is mid-reset.
        _reset(laptop, "sent")
        settle(work, laptop, provider)
        assert Dyads(provider.vault).partners()[0].devices == ()  # nothing went yet
        assert DyadRepository(work.vault).partners()[0].status == "pending"

        _reset(laptop, None)  # the reset is over
        settle(laptop, provider, work)
        assert Dyads(provider.vault).partners()[0].devices == ("Work PC",)
        assert DyadRepository(work.vault).partners()[0].status == "paired"
        provider.send("to every device")
        provider.sync()
        work.sync()  # straight from the provider, before the laptop's next sync
        assert work.view()[-1] == (False, "to every device")
    finally:
        for device in (provider, laptop, work):
            device.vault.close()
