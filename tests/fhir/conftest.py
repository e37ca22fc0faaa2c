"""FHIR export tests: real vaults filled with a unique marker in every module; the dyad
fixtures (a real relay on 127.0.0.1) for feedback and for what a provider exports."""

from __future__ import annotations

import pytest

from reconnect_tui.i18n import set_language
from tests.dyads.dyad_fixtures import (  # noqa: F401  (fixtures)
    provider,
    second_user,
    second_user_template,
    user,
)


@pytest.fixture(autouse=True)
def english() -> None:
    set_language("en")
