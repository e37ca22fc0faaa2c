"""Sharing tests reuse the dyad fixtures: a real relay on 127.0.0.1, one provider, two users."""

from tests.dyads.dyad_fixtures import (  # noqa: F401  (fixtures)
    provider,
    second_user,
    second_user_template,
    user,
)
