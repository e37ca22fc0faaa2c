"""Fixtures for dyad tests: a real relay on 127.0.0.1 and real vaults (one provider, two users).

Shared through the conftest.py of tests/dyads, tests/fhir and tests/sharing (and imported by
tests/screens/test_sharing_screen.py, whose folder has fixtures of the same names).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from reconnect_tui.model import Role
from tests.dyads.dyad_helpers import Person, open_person
from tests.relay_server import RelayProcess
from tests.support.vaults import Template, make_template


@pytest.fixture(scope="session")
def second_user_template(tmp_path_factory: pytest.TempPathFactory) -> Template:
    return make_template(tmp_path_factory.mktemp("user2-template"), "Ola Hansen", Role.USER)



@pytest.fixture
def provider(provider_template: Template, tmp_path: Path, relay: RelayProcess
             ) -> Iterator[Person]:
    person = open_person(provider_template, tmp_path / "provider", relay.url)
    yield person
    person.vault.close()


@pytest.fixture
def user(user_template: Template, tmp_path: Path, relay: RelayProcess) -> Iterator[Person]:
    person = open_person(user_template, tmp_path / "user", relay.url)
    yield person
    person.vault.close()


@pytest.fixture
def second_user(second_user_template: Template, tmp_path: Path, relay: RelayProcess
                ) -> Iterator[Person]:
    person = open_person(second_user_template, tmp_path / "user2", relay.url)
    yield person
    person.vault.close()
