"""Markdown and plain text: golden files, 80 columns, escaping."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconnect_tui.errors import ExportError
from reconnect_tui.export import export_crisis_plan, render_markdown, render_text
from reconnect_tui.model import CrisisPlan, Helper, ServiceContact
from tests.export.export_plans import FIXED_TODAY, NAME, full_plan, half_plan, long_plan

GOLDEN = Path(__file__).parent / "golden"
PLANS = {"full": full_plan, "half": half_plan, "long": long_plan}
CASES = [
    ("full", False, "txt"),
    ("full", False, "md"),
    ("half", False, "txt"),
    ("half", False, "md"),
    ("long", True, "txt"),
    ("long", True, "md"),
]


@pytest.mark.parametrize(("plan", "compact", "fmt"), CASES)
def test_matches_golden_file(plan: str, compact: bool, fmt: str) -> None:
    """Regenerate with RECONNECT_UPDATE_GOLDEN=1 after a deliberate change; review the diff."""
    data = export_crisis_plan(PLANS[plan](), NAME, "NO", fmt, compact=compact, today=FIXED_TODAY)
    golden = GOLDEN / f"{plan}{'-compact' if compact else ''}.{fmt}"
    if os.environ.get("RECONNECT_UPDATE_GOLDEN"):
        golden.write_bytes(data)
    assert data.decode() == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("render", [render_text, render_markdown])
def test_half_filled_plan_marks_empty_sections(render) -> None:
    out = render(half_plan(), NAME, "NO", today=FIXED_TODAY)
    assert out.count("(not filled in)") == 7
    assert "Å se barna vokse opp." in out
    assert "Nabo Per" in out


def test_compact_text_is_shortened_and_says_so() -> None:
    out = render_text(long_plan(), NAME, "NO", compact=True, today=FIXED_TODAY)
    assert out.count("(shortened — see full plan)") == 2
    assert out.count(" more\n") == 3  # the date line, helpers and professionals end "… and N more"
    assert "What can trigger a crisis" not in out
    assert len(out.splitlines()) <= 66


def test_compact_text_of_a_short_plan_is_not_shortened() -> None:
    out = render_text(full_plan(), NAME, "NO", compact=True, today=FIXED_TODAY)
    assert "shortened" not in out
    assert "I skip meals and forget my medication" in out


any_text = st.text(st.characters(codec="utf-8"), max_size=400)
words = st.lists(st.text(min_size=1, max_size=120), max_size=30).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.one_of(any_text, words),
    name=any_text,
    phone=st.text(max_size=100),
    compact=st.booleans(),
)
def test_text_never_exceeds_80_columns(text: str, name: str, phone: str, compact: bool) -> None:
    plan = CrisisPlan(
        warning_signs=text,
        self_help=text,
        helpers=[Helper(name, phone)],
        professionals=[ServiceContact(name, phone, text)],
    )
    out = render_text(plan, name, "NO", compact=compact, today=FIXED_TODAY)
    assert all(len(line) <= 80 for line in out.splitlines())
    markdown = render_markdown(plan, name, "NO", compact=compact, today=FIXED_TODAY)
    assert markdown.endswith("\n")


def test_markdown_escapes_what_the_user_wrote() -> None:
    plan = CrisisPlan(warning_signs="# not a heading\n*not bold* <b>x</b> [a](b) &amp;\n1. stays")
    out = render_markdown(plan, "A_B", "NO", today=FIXED_TODAY)
    assert "\\# not a heading" in out
    assert "\\*not bold\\* \\<b\\>x\\</b\\> \\[a\\](b) \\&amp;" in out
    assert "1\\. stays" in out
    assert "# Crisis plan for A\\_B" in out


def test_markdown_keeps_the_users_bullets_as_a_list() -> None:
    out = render_markdown(CrisisPlan(self_help="Walk\n- tea\n* music"), "A", "NO")
    assert "Walk\n\n- tea\n- music" in out


def test_unknown_format_is_refused() -> None:
    with pytest.raises(ExportError, match="docx"):
        export_crisis_plan(CrisisPlan(), NAME, "NO", "docx")  # type: ignore[arg-type]
