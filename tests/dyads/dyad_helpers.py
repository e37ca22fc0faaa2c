"""Helpers for dyad tests: a person with a real vault, and pairing through the real relay."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from reconnect_tui.store import Vault
from reconnect_tui.sync.dyads import Dyads, Partner, relay_for, sync_and_process
from reconnect_tui.sync.engine import SyncReport
from tests.conftest import Template, copy_vault


@dataclass
class Person:
    path: Path
    template: Template
    vault: Vault
    relay_url: str

    @property
    def dyads(self) -> Dyads:
        return Dyads(self.vault)

    def sync(self) -> SyncReport:
        report = sync_and_process(self.vault, self.relay_url)
        assert not report.offline, report.error
        return report

    def reopen(self) -> None:
        self.vault.close()
        self.vault = Vault.open_with_key(self.path, self.template.key, self.template.header)


def open_person(template: Template, directory: Path, relay_url: str) -> Person:
    path = copy_vault(template, directory)
    return Person(path, template, Vault.open_with_key(path, template.key, template.header),
                  relay_url)


def invite(provider: Person) -> str:
    with relay_for(provider.vault, provider.relay_url) as port:
        return provider.dyads.create_invitation(port)


def join(user: Person, code: str) -> Partner:
    with relay_for(user.vault, user.relay_url) as port:
        return user.dyads.join(code, port)


def pair(provider: Person, user: Person) -> tuple[Partner, Partner]:
    """Invite, join, and sync both sides until paired; (provider's view, user's view)."""
    join(user, invite(provider))
    user.sync()
    provider.sync()
    user.sync()
    on_provider = provider.dyads.partner_named(user.vault.profile().name)
    on_user = user.dyads.partner_named(provider.vault.profile().name)
    assert on_provider.status == "paired" and on_user.status == "paired"
    return on_provider, on_user
