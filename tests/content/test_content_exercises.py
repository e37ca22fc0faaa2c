"""The built-in exercises load, the timers parse, and the checklist has items."""

from __future__ import annotations

import pytest

from reconnect_tui import library
from reconnect_tui.errors import NotFound

REQUIRED = {
    "breathing-space": "mindfulness",
    "box-breathing": "breathing",
    "body-scan": "mindfulness",
    "sleep-checklist": "sleep",
    "strengths-mapping": "strengths",
    "grounding-54321": "coping",
    "coping-card": "coping",
}


def test_every_exercise_has_title_body_and_valid_fields() -> None:
    items = library.exercises()
    assert len(items) >= len(REQUIRED)
    for item in items:
        assert item.title.strip(), item.slug
        assert len(item.body.strip()) > 200, item.slug
        assert item.category in library.CATEGORIES
        assert 1 <= item.minutes <= 60
        assert (item.timer is None) == (item.rounds is None)


def test_required_exercises_exist_in_their_categories() -> None:
    by_slug = {item.slug: item for item in library.exercises()}
    for slug, category in REQUIRED.items():
        assert by_slug[slug].category == category
    coping = [item for item in by_slug.values() if item.category == "coping"]
    assert len(coping) >= 2


def test_exercises_are_grouped_by_category() -> None:
    order = [library.CATEGORIES.index(item.category) for item in library.exercises()]
    assert order == sorted(order)


def test_box_breathing_timer_has_four_phases_of_four_seconds() -> None:
    box = library.exercise("box-breathing")
    assert box.timer is not None
    assert [seconds for _label, seconds in box.timer] == [4, 4, 4, 4]
    assert [label for label, _s in box.timer] == ["Breathe in", "Hold", "Breathe out", "Hold"]
    assert box.rounds == 4
    assert box.total_seconds == 64


def test_slow_breathing_uses_the_list_form() -> None:
    slow = library.exercise("slow-breathing")
    assert slow.timer == (("Breathe in", 4), ("Breathe out", 6))
    assert slow.rounds == 6


def test_exercises_without_timer_have_no_length() -> None:
    assert library.exercise("body-scan").total_seconds is None


def test_breathing_space_has_three_steps() -> None:
    body = library.exercise("breathing-space").body
    assert body.count("## Step ") == 3


def test_sleep_checklist_has_items() -> None:
    items = library.checklist_items(library.exercise("sleep-checklist").body)
    assert len(items) >= 10
    assert all(item and not item.startswith("[") for item in items)
    # A wrapped item is joined into one line.
    assert any(item.endswith("in my head.") and "worries" in item for item in items)


def test_checklist_items_reads_only_task_lines() -> None:
    markdown = (
        "# List\n"
        "- [ ] first\n"
        "  continued here\n"
        "- plain bullet\n"
        "  not part of an item\n"
        "* [x] done one\n"
        "\n"
        "  after a blank line\n"
        "1. numbered\n"
        "-[ ] no space is not an item\n"
        "- [ ]   \n"
    )
    assert library.checklist_items(markdown) == ["first continued here", "done one"]


def test_unknown_exercise_raises_not_found() -> None:
    with pytest.raises(NotFound):
        library.exercise("juggling")
