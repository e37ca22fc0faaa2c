"""Fixtures for dyad tests (tests/dyads/dyad_fixtures.py): a real relay, real vaults."""

from tests.dyads.dyad_fixtures import (  # noqa: F401  (fixtures)
    provider,
    second_user,
    second_user_template,
    user,
)
