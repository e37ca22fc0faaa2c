"""Fixtures for the export tests; sample plans and PDF helpers live in export_plans.py."""

from __future__ import annotations

import pytest

from reconnect_tui.i18n import set_language
from reconnect_tui.model import CrisisPlan
from tests.export.export_plans import full_plan, half_plan, long_plan


@pytest.fixture(autouse=True)
def english() -> None:
    """Golden files are English: keep the tester's own language out of them."""
    set_language("en")


@pytest.fixture
def full() -> CrisisPlan:
    return full_plan()


@pytest.fixture
def half() -> CrisisPlan:
    return half_plan()


@pytest.fixture
def long() -> CrisisPlan:
    return long_plan()
