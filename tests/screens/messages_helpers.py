"""Helpers for the messages screens' tests: a person's vault copy, pairing and sending through a
real relay, and waiting for the app to settle."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from textual.widgets import Static

from reconnect_tui.screens.messages import ConversationScreen
from reconnect_tui.store import Vault
from reconnect_tui.sync.dyads import Dyads, ItemRef, relay_for
from reconnect_tui.sync.service import resolve_relay_url
from reconnect_tui.sync.sync_service import sync_and_process
from tests.pilot import open_module, wait_for
from tests.support.vaults import Template


@dataclass
class Person:
    path: Path
    template: Template

    def open(self) -> Vault:
        return Vault.open_with_key(self.path, self.template.key, self.template.header)


def sync(person: Person, url: str) -> None:
    with person.open() as vault:
        sync_and_process(vault, url)


def pair(provider: Person, user: Person, url: str) -> None:
    """Invitation, join, and the syncs that complete pairing on both sides."""
    with provider.open() as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as relay:
            code = Dyads(vault).create_invitation(relay)
    with user.open() as vault:
        resolve_relay_url(vault, url)
        with relay_for(vault, url) as relay:
            Dyads(vault).join(code, relay)
    sync(user, url)
    sync(provider, url)
    sync(user, url)


def send(person: Person, text: str, at: datetime | None = None, about: ItemRef | None = None):
    with person.open() as vault:
        dyads = Dyads(vault, clock=(lambda: at) if at else datetime.now)
        partner = dyads.partners()[0] if len(dyads.partners()) == 1 else None
        assert partner is not None
        return dyads.send(partner.id, text, about=about)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


def text_of(app, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_conversation(pilot) -> ConversationScreen:
    await open_module(pilot, "messages")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConversationScreen))
    await settle(pilot)
    return pilot.app.screen
