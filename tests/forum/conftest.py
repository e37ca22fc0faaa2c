"""Fixtures for forum tests: a real relay on 127.0.0.1, a moderator and three members, each
with a real vault copied from the session's service-user template."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.dyads.dyad_helpers import Person, open_person
from tests.forum.forum_helpers import Circle, build_circle
from tests.relay_server import RelayProcess
from tests.support.vaults import Template


@pytest.fixture
def people(user_template: Template, tmp_path: Path, relay: RelayProcess
           ) -> Iterator[list[Person]]:
    """Four service users: the moderator first."""
    opened = [open_person(user_template, tmp_path / f"user{i}", relay.url) for i in range(4)]
    yield opened
    for person in opened:
        person.vault.close()


@pytest.fixture
def circle(people: list[Person]) -> Circle:
    return build_circle(people[0], people[1:])
