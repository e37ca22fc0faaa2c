"""The shared section list and the document every renderer lays out."""

from __future__ import annotations

from datetime import UTC, datetime

from reconnect_tui.export import CRISIS_PLAN_SECTIONS, build_document
from reconnect_tui.export.document import clean_text, text_lines
from reconnect_tui.model import CRISIS_TEXT_SECTIONS, CrisisPlan
from tests.export.export_plans import FIXED_TODAY, NAME


def test_sections_follow_the_model_with_contacts_after_distractions() -> None:
    keys = [s.key for s in CRISIS_PLAN_SECTIONS]
    text_keys = [key for key, _title in CRISIS_TEXT_SECTIONS]
    assert [k for k in keys if k not in ("helpers", "professionals")] == text_keys
    at = keys.index("distractions")
    assert keys[at + 1 : at + 3] == ["helpers", "professionals"]
    assert all(hasattr(CrisisPlan(), key) for key in keys)


def test_compact_keeps_every_safety_plan_step_and_the_reasons_for_living() -> None:
    compact = [s.key for s in CRISIS_PLAN_SECTIONS if s.in_compact]
    assert compact == ["warning_signs", "self_help", "distractions", "helpers", "professionals",
                       "safe_surroundings", "reasons_for_living"]
    doc = build_document(CrisisPlan(), NAME, "NO", compact=True, today=FIXED_TODAY)
    assert [s.spec.key for s in doc.sections] == compact
    assert "Short version" in doc.date_line
    assert "Short version" not in build_document(CrisisPlan(), NAME, "NO").date_line


def test_date_line_uses_updated_at_or_today() -> None:
    saved = CrisisPlan(updated_at=datetime(2024, 4, 17, 12, tzinfo=UTC))
    assert build_document(saved, NAME, "NO", today=FIXED_TODAY).date_line.endswith("2024-04-17")
    never = build_document(CrisisPlan(), NAME, "NO", today=FIXED_TODAY)
    assert never.date_line == "Printed 2024-05-03"


def test_emergency_numbers_follow_the_locale() -> None:
    gb = build_document(CrisisPlan(), NAME, "gb", today=FIXED_TODAY)
    assert [n.number for n in gb.emergency] == ["999", "111", "116 123"]
    assert "999" in gb.notice
    unknown = build_document(CrisisPlan(), NAME, "XX", today=FIXED_TODAY)
    assert "112" in unknown.notice


def test_control_characters_are_dropped_and_newlines_normalised() -> None:
    assert clean_text("a\x00b\x1b[31mc\r\nd\re\u2028f\tg") == "abc\nd\ne\nf    g"
    assert text_lines("\n\n one  \n\n\n two\n\n") == (" one", "", " two")


def test_empty_name_gives_a_plain_title() -> None:
    assert build_document(CrisisPlan(), " \n", "NO", today=FIXED_TODAY).title == "Crisis plan"
