"""Helpers for the partners' side of linked devices (docs/devices.md, "What partners see"): a
person's or a partner's device open through the test, and pairs set up with one or both sides
linked, through the command line and a real relay."""

from __future__ import annotations

from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.sync.dyads import Dyads
from reconnect_tui.sync.sync_service import sync_and_process
from tests.devices.device_helpers import link
from tests.dyads.dyad_helpers import open_person, pair
from tests.support.vaults import PASSPHRASE


class Device:
    """One vault of the person or of the partner, open through the test."""

    def __init__(self, vault: Vault, relay_url: str) -> None:
        self.vault = vault
        self.relay_url = relay_url

    def sync(self) -> None:
        report = sync_and_process(self.vault, self.relay_url)
        assert not report.offline, report.error

    def partner(self) -> int:
        (record,) = [r for r in DyadRepository(self.vault).partners()]
        return record.id

    def send(self, text: str) -> None:
        Dyads(self.vault).send(self.partner(), text)

    def view(self) -> list[tuple[bool, str]]:
        return [(m.outgoing, m.text) for m in Dyads(self.vault).conversation(self.partner())
                if m.status != "unverified"]


def settle(*devices: Device, rounds: int = 3) -> None:
    for _ in range(rounds):
        for device in devices:
            device.sync()


def linked_setup(user_template, provider_template, tmp_path: Path, relay):
    """A provider paired with a user's laptop, two messages exchanged and the pair verified,
    then a work PC linked to the laptop. Returns (provider, laptop, work, the number before)."""
    provider_person = open_person(provider_template, tmp_path / "provider", relay.url)
    laptop_person = open_person(user_template, tmp_path / "laptop", relay.url)
    on_provider, _on_user = pair(provider_person, laptop_person)
    provider = Device(provider_person.vault, relay.url)
    laptop = Device(laptop_person.vault, relay.url)
    laptop.send("before 1")
    settle(laptop, provider, rounds=1)
    provider.send("before 2")
    settle(provider, laptop, rounds=1)
    Dyads(provider.vault).verify(on_provider.id)
    old_number = Dyads(provider.vault).partners()[0].safety_number

    work = link_device(laptop, tmp_path / "work" / "vault.db", "Work PC")
    settle(laptop, work, provider)
    return provider, laptop, work, old_number


def link_device(first: Device, path: Path, name: str) -> Device:
    """Link a new vault at ``path`` to ``first`` through the command line (``first`` is
    closed for it and opened again in place)."""
    vault_path = first.vault.path
    first.vault.close()  # the command line opens the file itself
    link(vault_path, path, first.relay_url, name)
    first.vault = Vault.unlock(vault_path, PASSPHRASE)
    return Device(Vault.unlock(path, PASSPHRASE), first.relay_url)
