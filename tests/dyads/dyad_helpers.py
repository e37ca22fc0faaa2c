"""Helpers for dyad tests: a person with a real vault, pairing and an agreement through the real
relay, what the relay keeps on disk, and the command line with the test passphrase."""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from reconnect_tui import wire
from reconnect_tui.cli import app
from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.dyads import DyadRepository
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from reconnect_tui.sync.agreements import Agreements
from reconnect_tui.sync.dyads import Dyads, Partner, relay_for
from reconnect_tui.sync.engine import SyncReport
from reconnect_tui.sync.service import connect
from reconnect_tui.sync.sync_service import sync_and_process
from tests.support.vaults import PASSPHRASE, Template, copy_vault


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


def relay_bytes(relay) -> bytes:
    data = b""
    for path in (relay.db, Path(f"{relay.db}-wal"), relay.log_path):
        if Path(path).exists():
            data += Path(path).read_bytes()
    return data


TERMS = {"answer_within_working_days": 2, "working_hours": "08:00-15:30",
         "review_on": "2027-01-15", "notes": "Vi ser på dette igjen i januar.",
         "suggested_max_words": 20}


def agreed(provider, user, terms=None, clock=None) -> tuple[int, int]:
    """Pair, then the provider proposes and the user accepts; (provider's id, user's id)."""
    on_provider, on_user = pair(provider, user)
    Agreements(provider.vault, **({"clock": clock} if clock else {})).propose(
        on_provider.id, terms or TERMS)
    provider.sync()
    user.sync()
    Agreements(user.vault, **({"clock": clock} if clock else {})).accept(on_user.id)
    user.sync()
    provider.sync()
    return on_provider.id, on_user.id


runner = CliRunner()


def run(*args: str):
    return runner.invoke(app, list(args), env={"RECONNECT_PASSPHRASE": PASSPHRASE})


def close(*people) -> None:
    """The CLI opens the vault files itself; the fixtures' connections step aside."""
    for person in people:
        person.vault.close()


def session_pickle(person, partner_id: int) -> str:
    record = DyadRepository(person.vault).partner(partner_id)
    assert record is not None
    return record.session_pickle


def fetch_only(person) -> list:
    """Fetch into the inbox without processing; returns the new unprocessed dyad rows."""
    with connect(person.vault, person.relay_url) as engine:
        assert not engine.sync(force=True).offline
    return DyadRepository(person.vault).unprocessed()


def inject(vault: Vault, mailbox_id: str, ciphertext: bytes) -> None:
    """Put an envelope into the inbox as a fetch would (a new envelope id)."""
    SyncStateRepository(vault).store_received(
        mailbox_id, [(wire.new_id(), 10**9 + random.randrange(10**6), ciphertext)], 0, 0.0)
