"""Fixtures for notification tests: a real relay and real vaults (tests/dyads/dyad_fixtures.py)."""

from tests.dyads.dyad_fixtures import (  # noqa: F401  (fixtures)
    provider,
    second_user,
    second_user_template,
    user,
)
