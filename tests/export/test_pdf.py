"""The PDF, read back with pypdf: content, Unicode, pages, the one-page version."""

from __future__ import annotations

import io
import logging
import subprocess
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconnect_tui.export import CRISIS_PLAN_SECTIONS, export_crisis_plan, render_pdf
from reconnect_tui.export.document import share_lines
from reconnect_tui.export.pdf import tel_link
from reconnect_tui.model import CrisisPlan, Helper, ServiceContact
from tests.export.export_plans import FIXED_TODAY, NAME, full_plan, long_plan, pdf_pages, squash


@pytest.fixture(scope="module")
def full_pages() -> list[str]:
    return pdf_pages(render_pdf(full_plan(), NAME, "NO", today=FIXED_TODAY))


def test_every_filled_section_is_in_the_pdf(full_pages: list[str]) -> None:
    text = squash(" ".join(full_pages))
    plan = full_plan()
    for spec in CRISIS_PLAN_SECTIONS:
        assert squash(spec.title) in text
        if spec.kind == "text":
            for line in getattr(plan, spec.key).splitlines():
                assert squash(line.removeprefix("- ")) in text
    for person in [*plan.helpers, *plan.professionals]:
        assert person.name in text
        assert person.phone in text
    assert "æ" in text and "ø" in text and "Ø" in text and "Å" in text and "“" in text


def test_title_date_emergency_numbers_and_notice_on_page_one(full_pages: list[str]) -> None:
    first = squash(full_pages[0])
    assert f"Crisis plan for {NAME}" in first
    assert "Last updated 2024-04-17" in first
    for number in ("113", "116 117", "112", "116 123"):
        assert number in first
    assert "ReConnect is not for emergencies: in an acute crisis, call 113" in first


def test_every_page_is_numbered_and_carries_the_notice() -> None:
    pages = pdf_pages(render_pdf(long_plan(), NAME, "NO", today=FIXED_TODAY))
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {len(pages)}" in page
        assert "ReConnect is not for emergencies" in page


def test_half_filled_plan_marks_empty_sections(half) -> None:
    text = " ".join(pdf_pages(render_pdf(half, NAME, "NO", today=FIXED_TODAY)))
    assert text.count("(not filled in)") == 7
    assert "Printed 2024-05-03" in text
    assert "særlig fra dem jeg er glad i" in text


def test_compact_is_one_page_and_says_it_was_shortened() -> None:
    pages = pdf_pages(render_pdf(long_plan(), NAME, "NO", compact=True, today=FIXED_TODAY))
    assert len(pages) == 1
    text = squash(pages[0])
    assert text.count("(shortened — see full plan)") == 2  # warning signs, what I can do myself
    assert "… and 1" in text  # helpers and professionals: "… and N more" says they were cut
    assert "113" in text and "Page 1 of 1" in text
    assert "What can trigger a crisis" not in text


def test_compact_never_drops_means_safety_however_long_the_plan() -> None:
    plan = long_plan()
    for key in ("distractions", "safe_surroundings", "reasons_for_living", "triggers"):
        setattr(plan, key, plan.warning_signs)
    plan.safe_surroundings = "Per keeps my pills. " + plan.safe_surroundings
    plan.reasons_for_living = "Emma and the sea. " + plan.reasons_for_living
    pages = pdf_pages(render_pdf(plan, NAME, "NO", compact=True, today=FIXED_TODAY))
    assert len(pages) == 1
    text = squash(pages[0])
    for title in ("Making my surroundings safe", "My reasons for living",
                  "People and places that take my mind off things"):
        assert title in text
    assert "Per keeps my pills" in text and "Emma and the sea" in text
    assert "Short version" in text


def test_compact_of_a_short_plan_keeps_everything() -> None:
    pages = pdf_pages(render_pdf(full_plan(), NAME, "NO", compact=True, today=FIXED_TODAY))
    text = squash(pages[0])
    assert len(pages) == 1
    assert "shortened" not in text
    assert "I skip meals and forget my medication" in text
    assert "+47 912 34 567" in text


def test_user_text_that_looks_like_a_page_alias_prints_as_written() -> None:
    plan = CrisisPlan(warning_signs="{nb} and {page}")
    text = " ".join(pdf_pages(render_pdf(plan, NAME, "NO", today=FIXED_TODAY)))
    assert "{nb} and {page}" in text


def test_phone_numbers_are_tel_links() -> None:
    from pypdf import PdfReader

    data = render_pdf(full_plan(), NAME, "NO", today=FIXED_TODAY)
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in PdfReader(io.BytesIO(data)).pages
        for annotation in page.get("/Annots", [])
    }
    assert {"tel:+4791234567", "tel:93456789", "tel:22113344"} <= links
    assert tel_link("no number") == ""


def test_characters_the_font_lacks_are_replaced_without_logging_them(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    plan = CrisisPlan(warning_signs="secret\ue000\U000e0041word ぁ")
    data = render_pdf(plan, "\ue001", "NO", today=FIXED_TODAY)
    assert "secret" in " ".join(pdf_pages(data))
    assert not [r for r in caplog.records if "secret" in r.getMessage() or "ぁ" in r.getMessage()]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_export_crisis_plan_pdf_is_the_rendered_pdf() -> None:
    data = export_crisis_plan(full_plan(), NAME, "NO", "pdf", today=FIXED_TODAY)
    assert data.startswith(b"%PDF-")
    assert squash(pdf_pages(data)[0]).startswith(f"Crisis plan for {NAME}")


def test_importing_the_export_package_does_not_import_fpdf() -> None:
    code = (
        "import sys, reconnect_tui.export\n"
        "print(','.join(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('fpdf', 'fontTools', 'textual'))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_share_lines_is_fair_and_within_budget() -> None:
    assert share_lines([3, 40, 2, 40], 30) == [3, 13, 2, 12]  # every line of the budget used
    assert share_lines([1, 1], 10) == [1, 1]
    assert sum(share_lines([50, 50, 50, 50], 21)) == 21


# Hypothesis: any Unicode at all, never an encoding error, never more than a page when compact.
unicode_text = st.text(st.characters(codec="utf-8"), max_size=300)
long_words = st.lists(st.text(min_size=1, max_size=200), min_size=0, max_size=60).map(" ".join)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(unicode_text, long_words), name=unicode_text, compact=st.booleans())
def test_any_text_renders(text: str, name: str, compact: bool) -> None:
    plan = CrisisPlan(
        warning_signs=text,
        self_help=text * 3,
        helpers=[Helper(name, text[:40])] * 12,
        professionals=[ServiceContact(text, name, text)],
    )
    pages = pdf_pages(render_pdf(plan, name, "NO", compact=compact, today=FIXED_TODAY))
    assert pages
    if compact:
        assert len(pages) == 1


def test_characters_the_font_lacks_are_named_never_a_box_or_question_mark() -> None:
    plan = CrisisPlan(
        reasons_for_living="Emma 🙂 and the sea 🌊",
        helpers=[Helper("Mormor 👵", "900 00 000")],
        warning_signs="Jeg sier 中 når jeg er sliten",
    )
    for compact in (False, True):
        text = squash(" ".join(pdf_pages(
            render_pdf(plan, NAME, "NO", compact=compact, today=FIXED_TODAY))))
        assert "[slightly smiling face]" in text and "[water wave]" in text
        assert "Mormor [older woman]" in text
        assert "[cjk unified ideograph-4e2d]" in text
        assert "\ufffd" not in text and "?" not in text


# Regression: hypothesis found a plan whose compact PDF ran onto a second page. The line budget
# was spent exactly and the last section had a single line, but the heading's keep-with-next check
# still asked for two body lines, so it broke the page before "Professionals and services".
REGRESSION_TEXT = (
    "\x1eú\U00024e4e 0 0 0 0 ® 0 00 0\u074b 00000000000 00000000000 0000000000000 000000000000000"
)


def test_compact_stays_one_page_when_the_budget_is_spent_exactly() -> None:
    text = REGRESSION_TEXT
    plan = CrisisPlan(
        warning_signs=text,
        self_help=text * 3,
        helpers=[Helper("", text[:40])] * 12,
        professionals=[ServiceContact(text, "", text)],
    )
    pages = pdf_pages(render_pdf(plan, "", "NO", compact=True, today=FIXED_TODAY))
    assert len(pages) == 1
    text_on_page = squash(pages[0])
    assert "Professionals and services to contact" in text_on_page
    assert "Page 1 of 1" in text_on_page


@pytest.mark.parametrize("professionals", [0, 1])
@pytest.mark.parametrize("helpers", range(8, 17))
def test_compact_is_one_page_around_the_line_budget(helpers: int, professionals: int) -> None:
    """Sections whose lines add up to just under, exactly and just over what the page holds."""
    plan = CrisisPlan(
        warning_signs="Short line.\nAnother short line.",
        self_help="\n".join(f"Step {i}: breathe out slowly." for i in range(6)),
        helpers=[Helper(f"Helper {i}", f"900 00 {i:03d}") for i in range(helpers)],
        professionals=[ServiceContact("Crisis team", "22 11 33 44", "Team")] * professionals,
    )
    pages = pdf_pages(render_pdf(plan, NAME, "NO", compact=True, today=FIXED_TODAY))
    assert len(pages) == 1
    last_title = "Professionals and services to contact"
    assert last_title in squash(pages[0])


def test_the_pdf_in_norwegian() -> None:
    from reconnect_tui.i18n import current_language, set_language

    before = current_language()
    set_language("nb")
    try:
        for compact in (False, True):
            text = squash(" ".join(pdf_pages(
                render_pdf(full_plan(), NAME, "NO", compact=compact, today=FIXED_TODAY))))
            assert "Kriseplan for Kari Nordmann-Ødegård" in text
            assert "Ved akutt fare, ring" in text and "Mine varselsignaler" in text
            assert "17.04.2024" in text  # the date as Norwegians write it
            for english in ("Crisis plan", "In an emergency", "My warning signs", "Page "):
                assert english not in text
    finally:
        set_language(before)
