"""Fixtures for the screens' tests: a real relay on 127.0.0.1 and a provider's and a user's vault
(tests/screens/messages_helpers.py). Test modules with other needs define their own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.relay_server import RelayProcess
from tests.screens.messages_helpers import Person, pair
from tests.support.vaults import Template, copy_vault


@pytest.fixture
def provider(provider_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(provider_template, tmp_path / "provider"), provider_template)


@pytest.fixture
def user(user_template: Template, tmp_path: Path) -> Person:
    return Person(copy_vault(user_template, tmp_path / "user"), user_template)


@pytest.fixture
def paired(relay: RelayProcess, provider: Person, user: Person) -> RelayProcess:
    pair(provider, user, relay.url)
    return relay
