"""Fixtures for sync tests: a real relay on 127.0.0.1 and two real vaults."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from reconnect_tui import wire
from reconnect_tui.store import Vault
from reconnect_tui.store.repositories.sync_state import SyncStateRepository
from tests.relay_server import RelayProcess
from tests.support.vaults import Template, copy_vault

RELAY_ARGS = ["--rate-limit", "1000000", "--no-address-limits"]


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RelayProcess]:
    process = RelayProcess(tmp_path / "relay", extra_args=RELAY_ARGS).start()
    yield process
    process.stop()


@dataclass
class Side:
    path: Path
    vault: Vault

    @property
    def state(self) -> SyncStateRepository:
        return SyncStateRepository(self.vault)


def open_side(template: Template, directory: Path) -> Side:
    path = copy_vault(template, directory)
    return Side(path, Vault.open_with_key(path, template.key, template.header))


@pytest.fixture
def sender(user_template: Template, tmp_path: Path) -> Iterator[Side]:
    side = open_side(user_template, tmp_path / "sender")
    yield side
    side.vault.close()


@pytest.fixture
def receiver(user_template: Template, tmp_path: Path) -> Iterator[Side]:
    side = open_side(user_template, tmp_path / "receiver")
    yield side
    side.vault.close()


@pytest.fixture
def mailbox(receiver: Side) -> str:
    """A mailbox the receiver reads (claimed at its first sync)."""
    mailbox_id = wire.new_id()
    receiver.state.add_mailbox(mailbox_id, "in", "test")
    return mailbox_id
