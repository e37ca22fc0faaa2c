"""Fixtures for the command line's dyad tests (check-ins, feedback): a real relay, real vaults
(tests/dyads/dyad_fixtures.py)."""

from tests.dyads.dyad_fixtures import (  # noqa: F401  (fixtures)
    provider,
    second_user_template,
    user,
)
