"""Fixtures for the export tests; sample plans live in export_plans.py (shared with bench/)."""

from __future__ import annotations

import io
import re

import pytest
from export_plans import FIXED_TODAY, NAME, full_plan, half_plan, long_plan

from reconnect_tui.i18n import set_language
from reconnect_tui.model import CrisisPlan


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


def pdf_pages(data: bytes) -> list[str]:
    """Text of each page of a PDF, as pypdf reads it back."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def squash(text: str) -> str:
    """Whitespace collapsed, so wrapped lines compare equal to the original text."""
    return re.sub(r"\s+", " ", text).strip()


__all__ = ["FIXED_TODAY", "NAME", "pdf_pages", "squash"]
